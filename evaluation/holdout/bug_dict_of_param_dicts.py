# Source: https://github.com/pytorch/pytorch/issues/632
# "parameters not registered in module": dicts holding Parameters and Linear layers.
import torch
import torch.nn as nn


class RelNet(nn.Module):
    def __init__(self, numfeatures, numrel):
        super().__init__()
        self.waggrs = {}  # expect: MPR006
        self.list_relations = {}  # expect: MPR004
        for rel in range(10):
            self.waggrs[rel] = {"w": nn.Parameter(1.0 + torch.randn(1, 2)),
                                "b": nn.Parameter(torch.zeros(1, 4))}
            self.list_relations[rel] = nn.Linear(numfeatures, numrel)

    def forward(self, x, rel):
        return self.list_relations[rel](x) * self.waggrs[rel]["w"].sum()
