# cos/sin tables bound with tuple unpacking.
import torch
import torch.nn as nn


class Sinusoidal(nn.Module):
    def __init__(self, dim, max_len=1024):
        super().__init__()
        pos = torch.arange(max_len).float()[:, None]
        freq = torch.exp(-torch.arange(0, dim, 2).float() * (9.21 / dim))
        self.cos, self.sin = torch.cos(pos * freq), torch.sin(pos * freq)  # expect: MPR002

    def forward(self, x):
        n = x.size(1)
        return x * self.cos[:n] + x * self.sin[:n]
