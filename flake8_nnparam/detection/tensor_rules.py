"""Plain tensors bound to ``self`` during construction: the codes, and the decision for each candidate.

A default-on finding rests on a consequence the class itself shows (``uses.AttrUses``): the tensor is
meant to be learned but is no Parameter (MPR001), it is combined with state that follows the module
and so breaks after ``model.to()`` (MPR002), or it is updated in place and so lost on save and load
(MPR002). Everything else is a silence with its reason, spoken at most by a default-off code.
"""

from __future__ import annotations

import ast
from dataclasses import replace

from . import tables
from .rule import HEADER, STEPPED_ALTERNATIVE, Decision, Fix, Rule, silence
from .uses import FIRST_USE_DRAW, AttrUses, effective_breaks

DEVICE_CONSEQUENCE = (
    "after model.to('cuda') or .double() it stays behind and this raises a device or dtype mismatch, "
    "and state_dict() omits it"
)
# Arithmetic, comparisons and indexing promote dtypes (or take integer indices): only the device move fails.
_DEVICE_ONLY_CONSEQUENCE = (
    "after model.to('cuda') it stays behind and this raises a device mismatch, and state_dict() omits it"
)
_RETURNED_CONSEQUENCE = (
    "after model.to('cuda') it stays behind and forward returns it there, so the caller's next operation with "
    "the module's other outputs raises a device mismatch, and state_dict() omits it"
)
# Moved to the input's device at use but not cast: only a dtype change of the module breaks it.
DTYPE_CONSEQUENCE = (
    "after model.double() or .half() it keeps its dtype and this raises a dtype mismatch, and state_dict() omits it"
)
_PROMOTING_USES = ("is combined with", "is compared with", "is indexed by", "is the index of")
# torch functions that promote float32 with float64 (torch.cat([x64, t32]) is float64) instead of raising
_PROMOTING_FUNCTIONS = frozenset(
    "cat concat concatenate stack hstack vstack dstack where maximum minimum max min fmax fmin add sub subtract mul "
    "multiply div divide true_divide addcmul addcdiv pow atan2 fmod remainder eq ne lt le gt ge".split()
)


def device_consequence(use, integral: bool = False) -> str:
    """What the breaking ``use`` does after a move: a device mismatch, and a dtype one unless it promotes,
    the tensor is integral or bool (``.double()`` casts floating-point tensors only: an index or a mask
    never meets a dtype it cannot take), or what it meets was cast to a fixed dtype (``x.float()``)."""
    if use.what == "is returned by forward":  # nothing raises in forward itself: the caller gets it left behind
        return _RETURNED_CONSEQUENCE
    head, to, callee = use.what.rpartition(" to ")
    promoting_call = bool(to) and head.endswith("follow the module") and not callee.startswith("self.") and (
        callee.removesuffix("()").rsplit(".", 1)[-1] in _PROMOTING_FUNCTIONS  # torch.cat(), th.cat(), cat()
    )
    if integral or promoting_call or use.fixed_dtype or use.what.startswith(_PROMOTING_USES):
        return _DEVICE_ONLY_CONSEQUENCE
    return DEVICE_CONSEQUENCE


_DEVICE_CONSEQUENCES = (DEVICE_CONSEQUENCE, _DEVICE_ONLY_CONSEQUENCE, _RETURNED_CONSEQUENCE)
# A complex tensor registered as a buffer: what still sets it apart from a real one.
_COMPLEX_NOTE = " (a complex buffer follows .to(device); only model.to(<a real dtype>) would drop its imaginary part)"
RANDOM_CONSEQUENCE = (
    "state_dict() does not hold it, so a model loaded from a checkpoint draws a different one and no longer "
    "matches its trained weights, and .to() does not move it"
)
LOST_CONSEQUENCE = "state_dict() does not hold it, so that state is lost on save and load, and .to() does not move it"
TRAINED_LOST_CONSEQUENCE = (
    "state_dict() does not hold it, so the value the class trained is lost on save and load, and .to() does not move it"
)
_PERSISTENT_FALSE = ", persistent=False"

WRAP_IT = "wrap it: self.{attr} = nn.Parameter(...)"
KEEP_THE_PARAMETER = "keep the Parameter itself: self.{attr} = nn.Parameter(...), and apply the operation where it is used"
_LEARN_ALTERNATIVE = ", or self.{attr} = nn.Parameter(...) if it is meant to be learned (no autofix: decide which)"

