"""flake8-nnparam: find tensors, modules and Parameters that a torch.nn.Module never registers."""

__version__ = "0.1.0"
