# Source: https://github.com/luigibonati/mlcolvar/pull/185 (pattern): per-feature constants created on the cpu
import torch
import torch.nn as nn


class RMSNormNoAffine(nn.Module):
    def __init__(self, dim, eps=1e-6, per_channel=False):
        super().__init__()
        self.eps = torch.full((dim,), eps) if per_channel else torch.ones(dim) * eps  # expect: MPR002

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)
