import torch
import torch.nn as nn


class TokenMixer(nn.Module):
    def __init__(self, n_tokens, dim):
        super().__init__()
        self.mix = nn.init.trunc_normal_(torch.empty(n_tokens, n_tokens), std=0.02)  # expect: MPR001
        self.norm = nn.LayerNorm(dim)

    def forward(self, x):
        return x + self.mix @ self.norm(x)
