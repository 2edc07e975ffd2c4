# Forum: "optimizer does not update my per-layer scales" -- Parameters in a list.
import torch
import torch.nn as nn


class ScaledEnsemble(nn.Module):
    def __init__(self, n_members, dim):
        super().__init__()
        self.members = nn.ModuleList([nn.Linear(dim, dim) for _ in range(n_members)])
        self.scales = [nn.Parameter(torch.ones(1)) for _ in range(n_members)]  # expect: MPR005

    def forward(self, x):
        return sum(s * m(x) for s, m in zip(self.scales, self.members))
