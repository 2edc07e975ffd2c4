# Subclass of the private _Loss base.
import torch
from torch.nn.modules.loss import _Loss


class DistanceWeightedLoss(_Loss):
    def __init__(self, n_bins, reduction="mean"):
        super().__init__(reduction=reduction)
        self.bin_weights = torch.linspace(1.0, 2.0, n_bins)  # expect: MPR002

    def forward(self, pred, target):
        err = (pred - target).abs()
        bins = target.long().clamp(0, len(self.bin_weights) - 1)
        return (err * self.bin_weights[bins]).mean()


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"DistanceWeightedLoss": dict(n_bins=4)}
EXAMPLE_INPUTS = {"DistanceWeightedLoss": lambda: (torch.rand(5) * 3, torch.rand(5) * 3)}
