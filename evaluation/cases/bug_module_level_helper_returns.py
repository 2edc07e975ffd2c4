# Forum-style: a module-level function builds a fixed Gaussian kernel that is
# stored on self; conv2d later fails with a device mismatch on GPU.
import math

import torch
import torch.nn as nn
import torch.nn.functional as F


def gaussian_kernel(size, sigma):
    coords = torch.arange(size).float() - size // 2
    g = torch.exp(-(coords ** 2) / (2 * sigma ** 2))
    g = g / g.sum()
    return torch.outer(g, g).view(1, 1, size, size)


class GaussianBlur(nn.Module):
    def __init__(self, size=5, sigma=1.0):
        super().__init__()
        self.padding = size // 2
        self.kernel = gaussian_kernel(size, sigma)  # expect: MPR002

    def forward(self, x):
        return F.conv2d(x, self.kernel, padding=self.padding)
