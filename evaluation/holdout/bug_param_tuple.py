# Source: https://github.com/pytorch/pytorch/issues/10817 (pattern): Parameters hidden in a tuple
import torch
import torch.nn as nn


class Bilinear(nn.Module):
    def __init__(self, n, m):
        super().__init__()
        self.factors = (nn.Parameter(torch.randn(n, 8)), nn.Parameter(torch.randn(8, m)))  # expect: MPR005

    def forward(self, x):
        a, b = self.factors
        return x @ a @ b
