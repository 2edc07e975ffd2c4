# Source: https://github.com/Fraunhofer-IIS/prosper_nn/issues/13 (pattern): ViT tokens initialised but never wrapped
import torch
import torch.nn as nn


class PatchEmbedWithCls(nn.Module):
    def __init__(self, dim, num_patches):
        super().__init__()
        self.proj = nn.Conv2d(3, dim, 16, 16)
        self.cls_token = torch.zeros(1, 1, dim)  # expect: MPR001
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, dim))
        nn.init.trunc_normal_(self.cls_token, std=0.02)
        nn.init.trunc_normal_(self.pos_embed, std=0.02)

    def forward(self, x):
        x = self.proj(x).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.size(0), -1, -1)
        return torch.cat([cls, x], 1) + self.pos_embed