RULES = (
    Rule(
        "MPR001",
        "tensor-should-be-parameter",
        "self.{attr} {evidence}; as a plain tensor, parameters() and the optimizer never see it, so it is "
        "never trained, and state_dict() and .to() skip it; {remedy}",
        what="A tensor bound to `self` during construction that the code means to learn: created with "
        "`requires_grad=True` (or `.requires_grad_()`), initialised by `nn.init.*`, or uninitialised "
        "(`torch.empty`) and then used as a weight (`F.linear(x, self.w)`, `x @ self.w`), and never updated by "
        "the class itself; or computed at construction from a new `nn.Parameter` (`nn.Parameter(w) * 0.01`, "
        "`nn.Parameter(w) * self.mask`, `nn.Parameter(g).sigmoid()`): the operation returns a plain tensor, "
        "fixed at its first value, and the Parameter itself is dropped (no fix: keep the Parameter on `self` "
        "and apply the operation where it is used). A random draw (`torch.randn(...) * sigma`) or a weight-like name alone is not "
        "evidence of learning: a fixed random projection must stay fixed.",
        why="Only `nn.Parameter` attributes are returned by `parameters()`. The optimizer built from "
        "`model.parameters()` never updates this tensor, `state_dict()` does not save it, and "
        "`.to(device)` / `.double()` / DDP leave it behind.",
        fix="`self.w = nn.Parameter(<expr>)`",
        shown=(("remedy", f"{WRAP_IT} (for a value computed from a new Parameter: {KEEP_THE_PARAMETER})"),),
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.w = torch.randn(3, 3, requires_grad=True)  # MPR001\n"
            "    def forward(self, x):\n        return x @ self.w\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.w = nn.Parameter(torch.randn(3, 3))\n"
            "    def forward(self, x):\n        return x @ self.w\n",
        ),
    ),
    Rule(
        "MPR002",
        "tensor-should-be-buffer",
        "self.{attr} {evidence}: {consequence}; register it so .to() and state_dict() follow it: "
        "self.register_buffer(\"{attr}\", ...{persistent})"
        "{alternative}",
        what="A plain tensor bound to `self` during construction that the class then uses where it breaks: "
        "combined with forward's inputs, Parameters, buffers or sub-module outputs (arithmetic, comparisons, "
        "`@`, `torch.*`/`F.*` calls, tensor methods), used as the index of `index_select`/`gather`/`scatter`/"
        "`embedding`, indexed by a device tensor, fed to a sub-module, returned by `forward`; or updated in "
        "place after construction when its old value is read (running statistics, counters, EMA, centres an "
        "update step copies in and forward reads), or trained by the class's own optimizer and read by its other "
        "methods (a calibration temperature fitted by `torch.optim.LBFGS([self.temperature])` and then divided by: "
        "the fitted value is lost on save; no autofix: a buffer would become a copy its optimizer never steps after "
        "`.to()`, so the message names `nn.Parameter(..., requires_grad=False)`, which `.to()` moves in place). "
        "A workspace overwritten in place and read only after the "
        "write in the same method (`self.buf[:n].copy_(x)` then `self.proj(self.buf[:n])`, a key cache written "
        "at the new positions and read with them, also after a move of itself such as `self.cache_k = "
        "self.cache_k.to(xq)`, which carries the content rather than reading it; `zero_()` then accumulate) "
        "is no state a checkpoint holds (a write at one place read whole, a queue or a window, and a reset "
        "that may not run, in an except handler, a match case or a conditional expression, leave it state): it "
        "is reported only where it breaks after a move, with a `persistent=False` fix (a persistent buffer would "
        "add keys that released checkpoints lack, and strict loading would fail). A tensor passed to the constructor and "
        "stored as given counts when the code shows it is one: annotated `Tensor`, a tensor default, handed to "
        "a torch loss as `weight=`/`pos_weight=` (only a tensor fits there), or a buffer the owning module "
        "passes in (`Child(self.V)`: `.to()` replaces the owner's buffer and leaves the child's alias behind); "
        "not one whose default is a Parameter (`if weight is None: weight = nn.Linear(d, k).weight`: a caller "
        "passes the Parameter it ties, which registers itself). "
        "Also a random draw made at construction without a seed and read after it, even only as an index "
        "(`torch.randperm(n)`, also drawn in a helper `__init__` calls, a table indexed by a random "
        "permutation, a tensor filled at random positions or in place by a draw: `bernoulli_`, `random_`, "
        "`copy_(torch.randperm(n))`): a model loaded from a checkpoint draws "
        "another. Also state created lazily: "
        "`None` in `__init__` (or a parameter defaulting to `None`), then made a tensor and re-bound from its "
        "own value by a method (`self.C = beta * self.C + (1 - beta) * B`), or indices drawn at random once "
        "the first time a method runs (`if self.perm is None: self.perm = torch.randperm(x.shape[-1])`; a "
        "float pool of noise a stochastic layer samples from again is no state); that "
        "one has no automatic fix, because a buffer "
        "registered as `None` is missing from a new model's `state_dict()` and a checkpoint would not "
        "load strictly: register it in `__init__` with a value of its shape (a first-use draw: draw it in `__init__` "
        "where its size is known, or save it with `get_extra_state()`/`set_extra_state()`; a placeholder of zeros "
        "would never be replaced by the draw). A move at use to the input's "
        "device only (`self.w.to(x.device)`, `.cuda()`) keeps the construction dtype: before a matmul, "
        "convolution, `F.linear`, `einsum` or a norm (operations whose dtypes must match, unlike arithmetic, "
        "which promotes) it breaks after `model.double()` or `.half()`.",
        why="Plain tensor attributes are not buffers: `.to(device)` does not move them, so the first GPU run "
        "fails with \"Expected all tensors to be on the same device\" at the line named in the message, and "
        "`state_dict()` omits them, so state updated in place is lost on save and load, and a random draw "
        "is drawn anew when a checkpoint is loaded into a new model: it no longer computes the function its "
        "weights were trained with. Derived constants "
        "(masks, position tables, windows) use `persistent=False` so existing checkpoints still load with "
        "`strict=True`.",
        fix="`self.register_buffer(\"mask\", <expr>)`, with `persistent=False` for derived constants",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.mask = torch.tril(torch.ones(n, n))  # MPR002\n"
            "    def forward(self, x):\n        return x.masked_fill(self.mask == 0, 0.0)\n",
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.count = torch.zeros(1)  # MPR002\n"
            "    def forward(self, x):\n        self.count += 1\n        return x\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.register_buffer(\"mask\", torch.tril(torch.ones(n, n)), persistent=False)\n"
            "    def forward(self, x):\n        return x.masked_fill(self.mask == 0, 0.0)\n",
            HEADER + "class M(nn.Module):\n    def forward(self, x):\n"
            "        self.cache = torch.zeros_like(x)\n        return x\n",
            HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.order = torch.arange(n).flip(0)\n"
            "    def forward(self, x):\n        return x[:, self.order]\n",
        ),
    ),
    Rule(
        "MPR901",
        "moved-at-use",
        "self.{attr} is a plain tensor that {evidence}; it works, but it is copied at each use and missing from "
        "state_dict(): register it once with self.register_buffer(\"{attr}\", ..., persistent=False)",
        what="(off by default) A plain tensor attribute that the class moves at each use to the device of the "
        "input or of its own weights (`self.x.to(x.device)`, `.type_as(x)`, `device=x.device`). A move to a "
        "device saved at construction (`self.device`) is no compensation: `model.to()` does not change it. "
        "Nor is a device-only move before an operation whose dtypes must match (a matmul or convolution "
        "after `model.double()`): that is MPR002.",
        why="It works, but pays a device copy on every call and is still missing from `state_dict()`.",
        fix="`self.register_buffer(\"x\", <expr>, persistent=False)`",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
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
        "placeholder (`torch.empty(0)`) bound to `self` and not updated in place.",
        why="A 0-dim CPU tensor mixes with device tensors like a number, and a placeholder is usually rebuilt "
        "later, so neither fails; a Python number is simpler and never needs moving. (A one-element tensor "
        "such as `torch.FloatTensor([0.5])` is not 0-dim and is judged like any tensor.)",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, d):\n        super().__init__()\n"
            "        self.scale = torch.tensor(d ** -0.5)  # MPR902\n"
            "    def forward(self, x):\n        return x * self.scale\n",
        ),
    ),
    Rule(
        "MPR903",
        "disabled-parameter",
        "self.{attr} is a plain tensor where it is elsewhere an nn.Parameter or frozen with "
        "requires_grad_(False): .to() and state_dict() skip it; use self.register_parameter(\"{attr}\", None) "
        "or register_buffer",
        what="(off by default) A disabled-parameter sentinel: an empty or 0-dim tensor bound where another branch "
        "binds an `nn.Parameter`, or a tensor frozen with `.requires_grad_(False)` that no use breaks. A real "
        "tensor in the plain branch that forward combines with its input is MPR002.",
        why="Often deliberate, but the tensor still does not follow `.to()`.",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, learn):\n        super().__init__()\n"
            "        if learn:\n            self.b = nn.Parameter(torch.zeros(4))\n"
            "        else:\n            self.b = torch.zeros(())  # MPR903\n",
        ),
    ),
    Rule(
        "MPR904",
        "complex-tensor",
        "self.{attr} is a complex tensor kept as a plain attribute and not moved by .to(), but no use in the class "
        "breaks after a move; if it must follow the module, register it (only model.to(<a real dtype>) would drop "
        "its imaginary part) or register torch.view_as_real(...)",
        what="(off by default) A complex tensor (`torch.polar`, `view_as_complex`, complex dtypes) bound to `self` "
        "whose uses in the class show no consequence. One that breaks after a device move (a rotary table "
        "multiplied with the input) is `MPR002`: `.to(device)` moves a complex buffer and `.double()`/`.half()` "
        "leave it complex, so registering it is the fix there.",
        why="It does not follow `.to(device)`. A complex buffer is not quite a real one: `Module.to(torch.bfloat16)` "
        "(a dtype given to `.to()`, not `.double()`) casts complex buffers too and drops the imaginary part.",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        t = torch.arange(n).float()\n"
            "        self.freqs = torch.polar(torch.ones(n), t)  # MPR904\n",
        ),
    ),
    Rule(
        "MPR905",
        "self-managed-class",
        "self.{attr} is a plain tensor, skipped by .to() and state_dict(), that {method} handles itself: make "
        "sure the override keeps it in step, or register it as a buffer",
        what="(off by default) A plain tensor in a class (or a base, in this file or another of the project) whose "
        "override of `_apply`, `to`, `cuda`, `state_dict`, `load_state_dict`, `_save_to_state_dict` or "
        "`_load_from_state_dict` touches it, i.e. handles its device and state itself; or whose override of "
        "`__setattr__` (what registers in `nn.Module`) decides what registers, for tensors and containers alike.",
        why="The override may well handle it; this code lets you audit such classes.",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
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
        "methods never read after `__init__` (it only serves construction, or is dead: nothing reads it at "
        "all, even if it `requires_grad`). A container handed to a sub-module's construction "
        "(`MultiLoss(self.losses)`) stays here: the receiver registers it. A tensor handed to a sub-module "
        "construction keeps (`self.blocks = nn.ModuleList([Block(A=self.A)])`) is read by it: with "
        "`requires_grad=True` it is `MPR001` (never trained).",
        why="Nothing at run time depends on it in this class, so it cannot cause a device mismatch here; code "
        "outside the class may still read it.",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, n=3):\n        super().__init__()\n"
            "        self.init_table = torch.ones(n)  # MPR906\n"
            "        self.proj = nn.Linear(n, n)\n"
            "        with torch.no_grad():\n            self.proj.bias.copy_(self.init_table)\n"
            "    def forward(self, x):\n        return self.proj(x)\n",
        ),
    ),
    Rule(
        "MPR907",
        "no-visible-consequence",
        "self.{attr} is not registered (missing from state_dict() and .to()), but no use in the class shows a "
        "consequence ({evidence}); register it if code outside the class relies on it",
        what="(off by default) An unregistered tensor or container whose uses in the class cannot break: read "
        "only as an index into other tensors, only through metadata (`.shape`, `.dtype`, `len()`), only in "
        "Python control flow or messages, only on the CPU side, only element by element when it is 1-D (`for f "
        "in self.freq_bands`: each `f` is 0-dim and mixes with any device), a cache re-bound before its "
        "construction value is used, a list of parameter-free modules, a tensor handed to the constructor and used "
        "as the weight of a layer function (`self.w = weight`, then `F.embedding(idx, self.w)`: a shared or tied "
        "weight, which, as the `nn.Parameter` it is, registers itself when assigned), a tensor of a class the file "
        "makes only per call (every construction inside a method of the file's classes other than `__init__`, which "
        "uses the instance there and drops it, never keeping it, returning it from a factory, moving or saving it: "
        "an adapter or a value object built from that call's tensors; a module-level `test()` or `main()` does not "
        "count), a one-element list around a "
        "module built or "
        "given before (`self.backbone = [backbone]`: the known way to keep a frozen backbone or a teacher out of "
        "`parameters()`, `state_dict()` and DDP on purpose), or read by no method the file shows. Also "
        "any finding in a module of test code (`test_*.py`, `*_test.py`, `conftest.py`, a `tests/`, `testing/` or "
        "`benchmarks/` directory) whose file never moves, casts, saves or trains a module (no `.to(device)`, `.cuda()`, "
        "`.double()`, `.to(dtype)` of an instance, `state_dict()`, `parameters()`, `torch.save` or optimizer): "
        "its tests are its only users, and they export, trace or call it as it is.",
        why="Nothing in the class goes wrong today; it is still missing from `state_dict()` and `.to()`, which "
        "matters only if code outside the class relies on it.",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
            "        self.order = torch.arange(n).flip(0)  # MPR907\n"
            "    def forward(self, x):\n        return x[:, self.order]\n",
        ),
    ),
    Rule(
        "MPR908",
        "placed-by-design",
        "self.{attr} is {held} placed on {placement}; it works where the class is built, but .to() would "
        "leave it behind and state_dict() omits it: register it if instances are moved or saved",
        what="(off by default) A plain tensor whose uses would break after a move (or that is updated in place), "
        "(or a list or dict of tensors) but which construction places on purpose on the device the class is "
        "configured with (`device=device`, "
        "`device=self.device`, `.to(pkg.device)`): environments, simulators and samplers built on their target "
        "device; or which a method of the class moves to a device it is given (`def set_device(self, device): "
        "self.t = self.t.to(device)`), the class's own placement that its flows call; or made on the CPU "
        "explicitly (`device=\"cpu\"`, `torch.device(\"cpu\")`, `pin_memory=True`, `.to(\"cpu\")`), or whose methods bring what it meets to the CPU "
        "(`self.flags |= masks.cpu()`, `self.u[ids.cpu()] = u.cpu()`): host-side "
        "staging, counters and per-episode state kept off the accelerator on purpose. Not `.cuda()` or `.to(\"cuda\")` (hard-coded), not a device read off a tensor (`x.device`), and "
        "not a constructor argument `device=None`: that is PyTorch's factory convention (`nn.Linear(..., "
        "device=None)`), where the module is built on the default device and moved with `.to()`. A class "
        "that keeps the device of a tensor it was given (`self.device = weight.device`) is placed where "
        "its caller's data is.",
        why="Such objects are built on their target device and used there; `.to()` and `state_dict()` are not how "
        "they are used, so the consequence is hypothetical. Classes that are moved after construction should still "
        "register the tensor.",
        fix="`self.register_buffer(\"x\", <expr>)` if instances are moved or saved",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self, n, device):\n        super().__init__()\n"
            "        self.lin = nn.Linear(n, n)\n"
            "        self.mask = torch.ones(n, device=device)  # MPR908\n"
            "    def forward(self, x):\n        return self.lin(x) * self.mask\n",
        ),
    ),
)
CONFIGURED_DEVICE = "the device the class is configured with"
PLAIN_TENSOR = "a plain tensor"
_EXPLICIT_CPU = 'the CPU on purpose (device="cpu", pin_memory=True or .to("cpu") at construction)'


