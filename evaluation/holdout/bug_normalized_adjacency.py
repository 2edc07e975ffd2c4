# Source: https://github.com/rusty1s/pytorch_sparse/issues/168 ("only parameters and buffers will be moved")
import torch
from torch import nn


class GraphConv(nn.Module):
    def __init__(self, adj, in_dim, out_dim):
        super().__init__()
        adj = torch.as_tensor(adj, dtype=torch.float32)
        deg = adj.sum(1)
        self.norm_adj = adj / deg.clamp(min=1).unsqueeze(1)  # expect: MPR002
        self.w = nn.Parameter(torch.randn(in_dim, out_dim) * 0.01)

    def forward(self, x):
        return self.norm_adj @ x @ self.w
