# Source: https://github.com/pytorch/pytorch/pull/60549 (buffers registered as None)
import torch
import torch.nn as nn


class RunningNorm(nn.Module):
    def __init__(self, dim, track=True):
        super().__init__()
        self.register_buffer("running_mean", None)
        self.register_buffer("running_var", None)
        if track:
            self.running_mean = torch.zeros(dim)
            self.running_var = torch.ones(dim)

    def forward(self, x):
        if self.running_mean is None:
            return x
        return (x - self.running_mean) / (self.running_var + 1e-5).sqrt()
