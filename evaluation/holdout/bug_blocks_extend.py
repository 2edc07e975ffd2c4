# Source: https://github.com/pytorch/pytorch/issues/715 (pattern with extend)
import torch.nn as nn


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.ff = nn.Sequential(nn.LayerNorm(d), nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        return x + self.ff(x)


class Tower(nn.Module):
    def __init__(self, d, depth):
        super().__init__()
        self.blocks = []  # expect: MPR003
        self.blocks.extend([Block(d) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return self.norm(x)
