# Modelled on a partial-convolution layer whose mask kernel is made by a helper class's __init__ that the
# Module calls by name with self (the helper is no Module and no base).
import torch
import torch.nn.functional as F
from torch import nn


class _PartialConvNd:
    def __init__(self):
        self.mask_one = torch.ones_like(self.weight)  # expect: MPR002


class PartialConv2d(nn.Conv2d):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _PartialConvNd.__init__(self)

    def forward(self, x, mask):
        with torch.no_grad():
            coverage = F.conv2d(mask, self.mask_one, stride=self.stride, padding=self.padding)
        return self._conv_forward(x * mask, self.weight, self.bias) / coverage.clamp(min=1)
