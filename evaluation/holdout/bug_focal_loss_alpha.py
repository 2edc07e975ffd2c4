# Source: https://github.com/pytorch/pytorch/issues/122757 (class weights on the CPU, model on cuda)
import torch
import torch.nn as nn
import torch.nn.functional as F


class FocalLoss(nn.Module):
    def __init__(self, alpha=0.25, gamma=2.0, num_classes=2):
        super().__init__()
        self.gamma = gamma
        if isinstance(alpha, float):
            self.alpha = torch.tensor([alpha, 1 - alpha])  # expect: MPR002
        else:
            self.alpha = torch.tensor(alpha)  # expect: MPR002

    def forward(self, logits, target):
        logp = F.log_softmax(logits, dim=-1)
        p = logp.exp()
        at = self.alpha.gather(0, target)
        loss = -at * (1 - p.gather(1, target[:, None]).squeeze(1)) ** self.gamma * logp.gather(1, target[:, None]).squeeze(1)
        return loss.mean()
