# Stack Overflow style: "[layer] * n" -- a plain list (and, on top of that,
# the same layer object repeated n times).
from torch import nn


class Encoder(nn.Module):
    def __init__(self, d_model, n_layers):
        super().__init__()
        layer = nn.TransformerEncoderLayer(d_model, nhead=4)
        self.layers = [layer] * n_layers  # expect: MPR003
        self.norm = nn.LayerNorm(d_model)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return self.norm(x)
