# Modelled on a Keras-style cross network: build() runs at the first forward and keeps the weights in plain
# lists, so parameters() never holds them, even after that call.
import torch
from torch import nn


class CrossNetwork(nn.Module):
    def __init__(self, layers=3):
        super().__init__()
        self.layers = layers
        self.built = False

    def build(self, x):
        if not self.built:
            d = x.shape[-1]
            self.weights = [nn.Parameter(torch.randn(d, 1) * 0.01) for _ in range(self.layers)]  # expect: MPR009
            self.biases = [nn.Parameter(torch.zeros(d)) for _ in range(self.layers)]  # expect: MPR009
            self.built = True

    def forward(self, x0):
        self.build(x0)
        x = x0
        for w, b in zip(self.weights, self.biases):
            x = x0 * (x @ w) + b + x
        return x
