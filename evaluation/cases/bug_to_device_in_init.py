# Relabelled for issue 9 (findings rest on a consequence): never read after construction; "allow" lines count neither way.
# Modelled on: https://github.com/styalai/xLSTM-pytorch/issues/2
# State created on the example input's device but kept as plain attributes.
import torch
import torch.nn as nn


class sLSTMblock(nn.Module):
    def __init__(self, x_example, depth):
        super().__init__()
        self.input_size = x_example.shape[2]
        self.ln = nn.LayerNorm(self.input_size)
        self.nt_1 = torch.zeros(1, 1, x_example.shape[2], device=x_example.device)  # allow: MPR002
        self.ct_1 = torch.zeros(1, 1, x_example.shape[2], device=x_example.device)  # allow: MPR002
        self.ht_1 = torch.zeros(1, 1, x_example.shape[2], device=x_example.device)  # expect: MPR002

    def forward(self, x):
        return self.ln(x) + self.ht_1
