"""flake8-nnparam: find tensors, modules and Parameters that a torch.nn.Module never registers."""

__version__ = "0.1.0"

# How a buffer fix is written; here (not in fix.py) so the command can offer it without importing libcst.
BUFFER_STYLES = ("register_buffer", "nn.Buffer")
