from collections import OrderedDict

import torch.nn as nn


class Classifier(nn.Module):
    def __init__(self, n_in, n_out):
        super().__init__()
        self.head = nn.Sequential(OrderedDict([
            ("fc1", nn.Linear(n_in, 128)),
            ("act", nn.ReLU()),
            ("fc2", nn.Linear(128, n_out)),
        ]))

    def forward(self, x):
        return self.head(x)
