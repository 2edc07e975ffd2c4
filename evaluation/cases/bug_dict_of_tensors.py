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
