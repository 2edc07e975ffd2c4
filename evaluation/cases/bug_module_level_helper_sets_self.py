# A module-level init helper that receives the module and attaches tensors to it.
import torch
import torch.nn as nn


def init_running_stats(module, num_features):
    module.running_mean = torch.zeros(num_features)  # expect: MPR002
    module.running_var = torch.ones(num_features)  # expect: MPR002


class MyBatchNorm(nn.Module):
    def __init__(self, num_features, momentum=0.1):
        super().__init__()
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        init_running_stats(self, num_features)

    def forward(self, x):
        if self.training:
            mean = x.mean(0)
            var = x.var(0)
            self.running_mean = (1 - self.momentum) * self.running_mean + self.momentum * mean.detach()
            self.running_var = (1 - self.momentum) * self.running_var + self.momentum * var.detach()
        else:
            mean, var = self.running_mean, self.running_var
        return (x - mean) / torch.sqrt(var + 1e-5) * self.weight + self.bias
