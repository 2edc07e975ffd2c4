import torch
import torch.nn as nn


class RandomProjectionHash(nn.Module):
    def __init__(self, dim, n_hashes, n_buckets):
        super().__init__()
        self.n_buckets = n_buckets
        self.planes = torch.randn(dim, n_hashes)  # expect: MPR001|MPR002
        self.salt = torch.randint(0, 2 ** 16, (n_hashes,))  # expect: MPR002

    def forward(self, x):
        bits = (x @ self.planes > 0).long()
        return (bits * self.salt).sum(-1) % self.n_buckets
