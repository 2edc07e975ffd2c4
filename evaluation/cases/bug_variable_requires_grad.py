# Old tutorial code: a learnable temperature as a Variable with requires_grad=True.
import torch
import torch.nn as nn
from torch.autograd import Variable


class TemperatureScaling(nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.temperature = Variable(torch.ones(1) * 1.5, requires_grad=True)  # expect: MPR001

    def forward(self, x):
        return self.model(x) / self.temperature
