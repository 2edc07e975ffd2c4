# Source: https://github.com/lyuwenyu/RT-DETR/issues/677 (derived table kept as a plain attribute; model.half() skips it)
import torch
import torch.nn as nn


def make_window(n_fft):
    return torch.hann_window(n_fft)


class STFT(nn.Module):
    def __init__(self, n_fft=512, hop=128):
        super().__init__()
        self.n_fft, self.hop = n_fft, hop
        self.window = make_window(n_fft)  # expect: MPR002

    def forward(self, wav):
        spec = torch.stft(wav, self.n_fft, self.hop, window=self.window, return_complex=True)
        return spec.abs()
