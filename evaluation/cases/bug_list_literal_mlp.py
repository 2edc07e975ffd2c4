# Blog-post style bug: "model.parameters() returns an empty list".
import torch.nn as nn


class MyModel(nn.Module):
    def __init__(self):
        super().__init__()
        self.layers = [  # expect: MPR003
            nn.Linear(64, 32),
            nn.ReLU(),
            nn.Linear(32, 10),
        ]

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        return x
