import numpy as np
import torch
import torch.nn as nn


class GloveEmbedding(nn.Module):
    def __init__(self, glove: np.ndarray, freeze=True):
        super().__init__()
        self.emb = nn.Embedding(*glove.shape)
        self.emb.weight = nn.Parameter(torch.from_numpy(glove).float(), requires_grad=not freeze)
        self.proj = nn.Linear(glove.shape[1], 128)
        self.proj.weight.data = torch.randn(128, glove.shape[1]) * 0.01
        with torch.no_grad():
            self.proj.bias.copy_(torch.zeros(128))

    def forward(self, ids):
        return self.proj(self.emb(ids))
