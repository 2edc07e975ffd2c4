# Helper method builds the table and registers it.
import torch
import torch.nn as nn


class Rotary(nn.Module):
    def __init__(self, dim, max_len=2048):
        super().__init__()
        self.dim = dim
        self._set_cache(max_len)

    def _set_cache(self, n):
        inv = 1.0 / (10000 ** (torch.arange(0, self.dim, 2).float() / self.dim))
        freqs = torch.outer(torch.arange(n).float(), inv)
        emb = torch.cat([freqs, freqs], -1)
        self.register_buffer("cos_cached", emb.cos(), persistent=False)
        self.register_buffer("sin_cached", emb.sin(), persistent=False)

    def forward(self, x):
        n = x.size(-2)
        return self.cos_cached[:n], self.sin_cached[:n]
