# Source: https://github.com/woven-by-toyota/l5kit/issues/305 (numpy arrays and python numbers are not module state)
import numpy as np
import torch
import torch.nn as nn


class Denormalize(nn.Module):
    def __init__(self, mean, std):
        super().__init__()
        self.mean_np = np.asarray(mean, dtype=np.float32)
        self.std_np = np.array(std, dtype=np.float32)
        self.scale = 255.0
        self.channels = len(mean)
        self.names = ["r", "g", "b"]

    def forward(self, x):
        mean = torch.from_numpy(self.mean_np).to(x).view(1, -1, 1, 1)
        std = torch.from_numpy(self.std_np).to(x).view(1, -1, 1, 1)
        return (x * std + mean) * self.scale
