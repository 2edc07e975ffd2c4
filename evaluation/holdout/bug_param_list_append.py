# Source: https://github.com/pytorch/pytorch/issues/632 (pattern with a list): per-layer learnable scales
import torch
import torch.nn as nn


class LayerScaleStack(nn.Module):
    def __init__(self, d, depth):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(d, d) for _ in range(depth))
        self.scales = []  # expect: MPR005
        for _ in range(depth):
            self.scales.append(nn.Parameter(1e-4 * torch.ones(d)))

    def forward(self, x):
        for layer, s in zip(self.layers, self.scales):
            x = x + s * layer(x)
        return x
