# Source: https://github.com/pytorch/pytorch/issues/2864 (state created at run time on the input's device)
import torch
import torch.nn as nn


class StatefulGRU(nn.Module):
    def __init__(self, n_in, hidden):
        super().__init__()
        self.cell = nn.GRUCell(n_in, hidden)
        self.hidden_size = hidden
        self.h = None

    def reset_state(self):
        self.h = None

    def forward(self, x):
        if self.h is None or self.h.size(0) != x.size(0):
            self.h = torch.zeros(x.size(0), self.hidden_size, device=x.device, dtype=x.dtype)
        self.h = self.cell(x, self.h.detach())
        return self.h
