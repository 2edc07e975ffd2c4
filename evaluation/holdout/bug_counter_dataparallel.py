# Source: https://github.com/pytorch/pytorch/issues/2864
# "DataParallel doesn't replicate module's member variables"; the answer was register_buffer.
import torch
import torch.nn as nn


class Simple(nn.Module):
    def __init__(self):
        super(Simple, self).__init__()
        self.counter = torch.zeros(1)  # expect: MPR002

    def forward(self, x):
        self.counter += 1
        return x * self.counter


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INPUTS = {"Simple": lambda: (torch.randn(2, 3),)}
