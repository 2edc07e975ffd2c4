# Source: https://github.com/pytorch/pytorch/issues/2641 ("How to auto convert Module constant between cpu and cuda?")
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class Blur(nn.Module):
    def __init__(self, path=None):
        super().__init__()
        try:
            self.kernel = torch.from_numpy(np.load(path)).float()  # expect: MPR002
        except (OSError, TypeError):
            self.kernel = torch.ones(1, 1, 3, 3) / 9.0  # allow: MPR002

    def forward(self, x):
        return F.conv2d(x, self.kernel, padding=1)
