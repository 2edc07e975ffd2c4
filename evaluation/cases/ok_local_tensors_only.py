import torch
import torch.nn as nn
import torch.nn.functional as F


class SmoothL1WithMask(nn.Module):
    def __init__(self, beta=1.0):
        super().__init__()
        self.beta = beta

    def forward(self, pred, target):
        mask = torch.isfinite(target)
        weights = torch.ones_like(pred)
        return (F.smooth_l1_loss(pred[mask], target[mask], beta=self.beta, reduction="none") * weights[mask]).mean()
