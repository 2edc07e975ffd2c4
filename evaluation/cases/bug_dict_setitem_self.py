# Heads filled through self.heads[k] = ...
import torch.nn as nn


class Detector(nn.Module):
    def __init__(self, in_ch, head_cfg):
        super().__init__()
        self.heads = dict()  # expect: MPR004
        for name, out_ch in head_cfg.items():
            self.heads[name] = nn.Sequential(nn.Conv2d(in_ch, 64, 3, padding=1), nn.ReLU(), nn.Conv2d(64, out_ch, 1))

    def forward(self, x):
        return {k: h(x) for k, h in self.heads.items()}
