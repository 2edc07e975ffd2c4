# Modelled on a normalising-flow library's mixture: the base class keeps the list of component distributions
# (Modules with Parameters) that each subclass builds and hands to super().__init__ in a plain list.
import torch
from torch import nn


class Gaussian(torch.distributions.Distribution, nn.Module):
    def __init__(self, loc, scale, trainable_loc=False):
        super().__init__(event_shape=loc.shape, validate_args=False)
        self.loc = nn.Parameter(loc, requires_grad=trainable_loc)
        self.log_scale = nn.Parameter(torch.log(scale))

    def log_prob(self, value):
        return -((value - self.loc) / self.log_scale.exp()).pow(2).sum(-1) / 2 - self.log_scale.sum()


class Mixture(torch.distributions.Distribution, nn.Module):
    def __init__(self, components, weights=None):
        if weights is None:
            weights = torch.ones(len(components)) / len(components)
        super().__init__(event_shape=components[0].event_shape, validate_args=False)
        self.register_buffer("log_weights", torch.log(weights))
        self.components = components  # expect: MPR003

    def log_prob(self, value):
        log_probs = torch.stack([c.log_prob(value) for c in self.components], dim=-1)
        return torch.logsumexp(self.log_weights + log_probs, dim=-1)


class GaussianMixture(Mixture):
    def __init__(self, locs, scales, weights=None):
        components = []
        for i in range(locs.shape[0]):
            components.append(Gaussian(locs[i], scales[i]))
        super().__init__(components, weights)
