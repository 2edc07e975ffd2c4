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
_AFFINE = ("its weights are made on the CPU in float32 at every call, so after model.to('cuda') or .double() this "
           "raises a device or dtype mismatch, and they are never trained")
_DROPOUT = "model.eval() never reaches it, so it keeps dropping activations at evaluation"
_BATCH_NORM = ("model.eval() never reaches it, so it normalises with each batch's statistics at evaluation, and its "
               "affine weights are never trained")
_FUNCTIONAL = "; or use the functional form with training=self.training"
_LAZY = ("it is stored on self.{attr} only when that call first runs, so an optimizer made before then never trains it "
         "and a checkpoint saved after training does not load into a new model (unexpected keys)")
_LAZY_OFF_DEVICE = "; a .to() before that call leaves it on the CPU"
_REBUILT = "a new one replaces self.{attr} at every call, so what the optimizer trains is thrown away"
_PLAIN_LIST = ("they are stored in a plain list on self.{attr}, so parameters(), the optimizer, state_dict() and .to() "
               "never see them, not even after that call")
_REPORTED = tables.RANDOM_WEIGHT_MODULES | tables.MODE_MODULES | tables.BATCH_NORM_MODULES | set(tables.AFFINE_MODULES)
_STORED = _REPORTED | {"Parameter"}  # what forward may store on self at its first call
# What the names start with, as source text: a function whose text holds none of them is not walked (the
# common case). Prefixes (Conv covers Conv1d to ConvTranspose3d): fewer scans of the text; the walk decides.
LAYER_NAMES = ("Linear", "Bilinear", "Conv", "Embedding", "RNN", "LSTM", "GRU", "MultiheadAttention",
               "Transformer", "Dropout", "AlphaDropout", "FeatureAlphaDropout", "RReLU", "BatchNorm", "SyncBatchNorm",
               "Parameter", "LayerNorm", "GroupNorm", "RMSNorm", "PReLU")
NO_FIX = "the layer's sizes and its name belong in __init__, which only the author can write"

