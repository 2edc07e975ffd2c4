# Modelled on: https://github.com/lucidrains/rotary-embedding-torch/pull/48
# Rotary cos/sin tables built by a helper method that __init__ calls.
import torch
import torch.nn as nn


class RotaryEmbedding(nn.Module):
    def __init__(self, dim, max_seq_len=2048, base=10000):
        super().__init__()
        self.dim = dim
        self.base = base
        self._build_cache(max_seq_len)

    def _build_cache(self, seq_len):
        inv_freq = 1.0 / (self.base ** (torch.arange(0, self.dim, 2).float() / self.dim))
        t = torch.arange(seq_len).float()
        freqs = torch.einsum("i,j->ij", t, inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        self.cos_cached = emb.cos()[None, None, :, :]  # expect: MPR002
        self.sin_cached = emb.sin()[None, None, :, :]  # expect: MPR002

    def forward(self, x):
        seq_len = x.shape[-2]
        return self.cos_cached[:, :, :seq_len], self.sin_cached[:, :, :seq_len]
