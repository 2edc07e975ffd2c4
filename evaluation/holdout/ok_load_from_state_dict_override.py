# Source: https://github.com/espnet/espnet/pull/1060 ("maybe you should override the state_dict and load_state_dict")
import torch
import torch.nn as nn


class ExtendablePE(nn.Module):
    def __init__(self, d_model, max_len=512):
        super().__init__()
        self.d_model = d_model
        self.pe = torch.zeros(max_len, d_model)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs):
        state_dict.pop(prefix + "pe", None)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    def forward(self, x):
        return x + self.pe[: x.size(1)].to(x.device)
