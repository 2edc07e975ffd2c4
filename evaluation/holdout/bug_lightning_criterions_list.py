# Source: https://github.com/Lightning-AI/pytorch-lightning/issues/2984 ("CrossEntropyLoss with weights": criterions in a list)
import torch
import pytorch_lightning as pl


class JJG_Transformer(pl.LightningModule):
    def __init__(self, letter_weights_per_position):
        super(JJG_Transformer, self).__init__()
        self.criterions = []  # expect: MPR003
        for weight in letter_weights_per_position:
            weight = torch.ones((94))
            self.criterions.append(torch.nn.CrossEntropyLoss(weight=weight))
        self.head = torch.nn.Linear(512, 94 * len(letter_weights_per_position))

    def validation_step(self, batch, batch_idx):
        x, y = batch
        out = self.head(x).view(x.size(0), -1, 94)
        return sum(c(out[:, i], y[:, i]) for i, c in enumerate(self.criterions))
