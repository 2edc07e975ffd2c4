# Source: https://github.com/pytorch/pytorch/issues/110357 (register_parameter then in-place init)
import torch
import torch.nn as nn


class Scale(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.register_parameter("w", nn.Parameter(torch.empty(dim)))
        self.reset_parameters()

    def reset_parameters(self):
        with torch.no_grad():
            self.w.copy_(torch.randn_like(self.w) * 0.02 + 1.0)
        self.w.data = self.w.data.clamp(min=0.5)

    def forward(self, x):
        return x * self.w
