# Sparse connectivity returned by a method: self.indices = self._init_connections()
import torch
import torch.nn as nn


class SparseConnect(nn.Module):
    def __init__(self, in_dim, out_dim, fan_in):
        super().__init__()
        self.in_dim, self.out_dim, self.fan_in = in_dim, out_dim, fan_in
        self.indices = self._init_connections()  # expect: MPR002
        self.weight = nn.Parameter(torch.randn(out_dim, fan_in) * 0.1)

    def _init_connections(self):
        idx = [torch.randperm(self.in_dim)[: self.fan_in] for _ in range(self.out_dim)]
        return torch.stack(idx)

    def forward(self, x):
        return (x[:, self.indices] * self.weight).sum(-1)