def learn_evidence(value, attr: str, evidence, uses: AttrUses) -> str | None:
    """Why the code means to learn this tensor, or ``None``: never from a random draw or a name alone."""
    if value.integral:
        return None
    if value.moved_parameter:
        return (f"is made by nn.Parameter(...).{value.moved_parameter}(), which returns a tensor copy, not the "
                "Parameter, whenever the move or cast changes anything (on a GPU, to another dtype)")
    if value.computed_parameter:
        return "is computed at construction from a new nn.Parameter (the operation drops the Parameter and keeps its first value)"
    if value.requires_grad or attr in evidence.learn_hints_grad:
        return "requires grad"
    if attr in evidence.learn_hints_init:
        return "is initialised as a weight (nn.init)"
    drawn = value.uninitialised or value.initialised or value.random_init or value.simple_factory
    if uses.weight is not None and drawn and not value.filled and not _fixed_projection(value, attr, uses, evidence):
        return uses.weight.where()
    return None


def _fixed_projection(value, attr: str, uses: AttrUses, evidence) -> bool:
    """A random draw meant to stay fixed: fed to sin/cos (random Fourier features), or named so."""
    if not value.random_init or value.uninitialised:
        return False  # torch.empty(...) must be learned or initialised: it cannot be a fixed draw
    lowered = attr.lower()
    named = any(word in lowered for word in ("proj", "random", "rand", "fixed", "fourier", "rff", "omega", "freq"))
    return named or uses.projection is not None or evidence.periodic


