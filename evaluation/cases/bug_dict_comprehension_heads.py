# Multi-task model with one head per task in a dict comprehension.
import torch
import torch.nn as nn


class MultiTaskModel(nn.Module):
    def __init__(self, backbone_dim, tasks):
        super().__init__()
        self.backbone = nn.Sequential(nn.Linear(128, backbone_dim), nn.ReLU())
        self.heads = {name: nn.Linear(backbone_dim, n_out) for name, n_out in tasks.items()}  # expect: MPR004

    def forward(self, x):
        h = self.backbone(x)
        return {name: head(h) for name, head in self.heads.items()}
