# Source: https://github.com/espnet/espnet/pull/1060 ("self.xscale is also constant")
import math

import torch
import torch.nn as nn


class ScaledEmbedding(nn.Module):
    def __init__(self, vocab, d_model):
        super().__init__()
        self.emb = nn.Embedding(vocab, d_model)
        self.xscale = torch.sqrt(torch.tensor(float(d_model)))
        self.temperature = torch.tensor(2.0)
        self.log2 = torch.tensor(math.log(2.0))

    def forward(self, x):
        return self.emb(x) * self.xscale / self.temperature
