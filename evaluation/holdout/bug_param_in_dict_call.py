# Source: https://github.com/pytorch/pytorch/issues/10817
# "Parameters in dict not registered": named_parameters() only shows `p`.
import torch
import torch.nn as nn


class model(nn.Module):
    def __init__(self):
        super().__init__()
        self.d = dict()  # expect: MPR006
        self.d["d"] = nn.Parameter(torch.Tensor(3, 3))
        self.p = nn.Parameter(torch.Tensor(3, 3))

    def forward(self, x):
        return x @ self.d["d"] @ self.p
