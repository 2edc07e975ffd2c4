# GAT layer copied from a tutorial with torch.empty + xavier init but no nn.Parameter.
import torch
from torch import nn
import torch.nn.functional as F


class GraphAttentionLayer(nn.Module):
    def __init__(self, in_features, out_features, alpha=0.2):
        super().__init__()
        self.W = torch.empty(size=(in_features, out_features))  # expect: MPR001
        nn.init.xavier_uniform_(self.W.data, gain=1.414)
        self.a = torch.empty(size=(2 * out_features, 1))  # expect: MPR001
        nn.init.xavier_uniform_(self.a.data, gain=1.414)
        self.leakyrelu = nn.LeakyReLU(alpha)

    def forward(self, h, adj):
        Wh = h @ self.W
        n = Wh.size(0)
        a_input = torch.cat([Wh.repeat_interleave(n, 0), Wh.repeat(n, 1)], dim=1)
        e = self.leakyrelu(a_input @ self.a).view(n, n)
        att = F.softmax(torch.where(adj > 0, e, torch.full_like(e, -9e15)), dim=1)
        return att @ Wh
