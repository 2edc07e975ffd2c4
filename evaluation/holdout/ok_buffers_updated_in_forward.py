# Source: https://github.com/pytorch/pytorch/issues/1500 (apaszke: use register_buffer like BatchNorm)
import torch
import torch.nn as nn


class RunningStats(nn.Module):
    def __init__(self, dim, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.register_buffer("running_mean", torch.zeros(dim))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))

    def forward(self, x):
        if self.training:
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * x.mean(0).detach()
            self.num_batches_tracked += 1
        return x - self.running_mean
