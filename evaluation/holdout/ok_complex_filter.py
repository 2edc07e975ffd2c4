# Source: https://github.com/meta-llama/llama (complex tables are kept out of buffers so .to(bfloat16) keeps the imaginary part)
import torch
import torch.nn as nn


class SpectralFilter(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.phase = torch.polar(torch.ones(n // 2 + 1), torch.linspace(0, 3.14159, n // 2 + 1))
        self.kernel = torch.view_as_complex(torch.randn(n // 2 + 1, 2))
        self.n = n

    def forward(self, x):
        X = torch.fft.rfft(x, n=self.n)
        return torch.fft.irfft(X * self.phase.to(X.device) * self.kernel.to(X.device), n=self.n)
