# Attention weights stored in forward for visualisation: a deliberate cache.
import torch
import torch.nn as nn


class Attention(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.qkv = nn.Linear(dim, 3 * dim)
        self.attn_map = None

    def forward(self, x):
        q, k, v = self.qkv(x).chunk(3, -1)
        attn = torch.softmax(q @ k.transpose(-1, -2) / q.size(-1) ** 0.5, -1)
        self.attn_map = attn.detach()
        self.last_scores = torch.zeros_like(attn)
        return attn @ v
