# Source: https://github.com/pytorch/pytorch/issues/1500 (pattern): state tensors defined in __init__ end up on the wrong device
import torch
import torch.nn as nn


class StatefulLSTM(nn.Module):
    def __init__(self, n_in, n_hidden, batch_size):
        super().__init__()
        self.cell = nn.LSTMCell(n_in, n_hidden)
        self.h = self.c = torch.zeros(batch_size, n_hidden)  # expect: MPR002

    def forward(self, x):
        self.h, self.c = self.cell(x, (self.h.detach(), self.c.detach()))
        return self.h
