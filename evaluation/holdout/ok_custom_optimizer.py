# Source: https://github.com/YanaiEliyahu/AdasOptimizer/issues/2 (custom optimizers keep tensor state; not Modules)
import torch
from torch.optim import Optimizer


class SignSGD(Optimizer):
    def __init__(self, params, lr=1e-3):
        super().__init__(params, dict(lr=lr))
        self.step_count = torch.zeros(())
        self.buffers = [torch.zeros_like(p) for g in self.param_groups for p in g["params"]]

    @torch.no_grad()
    def step(self, closure=None):
        for g in self.param_groups:
            for p in g["params"]:
                if p.grad is not None:
                    p.add_(p.grad.sign(), alpha=-g["lr"])
        self.step_count += 1
