# from-import of LightningModule; a fixed target-normalisation statistic.
import torch
from pytorch_lightning import LightningModule


class Regressor(LightningModule):
    def __init__(self, y_mean, y_std):
        super().__init__()
        self.model = torch.nn.Sequential(torch.nn.Linear(10, 64), torch.nn.ReLU(), torch.nn.Linear(64, 1))
        self.y_mean = torch.tensor(y_mean, dtype=torch.float32).reshape(1, -1)  # expect: MPR002
        self.y_std = torch.tensor(y_std, dtype=torch.float32).reshape(1, -1)  # expect: MPR002

    def forward(self, x):
        return self.model(x) * self.y_std + self.y_mean
