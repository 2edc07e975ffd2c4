# Source: https://github.com/pytorch/pytorch/issues/4761 (references to modules that are already registered)
import torch.nn as nn


class Backbone(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.layers = nn.ModuleList(nn.Linear(d, d) for _ in range(n))
        self.frozen = [self.layers[0], self.layers[1]]
        self.hooks = []

    def freeze(self):
        for m in self.frozen:
            for p in m.parameters():
                p.requires_grad_(False)

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        return x
