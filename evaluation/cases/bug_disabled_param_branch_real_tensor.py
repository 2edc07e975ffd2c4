# Relabelled for issue 9: a real tensor in the plain branch that forward combines with its input is a bug (a one-element tensor is not 0-dim).
# Learnable or fixed temperature: the same name is a Parameter in the other branch.
import torch
import torch.nn as nn


class Contrastive(nn.Module):
    def __init__(self, learn_temperature=True, init=0.07):
        super().__init__()
        if learn_temperature:
            self.temperature = nn.Parameter(torch.ones(1) * init)
        else:
            self.temperature = torch.ones(1) * init  # expect: MPR002

    def forward(self, a, b):
        return a @ b.t() / self.temperature
