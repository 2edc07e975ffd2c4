# Relabelled for issue 9 (findings rest on a consequence): used only as an index into a Parameter (a CPU index works on any device) or never read; "allow" lines count neither way.
import torch
import torch.nn as nn


class RelativeBias(nn.Module):
    def __init__(self, window):
        super().__init__()
        coords = torch.stack(torch.meshgrid(torch.arange(window), torch.arange(window), indexing="ij"))
        flat = torch.flatten(coords, 1)
        rel = flat[:, :, None] - flat[:, None, :]
        rel = rel.permute(1, 2, 0).contiguous()
        rel[:, :, 0] += window - 1
        rel[:, :, 1] += window - 1
        rel[:, :, 0] *= 2 * window - 1
        self.relative_position_index = rel.sum(-1)  # allow: MPR002
        self.table = nn.Parameter(torch.zeros((2 * window - 1) ** 2, 4))
        self.border = torch.where(flat.sum(0) == 0, 1.0, 0.0)  # allow: MPR002

    def forward(self):
        return self.table[self.relative_position_index.view(-1)]
