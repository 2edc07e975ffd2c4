# Per-dataset normalisation statistics in a dict of tensors.
import torch
import torch.nn as nn


class MultiDomainNorm(nn.Module):
    def __init__(self, stats):
        super().__init__()
        self.stats = {name: torch.tensor(v) for name, v in stats.items()}  # expect: MPR007

    def forward(self, x, domain):
        mean, std = self.stats[domain]
        return (x - mean) / std


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"MultiDomainNorm": dict(stats={"rgb": ([0.5, 0.5, 0.5], [0.2, 0.2, 0.2])})}
EXAMPLE_INPUTS = {"MultiDomainNorm": lambda: (torch.randn(2, 3), "rgb")}
