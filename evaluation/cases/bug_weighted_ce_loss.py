# Modelled on: https://github.com/pytorch/pytorch/issues/3879
# Custom loss wrapper that keeps class weights as a FloatTensor attribute.
import torch
import torch.nn as nn
import torch.nn.functional as F


class WeightedCrossEntropy(nn.Module):
    def __init__(self, class_counts):
        super().__init__()
        total = sum(class_counts)
        self.class_weights = torch.FloatTensor([total / c for c in class_counts])  # expect: MPR002

    def forward(self, logits, target):
        return F.cross_entropy(logits, target, weight=self.class_weights)
