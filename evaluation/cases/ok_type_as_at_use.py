# Compensated at use: type_as moves the table to the input's device and dtype.
import torch
import torch.nn as nn


class LearnedSinusoid(nn.Module):
    def __init__(self, dim, max_len=512):
        super().__init__()
        pos = torch.arange(max_len).float()[:, None]
        self.table = torch.sin(pos / 10000 ** (torch.arange(dim).float() / dim))

    def forward(self, x):
        return x + self.table[: x.size(1)].type_as(x)
