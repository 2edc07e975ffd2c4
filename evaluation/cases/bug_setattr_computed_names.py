# Per-scale masks attached with setattr and computed names.
import torch
import torch.nn as nn


class MultiScaleMask(nn.Module):
    def __init__(self, sizes=(8, 16, 32)):
        super().__init__()
        self.sizes = sizes
        for s in sizes:
            setattr(self, f"mask_{s}", torch.ones(s, s).triu(1).bool())  # expect: MPR002

    def forward(self, x, s):
        return x.masked_fill(getattr(self, f"mask_{s}"), 0.0)