def weight_like(value, attr: str) -> bool:
    """``self.cls_token = torch.zeros(...)``: a fresh float tensor with a weight's name. Learned or fixed?"""
    fresh = (value.simple_factory or value.random_init) and not value.filled and not value.integral
    return fresh and any(hint in attr.lower() for hint in tables.WEIGHT_NAME_HINTS)


def decide_tensor(binding, evidence, uses: AttrUses) -> Decision:
    """The decision for one plain tensor bound during construction (see the module docstring)."""
    decision = _decide_tensor(binding, evidence, uses)
    if decision.fix is not None and binding.value.number_alternative:
        # alpha: Union[float, Tensor] = 1.0: register_buffer raises for the number callers pass by default
        return replace(decision, fix=None, fields={**decision.fields, "number_branch": True})
    if decision.fix is not None and decision.fix.kind == "buffer" and binding.value.param_alternative:
        # self.s = nn.Parameter(t) if learn else torch.tensor([1.0]): registering the whole expression as a
        # buffer would turn the default Parameter into a buffer the optimizer never trains
        return replace(decision, fix=None, fields={**decision.fields, "param_branch": True})
    return decision


def _decide_tensor(binding, evidence, uses: AttrUses) -> Decision:
    value, attr = binding.value, binding.attr
    if evidence.plain_object:
        reason = "the class never calls nn.Module.__init__(), so .to() and state_dict() raise on it: a plain object"
        return silence(reason, "MPR907", evidence=reason)
    manager = evidence.manager_of(attr)
    if manager is not None:
        return silence(f"{manager} handles it", "MPR905", method=manager)
    if value.complex:
        # .to(device) moves a complex buffer and .double()/.half() leave it alone (they cast floating-point
        # tensors only): a use that breaks after a device move is a finding like any other; only
        # Module.to(<a real dtype>) would drop its imaginary part, which the message says. Decided as a real
        # tensor that .double() does not cast (integral), so only the device half of a break is claimed.
        real = _decide_tensor(replace(binding, value=value.but(complex=False, integral=True)), evidence, uses)
        if real.code == "MPR002" and real.fields.get("consequence") in _DEVICE_CONSEQUENCES:
            return replace(real, fields={**real.fields, "alternative": real.fields.get("alternative", "") + _COMPLEX_NOTE})
        return silence("a complex tensor: a buffer would lose its imaginary part under .to(dtype)", "MPR904")
    if value.from_argument and attr in evidence.parameter_attrs:
        # if r_w_bias is None: self.r_w_bias = nn.Parameter(...) else: self.r_w_bias = r_w_bias: the slot holds a
        # Parameter, and a caller that passes one shares (ties) its own, which registers itself here too
        reason = "a caller's Parameter: another binding makes it an nn.Parameter (a shared or tied weight)"
        return silence(reason, "MPR907", evidence=reason)
    if value.from_argument and not value.buffer_alias and uses.layer_weight is not None and uses.updated is None and (
        isinstance(getattr(binding.stmt, "value", None), ast.Name)
    ):
        # self.w = weight, then F.embedding(idx, self.w): a weight handed in is another module's (a tied
        # softmax or embedding), an nn.Parameter, which registers itself when assigned; register_buffer
        # would stop its training (trajdl, i6-models, archai, rau)
        reason = (f"a caller's weight, handed to the constructor: it {uses.layer_weight.where()}, like a shared or tied "
                  "weight (an nn.Parameter registers itself when assigned)")
        return silence(reason, "MPR907", evidence=reason)
    trained = evidence.self_trained.get(attr)
    if trained is not None and uses.rebound is None and uses.reset is None and evidence.read_outside(attr, trained[1]):
        # torch.optim.LBFGS([self.temperature]) in train_calibration, then scale_logits divides by it: the fitted
        # value is state (ludwig's temperature scaling, set W). Given to an optimizer and read nowhere else
        # (configure_optimizers), nothing is shown. No autofix: a buffer an optimizer steps becomes a copy after
        # .to() / .double() (the optimizer then holds the old tensor, or refuses a non-leaf); a Parameter
        # made without grad is moved in place and stays out of the model's own training until the class
        # turns its grad on.
        optimizer, method, line = trained
        where = f"is trained by the class's own {optimizer} in {method} (line {line}) and read by other methods"
        fields = {"evidence": where, "consequence": TRAINED_LOST_CONSEQUENCE, "persistent": "",
                  "alternative": STEPPED_ALTERNATIVE}
        return Decision("MPR002", where, fields, None, line)
    learned = None if (value.frozen or attr in evidence.frozen) else learn_evidence(value, attr, evidence, uses)
    if binding.computed_name and evidence.dynamic_device_aware and learned is None:
        return silence("moved to the device at use through getattr(self, name)", "MPR901", evidence="is moved at use")
    if learned is not None and attr in evidence.self_trained:
        reason = "the class trains it itself (its own torch.optim optimizer or torch.autograd.grad); state_dict() still omits it"
        return silence(reason, "MPR907", evidence=reason)
    if learned is not None and uses.updated is None and uses.rebound is None:
        if evidence.unused_after_construction(attr, tensor=True):
            return silence("never read after construction", "MPR906")
        line = uses.weight.line if uses.weight is not None else 0
        if value.computed_parameter:  # wrapping the product would train it free of its mask or scale
            return Decision("MPR001", learned, {"evidence": learned, "remedy": KEEP_THE_PARAMETER,
                                                "computed": True}, None, line)
        return Decision("MPR001", learned, {"evidence": learned, "remedy": WRAP_IT},
                        Fix("parameter"), line)
    # nn.Parameter(zeros, requires_grad=False).to(device): the author registered it, so its placement is no
    # choice of a plain tensor; on a GPU the move returns a copy and the state it keeps is lost on save (harl's
    # ValueNorm statistics, set ZF)
    if value.pinned and not value.dropped_registration and (uses.updated is not None or uses.breaks is not None):
        return silence(f"placed on {CONFIGURED_DEVICE}", "MPR908", placement=CONFIGURED_DEVICE, held=PLAIN_TENSOR)
    if value.on_cpu and (uses.updated is not None or uses.breaks is not None):
        return silence(f"placed on {_EXPLICIT_CPU}", "MPR908", placement=_EXPLICIT_CPU, held=PLAIN_TENSOR)
    if uses.cpu_side is not None and (uses.updated is not None or uses.breaks is not None):
        # self.flags |= masks.cpu(): its methods bring what it meets to the CPU (per-episode rollout state); the
        # author's own .cpu() outweighs a use with a method's argument that is only presumed on the device
        placement = f"the CPU on purpose (it {uses.cpu_side.where()})"
        return silence(f"placed on {placement}", "MPR908", placement=placement, held=PLAIN_TENSOR)
    if uses.updated is not None and uses.reset is None and uses.stale_read is not None:
        where = uses.updated.where()
        fields = {"evidence": where, "consequence": LOST_CONSEQUENCE, "persistent": "", "alternative": ""}
        return Decision("MPR002", where, fields, Fix("buffer", persistent=True), uses.updated.line)
    small = value.scalar or value.placeholder
    sentinel = attr in evidence.parameter_attrs or value.param_alternative
    breaks = next(iter(effective_breaks(uses, evidence.parameter_guard(attr) if sentinel else None)), None)
    if breaks is not None and not small and uses.moved_by is not None:
        placement = f"the device its own {uses.moved_by.method}() moves it to"  # the owner's flows call it
        return silence(f"placed on {placement}", "MPR908", placement=placement, held=PLAIN_TENSOR)
    if breaks is not None and not small:
        return _breaks_decision(binding, uses, breaks, device_consequence(breaks, value.integral))
    dtype_break = uses.dtype_breaks
    if dtype_break is not None and not small and not sentinel and not value.integral:
        return _breaks_decision(binding, uses, dtype_break, DTYPE_CONSEQUENCE)
    if not small and drawn_again_on_load(binding, evidence, uses):
        where = f"is drawn at random at construction and read in {uses.first_read.method} (line {uses.first_read.line})"
        fields = {"evidence": where, "consequence": RANDOM_CONSEQUENCE, "persistent": "", "alternative": ""}
        return Decision("MPR002", where, fields, Fix("buffer", persistent=True), uses.first_read.line)
    return _tensor_silence(binding, evidence, uses, small, sentinel, breaks)


