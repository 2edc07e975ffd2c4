# Modelled on a vision block that normalises with a LayerNorm made inside forward: its weights are made on
# the CPU at every call, so the model fails once moved to the GPU (and they are never trained).
import torch
from torch import nn


class PatchMerge(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)

    def forward(self, x):
        b, h, w, c = x.shape
        x = x.reshape(b, h // 2, 2, w // 2, 2, c).permute(0, 1, 3, 2, 4, 5).reshape(b, h // 2, w // 2, 4 * c)
        x = nn.LayerNorm(4 * c)(x)  # expect: MPR009
        return self.reduction(x)
