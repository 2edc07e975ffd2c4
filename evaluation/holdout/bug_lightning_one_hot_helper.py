# Relabelled for issue 9 (findings rest on a consequence): never read after construction; "allow" lines count neither way.
# Source: https://github.com/Lightning-AI/pytorch-lightning/issues/3674
# "Tensor is not moved to the expected device": a table built by a helper method stays on the CPU.
import torch
import torch.nn.functional as F
import pytorch_lightning as pl


class LitModel(pl.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.seg = 20
        self.num_joints = 25
        self.tem = self.one_hot(self.seg, self.num_joints)  # allow: MPR002|MPR001
        self.tem = self.tem.permute(2, 0, 1)  # allow: MPR002|MPR001
        self.layer_1 = torch.nn.Linear(28 * 28, 128)
        self.layer_2 = torch.nn.Linear(128, 10)

    def one_hot(self, spa, tem) -> torch.Tensor:
        y = torch.arange(spa).unsqueeze(-1)
        y_onehot = torch.FloatTensor(spa, spa)
        y_onehot.zero_()
        y_onehot.scatter_(1, y, 1)
        y_onehot = y_onehot.unsqueeze(0)
        y_onehot = y_onehot.repeat(tem, 1, 1)
        return y_onehot

    def forward(self, x):
        x = x.view(x.size(0), -1)
        return self.layer_2(F.relu(self.layer_1(x)))

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)