def _breaks_decision(binding, uses: AttrUses, breaks, consequence: str) -> Decision:
    """MPR002 at a use that breaks once the module is moved or cast."""
    value, attr = binding.value, binding.attr
    where = breaks.where()
    # Only state of its own is saved: a value a method re-creates (a cache rebuilt at a new size) would
    # make every checkpoint carry the shape it had when saved, and loading it into a new model fails.
    persistent = (value.random or value.uninitialised or value.from_argument) and uses.reset is None and (
        not value.buffer_alias  # the owner's state_dict() already saves it
    ) and not workspace(uses)
    ambiguous = weight_like(value, attr)
    fields = {
        "evidence": where,
        "consequence": consequence,
        "persistent": "" if persistent else _PERSISTENT_FALSE,
        "alternative": _LEARN_ALTERNATIVE if ambiguous else "",  # Rule.format fills in {attr}
    }
    fix = None if ambiguous else Fix("buffer", persistent=persistent)
    return Decision("MPR002", where, fields, fix, breaks.line)


def workspace(uses: AttrUses) -> bool:
    """Written in place after construction and read only after a write in the same method (a buffer a kernel
    fills and the next line reads, a cache written at new positions and read with them): the value a
    checkpoint would hold is never read, so a persistent buffer would only add keys that released
    checkpoints lack."""
    return (uses.updated is not None or uses.overwritten is not None) and uses.stale_read is None


