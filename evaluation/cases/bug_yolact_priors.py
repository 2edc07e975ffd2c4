# Modelled on: https://github.com/dbolya/yolact/issues/130
# Prior boxes built in __init__ with the legacy torch.Tensor constructor.
from itertools import product

import torch
import torch.nn as nn


class PredictionLayer(nn.Module):
    def __init__(self, in_channels, aspect_ratios, scales, conv_h, conv_w):
        super().__init__()
        self.conf_layer = nn.Conv2d(in_channels, len(aspect_ratios) * 81, 3, padding=1)
        prior_data = []
        for j, i in product(range(conv_h), range(conv_w)):
            x = (i + 0.5) / conv_w
            y = (j + 0.5) / conv_h
            for ar in aspect_ratios:
                for scale in scales:
                    prior_data += [x, y, scale * ar, scale / ar]
        self.priors = torch.Tensor(prior_data).view(-1, 4)  # expect: MPR002

    def forward(self, x):
        return self.conf_layer(x), self.priors


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INIT = {"PredictionLayer": dict(in_channels=4, aspect_ratios=[1.0], scales=[1.0], conv_h=2, conv_w=2)}
EXAMPLE_INPUTS = {"PredictionLayer": lambda: (torch.randn(1, 4, 2, 2),)}
