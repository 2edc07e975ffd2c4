"""MPR009: a torch.nn layer built inside code that runs after construction and called there.

``nn.Dropout(p)(x)`` or ``nn.Linear(d, d)(x)`` in ``forward`` (or in a lambda that ``__init__`` binds, or a
method forward calls) makes a new module on every call. It is never registered: ``model.eval()`` never
reaches a dropout or a batch norm made there, and a layer's weights are drawn anew at each call, so the
optimizer never trains them. Only layers whose behaviour depends on that are reported (weights drawn at
random, a train/eval mode); a parameter-free module (``nn.ReLU()(x)``, ``nn.MSELoss()(a, b)``) or a norm
whose weights start as the identity behaves the same built anywhere.

The decision is syntactic and local to one function: the construction is called where it is made
(``nn.Dropout(p)(x)``, ``nn.Linear(a, b).to(x.device)(x)``) or bound to a local that is only called
(``drop = nn.Dropout(p); x = drop(x)``). A layer stored on ``self``, returned, or put in a container is
registered or handed on, and belongs to the other rules.
"""

from __future__ import annotations

import ast

from . import tables
from .imports import ImportTable
from .rule import HEADER, Decision, Rule

_CHAIN_METHODS = frozenset({"to", "cuda", "cpu", "double", "float", "half", "bfloat16", "eval", "train", "requires_grad_"})
_WEIGHTS = "its weights are drawn at random on every call and never trained: parameters() and the optimizer never see them"
_OFF_DEVICE = ", and after model.to('cuda') they stay on the CPU"
_DROPOUT = "model.eval() never reaches it, so it keeps dropping activations at evaluation"
_BATCH_NORM = ("model.eval() never reaches it, so it normalises with each batch's statistics at evaluation, and its "
               "affine weights are never trained")
_FUNCTIONAL = "; or use the functional form with training=self.training"
_REPORTED = tables.RANDOM_WEIGHT_MODULES | tables.MODE_MODULES | tables.BATCH_NORM_MODULES
NO_FIX = "the layer's sizes and its name belong in __init__, which only the author can write"

RULES = (
    Rule(
        "MPR009",
        "module-built-at-call",
        "{attr}(...) is built in {method} (line {line}) and used there: {consequence}; build it once in "
        "__init__ (self.<name> = {attr}(...)) and call that{alternative}",
        what="A `torch.nn` layer made inside code that runs after construction (`forward`, a method it calls, "
        "a lambda `__init__` binds to `self`) and used right there: called where it is made (`nn.Dropout(p)(x)`, "
        "`nn.Linear(a, b).to(x.device)(x)`) or bound to a local that is only called. Only layers whose "
        "behaviour needs registration: weights drawn at random (`Linear`, `Conv*`, `Embedding`, recurrent "
        "layers, attention), a train/eval mode (`Dropout*`, `RReLU`) or both (`BatchNorm*`). Not a layer "
        "stored on `self` (registered when assigned), returned or put in a container, not parameter-free "
        "modules (`nn.ReLU()(x)`, `nn.MSELoss()(a, b)`), not norms whose weights start as the identity "
        "(`LayerNorm`, `GroupNorm`), not code that runs only at construction (a dummy forward in `__init__` "
        "that measures an output size), and not a dropout made with `.eval()`.",
        why="A module made at call time is new at every call and never registered. Its weights are random and "
        "the optimizer never sees them, so that layer never learns (and it is made on the CPU, so a model moved "
        "to a GPU fails there unless it is moved too); `model.eval()` never reaches it, so a dropout keeps "
        "dropping and a batch norm keeps using batch statistics when the model is evaluated.",
        fix="",
        invalid=(
            HEADER + "class Block(nn.Module):\n    def __init__(self, d, p=0.1):\n        super().__init__()\n"
            "        self.proj = nn.Linear(d, d)\n        self.p = p\n"
            "    def forward(self, x):\n        x = nn.Dropout(self.p)(x)  # MPR009\n        return self.proj(x)\n",
            HEADER + "class Head(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
            "        self.d = d\n"
            "    def forward(self, x):\n        return nn.Linear(self.d, 1).to(x.device)(x)  # MPR009\n",
        ),
        valid=(
            HEADER + "class Block(nn.Module):\n    def __init__(self, d, p=0.1):\n        super().__init__()\n"
            "        self.proj = nn.Linear(d, d)\n        self.drop = nn.Dropout(p)\n"
            "        self.out_dim = nn.Conv1d(d, d, 3)(torch.zeros(1, d, 16)).shape[-1]  # construction only\n"
            "    def forward(self, x):\n        x = nn.ReLU()(self.drop(x))\n        return self.proj(x)\n",
        ),
    ),
)


