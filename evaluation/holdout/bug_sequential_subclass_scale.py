# Source: https://github.com/woven-by-toyota/l5kit/issues/305 (pattern in an nn.Sequential subclass)
import torch
from torch import nn


class Preprocess(nn.Sequential):
    def __init__(self, channels):
        super().__init__(nn.Conv2d(3, channels, 1), nn.ReLU())
        self.scale = torch.tensor([0.5, 0.5, 0.5]).view(1, 3, 1, 1)  # expect: MPR002

    def forward(self, x):
        return super().forward(x * self.scale)
