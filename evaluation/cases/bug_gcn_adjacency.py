# Typical GCN forum post: a normalised adjacency matrix kept on the module.
import numpy as np
import torch
import torch.nn as nn


class GCN(nn.Module):
    def __init__(self, adj: np.ndarray, in_dim, hid, out_dim):
        super().__init__()
        deg = adj.sum(1)
        d_inv_sqrt = np.power(deg, -0.5)
        norm_adj = d_inv_sqrt[:, None] * adj * d_inv_sqrt[None, :]
        self.adj = torch.as_tensor(norm_adj, dtype=torch.float32)  # expect: MPR002
        self.fc1 = nn.Linear(in_dim, hid)
        self.fc2 = nn.Linear(hid, out_dim)

    def forward(self, x):
        x = torch.relu(self.adj @ self.fc1(x))
        return self.adj @ self.fc2(x)
