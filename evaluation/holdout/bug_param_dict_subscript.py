# Source: https://github.com/pytorch/pytorch/issues/10817 (pattern): per-task temperatures in a dict
import torch
import torch.nn as nn


class TaskTemperature(nn.Module):
    def __init__(self, tasks):
        super().__init__()
        self.temps = {}  # expect: MPR006
        for name in tasks:
            self.temps[name] = nn.Parameter(torch.tensor(1.0))

    def forward(self, logits, task):
        return logits / self.temps[task]
