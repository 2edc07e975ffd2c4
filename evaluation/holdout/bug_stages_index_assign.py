# Source: https://github.com/pytorch/pytorch/issues/4412 (pattern: layers assigned into a pre-sized list)
import torch.nn as nn


class FPN(nn.Module):
    def __init__(self, in_channels, out_ch):
        super().__init__()
        self.lateral = [None] * len(in_channels)  # expect: MPR003
        for k, c in enumerate(in_channels):
            self.lateral[k] = nn.Conv2d(c, out_ch, 1)

    def forward(self, feats):
        return [l(f) for l, f in zip(self.lateral, feats)]
