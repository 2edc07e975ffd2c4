import torch
import torch.nn as nn


class ConvLSTM(nn.Module):
    def __init__(self, channels, n_layers, h, w):
        super().__init__()
        self.cells = nn.ModuleList(nn.Conv2d(2 * channels, 4 * channels, 3, padding=1) for _ in range(n_layers))
        self.states = [torch.zeros(1, channels, h, w) for _ in range(n_layers)]  # expect: MPR007

    def forward(self, x):
        for i, cell in enumerate(self.cells):
            gates = cell(torch.cat([x, self.states[i]], 1))
            x = torch.tanh(gates[:, : x.size(1)])
        return x
