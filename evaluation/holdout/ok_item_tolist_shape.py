# Source: https://github.com/pytorch/pytorch/issues/17230 (values derived from tensors that are not tensors)
import torch
import torch.nn as nn


class Head(nn.Module):
    def __init__(self, dim, example):
        super().__init__()
        self.scale = torch.tensor(float(dim)).rsqrt().item()
        self.sizes = torch.arange(4).tolist()
        self.n_tokens = example.shape[1]
        self.numel = torch.zeros(dim, dim).numel()
        self.fc = nn.Linear(dim, dim)

    def forward(self, x):
        return self.fc(x) * self.scale
