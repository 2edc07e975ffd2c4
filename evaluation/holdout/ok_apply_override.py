# Source: https://github.com/pytorch/pytorch/issues/43815 (classes that manage their own device moves)
import torch
import torch.nn as nn


class Codebook(nn.Module):
    def __init__(self, n, dim):
        super().__init__()
        self.embed = torch.randn(n, dim)
        self.cluster_size = torch.zeros(n)

    def _apply(self, fn, recurse=True):
        super()._apply(fn, recurse)
        self.embed = fn(self.embed)
        self.cluster_size = fn(self.cluster_size)
        return self

    def forward(self, x):
        d = torch.cdist(x, self.embed)
        return self.embed[d.argmin(-1)]
