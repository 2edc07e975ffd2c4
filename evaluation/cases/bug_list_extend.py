from torch import nn


class UNetDecoder(nn.Module):
    def __init__(self, channels=(256, 128, 64)):
        super().__init__()
        self.ups = []  # expect: MPR003
        self.ups.extend(nn.ConvTranspose2d(c, c // 2, 2, stride=2) for c in channels)

    def forward(self, x):
        for up in self.ups:
            x = up(x)
        return x
