# Source: https://github.com/styalai/xLSTM-pytorch/issues/2
# "Buffers not Registered Properly and Hence not Moved with the Model": created on x_example's device.
import torch
import torch.nn as nn


class sLSTMblock(nn.Module):
    def __init__(self, x_example, depth=4):
        super().__init__()
        d = x_example.shape[2]
        self.ln = nn.LayerNorm(d)
        self.z_gate = nn.Linear(d, d)
        self.nt_1 = torch.zeros(1, 1, d, device=x_example.device)  # expect: MPR002
        self.ct_1 = torch.zeros(1, 1, d, device=x_example.device)  # expect: MPR002

    def forward(self, x):
        z = torch.tanh(self.z_gate(self.ln(x)))
        return z + self.ct_1 / (self.nt_1 + 1.0)
