import torch
import torch.nn as nn


class MultiScaleRBF(nn.Module):
    def __init__(self, centers):
        super().__init__()
        self.centers = torch.as_tensor(centers, dtype=torch.float32)  # expect: MPR002
        self.gammas = torch.logspace(-2, 2, 5)  # expect: MPR002
        self.offsets = torch.zeros_like(self.centers)  # expect: MPR002

    def forward(self, x):
        d = ((x[:, None] - self.centers - self.offsets) ** 2).sum(-1)
        return torch.exp(-self.gammas[None, :, None] * d[:, None]).mean(1)
