import torch
import torch.nn as nn


class ConfigMixin:
    def save_config(self):
        return dict(vars(self))


class Denoiser(ConfigMixin, nn.Module):
    def __init__(self, timesteps=1000):
        super().__init__()
        betas = torch.linspace(1e-4, 0.02, timesteps)
        self.alphas_cumprod = torch.cumprod(1.0 - betas, dim=0)  # expect: MPR002
        self.net = nn.Conv2d(3, 3, 3, padding=1)

    def forward(self, x, t):
        a = self.alphas_cumprod[t].view(-1, 1, 1, 1)
        return self.net(x * a.sqrt())


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"Denoiser": dict(timesteps=10)}
EXAMPLE_INPUTS = {"Denoiser": lambda: (torch.randn(2, 3, 4, 4), torch.tensor([1, 7]))}
