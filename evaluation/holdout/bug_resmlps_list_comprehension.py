# Source: https://github.com/LianpoWang/SLIIF/issues/13
# RESMLPS keeps ten same-file sub-MLPs in a plain list comprehension.
import torch
import torch.nn as nn


class RES_MLP(nn.Module):
    def __init__(self, in_dim, out_dim, hidden_list):
        super().__init__()
        layers = []
        last = in_dim
        for h in hidden_list:
            layers += [nn.Linear(last, h), nn.ReLU()]
            last = h
        layers.append(nn.Linear(last, out_dim))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return x[..., :1] + self.layers(x)


class RESMLPS(nn.Module):
    def __init__(self, in_dim, out_dim, hidden_list, coord_hidden_list):
        super().__init__()
        self.mlps = [RES_MLP(in_dim, out_dim, coord_hidden_list) for _ in range(10)]  # expect: MPR003
        self.coord = nn.Linear(2, 16)

    def forward(self, x, idx):
        return self.mlps[idx](x)
