# Source: https://github.com/pytorch/pytorch/issues/43815 (dict of tensors on a module; without register_buffer they never move)
import torch
import torch.nn as nn


class Foo(nn.Module):
    def __init__(self):
        super().__init__()
        self.data = {  # expect: MPR007
            "a": torch.Tensor([1]),
            "b": torch.Tensor([1, 2, 3]),
        }

    def forward(self, x):
        return x + self.data["a"]
