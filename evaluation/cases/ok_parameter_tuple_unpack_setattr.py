import torch
import torch.nn as nn


class LoRA(nn.Module):
    def __init__(self, base: nn.Linear, r=8):
        super().__init__()
        self.base = base
        self.A, self.B = nn.Parameter(torch.randn(r, base.in_features) * 0.01), nn.Parameter(torch.zeros(base.out_features, r))
        for i in range(2):
            setattr(self, f"gate{i}", nn.Parameter(torch.zeros(1)))
            setattr(self, f"proj{i}", nn.Linear(r, r))

    def forward(self, x):
        return self.base(x) + x @ self.A.t() @ self.B.t()
