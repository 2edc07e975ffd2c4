# Freezing / re-initialising a sub-module's parameters in __init__.
import torch
import torch.nn as nn


class FrozenBackbone(nn.Module):
    def __init__(self):
        super().__init__()
        self.backbone = nn.Sequential(nn.Conv2d(3, 16, 3), nn.ReLU(), nn.Conv2d(16, 32, 3))
        for p in self.backbone.parameters():
            p.requires_grad = False
        self.head = nn.Linear(32, 10)
        nn.init.zeros_(self.head.bias)
        self.head.weight.requires_grad_(True)

    def forward(self, x):
        return self.head(self.backbone(x).mean((2, 3)))
