# Source: https://github.com/pytorch/pytorch/issues/4412 ("How to use net.cuda() when Network class has list or dict which contains nn layers?")
import torch.nn as nn


class MultiTask(nn.Module):
    def __init__(self, d, tasks):
        super().__init__()
        self.trunk = nn.Sequential(nn.Linear(d, d), nn.ReLU())
        self.heads = {name: nn.Linear(d, k) for name, k in tasks.items()}  # expect: MPR004

    def forward(self, x, task):
        return self.heads[task](self.trunk(x))
