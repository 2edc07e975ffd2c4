# Forum-style snippet: an ImageNet normalisation layer prepended to a pretrained
# backbone; mean/std stay on the CPU when the model is moved.
# Related: https://github.com/pytorch/vision/pull/782
import torch
from torch import nn
import torchvision


class Normalize(nn.Module):
    def __init__(self, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
        super().__init__()
        self.mean = torch.tensor(mean).view(1, 3, 1, 1)  # expect: MPR002
        self.std = torch.tensor(std).view(1, 3, 1, 1)  # expect: MPR002

    def forward(self, x):
        return (x - self.mean) / self.std


class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm = Normalize()
        self.backbone = torchvision.models.resnet18()

    def forward(self, x):
        return self.backbone(self.norm(x))
