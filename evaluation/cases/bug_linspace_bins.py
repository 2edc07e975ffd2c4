# Distributional RL (C51) support atoms.
import torch
import torch.nn as nn


class C51Head(nn.Module):
    def __init__(self, in_dim, n_actions, n_atoms=51, v_min=-10.0, v_max=10.0):
        super().__init__()
        self.n_actions = n_actions
        self.n_atoms = n_atoms
        self.support = torch.linspace(v_min, v_max, n_atoms)  # expect: MPR002
        self.fc = nn.Linear(in_dim, n_actions * n_atoms)

    def forward(self, x):
        logits = self.fc(x).view(-1, self.n_actions, self.n_atoms)
        probs = logits.softmax(-1)
        return (probs * self.support).sum(-1)
