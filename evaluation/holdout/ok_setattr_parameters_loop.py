# Source: https://github.com/pytorch/pytorch/issues/632 (the fix: Parameters assigned one by one are registered)
import torch
import torch.nn as nn


class PerRelation(nn.Module):
    def __init__(self, n_rel, dim):
        super().__init__()
        self.n_rel = n_rel
        for r in range(n_rel):
            setattr(self, f"w_{r}", nn.Parameter(torch.randn(dim, dim) * 0.01))
            setattr(self, f"proj_{r}", nn.Linear(dim, dim))

    def forward(self, x, r):
        return getattr(self, f"proj_{r}")(x @ getattr(self, f"w_{r}"))
