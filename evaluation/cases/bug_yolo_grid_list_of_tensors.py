# Relabelled for issue 9 (findings rest on a consequence): never read after construction in this class; "allow" lines count neither way.
# Modelled on: https://github.com/Bobo-y/flexible-yolov5/issues/111
# grid / anchor_grid kept as Python lists of tensors stay on the CPU.
import torch
import torch.nn as nn


class Detect(nn.Module):
    def __init__(self, nc=80, anchors=(), ch=()):
        super().__init__()
        self.nc = nc
        self.no = nc + 5
        self.nl = len(anchors)
        self.na = len(anchors[0]) // 2
        self.grid = [torch.zeros(1)] * self.nl  # allow: MPR007
        self.anchor_grid = [torch.zeros(1)] * self.nl  # allow: MPR007
        self.m = nn.ModuleList(nn.Conv2d(x, self.no * self.na, 1) for x in ch)

    def forward(self, x):
        return [self.m[i](x[i]) for i in range(self.nl)]
