# Modelled on an audio-diffusion pipeline stage: an adapter built in forward from that call's conditioning
# tensors, handed to a sampler and dropped. Nothing moves or saves an adapter: its tensors are the call's.
import torch
from torch import nn


class _CFGAdapter(nn.Module):
    def __init__(self, dit, *, batch_cond: torch.Tensor, cfg_scale: float):
        super().__init__()
        self.dit = dit
        self.batch_cond = batch_cond
        self.cfg_scale = cfg_scale

    def forward(self, x, sigma):
        cond, uncond = self.dit(torch.cat([x, x]), self.batch_cond).chunk(2)
        return uncond + (cond - uncond) * self.cfg_scale


class DenoisingStage(nn.Module):
    def __init__(self, dit):
        super().__init__()
        self.dit = dit

    def forward(self, x, cond, steps=10, guidance=3.0):
        adapter = _CFGAdapter(self.dit, batch_cond=torch.cat([cond, torch.zeros_like(cond)]), cfg_scale=guidance)
        for _ in range(steps):
            x = x - 0.1 * adapter(x, None)
        return x