RULES = (
    Rule(
        "MPR009",
        "module-built-at-call",
        "{attr}(...) is built in {method} (line {line}) and used there: {consequence}; build it once in "
        "__init__ (self.<name> = {attr}(...)) and use that{alternative}",
        what="A `torch.nn` layer made inside code that runs after construction (`forward`, a method it calls, "
        "a lambda `__init__` binds to `self`) and used right there: called where it is made (`nn.Dropout(p)(x)`, "
        "`nn.Linear(a, b).to(x.device)(x)`) or bound to a local that is only called. Only layers whose "
        "behaviour needs registration: weights drawn at random (`Linear`, `Conv*`, `Embedding`, recurrent "
        "layers, attention), a train/eval mode (`Dropout*`, `RReLU`) or both (`BatchNorm*`), and layers whose "
        "weights start at fixed values but live on the CPU in float32 (`LayerNorm`, `GroupNorm`, `RMSNorm`, "
        "`PReLU`, unless made without them or moved where made). Also such a layer, "
        "or an `nn.Parameter`, that `forward` (or a method it calls) stores on `self` where construction bound "
        "no module or Parameter: built at the first call (`if self.proj is None: self.proj = nn.Linear(...)`, "
        "`if not hasattr(self, 'gamma')`, `if not self.built:` with a flag the method sets, Keras style; a plain "
        "list of them, `self.ws = [nn.Parameter(...) for _ in range(n)]`, is never registered at all) or anew "
        "at every call (not under a test of something else, a cache "
        "remade when the input's shape changes, and not a Parameter made with `requires_grad=False`). Not a "
        "layer returned or put in a "
        "container, not parameter-free "
        "modules (`nn.ReLU()(x)`, `nn.MSELoss()(a, b)`), not a norm made without weights "
        "(`elementwise_affine=False`) or moved where it is made (its identity weights then work), not code that "
        "runs only at construction (a dummy forward in `__init__` "
        "that measures an output size), and not a dropout made with `.eval()`.",
        why="A module made at call time is new at every call and never registered. Its weights are random and "
        "the optimizer never sees them, so that layer never learns (and it is made on the CPU, so a model moved "
        "to a GPU fails there unless it is moved too); `model.eval()` never reaches it, so a dropout keeps "
        "dropping and a batch norm keeps using batch statistics when the model is evaluated. Stored on `self` at "
        "the first call, it is registered only then: the optimizer, built from `parameters()` before the first "
        "batch, never trains it, a `.to()` before that call leaves it on the CPU, and a checkpoint saved after "
        "training does not load into a new model (`Unexpected key(s) in state_dict`) until a dummy forward has "
        "run; `torch.nn.LazyLinear` and its kin exist for sizes known only at the first call.",
        fix="",
        invalid=(
            HEADER + "class Block(nn.Module):\n    def __init__(self, d, p=0.1):\n        super().__init__()\n"
            "        self.proj = nn.Linear(d, d)\n        self.p = p\n"
            "    def forward(self, x):\n        x = nn.Dropout(self.p)(x)  # MPR009\n        return self.proj(x)\n",
            HEADER + "class Head(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
            "        self.d = d\n"
            "    def forward(self, x):\n        return nn.Linear(self.d, 1).to(x.device)(x)  # MPR009\n",
            HEADER + "class Head(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
            "        self.d = d\n        self.proj = None\n"
            "    def forward(self, x):\n        if self.proj is None:\n"
            "            self.proj = nn.Linear(x.shape[-1], self.d)  # MPR009\n        return self.proj(x)\n",
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
    construction and the lambdas construction binds. One walk of each function, no parent links: a layer
    is found as the callee of a call, or as the value bound to a local that the function only calls."""
    found = []
    for func, where in runtime_functions:
        used: list[tuple[ast.Call, set[str]]] = []  # (construction, chain methods) called where they are made
        bound: dict[str, list[tuple[ast.Call, set[str]]]] = {}  # local -> constructions bound to it
        loads: dict[str, int] = {}
        calls: dict[str, int] = {}
        for node in ast.walk(func):
            if isinstance(node, ast.Call):
                made = _construction(node.func)
                if made is not None:
                    used.append(made)
                elif isinstance(node.func, ast.Name):
                    calls[node.func.id] = calls.get(node.func.id, 0) + 1
            elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                made = _construction(node.value)
                if made is not None:
                    bound.setdefault(node.targets[0].id, []).append(made)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                loads[node.id] = loads.get(node.id, 0) + 1
        for local, made in bound.items():
            if loads.get(local) and loads[local] == calls.get(local):  # drop = nn.Dropout(p); x = drop(x)
                used += made
        for node, chain in used:
            decision = _decide(node, chain, where, imports)
            if decision is not None:
                found.append((node, ast.unparse(node.func), decision))
    return found


def built_lazily(functions, imports: ImportTable, bound: set[str]) -> list[tuple[ast.Call, str, Decision]]:
    """(construction, torch.nn name, decision) for each layer or ``nn.Parameter`` that a method run by forward
    stores on ``self`` where construction bound no module or Parameter: ``if self.proj is None: self.proj =
    nn.Linear(x.size(-1), d)`` is registered only when that call first runs; with no test around it at all,
    a new one replaces it at every call. Not under a test of something else (``if self.shape != x.shape:``,
    a cache remade when the input changes), nor a frozen Parameter. ``functions``: (method, its receiver,
    its name)."""
    found = []
    for func, receiver, where in functions:
        flags = _flags(func, receiver)
        for node, tested in _stores(func.body, ()):
            target = node.targets[0]
            attr = target.attr
            if attr in bound:
                continue
            element = _element(node.value)  # [nn.Parameter(...) for _ in range(n)]: a plain list of them
            made = _construction(element if element is not None else node.value, _STORED)
            if made is None:
                continue
            call, chain = made
            qualified = imports.qualify(call.func) or ""
            name = qualified.rsplit(".", 1)[-1]
            if qualified not in ("torch.nn.Parameter", "torch.nn.parameter.Parameter") and (
                not qualified.startswith("torch.nn.") or qualified.count(".") != 2 or _kind(name) is None
            ):
                continue
            if not (isinstance(target.value, ast.Name) and target.value.id == receiver):
                continue
            if name == "Parameter" and _frozen(call):
                continue  # nn.Parameter(kernel, requires_grad=False): nothing to train; a constant remade on the input's device
            once = any(_mentions(test, attr) or any(_mentions(test, flag) for flag in flags) for test in tested)
            if tested and not once:
                continue  # rebuilt when the input's shape changes (a cache keyed by another attribute)
            if element is not None:
                consequence = _PLAIN_LIST.format(attr=attr)
            else:
                consequence = (_LAZY if once else _REBUILT).format(attr=attr) + (
                    _LAZY_OFF_DEVICE if once and not chain & {"to", "cuda"} and name != "Parameter" else "")
            holder = ", held in an nn.ParameterList" if name == "Parameter" else ", held in an nn.ModuleList"
            fields = {"method": where, "line": str(call.lineno), "consequence": consequence,
                      "alternative": holder if element is not None else ""}
            evidence = f"is built in {where} (line {call.lineno}) and stored on self.{attr}: {consequence}"
            found.append((call, ast.unparse(call.func), Decision("MPR009", evidence, fields, None, call.lineno, NO_FIX)))
    return found


def _element(value: ast.AST) -> ast.AST | None:
    """The element of ``[make(...) for _ in range(n)]`` or ``[a(...), b(...)]`` (all alike), through one wrapping
    call that is given it first (``self.init_fn(nn.Parameter(...))``, an initializer handing it back); None
    for anything else."""
    if isinstance(value, ast.ListComp):
        element = value.elt
    elif isinstance(value, (ast.List, ast.Tuple)) and value.elts:
        element = value.elts[0]
    else:
        return None
    if _construction(element, _STORED) is None and isinstance(element, ast.Call) and element.args:
        element = element.args[0]
    return element


def _flags(func, receiver: str) -> set[str]:
    """``self.built = True``: attributes the function sets to a constant, the flags of a build-once test
    (``if not self.built: ... self.built = True``)."""
    return {
        t.attr for node in ast.walk(func) if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
        and node.value.value is True for t in node.targets
        if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == receiver
    }


def _stores(body: list[ast.stmt], tested: tuple[ast.expr, ...]):
    """``self.x = ...`` statements of a function body (not of functions defined in it), each with the tests of
    the ``if`` / ``while`` statements around it."""
    for stmt in body:
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Attribute):
            yield stmt, tested
        elif isinstance(stmt, (ast.If, ast.While)):
            yield from _stores(stmt.body, (*tested, stmt.test))
            yield from _stores(stmt.orelse, (*tested, stmt.test))
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.With, ast.AsyncWith, ast.Try)):
            for field in ("body", "orelse", "finalbody"):
                yield from _stores(getattr(stmt, field, None) or [], tested)
            for handler in getattr(stmt, "handlers", ()):
                yield from _stores(handler.body, tested)


def _frozen(call: ast.Call) -> bool:
    """``nn.Parameter(t, requires_grad=False)`` (or ``False`` second)."""
    flag = call.args[1] if len(call.args) > 1 else next((k.value for k in call.keywords if k.arg == "requires_grad"), None)
    return isinstance(flag, ast.Constant) and flag.value is False


def _mentions(test: ast.expr, attr: str) -> bool:
    """``self.proj is None``, ``not hasattr(self, "proj")``, ``"proj" not in self._modules``: a test of whether
    the attribute was built yet."""
    return any(
        isinstance(n, ast.Attribute) and n.attr == attr or isinstance(n, ast.Constant) and n.value == attr
        for n in ast.walk(test)
    )


def _construction(node: ast.AST, names: frozenset[str] = _REPORTED) -> tuple[ast.Call, set[str]] | None:
    """``nn.Linear(a, b).to(d).eval()``: the layer's construction and the methods chained on it, when the
    call is spelled with one of ``names`` (resolved against the imports by the caller)."""
    chain: set[str] = set()
    while (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _CHAIN_METHODS
           and isinstance(node.func.value, ast.Call)):
        chain.add(node.func.attr)
        node = node.func.value
    if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", None)) in names:
        return node, chain
    return None


def _decide(node: ast.Call, chain: set[str], where: str, imports: ImportTable) -> Decision | None:
    qualified = imports.qualify(node.func) or ""
    if not qualified.startswith("torch.nn.") or qualified.count(".") != 2:
        return None
    name = qualified.rsplit(".", 1)[1]
    kind = _kind(name)
    if kind is None or (kind in ("mode", "batch_norm") and chain & {"eval", "train"}):
        return None  # nn.Dropout(p).eval()(x): made inert on purpose
    if kind == "affine" and (_affine_off(node, tables.AFFINE_MODULES[name]) or chain & {"to", "cuda", "type"}):
        return None  # nn.LayerNorm(d, elementwise_affine=False)(x) holds nothing; moved, its identity weights work
    consequence = {
        "weights": _WEIGHTS + ("" if chain & {"to", "cuda"} else _OFF_DEVICE),
        "affine": _AFFINE,
        "mode": _DROPOUT,
        "batch_norm": _BATCH_NORM,
    }[kind]
    fields = {"method": where, "line": str(node.lineno), "consequence": consequence,
              "alternative": _FUNCTIONAL if kind == "mode" else ""}
    evidence = f"is built and used in {where} (line {node.lineno}): {consequence}"
    return Decision("MPR009", evidence, fields, None, node.lineno, NO_FIX)


def _kind(name: str) -> str | None:
    if name in tables.BATCH_NORM_MODULES:
        return "batch_norm"
    if name in tables.MODE_MODULES:
        return "mode"
    if name in tables.RANDOM_WEIGHT_MODULES:
        return "weights"
    if name in tables.AFFINE_MODULES:
        return "affine"
    return None


def _affine_off(node: ast.Call, keyword: str) -> bool:
    """``elementwise_affine=False`` (or ``affine=False``) given as a literal: no weights to lose."""
    return bool(keyword) and any(
        k.arg == keyword and isinstance(k.value, ast.Constant) and k.value.value is False for k in node.keywords
    )
