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
