# Source: https://github.com/pytorch/pytorch/issues/4412 (dicts of layer *classes* and functions are configuration, not state)
import torch.nn as nn
import torch.nn.functional as F

ACTIVATIONS = {"relu": nn.ReLU, "gelu": nn.GELU, "silu": nn.SiLU}


class ConfigurableMLP(nn.Module):
    def __init__(self, d, act="relu", norm="layer"):
        super().__init__()
        self.norm_types = {"layer": nn.LayerNorm, "batch": nn.BatchNorm1d}
        self.functional = {"relu": F.relu, "gelu": F.gelu}
        self.layer_types = [nn.Linear, nn.Dropout]
        self.fc = nn.Linear(d, d)
        self.act = ACTIVATIONS[act]()
        self.norm = self.norm_types[norm](d)

    def forward(self, x):
        return self.norm(self.act(self.fc(x)))
