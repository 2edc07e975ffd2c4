# Forum: per-layer gates built as plain tensors with requires_grad=True in a list.
import torch
import torch.nn as nn


class GatedStack(nn.Module):
    def __init__(self, dim, depth):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(dim, dim) for _ in range(depth))
        self.gates = [torch.zeros(1, requires_grad=True) for _ in range(depth)]  # expect: MPR007|MPR005

    def forward(self, x):
        for g, layer in zip(self.gates, self.layers):
            x = x + torch.sigmoid(g) * layer(x)
        return x
