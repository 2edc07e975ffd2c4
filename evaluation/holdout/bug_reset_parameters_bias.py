# Source: https://github.com/pytorch/pytorch/issues/11742 (reset_parameters pattern); bias re-created as a plain tensor
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class NoisyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.in_features = in_features
        self.out_features = out_features
        self.weight = nn.Parameter(torch.Tensor(out_features, in_features))
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.weight.size(1))
        self.weight.data.uniform_(-stdv, stdv)
        self.bias = torch.zeros(self.out_features)  # expect: MPR001|MPR002

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)
