# Source: https://github.com/luigibonati/mlcolvar/pull/185
# Statistics module: self.mean initialised with torch.zeros(nfeatures) on the CPU; input on cuda fails.
import torch
from torch import Tensor, nn


class Statistics(nn.Module):
    def __init__(self, nfeatures: int):
        super().__init__()
        self.n: int = 0
        self.mean: Tensor = torch.zeros(nfeatures)  # expect: MPR002
        self.m2: Tensor = torch.zeros(nfeatures)  # expect: MPR002

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / (self.m2 / max(self.n - 1, 1)).sqrt().clamp_min(1e-6)
