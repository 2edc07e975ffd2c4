from dataclasses import dataclass, field

import torch


@dataclass
class AugmentConfig:
    mean: torch.Tensor = field(default_factory=lambda: torch.tensor([0.5, 0.5, 0.5]))
    std: torch.Tensor = field(default_factory=lambda: torch.tensor([0.25, 0.25, 0.25]))

    def __post_init__(self):
        self.inv_std = 1.0 / self.std
