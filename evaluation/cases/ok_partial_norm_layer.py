from functools import partial

import torch.nn as nn


class ViTBlock(nn.Module):
    def __init__(self, dim, norm_layer=partial(nn.LayerNorm, eps=1e-6), act_layer=nn.GELU):
        super().__init__()
        self.norm_factory = norm_layer
        self.act_cls = act_layer
        self.norm1 = norm_layer(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), act_layer(), nn.Linear(4 * dim, dim))

    def forward(self, x):
        return x + self.mlp(self.norm1(x))
