# Source: https://github.com/tatp22/multidim-positional-encoding/issues/33 (encoding on cpu while input on cuda)
import torch as T
import torch.nn as tnn


class FourierFeatures(tnn.Module):
    def __init__(self, n_bands, max_freq=10.0):
        super().__init__()
        self.bands = T.linspace(1.0, max_freq / 2, n_bands) * T.pi  # expect: MPR002

    def forward(self, x):
        x = x.unsqueeze(-1) * self.bands
        return T.cat([x.sin(), x.cos()], dim=-1)
