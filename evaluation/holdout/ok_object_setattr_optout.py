# Source: https://github.com/pytorch/pytorch/issues/2864 (deliberately bypassing Module.__setattr__)
import torch
import torch.nn as nn


class Probe(nn.Module):
    def __init__(self, n):
        super().__init__()
        object.__setattr__(self, "lookup", torch.arange(n))
        self.fc = nn.Linear(n, n)

    def forward(self, x):
        return self.fc(x)[..., self.lookup.to(x.device)]
