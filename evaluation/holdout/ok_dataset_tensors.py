# Source: https://github.com/pytorch/examples (custom Dataset holding tensors is not a Module)
import torch
from torch.utils.data import Dataset


class SyntheticDataset(Dataset):
    def __init__(self, n, dim):
        self.x = torch.randn(n, dim)
        self.y = torch.randint(0, 2, (n,))
        self.weights = torch.ones(n, requires_grad=False)
        self.transforms = []

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i], self.y[i]
