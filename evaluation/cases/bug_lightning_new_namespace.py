# Lightning 2.x import style; a label-smoothing prior kept as a plain tensor.
import lightning as L
import torch
from torch import nn


class Classifier(L.LightningModule):
    def __init__(self, num_classes, prior):
        super().__init__()
        self.net = nn.Linear(512, num_classes)
        self.log_prior = torch.log(torch.tensor(prior))  # expect: MPR002

    def forward(self, x):
        return self.net(x) - self.log_prior

    def training_step(self, batch, batch_idx):
        x, y = batch
        return nn.functional.cross_entropy(self(x), y)
