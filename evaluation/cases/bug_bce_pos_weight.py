# Imbalanced BCE: pos_weight kept as an attribute and passed to the functional form.
import torch
import torch.nn as nn
import torch.nn.functional as F


class Model(nn.Module):
    def __init__(self, n_features, pos_ratio):
        super().__init__()
        self.fc = nn.Linear(n_features, 1)
        self.pos_weight = torch.tensor([(1 - pos_ratio) / pos_ratio])  # expect: MPR002

    def forward(self, x, y=None):
        logits = self.fc(x).squeeze(-1)
        if y is None:
            return logits
        return F.binary_cross_entropy_with_logits(logits, y, pos_weight=self.pos_weight)
