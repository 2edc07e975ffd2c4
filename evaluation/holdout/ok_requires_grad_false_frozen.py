# Source: https://github.com/pytorch/pytorch/issues/11476 (frozen values marked with requires_grad_(False))
import torch
import torch.nn as nn


class RandomFourier(nn.Module):
    def __init__(self, d, k, learnable=False):
        super().__init__()
        if learnable:
            self.B = nn.Parameter(torch.randn(d, k))
        else:
            self.B = nn.Parameter(torch.randn(d, k)).requires_grad_(False)

    def forward(self, x):
        z = x @ self.B
        return torch.cat([z.sin(), z.cos()], -1)
