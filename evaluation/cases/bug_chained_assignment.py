import torch
import torch.nn as nn


class EMA(nn.Module):
    def __init__(self, dim, decay=0.99):
        super().__init__()
        self.decay = decay
        self.shadow = self.initial = torch.zeros(dim)  # expect: MPR002

    def forward(self, x):
        self.shadow = self.decay * self.shadow + (1 - self.decay) * x.mean(0)
        return x - self.shadow
