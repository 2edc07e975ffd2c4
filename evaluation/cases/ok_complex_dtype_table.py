# Complex twiddle factors: must not become a buffer (Module.to(dtype) would drop
# the imaginary part).
import torch
import torch.nn as nn


class DFTLayer(nn.Module):
    def __init__(self, n):
        super().__init__()
        k = torch.arange(n)
        self.twiddle = torch.exp(-2j * torch.pi * torch.outer(k, k) / n).to(torch.complex64)
        self.basis = torch.view_as_complex(torch.randn(n, 2))
        self.kernel = torch.zeros(n, n, dtype=torch.cfloat)

    def forward(self, x):
        return x.to(self.twiddle.dtype) @ self.twiddle.to(x.device)
