# Relabelled for issue 9 (findings rest on a consequence): iterating a 1-D table gives 0-dim values, which mix with any device and dtype (torch: works after .to("meta") and .double()); "allow" lines count neither way.
import torch
import torch.nn as nn

Base = nn.Module


class Embedder(Base):
    def __init__(self, n_freqs):
        super().__init__()
        self.freq_bands = 2.0 ** torch.linspace(0.0, n_freqs - 1, n_freqs)  # allow: MPR002

    def forward(self, x):
        out = [x]
        for f in self.freq_bands:
            out += [torch.sin(x * f), torch.cos(x * f)]
        return torch.cat(out, -1)
