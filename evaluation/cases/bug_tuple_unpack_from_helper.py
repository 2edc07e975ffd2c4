import torch
import torch.nn as nn


def make_grid(h, w):
    ys, xs = torch.meshgrid(torch.arange(h), torch.arange(w), indexing="ij")
    return xs.float(), ys.float()


class FlowWarp(nn.Module):
    def __init__(self, h, w):
        super().__init__()
        self.grid_x, self.grid_y = make_grid(h, w)  # expect: MPR002

    def forward(self, flow):
        gx = 2 * (self.grid_x + flow[:, 0]) / (self.grid_x.shape[-1] - 1) - 1
        gy = 2 * (self.grid_y + flow[:, 1]) / (self.grid_y.shape[-2] - 1) - 1
        return torch.stack((gx, gy), dim=-1)
