# L2-SP / EWC style regulariser: a frozen copy of the starting weights kept as
# a plain tensor; on GPU the penalty mixes devices, and it is lost on save.
import torch
import torch.nn as nn


class L2SPHead(nn.Module):
    def __init__(self, pretrained: nn.Linear):
        super().__init__()
        self.fc = pretrained
        self.w0 = self.fc.weight.detach().clone()  # expect: MPR002

    def penalty(self):
        return ((self.fc.weight - self.w0) ** 2).sum()

    def forward(self, x):
        return self.fc(x)
