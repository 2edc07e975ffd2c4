import torch


class Scaler(torch.nn.modules.module.Module):
    def __init__(self, n):
        super().__init__()
        self.center = torch.zeros(n)  # expect: MPR002
        self.scale = torch.ones(n)  # expect: MPR002

    def forward(self, x):
        return (x - self.center) / self.scale
