# Source: https://github.com/dotnet/TorchSharp/issues/358 (a project-local base that happens to be called Module)
import torch


class Module:
    def __init__(self):
        self.training = True


class Counter(Module):
    def __init__(self, n):
        super().__init__()
        self.counts = torch.zeros(n)
        self.items = [torch.ones(1) for _ in range(n)]

    def update(self, idx):
        self.counts[idx] += 1
