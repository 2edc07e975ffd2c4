# Source: https://github.com/pytorch/pytorch/issues/715 (apaszke: "build a list of modules, and wrap them in nn.ModuleList")
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, sizes, dropout=0.1):
        super().__init__()
        self.layers = []
        for a, b in zip(sizes[:-1], sizes[1:]):
            self.layers.append(nn.Linear(a, b))
            self.layers.append(nn.Dropout(dropout))
        self.layers = nn.ModuleList(self.layers)
        heads = [nn.Linear(sizes[-1], 1) for _ in range(3)]
        self.heads = nn.ModuleList(heads)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return [h(x) for h in self.heads]
