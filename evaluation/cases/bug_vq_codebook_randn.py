# VQ-VAE codebook initialised with randn but not registered.
import torch
import torch.nn as nn


class VectorQuantizer(nn.Module):
    def __init__(self, num_embeddings, embedding_dim, beta=0.25):
        super().__init__()
        self.beta = beta
        self.codebook = torch.randn(num_embeddings, embedding_dim) / num_embeddings  # expect: MPR001|MPR002

    def forward(self, z):
        d = torch.cdist(z.reshape(-1, z.size(-1)), self.codebook)
        idx = d.argmin(1)
        return self.codebook[idx].view_as(z), idx
