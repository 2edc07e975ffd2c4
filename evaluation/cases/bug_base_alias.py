import torch
import torch.nn as nn

Base = nn.Module


class Embedder(Base):
    def __init__(self, n_freqs):
        super().__init__()
        self.freq_bands = 2.0 ** torch.linspace(0.0, n_freqs - 1, n_freqs)  # expect: MPR002

    def forward(self, x):
        out = [x]
        for f in self.freq_bands:
            out += [torch.sin(x * f), torch.cos(x * f)]
        return torch.cat(out, -1)
