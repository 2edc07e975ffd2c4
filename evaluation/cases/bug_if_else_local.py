import torch
import torch.nn as nn


class Window(nn.Module):
    def __init__(self, n_fft, kind="hann"):
        super().__init__()
        if kind == "hann":
            w = torch.hann_window(n_fft)
        else:
            w = torch.hamming_window(n_fft)
        self.window = w  # expect: MPR002
        self.n_fft = n_fft

    def forward(self, x):
        return torch.stft(x, self.n_fft, window=self.window, return_complex=True).abs()
