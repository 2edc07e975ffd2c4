# Source: https://github.com/styalai/xLSTM-pytorch/issues/2 (state built in __init__ helpers not registered)
import torch
import torch.nn as nn


class RandomConnect(nn.Module):
    def __init__(self, n_in, n_out, fan_in):
        super().__init__()
        self.n_in, self.n_out, self.fan_in = n_in, n_out, fan_in
        self.indices = self._init_connections()  # expect: MPR002
        self.weight = nn.Parameter(torch.randn(n_out, fan_in) * 0.1)

    def _init_connections(self):
        return torch.stack([torch.randperm(self.n_in)[: self.fan_in] for _ in range(self.n_out)])

    def forward(self, x):
        return (x[:, self.indices] * self.weight).sum(-1)


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"RandomConnect": dict(n_in=6, n_out=3, fan_in=2)}
EXAMPLE_INPUTS = {"RandomConnect": lambda: (torch.randn(2, 6),)}
