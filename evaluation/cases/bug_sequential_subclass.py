import torch
from torch import nn


class ScaledSequential(nn.Sequential):
    def __init__(self, *layers, scale=1.0):
        super().__init__(*layers)
        self.scale = torch.full((1,), scale)  # expect: MPR002

    def forward(self, x):
        return super().forward(x) * self.scale
