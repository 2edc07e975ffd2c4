# torch >= 2.5: nn.Buffer registers on assignment.
import torch
from torch import nn


class Mask(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.mask = nn.Buffer(torch.tril(torch.ones(n, n)).bool())
        self.scale = nn.Buffer(torch.ones(n), persistent=False)

    def forward(self, x):
        return x.masked_fill(~self.mask, 0.0) * self.scale
