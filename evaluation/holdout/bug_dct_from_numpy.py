# Source: https://github.com/espnet/espnet/pull/1060 (derived constant matrices and device transfers)
import numpy as np
import torch
import torch.nn as nn


def dct_matrix(n):
    k = np.arange(n)[:, None]
    i = np.arange(n)[None, :]
    m = np.cos(np.pi / n * (i + 0.5) * k) * np.sqrt(2.0 / n)
    m[0] /= np.sqrt(2.0)
    return m


class MFCC(nn.Module):
    def __init__(self, n_mels=40, n_mfcc=13):
        super().__init__()
        self.dct = torch.from_numpy(dct_matrix(n_mels)[:n_mfcc]).float()  # expect: MPR002

    def forward(self, logmel):
        return logmel @ self.dct.t()
