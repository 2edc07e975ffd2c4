import torch
import torch.nn as nn


class PromptTuning(nn.Module):
    def __init__(self, encoder, n_tokens, dim):
        super().__init__()
        self.encoder = encoder
        self.prompt = torch.randn(n_tokens, dim).mul_(0.02).requires_grad_()  # expect: MPR001

    def forward(self, emb):
        p = self.prompt.unsqueeze(0).expand(emb.size(0), -1, -1)
        return self.encoder(torch.cat([p, emb], 1))
