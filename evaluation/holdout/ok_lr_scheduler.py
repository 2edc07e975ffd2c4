# Source: https://github.com/pytorch/pytorch (LRScheduler subclasses are not Modules)
import torch
from torch.optim.lr_scheduler import LRScheduler


class TableScheduler(LRScheduler):
    def __init__(self, optimizer, table, last_epoch=-1):
        self.table = torch.tensor(table)
        super().__init__(optimizer, last_epoch)

    def get_lr(self):
        i = min(self.last_epoch, len(self.table) - 1)
        return [float(self.table[i]) for _ in self.optimizer.param_groups]
