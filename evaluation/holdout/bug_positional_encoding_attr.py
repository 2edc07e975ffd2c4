# Source: https://github.com/pytorch/pytorch/issues/68407 (pattern), https://github.com/antoniorv6/SMT/pull/6
# Sinusoidal table stored as a plain attribute instead of a (non-persistent) buffer.
import math

import torch
from torch import nn


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout=0.1, max_len=5000):
        super().__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0, max_len, dtype=torch.float).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0).transpose(0, 1)
        self.pe = pe  # expect: MPR002

    def forward(self, x):
        x = x + self.pe[: x.size(0), :]
        return self.dropout(x)
