# Relabelled for issue 9: a real tensor in the plain branch that forward combines with its input is a bug (a one-element tensor is not 0-dim).
# Disabled-parameter sentinels: a learnable tensor in one branch, a frozen
# placeholder in the other.
import torch
import torch.nn as nn


class PReLUish(nn.Module):
    def __init__(self, channels, learnable=True):
        super().__init__()
        if learnable:
            self.alpha = nn.Parameter(torch.full((channels,), 0.25))
        else:
            self.alpha = torch.full((channels,), 0.25)  # expect: MPR002
        self.gamma = torch.ones(channels).requires_grad_(False)

    def forward(self, x):
        return torch.where(x > 0, x, self.alpha[:, None, None] * x)
