# Source: https://github.com/pytorch/pytorch/issues/715
# "parameters are not included if the module is initialized in a list": pairs appended in a loop.
import torch.nn as nn


class SNLINet(nn.Module):
    def __init__(self, options):
        super().__init__()
        self.hids = []  # expect: MPR003
        for li in range(options["n_layers"]):
            self.hids.append([
                nn.Linear(options["n_hid"], options["n_hid"]),
                nn.Tanh(),
            ])
        self.classifier = nn.Linear(options["n_hid"], 3)

    def forward(self, x):
        for lin, act in self.hids:
            x = act(lin(x))
        return self.classifier(x)
