# Modelled on a value normaliser of a multi-agent RL library: running statistics made as frozen Parameters and
# moved with .to(device) at construction (which returns a plain tensor on a GPU), updated in place each step
# and saved through the model's state_dict: on a GPU run the checkpoint holds none of them.
import torch
from torch import nn


class ValueNorm(nn.Module):
    def __init__(self, shape, beta=0.99999, device=torch.device("cpu")):
        super().__init__()
        self.beta = beta
        self.running_mean = nn.Parameter(torch.zeros(shape), requires_grad=False).to(device)  # expect: MPR002|MPR001
        self.debiasing_term = nn.Parameter(torch.tensor(0.0), requires_grad=False).to(device)  # expect: MPR002

    @torch.no_grad()
    def update(self, x):
        self.running_mean.mul_(self.beta).add_(x.mean(dim=0) * (1.0 - self.beta))
        self.debiasing_term.mul_(self.beta).add_(1.0 * (1.0 - self.beta))

    def normalize(self, x):
        return (x - self.running_mean / self.debiasing_term.clamp(min=1e-5)) / 10.0