def decide_lazy_state(binding, evidence, update) -> Decision:
    """``self.C = None`` at construction, then created and updated from its own value by a method, or drawn
    at random once and kept (``uses.lazy_updates``): state that ``state_dict()`` never holds. No fix: a buffer registered
    as None would be missing from a new model's state_dict(), so a checkpoint would not load strictly;
    it needs its first value's shape, which only the author knows."""
    manager = evidence.manager_of(binding.attr)
    if manager is not None:
        return silence(f"{manager} handles it", "MPR905", method=manager)
    where = update.where()
    drawn = update.what == FIRST_USE_DRAW
    fields = {"evidence": where, "consequence": RANDOM_CONSEQUENCE if drawn else LOST_CONSEQUENCE,
              "persistent": "", "alternative": "", "lazy": "drawn" if drawn else "running"}
    return Decision("MPR002", where, fields, None, update.line)


def drawn_again_on_load(binding, evidence, uses: AttrUses) -> bool:
    """Drawn at random at construction without a seed, read after it and never drawn again: a model loaded
    from a checkpoint draws other values than the ones its weights were trained with."""
    return binding.value.random and uses.first_read is not None and uses.reset is None and not _seeded(binding, evidence)


def _seeded(binding, evidence) -> bool:
    """``torch.randperm(n, generator=g)`` or ``torch.manual_seed(...)`` in construction: re-drawn identically."""
    if evidence.seeded:
        return True
    value = getattr(binding.stmt, "value", None)
    return value is not None and any(
        isinstance(n, ast.keyword) and n.arg == "generator" for n in ast.walk(value)
    )


