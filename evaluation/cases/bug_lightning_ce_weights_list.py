# Modelled on: https://github.com/Lightning-AI/pytorch-lightning/issues/2984
# Loss modules with class weights kept in a plain list.
import torch
import pytorch_lightning as pl


class JJGTransformer(pl.LightningModule):
    def __init__(self, n_positions):
        super().__init__()
        self.criterions = []  # expect: MPR003
        for _ in range(n_positions):
            weight = torch.ones(94)
            self.criterions.append(torch.nn.CrossEntropyLoss(weight=weight))

    def validation_step(self, batch, batch_idx):
        x, y = batch
        out = self(x)
        return sum(c(out[:, i, :], y[:, i]) for i, c in enumerate(self.criterions))
