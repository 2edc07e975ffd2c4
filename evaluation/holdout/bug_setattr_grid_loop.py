# Relabelled for issue 9 (findings rest on a consequence): its value at use is 0-dim (.sum()), which mixes with any device; "allow" lines count neither way.
# Source: https://github.com/lyuwenyu/RT-DETR/issues/677 (setattr of computed tensors); here nothing ever moves them
import torch
import torch.nn as nn


class YoloHead(nn.Module):
    def __init__(self, strides, sizes, ch=256, na=3, no=85):
        super().__init__()
        self.strides = strides
        self.m = nn.ModuleList(nn.Conv2d(ch, na * no, 1) for _ in strides)
        for i, s in enumerate(sizes):
            yv, xv = torch.meshgrid(torch.arange(s), torch.arange(s), indexing="ij")
            setattr(self, f"grid_{i}", torch.stack((xv, yv), 2).view(1, 1, s, s, 2).float())  # allow: MPR002

    def forward(self, xs):
        return [m(x) + getattr(self, f"grid_{i}").sum() for i, (m, x) in enumerate(zip(self.m, xs))]
