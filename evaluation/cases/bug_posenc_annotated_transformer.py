# Modelled on: https://github.com/harvardnlp/annotated-transformer/issues/25
# Positional encoding table kept as a plain attribute: stays on the CPU after
# model.cuda() and is missing from state_dict().
import math

import torch
import torch.nn as nn


class PositionalEncoding(nn.Module):
    def __init__(self, d_model, dropout, max_len=5000):
        super(PositionalEncoding, self).__init__()
        self.dropout = nn.Dropout(p=dropout)
        pe = torch.zeros(max_len, d_model)
        position = torch.arange(0.0, max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0.0, d_model, 2) * -(math.log(10000.0) / d_model))
        pe[:, 0::2] = torch.sin(position * div_term)
        pe[:, 1::2] = torch.cos(position * div_term)
        pe = pe.unsqueeze(0)
        self.pe = pe  # expect: MPR002

    def forward(self, x):
        x = x + self.pe[:, : x.size(1)]
        return self.dropout(x)
