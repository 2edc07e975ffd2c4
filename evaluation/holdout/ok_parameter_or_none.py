# Source: https://github.com/desy-ml/cheetah/issues/302 (Parameter or None sentinel)
import torch
from torch.nn import Module, Parameter


class Affine(Module):
    def __init__(self, dim, learn_shift=True):
        super().__init__()
        self.scale = Parameter(torch.ones(dim))
        self.shift = Parameter(torch.zeros(dim)) if learn_shift else None

    def forward(self, x):
        x = x * self.scale
        return x if self.shift is None else x + self.shift
