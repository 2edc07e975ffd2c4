# Source: https://github.com/Fraunhofer-IIS/prosper_nn/issues/13 (pattern); weight initialised with nn.init but never wrapped
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class MyLinear(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weight = torch.empty(out_features, in_features)  # expect: MPR001
        self.bias = nn.Parameter(torch.zeros(out_features))
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)
