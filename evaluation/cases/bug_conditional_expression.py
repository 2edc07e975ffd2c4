import torch
import torch.nn as nn


class LabelSmoother(nn.Module):
    def __init__(self, num_classes, smoothing=0.1, uniform=True):
        super().__init__()
        self.smoothing = smoothing
        self.prior = torch.full((num_classes,), 1.0 / num_classes) if uniform else torch.zeros(num_classes)  # expect: MPR002

    def forward(self, target_onehot):
        return (1 - self.smoothing) * target_onehot + self.smoothing * self.prior
