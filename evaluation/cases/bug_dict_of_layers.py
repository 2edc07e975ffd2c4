# Modelled on: https://github.com/pytorch/pytorch/issues/33236 (plain dict of blocks)
import torch.nn as nn


class DarknetLayer(nn.Module):
    def __init__(self, cin, cout, k, s, p):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, p)
        self.bnorm = nn.BatchNorm2d(cout, eps=1e-3)
        self.leaky = nn.LeakyReLU(0.1)

    def forward(self, x):
        return self.leaky(self.bnorm(self.conv(x)))


class DarknetBlock(nn.Module):
    def __init__(self, layers, skip=True):
        super().__init__()
        self.skip = skip
        self.block = {}  # expect: MPR004
        for cfg in layers:
            self.block[cfg["id"]] = DarknetLayer(cfg["in"], cfg["out"], cfg["k"], cfg["s"], cfg["p"])

    def forward(self, x):
        for layer in self.block.values():
            x = layer(x)
        return x
