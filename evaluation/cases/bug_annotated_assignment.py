import torch
from torch import Tensor, nn


class AttentionBias(nn.Module):
    def __init__(self, num_heads: int, max_len: int) -> None:
        super().__init__()
        slopes = 2 ** (-8 * torch.arange(1, num_heads + 1) / num_heads)
        self.slopes: Tensor = slopes[:, None, None]  # expect: MPR002
        self.positions: torch.Tensor = torch.arange(max_len)  # expect: MPR002

    def forward(self, scores: Tensor) -> Tensor:
        n = scores.size(-1)
        rel = self.positions[:n][None, :] - self.positions[:n][:, None]
        return scores + self.slopes * rel
