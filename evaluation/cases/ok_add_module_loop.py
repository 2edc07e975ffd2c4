# A list of modules whose elements are each registered with add_module, to keep
# Sequential-style state_dict keys (done on purpose by several libraries).
import torch.nn as nn


class MLP(nn.Module):
    def __init__(self, sizes):
        super().__init__()
        self.layers = []
        for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
            layer = nn.Linear(a, b)
            self.add_module(f"fc{i}", layer)
            self.layers.append(layer)

    def forward(self, x):
        for layer in self.layers:
            x = layer(x).relu()
        return x
