import torch
import torch.nn as nn


class Tracker(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 1)
        self.history = []
        self.best = float("inf")
        self.steps = 0

    def forward(self, x):
        y = self.fc(x)
        self.history.append(y.mean().item())
        self.steps += 1
        return y
