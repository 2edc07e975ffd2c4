# Parameter-free layers still need registration: model.eval() never reaches
# a Dropout kept in a plain list, so inference stays stochastic.
import torch
import torch.nn as nn


class MCDropoutNet(nn.Module):
    def __init__(self, p=0.5, depth=3):
        super().__init__()
        self.fc = nn.Linear(16, 16)
        self.drops = [nn.Dropout(p) for _ in range(depth)]  # expect: MPR003

    def forward(self, x):
        for d in self.drops:
            x = d(self.fc(x))
        return x


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INPUTS = {"MCDropoutNet": lambda: (torch.randn(2, 16),)}
