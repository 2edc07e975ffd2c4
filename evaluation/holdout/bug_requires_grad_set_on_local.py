# Source: https://github.com/Fraunhofer-IIS/prosper_nn/issues/13 ("Unregistered Parameter in modules")
import torch
import torch.nn as nn


class ECNNCell(nn.Module):
    def __init__(self, n_features, n_state):
        super().__init__()
        self.A = nn.Linear(n_state, n_state, bias=False)
        d = torch.empty(n_state, n_features)
        nn.init.xavier_uniform_(d)
        d.requires_grad = True
        self.D = d  # expect: MPR001

    def forward(self, state, u):
        return torch.tanh(self.A(state) + u @ self.D.t())
