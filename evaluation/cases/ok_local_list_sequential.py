import torch.nn as nn


class VGGBlock(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        layers = []
        in_c = 3
        for v in cfg:
            if v == "M":
                layers += [nn.MaxPool2d(2)]
            else:
                layers += [nn.Conv2d(in_c, v, 3, padding=1), nn.ReLU(inplace=True)]
                in_c = v
        self.features = nn.Sequential(*layers)

    def forward(self, x):
        return self.features(x)
