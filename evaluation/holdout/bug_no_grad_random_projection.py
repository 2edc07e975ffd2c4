# Source: https://github.com/kolyakr/d2l (FixedHiddenMLP: self.rand_weight = torch.rand((20, 20)))
import math

import torch
import torch.nn as nn


class RandomFeatures(nn.Module):
    def __init__(self, d, k):
        super().__init__()
        with torch.no_grad():
            self.proj = torch.randn(d, k) / math.sqrt(k)  # expect: MPR001|MPR002
        self.out = nn.Linear(k, 1)

    def forward(self, x):
        return self.out(torch.cos(x @ self.proj))
