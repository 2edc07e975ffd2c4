"""A small GPT-style model with the registration bugs people hit in practice.

Run ``flake8 --select MPR examples/`` to see them; ``flake8-nnparam --diff examples/`` shows the fixes.
"""
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class SinusoidalPositions(nn.Module):
    def __init__(self, d_model=32, max_len=64):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1).float()
        div_term = torch.exp(torch.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, d_model)
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        self.pe = pe  # left on the CPU by model.cuda()

    def forward(self, x):
        return x + self.pe[: x.size(1)]


class CausalAttention(nn.Module):
    def __init__(self, d_model=32, n_heads=4, max_len=64):
        super().__init__()
        self.n_heads = n_heads
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.out = nn.Linear(d_model, d_model)
        self.mask = torch.tril(torch.ones(max_len, max_len)).bool()  # not in state_dict, not moved
        self.temperature = torch.ones(1, requires_grad=True)  # never reaches the optimizer

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        att = (q @ k.transpose(-2, -1)) / (math.sqrt(c) * self.temperature)
        att = att.masked_fill(~self.mask[:t, :t], float("-inf"))
        return self.out(F.softmax(att, dim=-1) @ v)


class Block(nn.Module):
    def __init__(self, d_model=32):
        super().__init__()
        self.attn = CausalAttention(d_model)
        self.mlp = nn.Sequential(nn.Linear(d_model, 4 * d_model), nn.GELU(), nn.Linear(4 * d_model, d_model))
        self.norms = [nn.LayerNorm(d_model), nn.LayerNorm(d_model)]  # invisible to .parameters()

    def forward(self, x):
        x = x + self.attn(self.norms[0](x))
        return x + self.mlp(self.norms[1](x))


class TinyGPT(nn.Module):
    def __init__(self, vocab=100, d_model=32, n_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab, d_model)
        self.positions = SinusoidalPositions(d_model)
        self.blocks = []  # filled below; model.eval() never reaches their Dropouts
        for _ in range(n_layers):
            self.blocks.append(Block(d_model))
        self.head = nn.Linear(d_model, vocab, bias=False)
        self.head.weight = self.embed.weight  # weight tying: fine

    def forward(self, idx):
        x = self.positions(self.embed(idx))
        for block in self.blocks:
            x = block(x)
        self.last_hidden = x.detach()  # a cache set in forward: fine
        return self.head(x)
