import torch
import torch.nn as nn


class ValidActions(nn.Module):
    def __init__(self, valid):
        super().__init__()
        self.valid = torch.BoolTensor(valid)  # expect: MPR002
        self.fc = nn.Linear(32, len(valid))

    def forward(self, x):
        return self.fc(x).masked_fill(~self.valid, float("-inf"))
