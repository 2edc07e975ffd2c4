# Hidden state is created by a method that the training loop calls, not __init__.
import torch
import torch.nn as nn


class StatefulLSTM(nn.Module):
    def __init__(self, n_in, n_hidden):
        super().__init__()
        self.n_hidden = n_hidden
        self.lstm = nn.LSTM(n_in, n_hidden, batch_first=True)
        self.state = None

    def reset_state(self, batch_size, device):
        self.state = (torch.zeros(1, batch_size, self.n_hidden, device=device),
                      torch.zeros(1, batch_size, self.n_hidden, device=device))

    def forward(self, x):
        out, state = self.lstm(x, self.state)
        self.state = tuple(s.detach() for s in state)
        return out