def built_at_call(runtime_functions, imports: ImportTable) -> list[tuple[ast.Call, str, Decision]]:
    """(construction, torch.nn class name, decision) for each layer a runtime function builds and uses.

    ``runtime_functions`` yields (function node, its name for the message): the methods that run after
    construction and the lambdas construction binds."""
    found = []
    for func, where in runtime_functions:
        made = [
            node for node in ast.walk(func)
            if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in _REPORTED
        ]
        if not made:
            continue  # the common case: the function builds no such layer, and no parent map is made
        parents = {child: node for node in ast.walk(func) for child in ast.iter_child_nodes(node)}
        for node in made:
            qualified = imports.qualify(node.func) or ""
            if not qualified.startswith("torch.nn.") or qualified.count(".") != 2:
                continue
            name = qualified.rsplit(".", 1)[1]
            kind = _kind(name)
            if kind is None:
                continue
            top, chain = _chain(node, parents)
            if not _used_here(top, parents, func):
                continue
            if kind != "weights" and ("eval" in chain or "train" in chain):
                continue  # nn.Dropout(p).eval()(x): made inert on purpose
            spelled = ast.unparse(node.func)
            consequence = {
                "weights": _WEIGHTS + ("" if chain & {"to", "cuda"} else _OFF_DEVICE),
                "mode": _DROPOUT,
                "batch_norm": _BATCH_NORM,
            }[kind]
            fields = {"method": where, "line": str(node.lineno), "consequence": consequence,
                      "alternative": _FUNCTIONAL if kind == "mode" else ""}
            evidence = f"is built and used in {where} (line {node.lineno}): {consequence}"
            found.append((node, spelled, Decision("MPR009", evidence, fields, None, node.lineno, NO_FIX)))
    return found


def _kind(name: str) -> str | None:
    if name in tables.BATCH_NORM_MODULES:
        return "batch_norm"
    if name in tables.MODE_MODULES:
        return "mode"
    if name in tables.RANDOM_WEIGHT_MODULES:
        return "weights"
    return None


def _chain(node: ast.Call, parents: dict) -> tuple[ast.AST, set[str]]:
    """``nn.Linear(a, b).to(d).eval()``: the outermost call of the chain, and the methods it calls."""
    methods: set[str] = set()
    top: ast.AST = node
    while True:
        attribute = parents.get(top)
        call = parents.get(attribute)
        if not (isinstance(attribute, ast.Attribute) and attribute.value is top and attribute.attr in _CHAIN_METHODS
                and isinstance(call, ast.Call) and call.func is attribute):
            return top, methods
        methods.add(attribute.attr)
        top = call


def _used_here(top: ast.AST, parents: dict, func: ast.AST) -> bool:
    """Called where it is made, or bound to a local that the function only calls."""
    parent = parents.get(top)
    if isinstance(parent, ast.Call) and parent.func is top:
        return True
    if not (isinstance(parent, ast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], ast.Name)):
        return False
    local = parent.targets[0].id
    loads = [n for n in ast.walk(func) if isinstance(n, ast.Name) and n.id == local and n is not parent.targets[0]]
    return bool(loads) and all(
        isinstance(n.ctx, ast.Load) and isinstance(parents.get(n), ast.Call) and parents[n].func is n for n in loads
    )
