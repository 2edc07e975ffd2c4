# Class weights handed to nn.CrossEntropyLoss, which registers them as a buffer.
import torch
import torch.nn as nn


class Model(nn.Module):
    def __init__(self, class_weights):
        super().__init__()
        self.fc = nn.Linear(128, len(class_weights))
        self.criterion = nn.CrossEntropyLoss(weight=torch.tensor(class_weights, dtype=torch.float32))

    def forward(self, x, y):
        return self.criterion(self.fc(x), y)
