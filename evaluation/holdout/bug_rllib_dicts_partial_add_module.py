# Source: https://github.com/ray-project/ray/issues/22659
# ComplexInputNetwork: self.cnns entries are add_module'd, self.one_hot and self.flatten are forgotten.
import torch
import torch.nn as nn


class ComplexInputNetwork(nn.Module):
    def __init__(self, spaces, hidden):
        super().__init__()
        self.cnns = {}
        self.one_hot = {}  # expect: MPR004
        self.flatten = {}  # expect: MPR004
        for i, (kind, size) in enumerate(spaces):
            if kind == "image":
                self.cnns[i] = nn.Sequential(nn.Conv2d(3, 8, 3), nn.AdaptiveAvgPool2d(1), nn.Flatten())
                self.add_module("cnn_{}".format(i), self.cnns[i])
            elif kind == "discrete":
                self.one_hot[i] = nn.Linear(size, hidden)
            else:
                self.flatten[i] = nn.Linear(size, hidden)

    def forward(self, inputs):
        outs = []
        for i, x in enumerate(inputs):
            for table in (self.cnns, self.one_hot, self.flatten):
                if i in table:
                    outs.append(table[i](x))
        return torch.cat(outs, -1)
