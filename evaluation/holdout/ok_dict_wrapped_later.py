# Source: https://github.com/ray-project/ray/issues/22659 (after the fix: dicts wrapped in ModuleDict / ParameterDict)
import torch
import torch.nn as nn


class MultiEncoder(nn.Module):
    def __init__(self, spaces, hidden):
        super().__init__()
        encoders = {}
        for name, size in spaces.items():
            encoders[name] = nn.Sequential(nn.Linear(size, hidden), nn.ReLU())
        self.encoders = nn.ModuleDict(encoders)
        gains = {}
        for name in spaces:
            gains[name] = nn.Parameter(torch.ones(hidden))
        self.gains = nn.ParameterDict(gains)

    def forward(self, inputs):
        return torch.cat([self.encoders[k](v) * self.gains[k] for k, v in inputs.items()], -1)
