# Source: https://github.com/Lightning-AI/pytorch-lightning/issues/1978 (tensor created in __init__ of a subclass)
import torch
import torch.nn as nn


class BaseHead(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.dim = dim


class ClsHead(BaseHead):
    def __init__(self, dim, n):
        super().__init__(dim)
        self.fc = nn.Linear(dim, n)


class OrdinalHead(ClsHead):
    def __init__(self, dim, n):
        super().__init__(dim, n)
        self.thresholds = torch.arange(n).float() - n / 2  # expect: MPR002

    def forward(self, x):
        return torch.sigmoid(self.fc(x) - self.thresholds)
