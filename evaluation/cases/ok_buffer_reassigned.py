# Re-assigning a registered buffer name keeps it registered.
import torch
import torch.nn as nn


class Whitening(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.register_buffer("mean", torch.zeros(dim))
        self.register_buffer("proj", torch.eye(dim))
        self.mean = self.mean + 0.0
        self.proj = torch.eye(dim) * 2.0

    def forward(self, x):
        return (x - self.mean) @ self.proj
