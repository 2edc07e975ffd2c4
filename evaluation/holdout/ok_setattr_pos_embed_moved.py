# Source: https://github.com/lyuwenyu/RT-DETR/issues/677
# Before the fix: setattr in _reset_parameters, then `.to(src_flatten.device)` on every forward.
# Works (only a performance hint: register a non-persistent buffer), so no default-on finding.
import torch
import torch.nn as nn


class HybridEncoder(nn.Module):
    def __init__(self, use_encoder_idx=(2,), feat_strides=(8, 16, 32), hidden_dim=256, eval_spatial_size=(640, 640)):
        super().__init__()
        self.use_encoder_idx = use_encoder_idx
        self.feat_strides = feat_strides
        self.hidden_dim = hidden_dim
        self.eval_spatial_size = eval_spatial_size
        self.encoder = nn.Linear(hidden_dim, hidden_dim)
        self._reset_parameters()

    def _reset_parameters(self):
        for idx in self.use_encoder_idx:
            stride = self.feat_strides[idx]
            pos_embed = self.build_2d_sincos_position_embedding(
                self.eval_spatial_size[1] // stride, self.eval_spatial_size[0] // stride, self.hidden_dim)
            setattr(self, f"pos_embed{idx}", pos_embed)

    @staticmethod
    def build_2d_sincos_position_embedding(w, h, embed_dim=256, temperature=10000.0):
        grid_w, grid_h = torch.meshgrid(torch.arange(int(w), dtype=torch.float32),
                                        torch.arange(int(h), dtype=torch.float32), indexing="ij")
        pos_dim = embed_dim // 4
        omega = 1.0 / (temperature ** (torch.arange(pos_dim, dtype=torch.float32) / pos_dim))
        out_w = grid_w.flatten()[..., None] @ omega[None]
        out_h = grid_h.flatten()[..., None] @ omega[None]
        return torch.cat([out_w.sin(), out_w.cos(), out_h.sin(), out_h.cos()], dim=1)[None, :, :]

    def forward(self, src_flatten, enc_ind):
        pos_embed = getattr(self, f"pos_embed{enc_ind}", None).to(src_flatten.device)
        return self.encoder(src_flatten + pos_embed)
