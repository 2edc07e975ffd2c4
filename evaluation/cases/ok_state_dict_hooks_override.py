# The class handles serialisation and device moves of its table itself.
import torch
import torch.nn as nn


class HashEmbedding(nn.Module):
    def __init__(self, n, dim):
        super().__init__()
        self.table = torch.zeros(n, dim)
        self.proj = nn.Linear(dim, dim)

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        destination[prefix + "table"] = self.table

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        self.table = state_dict.pop(prefix + "table")
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def to(self, *args, **kwargs):
        self.table = self.table.to(*args, **kwargs)
        return super().to(*args, **kwargs)

    def forward(self, ids):
        return self.proj(self.table[ids])
