# Source: https://github.com/pytorch/pytorch/issues/666 (parameters in a list), class built inside a factory
import torch
import torch.nn as nn


def make_mixture(n_components, dim):
    class Mixture(nn.Module):
        def __init__(self):
            super().__init__()
            self.means = [nn.Parameter(torch.randn(dim)) for _ in range(n_components)]  # expect: MPR005
            self.logits = nn.Parameter(torch.zeros(n_components))

        def forward(self, x):
            d = torch.stack([((x - m) ** 2).sum(-1) for m in self.means], -1)
            return torch.logsumexp(self.logits.log_softmax(-1) - d, -1)

    return Mixture()
