import torch
import torch.nn as nn


class Config(nn.Module):
    def __init__(self, table: torch.Tensor):
        super().__init__()
        self.max_val = table.max().item()
        self.values = torch.unique(table).tolist()
        self.shape = table.shape
        self.numel = table.numel()
        self.ndim = table.dim()
        self.is_sorted = bool((table[1:] >= table[:-1]).all())
        self.head = nn.Linear(self.ndim, 1)

    def forward(self, x):
        return self.head(x).clamp(max=self.max_val)
