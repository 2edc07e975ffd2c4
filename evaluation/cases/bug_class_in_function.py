# Notebook code that builds the model class inside a factory function.
import torch
import torch.nn as nn


def build_model(n_classes, class_freq):
    class Head(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(256, n_classes)
            self.logit_adjust = torch.log(torch.tensor(class_freq))  # expect: MPR002

        def forward(self, x):
            return self.fc(x) + self.logit_adjust

    return Head()
