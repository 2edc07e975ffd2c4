# Relabelled for issue 9 (findings rest on a consequence): read only through metadata (.device); "allow" lines count neither way.
# Modelled on: https://github.com/Lightning-AI/pytorch-lightning/issues/3674
import torch
import torch.nn.functional as F
import pytorch_lightning as pl


class LitModel(pl.LightningModule):
    def __init__(self) -> None:
        super().__init__()
        self.seg = 20
        self.num_joints = 25
        self.tem = self.one_hot(self.seg, self.num_joints)  # allow: MPR002
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
        print(self.tem.device)  # the output is CPU, expected is GPU
        x = x.view(x.size(0), -1)
        x = F.relu(self.layer_1(x))
        return self.layer_2(x)

    def configure_optimizers(self):
        return torch.optim.Adam(self.parameters(), lr=1e-3)
