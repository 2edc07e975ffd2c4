# Source: https://github.com/pytorch/pytorch/issues/1500: state re-created on the CPU is not compensation
import torch
import torch.nn as nn


class RunningMeanCenter(nn.Module):
    def __init__(self, dim, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.dim = dim
        self.running_mean = torch.zeros(dim)  # expect: MPR002

    def reset(self):
        self.running_mean = torch.zeros(self.dim)

    def forward(self, x):
        if self.training:
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * x.mean(0).detach()
        return x - self.running_mean
