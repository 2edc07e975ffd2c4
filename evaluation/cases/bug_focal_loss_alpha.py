# Modelled on the widely copied FocalLoss snippet (Stack Overflow / GitHub gists):
# alpha is a plain tensor and has to be moved by hand in forward.
import torch
import torch.nn as nn
import torch.nn.functional as F


class FocalLoss(nn.Module):
    def __init__(self, gamma=2, alpha=0.25, size_average=True):
        super(FocalLoss, self).__init__()
        self.gamma = gamma
        self.alpha = torch.Tensor([alpha, 1 - alpha])  # expect: MPR002
        self.size_average = size_average

    def forward(self, input, target):
        logpt = F.log_softmax(input, dim=1)
        logpt = logpt.gather(1, target.view(-1, 1)).view(-1)
        pt = logpt.exp()
        at = self.alpha.gather(0, target.view(-1))
        loss = -1 * at * (1 - pt) ** self.gamma * logpt
        return loss.mean() if self.size_average else loss.sum()


# Example construction keyword arguments and forward inputs (tests/test_consequences.py).
EXAMPLE_INPUTS = {"FocalLoss": lambda: (torch.randn(4, 2), torch.tensor([0, 1, 1, 0]))}
