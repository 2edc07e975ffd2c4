from torch import nn


class MultiTask(nn.Module):
    def __init__(self, dim, tasks):
        super().__init__()
        self.heads = nn.ModuleDict({name: nn.Linear(dim, n) for name, n in tasks.items()})
        self.acts = nn.ModuleDict()
        self.acts["relu"] = nn.ReLU()

    def forward(self, x):
        return {k: h(self.acts["relu"](x)) for k, h in self.heads.items()}
