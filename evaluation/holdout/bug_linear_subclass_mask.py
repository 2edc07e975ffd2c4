# Source: https://github.com/pytorch/pytorch/issues/43815 (pattern): pruning mask on an nn.Linear subclass
import torch
import torch.nn as nn
import torch.nn.functional as F


class MaskedLinear(nn.Linear):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__(in_features, out_features, bias)
        self.mask = torch.ones_like(self.weight)  # expect: MPR002

    def prune(self, threshold):
        self.mask.mul_((self.weight.abs() > threshold).float())

    def forward(self, x):
        return F.linear(x, self.weight * self.mask, self.bias)
