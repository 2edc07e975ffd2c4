# Source: https://github.com/metatensor/metatensor/issues/1027 (torch.nn.Buffer)
import torch
from torch import nn


class EMA(nn.Module):
    def __init__(self, dim, decay=0.99):
        super().__init__()
        self.decay = decay
        self.shadow = nn.Buffer(torch.zeros(dim))
        self.steps = nn.Buffer(torch.zeros((), dtype=torch.long), persistent=False)

    def forward(self, x):
        self.shadow.mul_(self.decay).add_(x.mean(0).detach(), alpha=1 - self.decay)
        self.steps += 1
        return self.shadow
