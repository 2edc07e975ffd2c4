# Source: https://github.com/pytorch/pytorch/issues/29807 (list of tensors on a module does not move to cuda)
import torch
import torch.nn as nn


class AnchorGenerator(nn.Module):
    def __init__(self, sizes, ratios):
        super().__init__()
        self.cell_anchors = [torch.tensor([[-s * r, -s, s * r, s] for r in ratios]) for s in sizes]  # expect: MPR007

    def forward(self, feats):
        return [a.to(f.dtype) for a, f in zip(self.cell_anchors, feats)]
