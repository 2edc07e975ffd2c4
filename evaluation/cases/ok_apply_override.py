# The class takes over device handling itself by overriding _apply.
import torch
import torch.nn as nn


class SparseLinear(nn.Module):
    def __init__(self, indices, values, shape):
        super().__init__()
        self.indices = torch.as_tensor(indices)
        self.values = torch.as_tensor(values, dtype=torch.float32)
        self.shape = shape

    def _apply(self, fn, recurse=True):
        super()._apply(fn, recurse)
        self.indices = fn(self.indices)
        self.values = fn(self.values)
        return self

    def forward(self, x):
        w = torch.sparse_coo_tensor(self.indices, self.values, self.shape)
        return torch.sparse.mm(w, x)
