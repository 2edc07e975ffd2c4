from torch.nn import Module, Linear
import torch


class Mlp(Module):
    def __init__(self, dims):
        super().__init__()
        self.layers = [Linear(a, b) for a, b in zip(dims[:-1], dims[1:])]  # expect: MPR003
        self.eps = torch.full((dims[-1],), 1e-6)  # expect: MPR002

    def forward(self, x):
        for l in self.layers:
            x = l(x)
        return x + self.eps
