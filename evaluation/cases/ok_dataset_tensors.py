import torch
from torch.utils.data import Dataset


class PairDataset(Dataset):
    def __init__(self, n, dim):
        self.x = torch.randn(n, dim)
        self.y = torch.randint(0, 2, (n,))
        self.mean = self.x.mean(0)
        self.items = [torch.zeros(dim) for _ in range(n)]

    def __len__(self):
        return len(self.x)

    def __getitem__(self, i):
        return self.x[i] - self.mean, self.y[i]
