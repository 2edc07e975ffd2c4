# Lightning 2.x idiom: outputs collected per step in a list created in __init__.
import torch
from torch import nn
import lightning.pytorch as pl


class LitClassifier(pl.LightningModule):
    def __init__(self):
        super().__init__()
        self.model = nn.Linear(32, 4)
        self.validation_step_outputs = []

    def validation_step(self, batch, batch_idx):
        x, y = batch
        preds = self.model(x)
        self.validation_step_outputs.append(preds)
        return preds

    def on_validation_epoch_end(self):
        all_preds = torch.cat(self.validation_step_outputs)
        self.log("val_mean", all_preds.mean())
        self.validation_step_outputs.clear()
