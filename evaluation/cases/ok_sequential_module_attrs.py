# Plain assignments of modules, None, and scalars.
import torch.nn as nn


class Head(nn.Module):
    def __init__(self, dim, n_classes, dropout=None):
        super().__init__()
        self.fc = nn.Linear(dim, n_classes)
        self.drop = nn.Dropout(dropout) if dropout else None
        self.act = nn.Identity()
        self.temperature = 1.0
        self.classes = tuple(range(n_classes))

    def forward(self, x):
        if self.drop is not None:
            x = self.drop(x)
        return self.act(self.fc(x)) / self.temperature
