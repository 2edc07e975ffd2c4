# Anchors per FPN level returned as a list of tensors by a module-level function.
import torch
import torch.nn as nn


def generate_anchors(sizes, ratios):
    out = []
    for s in sizes:
        r = torch.tensor(ratios)
        w = s / torch.sqrt(r)
        h = s * torch.sqrt(r)
        out.append(torch.stack([-w, -h, w, h], 1) / 2)
    return out


class AnchorHead(nn.Module):
    def __init__(self, sizes=(32, 64, 128), ratios=(0.5, 1.0, 2.0)):
        super().__init__()
        self.cell_anchors = generate_anchors(sizes, ratios)  # expect: MPR007
        self.cls = nn.Conv2d(256, 9, 3, padding=1)

    def forward(self, feats):
        return [self.cls(f) for f in feats], self.cell_anchors


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INPUTS = {"AnchorHead": lambda: ([torch.randn(1, 256, 4, 4)],)}
