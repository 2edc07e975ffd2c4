import torch.nn as nn


class Block(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.fc = nn.Linear(d, d)

    def forward(self, x):
        return x + self.fc(x)


class Tower(nn.Module):
    def __init__(self, d, n):
        super().__init__()
        self.blocks = []
        for _ in range(n):
            self.blocks.append(Block(d))
        self.blocks = nn.ModuleList(self.blocks)

    def forward(self, x):
        for b in self.blocks:
            x = b(x)
        return x
