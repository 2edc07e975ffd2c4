"""The rule table: every code, its message, whether it is on by default, its fix, and its examples.

Each rule carries its own invalid and valid snippets (Fixit style); one generic test turns them
into tests, and the README's rule reference is checked against this table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .prefilter import DEFAULT_OFF_BAND


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str  # str.format template; fields: attr, plus rule-specific ones
    what: str
    why: str
    fix: str  # what the autofix writes, or "" when there is none
    invalid: tuple[str, ...] = ()
    valid: tuple[str, ...] = ()
    extra_fields: tuple[str, ...] = field(default=())

    @property
    def default_on(self) -> bool:
        return not self.code.startswith(DEFAULT_OFF_BAND)

    def format(self, attr: str, **fields: str) -> str:
        return f"{self.code} " + self.message.format(attr=attr, **fields)


_HEADER = "import torch\nfrom torch import nn\n\n"

RULES: tuple[Rule, ...] = (
    Rule(
        "MPR001",
        "tensor-should-be-parameter",
        "self.{attr} is a learnable tensor kept as a plain attribute: parameters() and the optimizer never see it, "
        "state_dict() and .to() skip it; wrap it: self.{attr} = nn.Parameter(...)",
        what="A tensor bound to `self` during construction that is meant to be learned: created with "
        "`requires_grad=True` (or `.requires_grad_()`), initialised as a weight (`nn.init.*`, `.normal_()`, "
        "random or uninitialised float factories), or named and shaped like a weight.",
        why="Only `nn.Parameter` attributes are returned by `parameters()`. The optimizer built from "
        "`model.parameters()` never updates this tensor, `state_dict()` does not save it, and "
        "`.to(device)` / `.double()` / DDP leave it behind.",
        fix="`self.w = nn.Parameter(<expr>)`",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.w = torch.randn(3, 3, requires_grad=True)  # MPR001\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.w = nn.Parameter(torch.randn(3, 3))\n",
        ),
    ),
    Rule(
        "MPR002",
        "tensor-should-be-buffer",
        "self.{attr} is a plain tensor: missing from state_dict() and not moved by .to()/.cuda()/.double(); "
        "register it: self.register_buffer(\"{attr}\", ...{persistent})",
        what="A tensor bound to `self` during construction that is state, a constant, a mask or a lookup table.",
        why="Plain tensor attributes are not buffers: `state_dict()` omits them and `.to(device)` does not move "
        "them, so the first GPU run fails with \"Expected all tensors to be on the same device\" and "
        "checkpoints silently lack the tensor. Derived constants (masks, position tables, windows) can use "
        "`persistent=False` so existing checkpoints still load with `strict=True`.",
        fix="`self.register_buffer(\"mask\", <expr>)`, with `persistent=False` for derived constants",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.mask = torch.tril(torch.ones(n, n))  # MPR002\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.register_buffer(\"mask\", torch.tril(torch.ones(n, n)), persistent=False)\n",
            _HEADER + "class M(nn.Module):\n    def forward(self, x):\n"
            "        self.cache = torch.zeros_like(x)\n        return x\n",
        ),
    ),
    Rule(
        "MPR003",
        "module-list",
        "self.{attr} is a plain {container} of modules: they are missing from parameters(), state_dict(), "
        ".to() and .train()/.eval(); use nn.ModuleList (state_dict gains keys {attr}.0.*)",
        what="A Python list or tuple of sub-modules bound to `self`, as a literal, a comprehension, "
        "`[layer] * n`, or an empty list filled with `append`/`extend`.",
        why="Modules are registered only when assigned directly or held by `nn.ModuleList`/`nn.Sequential`. "
        "Their weights are not optimised or saved, `.to()` does not move them, and `model.eval()` never reaches "
        "a Dropout or BatchNorm inside the list.",
        fix="`self.blocks = nn.ModuleList([...])`",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.blocks = [nn.Linear(4, 4) for _ in range(3)]  # MPR003\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])\n",
        ),
    ),
    Rule(
        "MPR004",
        "module-dict",
        "self.{attr} is a plain dict of modules: they are missing from parameters(), state_dict(), .to() and "
        ".train()/.eval(); use nn.ModuleDict (string keys; state_dict gains keys {attr}.<key>.*)",
        what="A Python dict of sub-modules bound to `self`.",
        why="As for lists: a plain dict hides its modules from every Module traversal.",
        fix="`self.heads = nn.ModuleDict({...})`",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.heads = {\"a\": nn.Linear(4, 2), \"b\": nn.Linear(4, 3)}  # MPR004\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.heads = nn.ModuleDict({\"a\": nn.Linear(4, 2)})\n",
        ),
    ),
    Rule(
        "MPR005",
        "parameter-list",
        "self.{attr} is a plain {container} of Parameters: parameters() and the optimizer never see them, "
        "state_dict() and .to() skip them; use nn.ParameterList",
        what="A Python list or tuple of `nn.Parameter`, or of tensors created with `requires_grad=True`, bound to "
        "`self`.",
        why="Parameters are registered only when assigned directly or held by `nn.ParameterList`/`ParameterDict`.",
        fix="`self.scales = nn.ParameterList([...])`",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = [nn.Parameter(torch.ones(4)) for _ in range(3)]  # MPR005\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = nn.ParameterList([nn.Parameter(torch.ones(4)) for _ in range(3)])\n",
        ),
    ),
    Rule(
        "MPR006",
        "parameter-dict",
        "self.{attr} is a plain dict of Parameters: parameters() and the optimizer never see them, state_dict() "
        "and .to() skip them; use nn.ParameterDict",
        what="A Python dict of `nn.Parameter`, or of tensors that require grad, bound to `self`.",
        why="As for lists of Parameters.",
        fix="`self.scales = nn.ParameterDict({...})`",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = {\"a\": nn.Parameter(torch.ones(4))}  # MPR006\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = nn.ParameterDict({\"a\": nn.Parameter(torch.ones(4))})\n",
        ),
    ),
    Rule(
        "MPR007",
        "tensor-container",
        "self.{attr} is a plain {container} of tensors: they are missing from state_dict() and not moved by "
        ".to()/.cuda(); register each with self.register_buffer(...) or stack them into one buffer",
        what="A Python list, tuple or dict of tensors bound to `self` during construction.",
        why="Tensors inside Python containers are invisible to `state_dict()` and `.to()`, exactly like plain "
        "tensor attributes.",
        fix="",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.anchors = [torch.ones(2) * s for s in (1, 2, 4)]  # MPR007\n",
        ),
        valid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.register_buffer(\"anchors\", torch.stack([torch.ones(2) * s for s in (1, 2, 4)]))\n",
        ),
    ),
    Rule(
        "MPR901",
        "moved-at-use",
        "self.{attr} is a plain tensor copied to the device at each use and missing from state_dict(); register it once with "
        "self.register_buffer(\"{attr}\", ..., persistent=False) instead",
        what="(off by default) A plain tensor attribute that the class itself moves or re-creates device-aware "
        "elsewhere (`self.x.to(...)`, `.cuda()`, `.type_as(...)`, `device=` in a re-assignment).",
        why="It works, but pays a device copy on every call and is still missing from `state_dict()`.",
        fix="`self.register_buffer(\"x\", <expr>, persistent=False)`",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.pe = torch.zeros(16, 4)  # MPR901\n"
            "    def forward(self, x):\n        return x + self.pe.to(x.device)\n",
        ),
    ),
    Rule(
        "MPR902",
        "scalar-tensor",
        "self.{attr} is a {shape} kept as a plain attribute; it is not moved by .to(): use a Python "
        "number{alternative}",
        what="(off by default) A 0-dim tensor without `requires_grad` (`torch.tensor(2.0)`) or an empty "
        "placeholder (`torch.empty(0)`) bound to `self`.",
        why="A 0-dim CPU tensor mixes with device tensors like a number, and a placeholder is usually rebuilt "
        "later, so neither usually fails; a Python number is simpler and never needs moving.",
        fix="",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
            "        self.scale = torch.tensor(d ** -0.5)  # MPR902\n",
        ),
    ),
    Rule(
        "MPR903",
        "disabled-parameter",
        "self.{attr} is a plain tensor where it is elsewhere an nn.Parameter or frozen with "
        "requires_grad_(False): .to() and state_dict() skip it; use self.register_parameter(\"{attr}\", None) "
        "or register_buffer",
        what="(off by default) A tensor bound to an attribute that another branch makes an `nn.Parameter`, or "
        "whose value ends in `.requires_grad_(False)`: a disabled-parameter sentinel.",
        why="Often deliberate, but the tensor still does not follow `.to()`.",
        fix="",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self, learn):\n        super().__init__()\n"
            "        if learn:\n            self.b = nn.Parameter(torch.zeros(4))\n"
            "        else:\n            self.b = torch.zeros(4)  # MPR903\n",
        ),
    ),
    Rule(
        "MPR904",
        "complex-tensor",
        "self.{attr} is a complex tensor kept as a plain attribute and not moved by .to(); do not make it a "
        "buffer (.to(dtype) would drop its imaginary part): register torch.view_as_real(...) or move it at use",
        what="(off by default) A complex tensor (`torch.polar`, `view_as_complex`, complex dtypes) bound to `self`.",
        why="It does not follow `.to(device)`, but registering it as a buffer is no fix: `Module.to(torch.bfloat16)` "
        "casts complex buffers too and silently drops the imaginary part.",
        fix="",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        t = torch.arange(n).float()\n"
            "        self.freqs = torch.polar(torch.ones(n), t)  # MPR904\n",
        ),
    ),
    Rule(
        "MPR905",
        "self-managed-class",
        "self.{attr} is a plain tensor, skipped by .to() and state_dict(), in a class that overrides {method}(): "
        "make sure the override handles it, or register it as a buffer",
        what="(off by default) A plain tensor in a class that defines `_apply`, `to`, `cuda`, "
        "`_save_to_state_dict` or `_load_from_state_dict`, i.e. handles device and state itself.",
        why="The override may well handle it; this code lets you audit such classes.",
        fix="",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.table = torch.ones(4)  # MPR905\n"
            "    def _apply(self, fn, recurse=True):\n        self.table = fn(self.table)\n"
            "        return super()._apply(fn, recurse)\n",
        ),
    ),
    Rule(
        "MPR906",
        "unused-after-construction",
        "self.{attr} is not registered (missing from state_dict() and .to()) but no method reads it after "
        "construction; use a local variable, or register it if code elsewhere reads it",
        what="(off by default) An unregistered tensor or container of modules/Parameters that the class's own "
        "methods never read after `__init__` (it only serves construction, or is handed to a sub-module).",
        why="Nothing at run time depends on it in this class, so it cannot cause a device mismatch here; code "
        "outside the class may still read it.",
        fix="",
        invalid=(
            _HEADER + "class M(nn.Module):\n    def __init__(self, n=3):\n        super().__init__()\n"
            "        self.init_table = torch.ones(n)  # MPR906\n"
            "        self.proj = nn.Linear(n, n)\n"
            "        with torch.no_grad():\n            self.proj.bias.copy_(self.init_table)\n"
            "    def forward(self, x):\n        return self.proj(x)\n",
        ),
    ),
    Rule(
        "MPR999",
        "not-analysed",
        "file could not be analysed by flake8-nnparam: {reason}",
        what="(off by default) The file could not be analysed (for example, recursion too deep).",
        why="Nothing was checked in it; the run goes on.",
        fix="",
    ),
)

RULES_BY_CODE: dict[str, Rule] = {rule.code: rule for rule in RULES}


def matches_no_code(entry: str) -> bool:
    """A select/ignore entry that is neither a code of this table nor a prefix of one (``MPR01``)."""
    return not any(rule.code.startswith(entry) for rule in RULES)


def render_rule_reference() -> str:
    """docs/rules.md, generated from this table (a test keeps the file in step)."""
    out = [
        "# Rule reference",
        "",
        "Generated from `flake8_nnparam/detection/rules.py` by "
        "`python -m flake8_nnparam.detection.rules > docs/rules.md`; do not edit by hand.",
        "",
        "| code | name | default | autofix |",
        "| --- | --- | --- | --- |",
    ]
    for rule in RULES:
        default = "on" if rule.default_on else "off"
        out.append(f"| [{rule.code}](#{rule.code.lower()}) | {rule.name} | {default} | {'yes' if rule.fix else 'no'} |")
    for rule in RULES:
        out += ["", f"## {rule.code}", "", f"**{rule.name}** (on by default: {'yes' if rule.default_on else 'no'})", ""]
        out += [f"Message: `{rule.code} {rule.message}`", ""]
        out += ["### What it finds", "", rule.what, "", "### Why it is a bug", "", rule.why, ""]
        for example in rule.invalid:
            out += ["### Example", "", "```python", example.rstrip(), "```", ""]
        for example in rule.valid:
            out += ["### Correct", "", "```python", example.rstrip(), "```", ""]
        out += ["### Fix", "", rule.fix or "No automatic fix: the right change needs a human decision.", ""]
        if rule.fix:
            out += [
                "Fix safety: the fix adds `state_dict()` keys (an old checkpoint loaded with `strict=True` "
                "will report them missing; load with `strict=False` once or re-save), and a new Parameter "
                "joins `parameters()`, so an optimizer built afterwards updates it.",
                "",
            ]
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render_rule_reference(), end="")
