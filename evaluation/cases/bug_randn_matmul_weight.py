# Hand-written RNN cell from a course assignment: weights never trained.
import torch
import torch.nn as nn


class VanillaRNNCell(nn.Module):
    def __init__(self, input_size, hidden_size):
        super().__init__()
        self.W_xh = torch.randn(input_size, hidden_size) * 0.01  # expect: MPR001
        self.W_hh = torch.randn(hidden_size, hidden_size) * 0.01  # expect: MPR001
        self.b_h = torch.zeros(hidden_size)  # expect: MPR001|MPR002

    def forward(self, x, h):
        return torch.tanh(x @ self.W_xh + h @ self.W_hh + self.b_h)
