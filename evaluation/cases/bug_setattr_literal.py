import torch
import torch.nn as nn


class Scaler(nn.Module):
    def __init__(self, n):
        super().__init__()
        setattr(self, "offset", torch.zeros(n))  # expect: MPR002

    def forward(self, x):
        return x - self.offset
