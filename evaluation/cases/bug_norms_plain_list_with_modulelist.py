# Convs registered but the BatchNorms are in a plain list: their running stats
# are neither saved nor switched by model.eval().
import torch.nn as nn


class ConvStack(nn.Module):
    def __init__(self, chs=(3, 32, 64, 128)):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(a, b, 3, padding=1) for a, b in zip(chs[:-1], chs[1:]))
        self.norms = [nn.BatchNorm2d(c) for c in chs[1:]]  # expect: MPR003

    def forward(self, x):
        for conv, bn in zip(self.convs, self.norms):
            x = bn(conv(x)).relu()
        return x