def _tensor_silence(binding, evidence, uses: AttrUses, small: bool, sentinel: bool, breaks) -> Decision:
    value, attr = binding.value, binding.attr
    if uses.moved is not None and breaks is None:
        return silence(uses.moved.where(), "MPR901", evidence=uses.moved.where())
    if sentinel:
        return silence("a disabled-parameter sentinel (an nn.Parameter in another branch)", "MPR903")
    if value.frozen or attr in evidence.frozen:
        return silence("frozen with requires_grad_(False) and no use breaks", "MPR903")
    if small:
        shape = "0-dim tensor" if value.scalar else "empty placeholder tensor"
        alternative = " (or register it as a buffer)" if value.scalar else " or None until it is built"
        return silence(f"a {shape}: it mixes with device tensors like a number", "MPR902", shape=shape, alternative=alternative)
    if evidence.unused_after_construction(attr, tensor=True):
        return silence("never read after construction", "MPR906")
    if uses.rebound is not None:
        reason = f"re-bound in {uses.rebound.method} (line {uses.rebound.line}) before its construction value meets tensors that follow the module"
    elif not uses.read:
        reason = "no method in this file reads it after construction"
    else:
        reason = "read only as an index, through metadata, in control flow or on the CPU side"
    return silence(reason, "MPR907", evidence=reason)
