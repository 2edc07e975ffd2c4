# Empty placeholder that a later method rebuilds device-aware.
import torch
import torch.nn as nn


class CachedRope(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim
        self.cache = torch.empty(0)

    def _build(self, n, device):
        inv = 1.0 / (10000 ** (torch.arange(0, self.dim, 2, device=device).float() / self.dim))
        self.cache = torch.outer(torch.arange(n, device=device).float(), inv)

    def forward(self, x):
        if self.cache.size(0) < x.size(1) or self.cache.device != x.device:
            self._build(x.size(1), x.device)
        return x * self.cache[: x.size(1)].cos()
