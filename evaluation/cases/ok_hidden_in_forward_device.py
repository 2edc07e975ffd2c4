# Hidden state created per batch in forward, on the input's device.
import torch
import torch.nn as nn


class CharRNN(nn.Module):
    def __init__(self, vocab, hidden, n_layers=2):
        super().__init__()
        self.hidden = hidden
        self.n_layers = n_layers
        self.emb = nn.Embedding(vocab, hidden)
        self.rnn = nn.LSTM(hidden, hidden, n_layers, batch_first=True)

    def init_hidden(self, batch_size, device):
        return (torch.zeros(self.n_layers, batch_size, self.hidden, device=device),
                torch.zeros(self.n_layers, batch_size, self.hidden, device=device))

    def forward(self, x):
        h = self.init_hidden(x.size(0), x.device)
        out, _ = self.rnn(self.emb(x), h)
        return out
