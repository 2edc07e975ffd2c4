# FCOS-style location offsets.
import torch
import torch.nn as nn


class Locations(nn.Module):
    def __init__(self, h, w, stride):
        super().__init__()
        shifts_x = torch.arange(0, w * stride, step=stride, dtype=torch.float32)
        shifts_y = torch.arange(0, h * stride, step=stride, dtype=torch.float32)
        sy, sx = torch.meshgrid(shifts_y, shifts_x, indexing="ij")
        self.locations = torch.stack((sx.reshape(-1), sy.reshape(-1)), dim=1) + stride // 2  # expect: MPR002

    def forward(self, reg):
        return self.locations[None] + reg
