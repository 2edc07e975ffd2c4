import torch
import torch.nn as nn


class Quantizer(nn.Module):
    def __init__(self, levels):
        super().__init__()
        lo = hi = torch.linspace(-1, 1, levels)
        self.levels = lo  # expect: MPR002
        self.bounds = (hi[1:] + hi[:-1]) / 2  # expect: MPR002

    def forward(self, x):
        idx = torch.bucketize(x, self.bounds)
        return self.levels[idx]


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"Quantizer": dict(levels=5)}
EXAMPLE_INPUTS = {"Quantizer": lambda: (torch.randn(2, 3),)}
