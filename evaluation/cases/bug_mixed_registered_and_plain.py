# One table registered, its sibling forgotten.
import torch
import torch.nn as nn


class Spectrogram(nn.Module):
    def __init__(self, n_fft=512, hop=128):
        super().__init__()
        self.hop = hop
        self.register_buffer("window", torch.hann_window(n_fft), persistent=False)
        self.freqs = torch.fft.rfftfreq(n_fft)  # expect: MPR002

    def forward(self, x):
        s = torch.stft(x, self.window.numel(), self.hop, window=self.window, return_complex=True)
        return s.abs() * self.freqs[:, None]
