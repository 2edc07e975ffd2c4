# Forum question: "my weights never change" -- a learnable matrix created with
# requires_grad=True is not returned by model.parameters(), so the optimizer skips it.
import torch
import torch.nn as nn


class Bilinear(nn.Module):
    def __init__(self, in1, in2, out):
        super().__init__()
        self.W = torch.randn(out, in1, in2, requires_grad=True)  # expect: MPR001
        self.fc = nn.Linear(in1, out)

    def forward(self, x1, x2):
        return torch.einsum("bi,oij,bj->bo", x1, self.W, x2) + self.fc(x1)


model = Bilinear(4, 5, 3)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
