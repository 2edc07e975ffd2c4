# Source: https://github.com/intel/ipex-llm/issues/11519 (device bookkeeping on a module)
import torch
import torch.nn as nn


class Sampler(nn.Module):
    def __init__(self, shape, device="cpu", seed=0):
        super().__init__()
        self.device = torch.device(device)
        self.dtype = torch.float16 if self.device.type == "cuda" else torch.float32
        self.shape = torch.Size(shape)
        self.generator = torch.Generator().manual_seed(seed)
        self.finfo = torch.finfo(self.dtype)

    def forward(self, n):
        return torch.randn((n, *self.shape), generator=self.generator).to(self.device, self.dtype)
