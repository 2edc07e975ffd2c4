# Two projection heads stored in a tuple.
import torch.nn as nn


class TwoHeads(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.trunk = nn.Linear(dim, dim)
        self.heads = (nn.Linear(dim, 1), nn.Linear(dim, 4))  # expect: MPR003

    def forward(self, x):
        h = self.trunk(x).relu()
        return tuple(head(h) for head in self.heads)
