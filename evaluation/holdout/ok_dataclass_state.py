# Source: https://github.com/PTB-MR/mrpro/pull/188 (data containers holding tensors next to modules)
from dataclasses import dataclass, field

import torch
import torch.nn as nn


@dataclass
class Batch:
    x: torch.Tensor
    mask: torch.Tensor = field(default_factory=lambda: torch.ones(1, dtype=torch.bool))

    def __post_init__(self):
        self.lengths = self.mask.sum(-1)


class Model(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.fc = nn.Linear(dim, dim)

    def forward(self, batch: Batch):
        return self.fc(batch.x) * batch.mask
