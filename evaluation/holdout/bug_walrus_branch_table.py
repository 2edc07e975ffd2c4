# Source: https://github.com/CanReader/FastNN/issues/19 (lookup table not a buffer, never moved)
import torch
import torch.nn as nn


class BucketEmbedding(nn.Module):
    def __init__(self, boundaries, dim):
        super().__init__()
        self.emb = nn.Embedding(len(boundaries) + 1, dim)
        if (n := len(boundaries)) > 0:
            self.boundaries = torch.tensor(boundaries, dtype=torch.float32)  # expect: MPR002
        self.n = n

    def forward(self, x):
        return self.emb(torch.bucketize(x, self.boundaries))
