import torch
import torch.nn as tnn


class Patchify(tnn.Module):
    def __init__(self, img, patch):
        super().__init__()
        n = (img // patch) ** 2
        self.proj = tnn.Conv2d(3, 64, patch, patch)
        self.cls_pos = torch.zeros(1, n + 1, 64)  # expect: MPR001|MPR002

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        return x + self.cls_pos[:, 1:]
