# Source: https://github.com/pytorch/pytorch/issues/2641 ("ERelu.cuda is not called because .cuda() just recurses")
import torch
import torch.nn as nn


class LookupActivation(nn.Module):
    def __init__(self, n=256):
        super().__init__()
        self.table = torch.linspace(-4, 4, n).tanh()

    def cuda(self, device=None):
        self.table = self.table.cuda(device)
        return super().cuda(device)

    def to(self, *args, **kwargs):
        self.table = self.table.to(*args, **kwargs)
        return super().to(*args, **kwargs)

    def forward(self, x):
        idx = ((x.clamp(-4, 4) + 4) / 8 * (self.table.numel() - 1)).long()
        return self.table[idx]
