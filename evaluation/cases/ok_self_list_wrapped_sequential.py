# A plain list on self whose elements are all registered through nn.Sequential.
import torch.nn as nn


class Encoder(nn.Module):
    def __init__(self, dims):
        super().__init__()
        self.stages = [nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:])]
        self.net = nn.Sequential(*self.stages)

    def forward(self, x):
        return self.net(x)
