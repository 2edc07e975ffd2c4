"""flake8-nnparam: find tensors, modules and Parameters that a torch.nn.Module never registers."""

__version__ = "0.1.0"

# How a buffer fix is written; here so the command's arguments can offer it without importing the engine.
BUFFER_STYLES = ("register_buffer", "nn.Buffer")
