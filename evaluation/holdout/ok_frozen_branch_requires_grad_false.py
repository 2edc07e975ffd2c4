# Source: https://github.com/pytorch/pytorch/issues/11476 (disabled-parameter sentinels)
import torch
import torch.nn as nn


class PReLUish(nn.Module):
    def __init__(self, channels, learnable=True, init=0.25):
        super().__init__()
        if learnable:
            self.alpha = nn.Parameter(torch.full((channels,), init))
        else:
            self.register_parameter("alpha", None)
        self.fixed = not learnable
        self.init = init

    def forward(self, x):
        a = self.alpha if self.alpha is not None else self.init
        return torch.where(x >= 0, x, x * a)
