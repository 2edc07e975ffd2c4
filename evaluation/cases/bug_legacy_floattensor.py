# Old (0.3-era) forum code with the legacy constructor API.
import torch
import torch.nn as nn


class Highway(nn.Module):
    def __init__(self, size):
        super(Highway, self).__init__()
        self.proj = nn.Linear(size, size)
        self.transform = nn.Linear(size, size)
        self.gate_bias = torch.FloatTensor(size).fill_(-1.0)  # expect: MPR001|MPR002

    def forward(self, x):
        g = torch.sigmoid(self.transform(x) + self.gate_bias)
        return g * torch.relu(self.proj(x)) + (1 - g) * x
