import torch
import torch.nn as nn


class BaseEncoder(nn.Module):
    def __init__(self):
        super().__init__()


class ConvEncoder(BaseEncoder):
    def __init__(self, c):
        super().__init__()
        self.conv = nn.Conv2d(3, c, 3)


class SobelConvEncoder(ConvEncoder):
    def __init__(self, c):
        super().__init__(c)
        self.sobel_x = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]).view(1, 1, 3, 3)  # expect: MPR002

    def forward(self, x):
        g = torch.nn.functional.conv2d(x.mean(1, keepdim=True), self.sobel_x, padding=1)
        return self.conv(x), g
