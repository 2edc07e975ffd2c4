# Modelled on: https://github.com/pytorch/pytorch/issues/715
# Hidden layers kept in a plain list filled by a loop.
import torch.nn as nn


class SNLINet(nn.Module):
    def __init__(self, n_hid, n_layers):
        super().__init__()
        self.hids = []  # expect: MPR003
        for _ in range(n_layers):
            self.hids.append(nn.Linear(n_hid, n_hid))
        self.classifier = nn.Linear(n_hid, 3)

    def forward(self, x):
        for layer in self.hids:
            x = layer(x).relu()
        return self.classifier(x)
