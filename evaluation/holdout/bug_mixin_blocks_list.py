# Source: https://github.com/pytorch/pytorch/issues/1053 ("submodules defined in list are not auto-registered")
import torch.nn as nn


class ConfigMixin:
    def describe(self):
        return type(self).__name__


class TextCNN(ConfigMixin, nn.Module):
    def __init__(self, word_vec_size):
        super().__init__()
        self.conv1d = [  # expect: MPR003
            nn.Conv1d(word_vec_size, 1, 3),
            nn.Conv1d(word_vec_size, 1, 4),
            nn.Conv1d(word_vec_size, 1, 5),
        ]

    def forward(self, x):
        return [c(x).max(-1).values for c in self.conv1d]
