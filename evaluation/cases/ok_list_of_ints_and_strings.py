import torch.nn as nn


class FPN(nn.Module):
    def __init__(self, in_channels_list=(256, 512, 1024), out_channels=256):
        super().__init__()
        self.in_channels_list = list(in_channels_list)
        self.names = ["p3", "p4", "p5"]
        self.strides = [8, 16, 32]
        self.lateral = nn.ModuleList(nn.Conv2d(c, out_channels, 1) for c in in_channels_list)

    def forward(self, feats):
        return {n: l(f) for n, l, f in zip(self.names, self.lateral, feats)}
