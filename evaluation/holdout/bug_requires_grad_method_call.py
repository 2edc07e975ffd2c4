# Source: https://github.com/pytorch/examples/issues/277 (customised layers: "new_model.parameters() does not have any items")
import torch
import torch.nn as nn
import torch.nn.functional as F


class DecompLinear(nn.Module):
    def __init__(self, in_features, rank, out_features):
        super().__init__()
        self.U = torch.randn(out_features, rank).requires_grad_()  # expect: MPR001
        self.V = torch.randn(rank, in_features).requires_grad_(True)  # expect: MPR001

    def forward(self, x):
        return F.linear(x, self.U @ self.V)
