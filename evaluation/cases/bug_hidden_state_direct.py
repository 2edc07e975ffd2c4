# Stateful RNN keeps its carry in __init__ (Lightning issue #3738 symptom:
# "Input and hidden tensors are not at the same device").
# https://github.com/Lightning-AI/pytorch-lightning/issues/3738
import torch
import torch.nn as nn


class StatefulGRU(nn.Module):
    def __init__(self, input_size, hidden_size, batch_size):
        super().__init__()
        self.gru = nn.GRU(input_size, hidden_size, batch_first=True)
        self.h = torch.zeros(1, batch_size, hidden_size)  # expect: MPR002

    def forward(self, x):
        out, h = self.gru(x, self.h)
        self.h = h.detach()
        return out


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"StatefulGRU": dict(input_size=4, hidden_size=4, batch_size=1)}
EXAMPLE_INPUTS = {"StatefulGRU": lambda: (torch.randn(1, 3, 4),)}
