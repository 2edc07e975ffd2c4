# Modelled on: https://github.com/pytorch/pytorch/issues/2641 (0.2-era Variable API)
import torch
import torch.nn as nn
from torch.autograd import Variable


class ERelu(nn.Module):
    def __init__(self):
        super(ERelu, self).__init__()
        self.constant = Variable(torch.zeros(1), requires_grad=False)  # expect: MPR002

    def forward(self, x):
        return torch.max(x, self.constant)
