# Deliberate opt-out: object.__setattr__ bypasses Module registration on purpose
# (the teacher must not appear in the student's parameters or state_dict).
import torch
import torch.nn as nn


class Student(nn.Module):
    def __init__(self, teacher: nn.Module):
        super().__init__()
        self.fc = nn.Linear(10, 10)
        object.__setattr__(self, "teacher", teacher)
        object.__setattr__(self, "scratch", torch.zeros(10))

    def forward(self, x):
        with torch.no_grad():
            t = self.teacher(x)
        return self.fc(x), t
