# Relabelled for issue 9 (findings rest on a consequence): seeded draw used only as an index; "allow" lines count neither way.
# Fixed random channel shuffle permutation (integer tensor -> buffer).
import torch
import torch.nn as nn


class FixedShuffle(nn.Module):
    def __init__(self, channels, seed=0):
        super().__init__()
        g = torch.Generator().manual_seed(seed)
        self.perm = torch.randperm(channels, generator=g)  # allow: MPR002
        self.inv_perm = torch.argsort(self.perm)  # allow: MPR002

    def forward(self, x, reverse=False):
        return x[:, self.inv_perm] if reverse else x[:, self.perm]
