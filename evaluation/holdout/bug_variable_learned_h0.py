# Source: https://github.com/pytorch/pytorch/issues/2641 (old Variable API); learned initial hidden state
import torch
import torch.nn as nn
from torch.autograd import Variable


class Encoder(nn.Module):
    def __init__(self, n_in, hidden):
        super(Encoder, self).__init__()
        self.rnn = nn.GRU(n_in, hidden, batch_first=True)
        self.h0 = Variable(torch.zeros(1, 1, hidden), requires_grad=True)  # expect: MPR001

    def forward(self, x):
        h0 = self.h0.expand(1, x.size(0), -1).contiguous()
        return self.rnn(x, h0)[0]
