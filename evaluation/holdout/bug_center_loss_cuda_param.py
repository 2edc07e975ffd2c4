# Source: https://github.com/KaiyangZhou/pytorch-center-loss/issues/23
# "optimizer got an empty parameter list": `.cuda()` on a Parameter returns a plain (non-leaf) tensor,
# so on the GPU path self.centers is not registered.
import torch
import torch.nn as nn


class CenterLoss(nn.Module):
    def __init__(self, classes, feature_dims, use_gpu=True):
        super(CenterLoss, self).__init__()
        self.classes = classes
        self.feature_dims = feature_dims
        self.use_gpu = use_gpu
        if use_gpu:
            self.centers = nn.Parameter(torch.randn(self.classes, self.feature_dims)).cuda()  # expect: MPR001
        else:
            self.centers = nn.Parameter(torch.randn(self.classes, self.feature_dims))

    def forward(self, x, labels):
        dist = torch.cdist(x, self.centers)
        return dist.gather(1, labels.unsqueeze(1)).mean()
