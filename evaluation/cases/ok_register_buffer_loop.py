import torch
import torch.nn as nn


class MultiResWindows(nn.Module):
    def __init__(self, sizes=(256, 512, 1024)):
        super().__init__()
        self.sizes = sizes
        for n in sizes:
            self.register_buffer(f"window_{n}", torch.hann_window(n), persistent=False)

    def forward(self, x, n):
        return x * getattr(self, f"window_{n}")
