"""A hypothesis strategy for PyTorch-shaped module files.

Random mixes of what real models do in ``__init__``: tensor factories and method chains, plain and
registered attributes, containers of modules / Parameters / tensors, helper functions and helper
methods, ``setattr``, in-place fills, conditionals, and the import styles people use for ``torch``
and ``torch.nn``. The output is always valid Python; line endings and indentation vary too.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import strategies as st

ATTRS = ("w", "b", "mask", "weight", "bias", "pe", "table", "blocks", "heads", "scale", "cache", "lin")


@dataclass(frozen=True)
class Spelling:
    """How the generated file spells ``torch``, ``torch.nn`` and ``torch.nn.Parameter``."""

    imports: tuple[str, ...]
    torch: str
    nn: str
    parameter: str


IMPORT_STYLES = (
    Spelling(("import torch", "from torch import nn"), "torch", "nn", "nn.Parameter"),
    Spelling(("import torch", "import torch.nn as nn"), "torch", "nn", "nn.Parameter"),
    Spelling(("import torch",), "torch", "torch.nn", "torch.nn.Parameter"),
    Spelling(("import torch", "import torch.nn"), "torch", "torch.nn", "torch.nn.Parameter"),
    Spelling(("import torch as T", "from torch import nn as tnn"), "T", "tnn", "tnn.Parameter"),
    Spelling(
        ("import torch", "from torch import nn", "from torch.nn import Parameter"), "torch", "nn", "Parameter"
    ),
    Spelling(("import torch, torch.nn as nn", "import torch.nn.functional as F"), "torch", "nn", "nn.Parameter"),
    Spelling(("from torch import nn, Tensor", "import torch"), "torch", "nn", "nn.Parameter"),
)

FACTORIES = ("zeros", "ones", "randn", "rand", "empty", "eye", "arange", "full")
CHAINS = (
    "",
    ".float()",
    ".t()",
    ".unsqueeze(0)",
    ".to('cpu')",
    ".requires_grad_()",
    ".clone().detach()",
    "[None]",
    " * 2",
    ".double().contiguous()",
)
LAYERS = ("Linear(n, n)", "Conv1d(n, n, 1)", "ReLU()", "Dropout(0.1)", "LayerNorm(n)", "Identity()")


@st.composite
def tensor_expr(draw, sp: Spelling) -> str:
    factory = draw(st.sampled_from(FACTORIES))
    if factory == "full":
        args = "(n, n), 0.5"
    elif factory == "arange":
        args = "n"
    else:
        args = draw(st.sampled_from(("n", "n, n", "1", "(n, n)")))
    kwargs = draw(st.sampled_from(("", ", requires_grad=True", f", dtype={sp.torch}.float32", ", device='cpu'")))
    if draw(st.booleans()):
        return f"{sp.torch}.tensor([1.0, 2.0, 3.0]){draw(st.sampled_from(CHAINS))}"
    if draw(st.integers(0, 5)) == 0:
        return f"{sp.torch}.tril({sp.torch}.ones(n, n)).bool()"
    return f"{sp.torch}.{factory}({args}{kwargs}){draw(st.sampled_from(CHAINS))}"


@st.composite
def layer_expr(draw, sp: Spelling) -> str:
    return f"{sp.nn}.{draw(st.sampled_from(LAYERS))}"


@st.composite
def statement(draw, sp: Spelling, helper: str | None) -> list[str]:
    """One or a few lines (unindented; nested lines carry their own 4-space indent)."""
    attr = draw(st.sampled_from(ATTRS))
    other = draw(st.sampled_from(ATTRS))
    kind = draw(st.integers(0, 23))
    t = draw(tensor_expr(sp))
    layer = draw(layer_expr(sp))
    k = draw(st.integers(1, 3))
    if kind == 0:
        return [f"self.{attr} = {t}"]
    if kind == 1:
        return [f"self.{attr} = {sp.parameter}({t})"]
    if kind == 2:
        return [f'self.register_buffer("{attr}", {t})']
    if kind == 3:
        return [f'self.register_buffer("{attr}", {t}, persistent=False)']
    if kind == 4:
        return [f"self.{attr} = [{layer} for _ in range({k})]"]
    if kind == 5:
        return [f'self.{attr} = {{"a": {layer}, "b": {layer}}}']
    if kind == 6:
        return [f"self.{attr} = [{sp.parameter}({t}) for _ in range({k})]"]
    if kind == 7:
        return [f"self.{attr} = ({t}, {t})"]
    if kind == 8:
        return [f"self.{attr} = []", f"for _ in range({k}):", f"    self.{attr}.append({layer})"]
    if kind == 9:
        return [f"self.{attr} = {sp.nn}.ModuleList([{layer}])"]
    if kind == 10:
        return [f"self.{attr} = {layer}"]
    if kind == 11:
        return [f"tmp = {t}", f"{sp.nn}.init.normal_(tmp)", f"self.{attr} = tmp"]
    if kind == 12:
        return [f"setattr(self, {attr!r}, {t})"]
    if kind == 13 and helper:
        return [f"self.{attr} = {helper}(n)"]
    if kind == 14:
        return [f"self._build_{attr}(n)"]
    if kind == 15:
        return ["if n > 2:", f"    self.{attr} = {t}", "else:", f"    self.{attr} = None"]
    if kind == 16:
        return [f"with {sp.torch}.no_grad():", f"    self.{other}.fill_(0)"]
    if kind == 17:
        return [f"self.{attr}: {sp.torch}.Tensor = {t}"]
    if kind == 18:
        return [f"x = 1; self.{attr} = {t}  # trailing comment"]
    if kind == 19:
        return [f"self.{attr} = self.{other} = {t}"]
    if kind == 20:
        return [f"self.{attr}, self.{other} = {t}, {t}"]
    if kind == 21:
        return [f"self.{attr} = (", f"    {t}", ")"]
    if kind == 22:
        return [f"self.{attr} = {t}  # noqa: MPR002"]
    return [f"# a comment about {attr}", f"self.{attr} = {sp.torch}.{draw(st.sampled_from(FACTORIES))}(n)"]


@st.composite
def module_class(draw, sp: Spelling, name: str, base: str, helper: str | None) -> str:
    body: list[str] = []
    if draw(st.integers(0, 9)) or base != f"{sp.nn}.Module":
        body.append("super().__init__()" if draw(st.booleans()) else f"{base}.__init__(self)")
    for stmt in draw(st.lists(statement(sp, helper), min_size=1, max_size=7)):
        body.extend(stmt)
    lines = [f"class {name}({base}):"]
    if draw(st.integers(0, 4)) == 0:
        lines += ["    scale = 1.0", ""]
    lines.append("    def __init__(self, n=4):")
    lines += [f"        {line}" for line in body]
    built = sorted({b for b in ATTRS if f"self._build_{b}(n)" in "\n".join(body)})
    for attr in built:
        t = draw(tensor_expr(sp))
        lines += ["", f"    def _build_{attr}(self, n):", f"        self.{attr} = {t}"]
    if draw(st.booleans()):
        used = draw(st.sampled_from(ATTRS))
        lines += ["", "    def forward(self, x):"]
        if draw(st.booleans()):
            lines.append(f"        self.{used}.add_(1)")
        lines.append(f"        return x + self.{used}")
    return "\n".join(lines) + "\n"


@st.composite
def torch_module_source(draw) -> str:
    """A whole file: imports, maybe a helper function, one to three Module classes."""
    sp = draw(st.sampled_from(IMPORT_STYLES))
    parts = ["\n".join(sp.imports) + "\n"]
    helper = None
    if draw(st.booleans()):
        helper = "make_table"
        parts.append(f"\n\ndef {helper}(n):\n    return {draw(tensor_expr(sp))}\n")
    names = []
    for i in range(draw(st.integers(1, 3))):
        name = f"Block{i}"
        base = f"{sp.nn}.Module"
        if names and draw(st.booleans()):
            base = draw(st.sampled_from(names))
        parts.append("\n\n" + draw(module_class(sp, name, base, helper)))
        names.append(name)
    source = "".join(parts)
    if draw(st.integers(0, 3)) == 0:
        source = source.replace("    ", "\t")
    if draw(st.integers(0, 3)) == 0:
        source = source.replace("\n", "\r\n")
    return source
