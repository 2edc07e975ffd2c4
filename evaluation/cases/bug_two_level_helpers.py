# Tables built two method calls deep from __init__.
import math

import torch
import torch.nn as nn


class TimestepEmbedding(nn.Module):
    def __init__(self, dim, max_period=10000):
        super().__init__()
        self.dim = dim
        self.max_period = max_period
        self.setup()
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.SiLU(), nn.Linear(4 * dim, dim))

    def setup(self):
        self._make_freqs()

    def _make_freqs(self):
        half = self.dim // 2
        self.freqs = torch.exp(-math.log(self.max_period) * torch.arange(half, dtype=torch.float32) / half)  # expect: MPR002

    def forward(self, t):
        args = t[:, None].float() * self.freqs[None]
        return self.mlp(torch.cat([torch.cos(args), torch.sin(args)], dim=-1))
