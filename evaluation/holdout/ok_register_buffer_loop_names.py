# Source: https://github.com/lyuwenyu/RT-DETR/pull/679 ("Register AIFI pos_embed as a non-persistent buffer")
import torch
import torch.nn as nn


class HybridEncoder(nn.Module):
    def __init__(self, feat_strides, hidden_dim=256, eval_spatial_size=(640, 640)):
        super().__init__()
        self.feat_strides = feat_strides
        self.proj = nn.Linear(hidden_dim, hidden_dim)
        for idx, stride in enumerate(feat_strides):
            h, w = eval_spatial_size[0] // stride, eval_spatial_size[1] // stride
            pos_embed = torch.randn(1, h * w, hidden_dim)
            self.register_buffer(f"pos_embed{idx}", pos_embed, persistent=False)

    def forward(self, src, idx):
        return self.proj(src + getattr(self, f"pos_embed{idx}"))
