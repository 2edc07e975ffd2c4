# Source: https://github.com/Lightning-AI/torchmetrics/issues/392 (forward caches); tensors set only in forward
import torch
import torch.nn as nn


class FeatureRecorder(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, dim)
        self.last_input = None
        self.last_output = None

    def forward(self, x):
        self.last_input = x.detach()
        y = self.fc(x)
        self.last_output = torch.zeros_like(y).copy_(y.detach())
        return y
