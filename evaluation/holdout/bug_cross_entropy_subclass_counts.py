# Source: https://github.com/sacdallago/biotrainer/issues/67
# "Class weights need to be sent to the device": a loss subclass keeps extra per-class state.
import torch
from torch import nn


class BalancedCrossEntropy(nn.CrossEntropyLoss):
    def __init__(self, class_counts, beta=0.999):
        super().__init__()
        self.counts = torch.tensor(class_counts, dtype=torch.float32)  # expect: MPR002
        self.beta = beta

    def forward(self, input, target):
        effective = 1.0 - torch.pow(self.beta, self.counts)
        w = (1.0 - self.beta) / effective
        return nn.functional.cross_entropy(input, target, weight=w / w.sum())
