# Source: https://github.com/pytorch/pytorch/issues/4412 ("Now I know I can use add_module to solve it")
import torch.nn as nn


class Network(nn.Module):
    def __init__(self, in_channels):
        super().__init__()
        self.convs = [
            nn.Sequential(nn.Conv2d(in_channels, in_channels, 3, padding=1), nn.ReLU()),
            nn.Sequential(nn.Conv2d(in_channels, in_channels, 3, padding=1), nn.ReLU()),
        ]
        for i, conv in enumerate(self.convs):
            self.add_module("conv%d" % i, conv)

    def forward(self, x):
        return self.convs[1](self.convs[0](x))
