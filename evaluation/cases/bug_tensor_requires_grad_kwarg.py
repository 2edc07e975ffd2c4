import torch
import torch.nn as nn


class LearnableFourierFeatures(nn.Module):
    def __init__(self, in_dim, n_feats, sigma=10.0):
        super().__init__()
        self.B = torch.tensor(torch.randn(in_dim, n_feats).numpy() * sigma, requires_grad=True)  # expect: MPR001

    def forward(self, x):
        proj = 2 * torch.pi * x @ self.B
        return torch.cat([proj.sin(), proj.cos()], -1)
