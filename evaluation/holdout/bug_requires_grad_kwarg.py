# Source: https://discuss.pytorch.org/t/how-to-add-a-learnable-scalar-parameter/ (pattern)
# A learnable per-channel scale created with requires_grad=True is not in model.parameters().
import torch
import torch.nn as nn


class ScaledConv(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, 3, padding=1)
        self.gamma = torch.ones(1, cout, 1, 1, requires_grad=True)  # expect: MPR001

    def forward(self, x):
        return self.conv(x) * self.gamma
