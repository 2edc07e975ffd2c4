# Source: https://github.com/mikeizbicki/cmc-csci181-deeplearning/issues/7
# "optimizer got an empty parameter list": repeated conv layers kept in a list built with `*`.
import torch
import torch.nn as nn


class CNNModel(nn.Module):
    def __init__(self, vocab_size, hidden, num_layers, input_length, n_classes):
        super(CNNModel, self).__init__()
        self.relu = nn.ReLU()
        self.cnn = nn.Conv1d(vocab_size, hidden, 3, padding=1)
        self.cnns = (num_layers - 1) * [nn.Conv1d(hidden, hidden, 3, padding=1)]  # expect: MPR003
        self.fc = nn.Linear(hidden * input_length, n_classes)

    def forward(self, x):
        out = self.relu(self.cnn(torch.einsum("lbv->bvl", x)))
        for cnn in self.cnns:
            out = self.relu(cnn(out))
        return self.fc(out.flatten(1))
