# Mel filterbank from librosa stored as a tensor attribute.
import librosa
import torch
import torch.nn as nn


class MelSpectrogram(nn.Module):
    def __init__(self, sr=22050, n_fft=1024, n_mels=80):
        super().__init__()
        mel_basis = librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels)
        self.mel_basis = torch.from_numpy(mel_basis).float()  # expect: MPR002
        self.n_fft = n_fft

    def forward(self, spec):
        return torch.matmul(self.mel_basis, spec)
