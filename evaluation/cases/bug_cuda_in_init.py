# "Works on my GPU box": the mask is created on cuda in __init__, so the model
# cannot be built on a CPU-only machine and model.cpu() leaves the mask behind.
import torch
import torch.nn as nn


class MaskedConv(nn.Module):
    def __init__(self, c, k):
        super().__init__()
        self.conv = nn.Conv2d(c, c, k, padding=k // 2)
        mask = torch.ones_like(self.conv.weight)
        mask[:, :, k // 2, k // 2 + 1:] = 0
        mask[:, :, k // 2 + 1:] = 0
        self.mask = mask.cuda()  # expect: MPR002

    def forward(self, x):
        self.conv.weight.data *= self.mask
        return self.conv(x)
