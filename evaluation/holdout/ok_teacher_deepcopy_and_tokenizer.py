# Source: https://github.com/pytorch/pytorch/issues/11476 (copies of modules and non-Module helpers on a Module)
import copy

import torch
import torch.nn as nn


class CharTokenizer:
    def __init__(self, alphabet):
        self.table = torch.arange(len(alphabet))
        self.index = {c: i for i, c in enumerate(alphabet)}


class Distiller(nn.Module):
    def __init__(self, student, alphabet):
        super().__init__()
        self.student = student
        self.teacher = copy.deepcopy(student)
        self.tokenizer = CharTokenizer(alphabet)

    def forward(self, x):
        with torch.no_grad():
            t = self.teacher(x)
        return self.student(x), t
