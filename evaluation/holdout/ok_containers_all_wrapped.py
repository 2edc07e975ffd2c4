# Source: https://github.com/Lightning-AI/pytorch-lightning/issues/2984 (the fix: nn.ModuleList, plus the other containers)
import torch
import torch.nn as nn


class Wrapped(nn.Module):
    def __init__(self, d, tasks, n):
        super().__init__()
        self.blocks = nn.ModuleList([nn.Linear(d, d) for _ in range(n)])
        self.heads = nn.ModuleDict({t: nn.Linear(d, k) for t, k in tasks.items()})
        self.stem = nn.Sequential(*[nn.Conv1d(d, d, 3, padding=1) for _ in range(2)])
        self.scales = nn.ParameterList([nn.Parameter(torch.ones(d)) for _ in range(n)])
        self.temps = nn.ParameterDict({t: nn.Parameter(torch.tensor(1.0)) for t in tasks})

    def forward(self, x, task):
        x = self.stem(x.transpose(1, 2)).transpose(1, 2)
        for b, s in zip(self.blocks, self.scales):
            x = b(x) * s
        return self.heads[task](x) / self.temps[task]
