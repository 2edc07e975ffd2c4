# Modelled on: https://github.com/pytorch/pytorch/issues/10817
import torch
import torch.nn as nn


class model(nn.Module):
    def __init__(self):
        super().__init__()
        self.d = dict()  # expect: MPR006
        self.d["d"] = nn.Parameter(torch.Tensor(3, 3))
        self.p = nn.Parameter(torch.Tensor(3, 3))


m = model()
for n, p in m.named_parameters():
    print(n, p.size())
