# Source: https://github.com/Lightning-AI/pytorch-lightning/issues/1978 (after the fix)
import torch
import torch.nn.functional as F
from lightning import LightningModule


class LitClassifier(LightningModule):
    def __init__(self, n_classes, class_weights):
        super().__init__()
        self.backbone = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 128), torch.nn.ReLU())
        self.head = torch.nn.Linear(128, n_classes)
        self.register_buffer("class_weights", torch.as_tensor(class_weights, dtype=torch.float32))
        self.lr = 1e-3
        self.val_outputs = []

    def training_step(self, batch, batch_idx):
        x, y = batch
        return F.cross_entropy(self.head(self.backbone(x)), y, weight=self.class_weights)

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.val_outputs.append(self.head(self.backbone(x)).argmax(-1) == y)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=self.lr)
