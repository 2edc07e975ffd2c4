import pytorch_lightning as pl
import torch
import torchmetrics


class LitModel(pl.LightningModule):
    def __init__(self, num_classes):
        super().__init__()
        self.net = torch.nn.Linear(64, num_classes)
        self.train_acc = torchmetrics.Accuracy(task="multiclass", num_classes=num_classes)
        self.loss_fn = torch.nn.CrossEntropyLoss()

    def training_step(self, batch, batch_idx):
        x, y = batch
        logits = self.net(x)
        self.train_acc(logits, y)
        return self.loss_fn(logits, y)
