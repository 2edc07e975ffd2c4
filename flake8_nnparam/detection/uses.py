"""What each construction-time attribute meets after construction, and whether that use can break.

The rules decide from consequences, not from how a value was created. This module reads every method
that runs after construction (``forward``, what it calls, hooks and closures created during
construction) in statement order with a tiny abstract evaluation: each expression is reduced to the
set of *sources* it carries, candidate attribute names (unregistered state bound during construction)
and ``DEVICE`` (state that follows the module: forward's inputs, Parameters, buffers, sub-module
outputs). A use *breaks* when a candidate meets ``DEVICE`` in a tensor operation, is the index of an
index op, is indexed by a device tensor, is fed to a sub-module with weights, or is returned by
``forward``; a move at use to something that follows the module removes the candidate (compensation),
a move to a device saved at construction does not. In-place updates (state lost on save) and
re-bindings that replace the construction value before use are recorded too.
"""

from __future__ import annotations

import ast
from contextlib import contextmanager
from dataclasses import dataclass, field

from . import tables
from .arguments import (
    call_names_device, device_type, grad_test, is_device_helper_name, is_device_name, isinstance_test, moved_parameters,
)
from .imports import ImportTable, all_nodes, cached_on_node, dotted_name, function_statements, is_property, iter_statements, mentions_self_attr
from .imports import first_param as _first_param
from .imports import self_attr as _self_attr

DEVICE = "$device"
# ``KEEPS_DTYPE + attr``: the attribute's value, moved to the module's device but not cast (``.to(x.device)``,
# ``.cuda()``): it keeps its construction dtype when the module becomes double or half.
KEEPS_DTYPE = "$keeps-dtype:"
# A value cast to a fixed dtype (``mask.float()``, ``t.to(torch.float32)``): it no longer follows the module's.
FIXED_DTYPE = "$fixed-dtype"
# A value cast to the input's or the module's dtype (``t.to(x.dtype)``, ``t.to(dtype)``, ``t.to(self.dtype)``):
# a later device-only move keeps that dtype, which follows the module.
FOLLOWS_DTYPE = "$follows-dtype"
# ``DEVICE_OF + attr``: a local holding an attribute's device (``device = self.t.device``).
DEVICE_OF = "$device-of:"
# A value brought to the CPU on purpose (``masks.cpu()``, ``x.to("cpu")``): an attribute combined with it, indexed
# by it or written from it is kept on the CPU by design (``uses.cpu_side``).
ON_CPU = "$cpu"
_LOCAL = "$local:"  # a local read by an if's test (in ``refreshed``), not an attribute
_MATH_ROOTS = ("torch.", "numpy.", "math.", "scipy.", "jax.")  # torch.log(t) computes: not a logger
_MATH_NAMES = frozenset({"torch", "F", "math", "np", "numpy"})  # the conventional spellings of those modules
_NOT_OPERANDS = ("device", "dtype", "out", *tables.NUMBER_KEYWORDS)  # where, as what or how many: not with what


def _is_sequence(node: ast.AST) -> bool:
    """A list or tuple as written: a display, a comprehension, or ``list(...)`` / ``tuple(...)``."""
    if isinstance(node, (ast.List, ast.Tuple, ast.ListComp)):
        return True
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("list", "tuple")


def _argument_slots(node: ast.Call) -> list[int | str | None]:
    """What each source ``_args(node)`` gives stands for: a position, a keyword, or None (from ``*args``
    on, or ``**kwargs``)."""
    slots: list[int | str | None] = []
    starred = False
    for i, arg in enumerate(node.args):
        starred = starred or isinstance(arg, ast.Starred)
        slots.append(None if starred else i)
    return slots + [k.arg for k in node.keywords if k.arg not in _NOT_OPERANDS]


_FIT_CHECKS = frozenset({"shape", "size", "device", "dtype", "ndim", "numel", "is_cuda"})  # does the cache still fit?
_EMPTY: frozenset[str] = frozenset()
_DEVICE = frozenset({DEVICE})
_ON_CPU = frozenset({ON_CPU})

# Methods whose result says nothing about the tensor's device or values.
_METADATA_METHODS = tables.NON_TENSOR_METHODS | {"cpu", "detach_", "register_hook", "retain_grad"}
_METADATA_ATTRIBUTES = frozenset(
    {"shape", "dtype", "device", "ndim", "is_cuda", "is_meta", "requires_grad", "grad_fn", "is_leaf", "layout", "names"}
)
# Tensor methods that place their result on the receiver's device whatever their arguments' device.
_SAME_DEVICE_FREE = frozenset(
    {"expand_as", "view_as", "reshape_as", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor", "copy_"}
)
# Tensor methods whose arguments are sizes or dimensions, never operands: the result is the receiver's data,
# on its device and in its dtype (emb.split(sections, dim=-1) with sections a forward argument is no break).
_SHAPE_ARGUMENT_METHODS = frozenset(
    "split chunk tensor_split view reshape expand repeat permute transpose narrow unflatten flatten squeeze "
    "unsqueeze movedim roll".split()
)
_CAST_METHODS = tables.FLOAT_METHODS | tables.INTEGRAL_METHODS | tables.COMPLEX_METHODS
# In-place methods whose receiver's old value does not survive: self.buf[:n].copy_(x) writes, it does not read.
_OVERWRITES = tables.OVERWRITING_METHODS | {"copy_"}
_BUILTIN_NON_TENSOR = frozenset(
    {"len", "int", "float", "bool", "str", "repr", "print", "isinstance", "hasattr", "id", "type", "format",
     "callable", "issubclass", "hash", "range", "round", "warn"}
)
# Builtins that hand their arguments through without a tensor operation of their own.
_BUILTIN_PASSTHROUGH = frozenset(
    {"zip", "enumerate", "list", "tuple", "dict", "set", "sorted", "reversed", "iter", "next", "map", "filter",
     "getattr", "setattr", "super", "vars", "dir", "max", "min", "any", "all", "sum", "OrderedDict", "deepcopy"}
)
_MAX_DEPTH = 3
_PERIODIC = frozenset({"torch.sin", "torch.cos", "torch.exp", "torch.sinc"})


@dataclass(frozen=True)
class Use:
    line: int
    method: str
    what: str  # "is combined with the input", "is the index of index_select()", ...
    guards: tuple[str, ...] = ()  # the tests of the enclosing ifs ("spinor", "not bias"), without "self."
    fixed_dtype: bool = False  # what it meets there was cast to a fixed dtype (x.float()): only the device breaks

    def where(self) -> str:
        return f"{self.what} in {self.method} (line {self.line})"


@dataclass
class AttrUses:
    """What the methods after construction do with one attribute (first occurrence of each)."""

    breaks: Use | None = None  # a use that fails once the module is moved (device or dtype)
    all_breaks: list = field(default_factory=list)  # every such use, in order
    updated: Use | None = None  # updated in place after construction: state the checkpoint must hold
    moved: Use | None = None  # moved at use to the module's or the input's device
    saved_device: Use | None = None  # moved to a device saved at construction: no compensation
    dtype_breaks: Use | None = None  # moved to the device but not cast, then meets the module's dtype where it must match
    rebound: Use | None = None  # replaced after construction before its construction value is used
    reset: Use | None = None  # re-created after construction from scratch (not from itself): transient state
    device_rebinds: list = field(default_factory=list)  # re-bindings to a value on the module's device
    weight: Use | None = None  # used as a weight: F.linear(x, self.w), x @ self.w
    layer_weight: Use | None = None  # the weight of a layer function (F.linear, F.embedding, F.conv2d), not of @
    projection: Use | None = None  # a fixed projection: torch.sin(x @ self.B) (random Fourier features)
    read: bool = False
    first_read: Use | None = None
    # Its value from before the method is read: not only after the method overwrote it (a workspace filled with
    # copy_() or an index assignment and then read, a cache written at new positions and read with them).
    # Only such state is what a checkpoint has to hold.
    stale_read: Use | None = None
    overwritten: Use | None = None  # written in place after construction without reading it (copy_, zero_, t[i] = v)
    moved_by: Use | None = None  # a method of the class moves it to a device it is given: set_device(self, device)
    cpu_side: Use | None = None  # meets values its method brought to the CPU (x.cpu()): kept on the CPU by design


@dataclass
class ClassView:
    """What the evaluation needs to know about the class, decided by the caller."""

    candidates: set[str]  # unregistered state bound during construction
    following: set[str]  # registered Parameters, buffers, sub-modules: they follow model.to()
    stateless_modules: set[str] = field(default_factory=set)  # Dropout, ReLU: calling them moves nothing
    saved_devices: set[str] = field(default_factory=set)  # self.device = device at construction
    one_dim: set[str] = field(default_factory=set)  # 1-D tables: an integer index gives a 0-dim value
    computed: set[str] = field(default_factory=set)  # setattr(self, f"mask_{s}", t): read by getattr(self, name)
    periodic: bool = False  # the class calls torch.sin/cos after construction (Fourier features)
    dicts: set[str] = field(default_factory=set)  # candidates that are dicts (subscripts are key lookups)
    tensors: set[str] = field(default_factory=set)  # candidates bound to a tensor
    memo: dict = field(default_factory=dict)  # (helper, argument sources) -> its returned sources
    class_names: set[str] = field(default_factory=set)  # the class and its in-file bases, by name
    methods: set[str] = field(default_factory=set)  # the class's own method names
    find_method: object = None  # name -> the class's method node (in-file MRO), or None
    module_functions: dict = field(default_factory=dict)  # the file's module-level functions by name
    project: object = None  # project.FileView: what functions of other files do with their arguments
    grad_free: set[str] = field(default_factory=set)  # candidates that never require grad: never past `if t.requires_grad`
    stored_inputs: set[str] = field(default_factory=set)  # self.x = input.reshape(...) after construction
    unknown_reads: set[str] = field(default_factory=set)  # other attributes read before they were known


def _diverge(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two uses in sibling branches of one ``if`` (``state is None`` / ``not state is None``)."""
    for x, y in zip(a, b):
        if x != y:
            return x == "not " + y or y == "not " + x
    return False


def effective_breaks(uses: AttrUses, parameter_guard: str | None = None) -> list[Use]:
    """The breaking uses that really see the construction value.

    Not those under the test that made the attribute an ``nn.Parameter`` in construction, nor those after
    or beside a re-binding onto the device in the same method (``if state is None: self.t = to_device(x,
    self.t)`` on the first call, ``else: use(self.t)`` on the later ones). A use in the statement that
    re-binds it (``out, self.h = self.lstm(x, self.h)``) still sees the construction value.
    """
    result = []
    for use in uses.all_breaks:
        if parameter_guard is not None and parameter_guard in use.guards:
            continue
        if any(r.method == use.method and (_diverge(r.guards, use.guards) or r.line < use.line) for r in uses.device_rebinds):
            continue
        result.append(use)
    return result


def _accumulates(value: ast.AST, attr: str, self_name: str) -> bool:
    """``self.avg + m * (x - self.avg)``, ``self.count + 1``, ``self.total.float() + loss``: arithmetic on the
    attribute's own value, the way running statistics, counters and EMAs are kept. Not a move
    (``self.t.to(x.device)``) and not a cache that grows (``torch.cat([self.kv, new])``)."""

    def own(side: ast.AST) -> bool:
        if isinstance(side, ast.Call) and isinstance(side.func, ast.Attribute) and side.func.attr in _CAST_METHODS:
            side = side.func.value  # self.total.float()
        return _self_attr(side, self_name) == attr

    return any(isinstance(node, ast.BinOp) and (own(node.left) or own(node.right)) for node in ast.walk(value))


_FRESH_TENSOR_METHODS = frozenset({"detach", "clone", "new_zeros", "new_ones", "new_full", "new_empty", "new_tensor"})


def _made_as_tensor(value: ast.AST) -> bool:
    """``B.new_zeros(n).detach()``, ``torch.mm(a, b)``, ``C.detach()``: the value is a tensor by how it is made."""
    for node in ast.walk(value):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in _FRESH_TENSOR_METHODS:
                return True
            root = dotted_name(node.func) or ""
            if root.startswith("torch.") and not root.startswith("torch.nn.") and (
                node.func.attr in tables.TENSOR_FACTORIES or node.func.attr in tables.TENSOR_OPS
            ):
                return True
    return False


def _assignments(func) -> list[tuple[int, ast.expr, ast.expr]]:
    """``(line, target, value)`` of every single-target assignment statement of ``func``, in source order
    (statements only: cheap, and cached on the function)."""
    out = []
    for stmt in function_statements(func):
        if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1:
            out.append((stmt.lineno, stmt.targets[0], stmt.value))
        elif isinstance(stmt, ast.AnnAssign) and stmt.value is not None:
            out.append((stmt.lineno, stmt.target, stmt.value))
    return out


def reset_to_none(attr: str, functions) -> bool:
    """A method sets ``attr`` back to None (per sequence, per episode, at the end of a call): whatever it
    holds in between is transient, not state to save."""
    return any(
        _self_attr(target, self_name) == attr and isinstance(value, ast.Constant) and value.value is None
        for func, self_name, _hook in functions
        for _, target, value in cached_on_node(func, "_nnparam_assignments", _assignments)
    )


def lazy_updates(attrs, functions) -> dict[str, Use]:
    """Of ``attrs`` (bound only to ``None`` at construction), those a method keeps as running state made
    lazily: re-bound from arithmetic on its own value (``self.C = beta * self.C + (1 - beta) * B``, also
    through a local: ``C = beta * self.C + ...; self.C = C.detach()``), with a value made as a tensor; each
    with the update. A hidden state handed back by a sub-module (``self.h = self.rnn(x, self.h)``), a
    growing cache (``torch.cat([self.kv, k])``) or a Python counter (no tensor made) is not running state."""
    found: dict[str, Use] = {}
    for attr in attrs:
        if reset_to_none(attr, functions):
            continue
        for func, self_name, _hook in functions:
            accumulated: dict[str, bool] = {}  # local name -> made as a tensor
            update, made = None, False
            for line, target, value in cached_on_node(func, "_nnparam_assignments", _assignments):
                if isinstance(target, ast.Name):
                    if _accumulates(value, attr, self_name):
                        accumulated[target.id] = _made_as_tensor(value)
                    else:
                        accumulated.pop(target.id, None)
                    continue
                if _self_attr(target, self_name) != attr:
                    continue
                made |= _made_as_tensor(value)
                source = value
                while isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and not source.args and (
                    source.func.attr in _FRESH_TENSOR_METHODS or source.func.attr in _CAST_METHODS
                ):
                    source = source.func.value  # C.detach(), C.float()
                through_local = isinstance(source, ast.Name) and source.id in accumulated
                if update is None and (through_local or _accumulates(value, attr, self_name)):
                    update = Use(line, func.name, "is updated by re-binding it from its own value")
                    made |= through_local and accumulated[source.id]
            if update is not None and made:
                found[attr] = update
                break
    return found


FIRST_USE_DRAW = "is drawn at random once and kept"


def first_use_draw(attr: str, functions) -> Use | None:
    """Where a method of ``functions`` draws ``attr`` at random once and keeps it (``_first_use_draws``),
    unless a method sets it back to None (then each draw is transient)."""
    drawn = next((use for func, _self, _hook in functions
                  if (use := cached_on_node(func, "_nnparam_first_draws", _first_use_draws).get(attr))), None)
    return None if drawn is None or reset_to_none(attr, functions) else drawn


def _first_use_draws(func) -> dict[str, Use]:
    """attr -> where: ``if self.perm is None: self.perm = torch.randperm(x.shape[-1])``, drawn at random the
    first time the method runs and kept, unseeded (no ``generator=``), so a model loaded from a checkpoint
    draws another. Walked once per method, for every attribute."""
    self_name = _first_param(func)
    found: dict[str, Use] = {}
    for node in function_statements(func) if self_name is not None else ():
        if not (isinstance(node, ast.If) and isinstance(node.test, ast.Compare) and len(node.test.ops) == 1
                and isinstance(node.test.ops[0], ast.Is) and isinstance(node.test.comparators[0], ast.Constant)
                and node.test.comparators[0].value is None):
            continue
        attr = _self_attr(node.test.left, self_name)
        for stmt in iter_statements(node.body) if attr is not None else ():
            if isinstance(stmt, ast.Assign) and any(_self_attr(t, self_name) == attr for t in stmt.targets) and (
                _random_draw(stmt.value)
            ):
                found.setdefault(attr, Use(stmt.lineno, func.name, FIRST_USE_DRAW))
    return found


def _random_draw(value: ast.AST) -> bool:
    """``torch.randperm(n)``, ``torch.randint(0, k, (n,)).to(x.device)``: an unseeded draw of indices (a
    permutation, an assignment) that shapes what the module computes. A float draw kept for later calls
    (``torch.randint(...).float()``, ``torch.randn(n)``) is rather a pool of noise a stochastic layer samples
    from again: a fresh one after loading is as good."""
    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and (
        value.func.attr in ("detach", "clone", "to", "cuda") or value.func.attr in tables.INTEGRAL_METHODS
    ):
        value = value.func.value
    if not isinstance(value, ast.Call) or any(
        k.arg == "generator" or k.arg == "dtype" and not (
            isinstance(k.value, ast.Attribute) and k.value.attr in tables.INTEGRAL_DTYPES
        ) for k in value.keywords
    ):
        return False
    name = dotted_name(value.func) or ""
    return name.startswith("torch.") and name.rsplit(".", 1)[-1] in (tables.RANDOM_FACTORIES & tables.INTEGRAL_FACTORIES)


def _items_of(node: ast.AST) -> bool:
    """``x.items()``."""
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "items" and not node.args


def is_in_place(method: str) -> bool:
    """``mul_``, ``copy_``: a tensor method that changes the tensor itself."""
    return method.endswith("_") and not method.startswith("_")


def _moves_device_only(node: ast.Call, method: str) -> bool:
    """``t.cuda()``, ``t.to(x.device)``, ``t.to(device)``, ``t.to(device=d)``: the device changes, the dtype
    does not (unlike ``t.to(x)``, ``t.type_as(x)`` or ``t.to(x.device, x.dtype)``)."""
    if method in ("cuda", "npu", "xpu", "mps"):
        return True
    if method != "to" or len(node.args) > 1 or any(k.arg in ("dtype", "other") for k in node.keywords):
        return False
    target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "device"), None)
    if isinstance(target, ast.Attribute):
        return is_device_name(target.attr)
    return isinstance(target, ast.Name) and is_device_name(target.id)


def _marked(sources: frozenset[str], *marks: str) -> frozenset[str]:
    """The dtype marks among ``sources`` that start with one of ``marks``."""
    return frozenset(s for s in sources if s.startswith(marks))


def _kept_dtype(sources: frozenset[str]) -> frozenset[str]:
    return _marked(sources, KEEPS_DTYPE)


def _dtype_marks(sources: frozenset[str]) -> frozenset[str]:
    """What says the value's dtype does not follow the module's: kept from construction, or cast."""
    return _marked(sources, KEEPS_DTYPE, FIXED_DTYPE)


def _fixed(sources: frozenset[str]) -> frozenset[str]:
    return sources - {FOLLOWS_DTYPE} | {FIXED_DTYPE} if DEVICE in sources else sources


def _fixed_carriers(parts: list[frozenset[str]]) -> bool:
    """Every operand that follows the module was cast to a fixed dtype (``torch.ge(x.float(), t)``)."""
    carriers = [p for p in parts if DEVICE in p]
    return bool(carriers) and all(FIXED_DTYPE in p for p in carriers)


def _dtype_state(sources: frozenset[str]) -> frozenset[str]:
    """The dtype marks a value keeps through a one-operand method (``t.view(-1)``, ``t.repeat(2)``)."""
    return _marked(sources, KEEPS_DTYPE, FIXED_DTYPE, FOLLOWS_DTYPE)


def _follows_dtype(node: ast.AST | None) -> bool:
    """A dtype argument that is not a literal dtype (``x.dtype``, ``dtype``, ``self.dtype``): it follows
    the input or the module, so it changes with ``model.double()`` (``torch.float32`` does not)."""
    if node is None:
        return False
    if isinstance(node, ast.Attribute) and node.attr in tables.FLOAT_DTYPES | tables.INTEGRAL_DTYPES | tables.COMPLEX_DTYPES:
        return False
    return isinstance(node, (ast.Attribute, ast.Name))


def _false_for_tensors(test: ast.AST, self_name: str, tensors: set[str]) -> bool:
    """A test that is false while the attribute holds a tensor: ``not isinstance(self.w, torch.Tensor)``,
    ``isinstance(self.w, (list, float))``, or a conjunction with one of these."""
    if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        return any(_false_for_tensors(v, self_name, tensors) for v in test.values)
    tested = isinstance_test(test)
    if tested is None or _self_attr(tested[0], self_name) not in tensors:
        return False
    _, names, negated = tested
    if negated:
        return bool(names & tables.TENSOR_TYPES)
    return names <= tables.NUMBER_TYPES | tables.OTHER_TYPES


def _combined(sources: frozenset[str]) -> frozenset[str]:
    """The result of an operation: computed with device state, it is on the device (a mismatch was
    noted where it happened), so it no longer carries the attributes that went into it."""
    return _DEVICE if DEVICE in sources else sources


def _join_branches(start: dict, after_body: dict, in_body: dict, after_else: dict, in_else: dict) -> dict:
    """The locals after ``if ...: body else: orelse``: a name both branches re-bind holds one of their two
    values, no longer the value before the test (``w = default if w is None else w.to(x.device)``)."""
    joined = {}
    for name in after_body.keys() | after_else.keys():
        both = name in in_body and name in in_else and in_body[name] is not start.get(name) and (
            in_else[name] is not start.get(name)
        )
        if both:
            joined[name] = in_body[name] | in_else[name]
        else:
            joined[name] = after_body.get(name, _EMPTY) | after_else.get(name, _EMPTY)
    return joined


def _device_of_input(node: ast.AST, self_name: str) -> bool:
    """``x.device`` / ``x.device.type`` / ``str(x.device)`` of a name that is not ``self``: the input's device."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "str" and len(node.args) == 1:
        node = node.args[0]
    if isinstance(node, ast.Attribute) and node.attr == "type":
        node = node.value
    return isinstance(node, ast.Attribute) and node.attr == "device" and _input_root(node.value, self_name)


def _input_root(node: ast.AST, self_name: str) -> bool:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return isinstance(node, ast.Name) and node.id != self_name


def cpu_branch(test: ast.AST, self_name: str) -> str | None:
    """Which branch of ``if <test>:`` runs only with the input on the CPU: ``"body"``, ``"else"`` or None.

    ``if x.is_cuda: <moved copies> else: x - self.mean``: the else branch meets a CPU tensor with a CPU
    input, by design (robustbench's normalising wrappers). Only tests of an input's device (not of an
    attribute's: ``_device_checked`` handles those)."""
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        inner = cpu_branch(test.operand, self_name)
        return {"body": "else", "else": "body"}.get(inner) if inner else None
    if isinstance(test, ast.Attribute) and test.attr in ("is_cuda", "is_cpu") and _input_root(test.value, self_name):
        return "body" if test.attr == "is_cpu" else "else"
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Eq, ast.NotEq, ast.Is, ast.IsNot)):
        left, right = test.left, test.comparators[0]
        if not _device_of_input(left, self_name):
            left, right = right, left
        name = device_type(right)
        if not _device_of_input(left, self_name) or name not in ("cpu", "cuda"):
            return None
        equal = isinstance(test.ops[0], (ast.Eq, ast.Is))
        return "body" if (name == "cpu") == equal else "else"
    return None


def guard_text(test: ast.AST) -> str:
    """``if self.spinor:`` and ``if spinor:`` read alike: the test's source without ``self.``."""
    return ast.unparse(test).replace("self.", "")


# Methods that read a tensor's shape or layout, not its values: no stale read (self.buf.size(0) before a copy).
_SHAPE_ONLY_METHODS = frozenset(
    "size dim ndimension numel nelement element_size data_ptr is_contiguous is_floating_point is_complex "
    "is_signed is_pinned is_shared get_device stride storage_offset dim_order __len__".split()
)
_CONDITIONAL_EXPRESSIONS = (ast.IfExp, ast.BoolOp, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)
_PARTIAL = ast.Constant(value=None)  # written somewhere inside (self.buf[i][j] = v): no read is covered by it


def _whole_index(index: ast.AST) -> bool:
    """``[:]`` or ``[...]``: the whole tensor."""
    if isinstance(index, ast.Slice):
        return index.lower is None and index.upper is None and index.step is None
    return isinstance(index, ast.Constant) and index.value is Ellipsis


def _covers(written: ast.AST, read: ast.AST) -> bool:
    """Does a read at ``read`` see only what a write at ``written`` put there? The same index
    (``self.buf[:n] = x`` then ``self.buf[:n]``), or a key cache's prefix: written at ``[.., s:e]`` and read
    at ``[.., :e]`` (what earlier calls wrote before ``s`` belongs to the same sequence: a cache, no state a
    checkpoint holds). A queue or window written at one place and read whole is not covered."""
    if written is _PARTIAL:
        return False
    w_parts = written.elts if isinstance(written, ast.Tuple) else [written]
    r_parts = read.elts if isinstance(read, ast.Tuple) else [read]
    if len(w_parts) != len(r_parts):
        return False
    prefix = 0
    for w, r in zip(w_parts, r_parts):
        if _same_tree(w, r):
            continue
        if isinstance(w, ast.Slice) and isinstance(r, ast.Slice) and w.lower is not None and r.lower is None and (
            w.upper is not None and r.upper is not None and _same_tree(w.upper, r.upper) and w.step is None
            and r.step is None
        ):
            prefix += 1
            continue
        return False
    return prefix <= 1


def _same_tree(a: ast.AST, b: ast.AST) -> bool:
    """Structural equality of two expressions, positions aside (not ``ast.dump``: its nested helper is a
    reference cycle per call, which the paused collector would keep)."""
    if type(a) is not type(b):
        return False
    for name in a._fields:
        x, y = getattr(a, name, None), getattr(b, name, None)
        if isinstance(x, ast.AST):
            if not (isinstance(y, ast.AST) and _same_tree(x, y)):
                return False
        elif isinstance(x, list):
            if not (isinstance(y, list) and len(x) == len(y) and all(
                _same_tree(i, j) if isinstance(i, ast.AST) else i == j for i, j in zip(x, y)
            )):
                return False
        elif x != y:
            return False
    return True


def _told_device(value: ast.AST, params: frozenset[str]) -> bool:
    """``device``, ``torch.device(device)``, ``torch.device("cuda:%d" % gpu_id)``, ``f"cuda:{gpu_id}"``: a device
    made from a parameter of the method (openhgnn's ``set_device(self, gpu_id)``)."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute) and value.func.attr == "device" and value.args:
        value = value.args[0]
    if isinstance(value, ast.Name):
        return value.id in params
    if isinstance(value, (ast.JoinedStr, ast.BinOp)):  # f"cuda:{gpu_id}", "cuda:%d" % gpu_id, "cuda:" + str(i)
        return any(isinstance(n, ast.Name) and n.id in params for n in ast.walk(value))
    return False


def _moved_to_parameter(call: ast.Call, params: frozenset[str], told: set[str]) -> bool:
    """``t.to(device)`` / ``t.cuda(device)`` / ``t.to(device=device)`` with ``device`` a parameter of the method,
    or an attribute the method set from one (``self.device = device; self.t = self.t.to(self.device)``): the
    class moves it to whatever device it is told (``def set_device(self, device)``)."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in ("to", "cuda"):
        return False
    target = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "device"), None)
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.attr in told:
        return True
    return isinstance(target, ast.Name) and target.id in params


def _moved_self(stmt: ast.Assign, self_name: str) -> str | None:
    """``c`` for ``self.c = self.c.to(x)`` (or ``.cuda()``, ``.type_as(x)``): the attribute re-bound to a move
    of itself, which keeps its content."""
    value = stmt.value
    if len(stmt.targets) != 1 or not isinstance(value, ast.Call) or not isinstance(value.func, ast.Attribute):
        return None
    attr = _self_attr(stmt.targets[0], self_name)
    if attr is None or value.func.attr not in tables.DEVICE_METHODS or _self_attr(value.func.value, self_name) != attr:
        return None
    return attr


def _root_self_attr(node: ast.AST, self_name: str) -> str | None:
    """``self.x`` for ``self.x``, ``self.x[i]``, ``self.x.data``, ``self.x[i].data``."""
    while isinstance(node, (ast.Subscript, ast.Attribute)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name:
            return node.attr
        node = node.value
    return None


_INTEGER_NAMES = frozenset(
    "i j k n idx index epoch step steps iteration it level layer stage depth dim axis num count size length "
    "batch_size seq_len seqlen max_len start end offset verbose mode training train return_dict".split()
)


def _integer_name(name: str) -> bool:
    """``epoch``, ``layer_idx``, ``num_heads``, ``seq_len``: a parameter that is a Python number by its name."""
    lowered = name.lower()
    return (
        lowered in _INTEGER_NAMES
        or lowered.startswith(("num_", "n_", "is_", "use_", "return_", "output_"))
        or lowered.endswith(("_idx", "_index", "_id", "_size", "_len", "_dim", "_step", "_epoch", "_num", "_count"))
    )


def _tensor_evidenced_params(func, forward_like: bool) -> set[str]:
    """Parameters this function treats as tensors: forward's input, ``Tensor`` annotations, attribute use."""
    args = func.args.posonlyargs + func.args.args
    params = args[1:] if args else []
    names = {a.arg for a in params + func.args.kwonlyargs}
    defaults = dict(zip([a.arg for a in args][len(args) - len(func.args.defaults):], func.args.defaults))
    non_tensor: set[str] = set()
    evidenced: set[str] = set()
    for a in params + func.args.kwonlyargs:
        ann = ast.unparse(a.annotation) if a.annotation is not None else ""
        default = defaults.get(a.arg)
        if ann and "Tensor" in ann:
            evidenced.add(a.arg)
        elif ann and ann.split("[")[0].rsplit(".", 1)[-1] in ("int", "float", "bool", "str", "Optional") and "Tensor" not in ann:
            non_tensor.add(a.arg)
        elif isinstance(default, ast.Constant) and isinstance(default.value, (int, float, str, bool)):
            non_tensor.add(a.arg)
    if forward_like:  # forward's inputs are tensors unless an annotation, a default or the name says otherwise
        evidenced |= {a.arg for a in params if not _integer_name(a.arg)}
    for node in all_nodes(func):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in names
            and node.attr not in ("append", "items", "keys", "values", "get", "pop", "extend", "update")
        ):
            evidenced.add(node.value.id)
    return evidenced - non_tensor


class _MethodEval:
    """Evaluates one function body in statement order, recording uses into ``uses``."""

    def __init__(self, view: ClassView, uses: dict[str, AttrUses], imports: ImportTable, func, self_name: str,
                 hook: bool = False, depth: int = 0):
        self.depth = depth
        self.returns: frozenset[str] = _EMPTY
        self.view = view
        self.uses = uses
        self.imports = imports
        self.self_name = self_name
        self.method = func.name if isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)) else "a hook"
        self.forward_like = self.method in tables.FORWARD_METHODS
        self.params = frozenset(
            a.arg for a in [*func.args.posonlyargs, *func.args.args, *func.args.kwonlyargs]
        ) if not isinstance(func, ast.Lambda) else frozenset()
        self.told: set[str] = set()  # attributes this method set from its parameters (self.device = device)
        # saved devices this method re-bound to where the input is (self.device = x.device): .to(self.device) follows
        self.followed_devices: set[str] = set()
        # functions defined in this body, run where they are first called (or at its end): def hist(): ... self.t
        self.local_defs: dict[str, ast.AST] = {}
        self.env: dict[str, frozenset[str]] = {}
        self.rebound_here: dict[str, frozenset[str]] = {}  # attrs replaced earlier in this method
        self.overwritten_here: set[str] = set()  # attrs overwritten in place earlier in this method (not in a branch)
        self.overwriting: str | None = None  # the attr whose overwrite is being evaluated: self.buf[:n].copy_(x)
        self.carried_here: set[str] = set()  # re-bound to a move of itself (self.c = self.c.to(x)): same content
        self.written_slices: dict[str, list[ast.AST]] = {}  # parts written earlier: self.buf[:n] = x (not in a branch)
        self.reading: ast.AST | None = None  # the index of the attribute read being evaluated: self.buf[:n]
        self.quiet = 0  # inside a metadata read (self.buf.shape, self.buf.size(0)): its value is not read
        self.conditional = 0  # inside an expression that may not run (x if c else y, a or b, a comprehension)
        self.on_cpu: int | None = None  # line of the enclosing test that puts the input on the CPU (if not x.is_cuda)
        # ``if seq_len <= self.cached_len: return`` ran before: what is re-bound after it may not be, on the
        # path that returned, unless that path checks the attribute's device (``extend_pe``: moved, then return)
        self.fit_on_return: set[str] | None = None  # None: no early return so far
        self.after_return: set[str] = set()
        self.elements: dict[str, str] = {}  # loop names bound to a stored element: for s in self.shadow
        self.conditional_reads: list[set[str]] = []  # attrs read by the tests of the enclosing ifs
        self.guards: list[str] = []  # the enclosing if tests, normalised (see guard_text)
        if isinstance(func, ast.Lambda):
            params = func.args.posonlyargs + func.args.args
            self.env = {a.arg: _DEVICE for a in params if a.arg != self_name}
        else:
            evidenced = _tensor_evidenced_params(func, self.forward_like or hook)
            if hook:
                evidenced |= {a.arg for a in func.args.posonlyargs + func.args.args if a.arg != self_name}
            self.env = {name: _DEVICE for name in evidenced}

    # --- recording -------------------------------------------------------------------
    def _note(self, attrs, slot: str, line: int, what: str, fixed_dtype: bool = False) -> None:
        for attr in attrs:
            if attr == DEVICE or attr not in self.uses:
                continue
            record = self.uses[attr]
            use = Use(line, self.method, what, tuple(self.guards), fixed_dtype)
            if slot == "breaks":
                record.all_breaks.append(use)
            if getattr(record, slot) is None:
                setattr(record, slot, use)

    @staticmethod
    def _attrs(sources: frozenset[str]) -> frozenset[str]:
        return frozenset(s for s in sources if not s.startswith("$"))

    def _dtype_strict(self, parts: list[frozenset[str]], line: int, what: str) -> None:
        """The operands of one operation whose dtypes must match (``tables.DTYPE_STRICT_CALLS``, ``@``): an
        attribute moved to the device but not cast breaks there when another operand follows the module's
        dtype (one that follows the module and was neither only moved nor cast to a fixed dtype)."""
        for i, part in enumerate(parts):
            kept = _kept_dtype(part)
            if not kept:
                continue
            if any(DEVICE in other and not _dtype_marks(other) for j, other in enumerate(parts) if j != i):
                others = frozenset().union(*(o for j, o in enumerate(parts) if j != i))
                self._note({k[len(KEEPS_DTYPE):] for k in kept - others}, "dtype_breaks", line, what)

    def _meet(self, a: frozenset[str], b: frozenset[str], line: int, what: str) -> None:
        """``a`` and ``b`` take part in one tensor operation."""
        if DEVICE in b:
            self._note(self._attrs(a), "breaks", line, what, FIXED_DTYPE in b)
        if DEVICE in a:
            self._note(self._attrs(b), "breaks", line, what, FIXED_DTYPE in a)
        self._cpu_side(a, b, line)
        self._cpu_side(b, a, line)

    def _cpu_side(self, attrs: frozenset[str], other: frozenset[str], line: int) -> None:
        """``self.flags |= masks.cpu()``: the method brings the other operand to the CPU to meet the attribute."""
        if ON_CPU in other and DEVICE not in other:
            self._note(self._attrs(attrs), "cpu_side", line, "meets values moved to the CPU (.cpu())")

    # --- expressions -----------------------------------------------------------------
    def ev(self, node: ast.AST | None) -> frozenset[str]:
        if node is None or isinstance(node, ast.Constant):
            return _EMPTY
        if isinstance(node, _CONDITIONAL_EXPRESSIONS):
            self.conditional += 1
            try:
                return self._ev_node(node)
            finally:
                self.conditional -= 1
        return self._ev_node(node)

    def _ev_node(self, node: ast.AST) -> frozenset[str]:
        method = getattr(self, "_ev_" + type(node).__name__, None)
        if method is not None:
            return method(node)
        result = _EMPTY
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                result |= self.ev(child)
        return result

    def _ev_Name(self, node: ast.Name) -> frozenset[str]:
        return self.env.get(node.id, _EMPTY)

    def _fresh(self, attr: str) -> bool:
        """Is this read of ``attr`` only of what this method wrote before it (or only of its metadata)?"""
        if attr in self.overwritten_here or attr == self.overwriting or self.quiet:
            return True
        return self.reading is not None and any(_covers(w, self.reading) for w in self.written_slices.get(attr, ()))

    def _written(self, attr: str, index: ast.AST | None) -> None:
        """``self.buf[index]`` (or the whole tensor, ``index`` None, ``[:]``, ``[...]``) was overwritten here."""
        if self.conditional:
            return  # x.zero_() if reset else None: it may not have run
        if index is None or _whole_index(index):
            self.overwritten_here.add(attr)
        else:
            self.written_slices.setdefault(attr, []).append(index)

    def _self_attr_sources(self, attr: str, line: int = 0) -> frozenset[str]:
        if attr in self.rebound_here:
            if attr in self.carried_here and not self._fresh(attr):
                record = self.uses[attr]  # moved, not replaced: reading it reads what earlier calls left
                if record.stale_read is None:
                    record.stale_read = Use(line, self.method, "is read")
            return self.rebound_here[attr]
        if attr in self.view.candidates:
            record = self.uses[attr]
            record.read = True
            if record.first_read is None and line:
                record.first_read = Use(line, self.method, "is read")
            if record.stale_read is None and not self._fresh(attr):
                record.stale_read = Use(line, self.method, "is read")
            if self.on_cpu is not None:  # if x.is_cuda: ...moved copy... else: x - self.mean (both on the CPU)
                self._note({attr}, "moved", self.on_cpu, "is used only where the input is on the CPU")
                return _DEVICE
            return frozenset({attr})
        if attr in self.view.following or attr in self.view.stored_inputs:
            return _DEVICE  # a Parameter, buffer or sub-module; or forward's input stored on self
        self.view.unknown_reads.add(attr)
        return _EMPTY

    def _ev_Attribute(self, node: ast.Attribute) -> frozenset[str]:
        if isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            prop = self._property(node.attr)
            if prop is not None:  # self.weights of a @property: its body runs where it is read
                return self._call_into(prop, ast.Call(func=node, args=[], keywords=[]), [], _EMPTY, bound=True)
            return self._self_attr_sources(node.attr, node.lineno)
        if node.attr in _METADATA_ATTRIBUTES:
            self.quiet += 1  # self.buf.shape: no value is read
            try:
                self.ev(node.value)
            finally:
                self.quiet -= 1
            return _EMPTY
        return self.ev(node.value)

    def _ev_Subscript(self, node: ast.Subscript) -> frozenset[str]:
        previous = self.reading
        self.reading = node.slice if _self_attr(node.value, self.self_name) else None
        try:
            value = self.ev(node.value)
        finally:
            self.reading = previous
        index = self._ev_index(node.slice)
        self._cpu_side(value, index, node.lineno)
        if DEVICE in index:  # a dict is looked up by key, not indexed on a device
            self._note(self._attrs(value) - self.view.dicts, "breaks", node.lineno, "is indexed by a device tensor")
        attrs = self._attrs(value)
        if attrs and self._is_integer_index(node.slice):
            value = value - (attrs & self.view.one_dim)  # a 1-D table at an integer: a 0-dim value
        return value

    def _ev_index(self, node: ast.AST) -> frozenset[str]:
        if isinstance(node, ast.Slice):
            for part in (node.lower, node.upper, node.step):
                self.ev(part)
            return _EMPTY
        if isinstance(node, ast.Tuple):
            result = _EMPTY
            for elt in node.elts:
                result |= self._ev_index(elt)
            return result
        sources = self.ev(node)
        return sources & (_DEVICE | _ON_CPU)  # a CPU tensor index into a device tensor works: only where it is matters

    def _is_integer_index(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Constant):
            return isinstance(node.value, int)
        if isinstance(node, ast.Name):
            return DEVICE not in self.env.get(node.id, _EMPTY)
        if isinstance(node, ast.UnaryOp):
            return self._is_integer_index(node.operand)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Sub, ast.Mult, ast.FloorDiv, ast.Mod)):
            return self._is_integer_index(node.left) and self._is_integer_index(node.right)  # w[index - 1]
        return False

    def _ev_BinOp(self, node: ast.BinOp) -> frozenset[str]:
        left, right = self.ev(node.left), self.ev(node.right)
        if isinstance(node.op, ast.Add) and (_is_sequence(node.left) or _is_sequence(node.right)):
            return left | right  # list(self.lin.parameters()) + [self.logvar]: one list, no tensor operation
        what = "is multiplied (@) with tensors that follow the module" if isinstance(node.op, ast.MatMult) else "is combined with tensors that follow the module"
        self._meet(left, right, node.lineno, what)
        if isinstance(node.op, ast.MatMult):
            self._dtype_strict([left, right], node.lineno, "is moved to the device but not cast, then multiplied (@) with tensors that follow the module")
            for side in (node.left, node.right):
                if isinstance(side, ast.Attribute) and isinstance(side.value, ast.Name) and side.value.id == self.self_name:
                    self._note({side.attr}, "weight", node.lineno, "is used as a weight (@)")
        return _combined(left | right)

    def _ev_Compare(self, node: ast.Compare) -> frozenset[str]:
        sides = [self.ev(node.left)] + [self.ev(c) for c in node.comparators]
        if any(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops):
            return _EMPTY
        for a, b in zip(sides, sides[1:]):
            self._meet(a, b, node.lineno, "is compared with tensors that follow the module")
        result = _EMPTY
        for s in sides:
            result |= s
        return _combined(result)

    def _ev_BoolOp(self, node: ast.BoolOp) -> frozenset[str]:
        result = _EMPTY
        for v in node.values:
            result |= self.ev(v)
        return result

    def _ev_IfExp(self, node: ast.IfExp) -> frozenset[str]:
        self.ev(node.test)
        return self.ev(node.body) | self.ev(node.orelse)

    def _ev_JoinedStr(self, node: ast.JoinedStr) -> frozenset[str]:
        return _EMPTY  # f-strings and messages: no tensor operation

    def _ev_Lambda(self, node: ast.Lambda) -> frozenset[str]:
        return _EMPTY

    def _ev_NamedExpr(self, node: ast.NamedExpr) -> frozenset[str]:
        value = self.ev(node.value)
        if isinstance(node.target, ast.Name):
            self.env[node.target.id] = value
        return value

    def _comprehension(self, node) -> frozenset[str]:
        saved = dict(self.env)
        for gen in node.generators:
            sources = self.ev(gen.iter)
            self._bind_names(gen.target, sources)
            for cond in gen.ifs:
                self.ev(cond)
        if isinstance(node, ast.DictComp):
            result = self.ev(node.key) | self.ev(node.value)
        else:
            result = self.ev(node.elt)
        self.env = saved
        return result

    _ev_ListComp = _ev_SetComp = _ev_GeneratorExp = _ev_DictComp = _comprehension

    def _device_target(self, node: ast.AST | None) -> str:
        """Where ``.to(node)`` sends a tensor: "follows" the module or input, "saved" at construction, "dtype"."""
        if node is None:
            return "follows"
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id == self.self_name:
                if node.attr in self.view.saved_devices and node.attr not in self.followed_devices:
                    return "saved"
                if "dtype" in node.attr.lower():
                    return "dtype"
                return "follows"
            if node.attr == "dtype" or node.attr in tables.FLOAT_DTYPES | tables.INTEGRAL_DTYPES | tables.COMPLEX_DTYPES:
                return "dtype"
            if node.attr == "device":
                inner = node.value
                if isinstance(inner, ast.Attribute) and isinstance(inner.value, ast.Name) and inner.value.id == self.self_name:
                    sources = self._self_attr_sources(inner.attr)
                    return "saved" if self._attrs(sources) else "follows"
                return "saved" if self._attrs(self.ev(inner)) else "follows"
            return "follows"
        if isinstance(node, ast.Name):
            if "dtype" in node.id.lower():
                return "dtype"
            return "follows"
        return "follows"

    def _ev_Call(self, node: ast.Call) -> frozenset[str]:
        func = node.func
        line = node.lineno
        held = _EMPTY
        if not isinstance(func, (ast.Name, ast.Attribute)):
            # self._make_fn()(self.params): Python computes the callee first (it may re-bind state);
            # nn.CrossEntropyLoss(weight=self.w)(logits, y): the callable it makes holds the tensor
            held = self._attrs(self.ev(func))
        if isinstance(func, ast.Name) and func.id in self.local_defs:
            self._run_local_def(func.id)  # then evaluated as a call of an unknown function, as before
        if isinstance(func, ast.Name) and func.id == "getattr" and len(node.args) >= 2:
            owner, name = node.args[0], node.args[1]
            if isinstance(owner, ast.Name) and owner.id == self.self_name:
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    return self._self_attr_sources(name.value)
                for attr in self.view.computed:
                    self.uses[attr].read = True
                return frozenset(self.view.computed)
        if isinstance(func, ast.Name) and func.id == "setattr" and len(node.args) == 3:
            if isinstance(node.args[0], ast.Name) and node.args[0].id == self.self_name:
                return self._set_attribute(node, node.args[1], node.args[2])
        if (
            isinstance(func, ast.Attribute) and func.attr == "__setattr__" and len(node.args) == 2
            and isinstance(func.value, ast.Name) and func.value.id == self.self_name
        ):
            return self._set_attribute(node, node.args[0], node.args[1])
        if isinstance(func, ast.Name) and func.id in _BUILTIN_NON_TENSOR:
            for arg in node.args:
                self.ev(arg)
            return _EMPTY
        if isinstance(func, ast.Attribute):
            return self._method_call(node, func, line)
        return self._function_call(node, line, held)

    def _set_attribute(self, node: ast.Call, name: ast.AST, value: ast.AST) -> frozenset[str]:
        """``setattr(self, "mask", m)`` / ``self.__setattr__("mask", m)``: an assignment to ``self.mask``."""
        sources = self.ev(value)
        if isinstance(name, ast.Constant) and isinstance(name.value, str):
            target = ast.Attribute(value=ast.Name(id=self.self_name, ctx=ast.Load()), attr=name.value, ctx=ast.Store())
            self._assign(target, sources, ast.Assign(targets=[target], value=value, lineno=node.lineno))
        return _EMPTY

    def _args(self, node: ast.Call, skip: tuple[str, ...] = _NOT_OPERANDS,
              sizes: tuple[tuple[int, str], ...] = ()) -> list[frozenset[str]]:
        """The sources of each operand; a size argument (``tables.SIZE_ARGUMENTS``) is read, not an operand."""
        positions = {position for position, _ in sizes}
        keywords = {keyword for _, keyword in sizes}
        sources = [s for i, s in enumerate([self.ev(a) for a in node.args]) if i not in positions]
        self._run_callbacks(node)
        for k in node.keywords:
            if k.arg not in skip:
                value = self.ev(k.value)
                if k.arg not in keywords:
                    sources.append(value)
            elif k.arg in tables.NUMBER_KEYWORDS:
                self.ev(k.value)  # n_fft=self.n_fft: read, as a number
        return sources

    def _property(self, name: str):
        """The class's ``@property`` (or ``cached_property``) method ``name``, when it is not a candidate."""
        if self.view.find_method is None or name not in self.view.methods or name in self.view.candidates:
            return None
        method = self.view.find_method(name)
        return method if is_property(method) and _takes_no_arguments(method) else None  # a getter, not a setter

    def _run_callbacks(self, node: ast.Call) -> None:
        """``self._eval_cached("key", self._compute)``: a method of the class handed to a call as a callback is
        run by it, with no arguments the class can see; what it re-binds on ``self`` is re-bound after the call.
        A callback taking arguments (``checkpoint(self._block, x)``) is left alone: its inputs are unknown."""
        if self.view.find_method is None:
            return
        for arg in [*node.args, *(k.value for k in node.keywords)]:
            name = arg.attr if isinstance(arg, ast.Attribute) and _self_attr(arg, self.self_name) else None
            if name is None or name not in self.view.methods or name in self.view.candidates:
                continue
            callee = self.view.find_method(name)
            if isinstance(callee, (ast.FunctionDef, ast.AsyncFunctionDef)) and _takes_no_arguments(callee):
                self._call_into(callee, ast.Call(func=arg, args=[], keywords=[]), [], _EMPTY, bound=True)

    def _function_call(self, node: ast.Call, line: int, held: frozenset[str] = _EMPTY) -> frozenset[str]:
        qualified = self.imports.qualify(node.func) or ""
        args = self._args(node, sizes=tables.SIZE_ARGUMENTS.get(qualified, ()))
        if qualified in tables.DESCRIPTION_CALLS:
            return _EMPTY  # torch.Size(flow.forward_shape(shape)): metadata, no tensor operation
        if isinstance(node.func, ast.Name):
            held = self._attrs(self.env.get(node.func.id, _EMPTY))
        if held:  # loss = nn.CrossEntropyLoss(weight=self.w); loss(logits, y): the callable holds the tensor
            args.append(held)
        joined = _EMPTY
        for a in args:
            joined |= a
        if isinstance(node.func, ast.Name) and node.func.id in _BUILTIN_PASSTHROUGH:
            return joined
        if qualified.startswith("torch.optim."):
            return _EMPTY  # torch.optim.AdamW(params + [self.logvar]): the optimizer keeps them, it computes nothing
        if isinstance(node.func, ast.Name) and node.func.id[:1].isupper():
            return joined  # SomeRecord(mask=self.mask): a constructor stores, it does not compute
        if (
            isinstance(node.func, ast.Attribute) and node.func.attr in tables.LOGGING_METHODS
            and not qualified.startswith(_MATH_ROOTS)
            and not (isinstance(node.func.value, ast.Name) and node.func.value.id in _MATH_NAMES)
        ):
            return _EMPTY  # self.logger.experiment.add_scalar("r", self.total): recorded, not computed
        callee = self.view.module_functions.get(node.func.id) if isinstance(node.func, ast.Name) else None
        if callee is not None and node.func.id not in self.env:
            moved = self._moved_by_helper(callee, node, args) if DEVICE in joined or call_names_device(node) else _EMPTY
            if moved:  # t, _ = may_to_device(self.t, self.device): moved where needed, returned as is otherwise
                self._note(moved, "moved", line, f"is moved at use by {node.func.id}()")
                self._call_into(callee, node, args, joined, bound=False)
                return _DEVICE
            return self._call_into(callee, node, args, joined, bound=False)
        name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        if (DEVICE in joined or call_names_device(node)) and is_device_helper_name(name):  # to_device(x, self.t), move_to(t, x.device)
            self._note(self._attrs(joined), "moved", line, f"is moved at use by {name}()")
            return _DEVICE
        device_kw = next((k.value for k in node.keywords if k.arg == "device"), None)
        if qualified in _PERIODIC:
            self.view.periodic = True
            for arg in node.args:
                for sub in ast.walk(arg):
                    if isinstance(sub, ast.BinOp) and isinstance(sub.op, ast.MatMult):
                        for side in ast.walk(sub):
                            attr = _root_self_attr(side, self.self_name) if isinstance(side, ast.Attribute) else None
                            if attr is not None:
                                self._note({attr}, "projection", line, f"is a fixed projection inside {qualified}()")
        if qualified in tables.WEIGHT_USES:
            for arg in node.args[1:] + [k.value for k in node.keywords if k.arg in ("weight", "bias")]:
                if isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name) and arg.value.id == self.self_name:
                    self._note({arg.attr}, "weight", line, f"is used as a weight of {ast.unparse(node.func)}()")
            if qualified.startswith("torch.nn.functional."):  # F.embedding(idx, self.w[:n]), or a helper's weight
                # (no layer function has a size argument: the operands line up with their slots)
                held = [v for k, v in zip(_argument_slots(node), args)
                        if (isinstance(k, int) and k >= 1) or k in ("weight", "bias")]
                self._note(self._attrs(frozenset().union(*held)), "layer_weight", line,
                           f"is used as a weight of {ast.unparse(node.func)}()")
        if device_kw is not None:
            self.ev(device_kw)
            target = self._device_target(device_kw)
            if target == "follows":
                self._note(self._attrs(joined), "moved", line, f"is moved to the device at use by {ast.unparse(node.func)}(device=...)")
                dtype_kw = next((k.value for k in node.keywords if k.arg == "dtype"), None)
                owners = self._joined_attribute(dtype_kw.value) if (
                    isinstance(dtype_kw, ast.Attribute) and dtype_kw.attr == "dtype"
                ) else _EMPTY
                if owners:  # torch.arange(n, device=x.device, dtype=self.inv_freq.dtype): inv_freq's own dtype
                    return _DEVICE | {KEEPS_DTYPE + a for a in self._attrs(owners)}
                return _DEVICE
            self._note(self._attrs(joined), "saved_device", line, "is moved to a device saved at construction")
            return joined
        # nn.BCEWithLogitsLoss(pos_weight=self.w)(logits, y): named by its constructor, not its arguments
        name = f"{ast.unparse(node.func.func)}(...)" if isinstance(node.func, ast.Call) else ast.unparse(node.func)
        moved, unreached = self._project_argument_fates(node, args) if DEVICE in joined and self._attrs(joined) else (_EMPTY, _EMPTY)
        if moved:  # rgb_to_grayscale(x, self.w), which does w.to(x.device): compensated where it is used
            self._note(moved, "moved", line, f"is moved at use by {name}()")
        joined = joined - moved - unreached  # unreached: read there only under `if w.requires_grad:`
        if name.rsplit(".", 1)[-1] in tables.DTYPE_STRICT_CALLS:
            self._dtype_strict(args, line, f"is moved to the device but not cast, then passed with tensors that follow the module to {name}()")
        if DEVICE in joined and self._attrs(joined):
            self._note(self._attrs(joined), "breaks", line, f"is passed with tensors that follow the module to {name}()",
                       _fixed_carriers(args))
        if _fixed_carriers(args):  # torch.sum(x.float(), 1): still float32 whatever the module's dtype
            return _combined(joined) | {FIXED_DTYPE}
        return _combined(joined)

    def _moved_by_helper(self, callee, node: ast.Call, args: list[frozenset[str]]) -> frozenset[str]:
        """The attributes given to a function of this file at a parameter it moves to a device."""
        moved_params = moved_parameters(callee, self.view.module_functions)
        if not moved_params:
            return _EMPTY
        params = [a.arg for a in callee.args.posonlyargs + callee.args.args]
        moved: set[str] = set()
        for slot, sources in zip(_argument_slots(node), args):
            name = params[slot] if isinstance(slot, int) and slot < len(params) else slot
            if name in moved_params:
                moved |= self._attrs(sources)
        return frozenset(moved)

    def _project_argument_fates(self, node: ast.Call, args: list[frozenset[str]]) -> tuple[frozenset[str], frozenset[str]]:
        """The attributes given to a function of another project file that moves that argument to a device,
        and those it never computes with: only an index or metadata, or read only when they require grad
        (which a plain tensor here never does)."""
        dotted = dotted_name(node.func)
        project = self.view.project
        if project is None or not dotted or dotted.split(".", 1)[0] not in self.imports.refs:
            return _EMPTY, _EMPTY
        moved: set[str] = set()
        unreached: set[str] = set()
        for which, sources in zip(_argument_slots(node), args):
            attrs = self._attrs(sources)
            if not attrs or which is None:
                continue
            fate = project.argument_fate(dotted, which)
            if fate == "moves":
                moved |= attrs
            elif fate == "inert" or (fate == "grad_only" and attrs <= self.view.grad_free):
                unreached |= attrs
        return frozenset(moved), frozenset(unreached)

    def _method_call(self, node: ast.Call, func: ast.Attribute, line: int) -> frozenset[str]:
        method = func.attr
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id == self.self_name:
            return self._self_call(node, method, line)
        overwritten = _root_self_attr(owner, self.self_name) if method in _OVERWRITES else None
        previous = self.overwriting
        self.overwriting = overwritten or previous  # the receiver of copy_()/fill_() is written, not read
        self.quiet += method in _SHAPE_ONLY_METHODS  # self.buf.size(0) reads no value
        try:
            receiver = self.ev(owner)
        finally:
            self.overwriting = previous
            self.quiet -= method in _SHAPE_ONLY_METHODS
        if method in tables.DEVICE_METHODS or method in ("to_device",):
            return self._move(node, method, receiver, line)
        if method in tables.LOGGING_METHODS and method != "log":  # t.log() is the logarithm
            for a in [*node.args, *(k.value for k in node.keywords)]:
                self.ev(a)
            return _EMPTY  # module.logger.experiment.add_scalars(name, vals): recorded, not computed
        if method in _CAST_METHODS:
            for a in node.args:
                self.ev(a)
            if method in tables.INTEGRAL_METHODS:  # ids.long(): an index, which never meets a float dtype
                return receiver - _dtype_state(receiver)
            return _fixed(receiver)  # mask.float(): float32 whatever the module's dtype
        if method in _METADATA_METHODS:
            for a in node.args:
                self.ev(a)
            return _EMPTY
        if method in tables.FULL_REDUCTIONS and not node.args and not node.keywords:
            return receiver & _DEVICE  # t.sum(): a 0-dim value mixes with any device like a number
        args = self._args(node)
        joined = _EMPTY
        for a in args:
            joined |= a
        base = _root_self_attr(owner, self.self_name)
        if base is None and isinstance(owner, ast.Name):
            base = self.elements.get(owner.id)  # for s in self.shadow: s.mul_(d) changes the stored tensor
        if is_in_place(method) and base is not None:
            if method not in tables.OVERWRITING_METHODS:  # uniform_(), zero_(): the old value is not kept
                self._note({base}, "updated", line, f"is updated in place ({method})")
            if overwritten is not None:  # read after this, it holds what the method wrote
                self._written(overwritten, owner.slice if isinstance(owner, ast.Subscript) and _self_attr(
                    owner.value, self.self_name) == overwritten else None if _self_attr(owner, self.self_name) else _PARTIAL)
                self._note({overwritten}, "overwritten", line, f"is overwritten in place ({method})")
            return receiver | joined
        if method in _SAME_DEVICE_FREE:
            return receiver
        if isinstance(owner, ast.Name) and owner.id in _MATH_NAMES or (
            (self.imports.qualify(func) or "").startswith(("torch.", "numpy."))
        ):
            return self._function_call(node, line)
        if isinstance(owner, ast.Name) and owner.id in self.view.class_names and method in self.view.methods:
            callee = self.view.find_method(method)  # MovedInCallee._project(x, doas=self.doas)
            if callee is not None:
                return self._call_into(callee, node, args, joined, bound=False)
        if not receiver - _ON_CPU and not isinstance(owner, (ast.Subscript, ast.Call)):
            return self._function_call(node, line)  # helper.compute(x, self.t): an unknown callable
        if method in _SHAPE_ARGUMENT_METHODS:  # of a tensor (torch.unsqueeze(x, 2) is a function, above)
            return receiver
        if method not in tables.TENSOR_METHODS and not self._attrs(receiver):
            # calculator.forward(self.t): a callable, not a tensor operand; what a sub-module's method gives back
            # (self.metric.compute()) still follows the module
            return self._function_call(node, line) | (_DEVICE if DEVICE in receiver else _EMPTY)
        what = f"is passed to .{method}() of a tensor that follows the module"
        if DEVICE in receiver:
            self._note(self._attrs(joined), "breaks", line, what, FIXED_DTYPE in receiver)
        if DEVICE in joined:
            self._note(self._attrs(receiver), "breaks", line, f"takes tensors that follow the module in .{method}()",
                       _fixed_carriers(args))
        if method in tables.DTYPE_STRICT_CALLS:
            self._dtype_strict([receiver, *args], line, f"is moved to the device but not cast, then meets tensors that follow the module in .{method}()")
        result = _combined(receiver | joined)
        if DEVICE not in joined:  # t.repeat(1, n), t[None].view(-1): still the moved value, in its own dtype
            result |= _dtype_state(receiver)
        return result

    def _move(self, node: ast.Call, method: str, receiver: frozenset[str], line: int) -> frozenset[str]:
        attrs = self._attrs(receiver)
        if method == "cpu" or (method == "to" and self._cpu_target(node)):
            return receiver - _DEVICE | _ON_CPU
        if method == "type" and not node.args and not node.keywords:
            return _EMPTY  # t.type() is the type's name: metadata
        if method in ("cuda", "npu", "xpu", "mps", "to_device"):
            target = "follows"
        elif method == "type":
            target = "dtype"
        else:
            target_node = node.args[0] if node.args else next(
                (k.value for k in node.keywords if k.arg in ("device", "other")), None
            )
            if target_node is None and any(k.arg == "dtype" for k in node.keywords):
                target = "dtype"
            else:
                joined = self._joined_attribute(target_node)
                if joined:  # pos.to(device=self.inv_freq.device): pos goes where the attribute is; they never mismatch
                    for a in node.args:
                        self.ev(a)
                    return (receiver - _DEVICE - _dtype_state(receiver)) | joined
                target = self._device_target(target_node)
                if target_node is not None and not isinstance(target_node, ast.Attribute):
                    target_sources = self.ev(target_node)
                    if method == "type_as" or (isinstance(target_node, ast.Name) and DEVICE in target_sources):
                        target = "follows"
        for a in node.args:
            self.ev(a)
        if target == "dtype":
            dtype_node = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "dtype"), None)
            if isinstance(dtype_node, ast.Attribute) and dtype_node.attr == "dtype" and self._joined_attribute(dtype_node.value):
                return _fixed(receiver)  # x.to(self.t.dtype): the attribute's own dtype, never a mismatch with it
            if _follows_dtype(dtype_node):  # t.to(x.dtype): the module's dtype from now on
                return receiver - _dtype_state(receiver) | {FOLLOWS_DTYPE}
            return _fixed(receiver)
        if target == "saved":
            self._note(attrs, "saved_device", line, "is moved to a device saved at construction")
            return receiver
        self._note(attrs, "moved", line, f"is moved at use (.{method}())")
        if _moves_device_only(node, method):
            if FOLLOWS_DTYPE in receiver:  # t.to(x.dtype).to(x.device): cast first, then moved
                return _DEVICE | {FOLLOWS_DTYPE}
            return _DEVICE | _dtype_marks(receiver) | {KEEPS_DTYPE + a for a in attrs}
        return _DEVICE

    def _cpu_target(self, node: ast.Call) -> bool:
        """``x.to("cpu")``, ``x.to(device="cpu")``, ``x.to(torch.device("cpu"))``, or to a local bound to one."""
        target = node.args[0] if node.args else next((k.value for k in node.keywords if k.arg == "device"), None)
        return device_type(target) == "cpu" or (isinstance(target, ast.Name) and self.env.get(target.id) == _ON_CPU)

    def _joined_attribute(self, node: ast.AST | None) -> frozenset[str]:
        """The candidate attributes whose device a move targets: ``self.t.device`` (or ``self.t`` itself)."""
        if isinstance(node, ast.Attribute) and node.attr == "device":
            node = node.value
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self.self_name:
            if node.attr in self.uses:
                return frozenset({node.attr})
        if isinstance(node, ast.Name):  # device = self.t.device; x.to(device)
            return frozenset(s[len(DEVICE_OF):] for s in self.env.get(node.id, ()) if s.startswith(DEVICE_OF))
        return _EMPTY

    def _self_call(self, node: ast.Call, method: str, line: int) -> frozenset[str]:
        args = self._args(node)
        joined = _EMPTY
        for a in args:
            joined |= a
        if method in self.view.stateless_modules:
            return joined
        if method in tables.LOGGING_METHODS and method not in self.view.methods:
            return _EMPTY  # self.log_dict({"reward": self.rewards[-1], "loss": loss}): recorded, not computed
        if method in self.view.following:
            self._note(self._attrs(joined), "breaks", line, f"is passed to self.{method}, whose weights follow the module")
            return _DEVICE
        if method in self.view.candidates:
            return joined
        callee = self.view.find_method(method) if self.view.find_method is not None and method in self.view.methods else None
        if callee is not None:
            static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in getattr(callee, "decorator_list", ()))
            return self._call_into(callee, node, args, joined, bound=not static)
        if DEVICE in joined and self._attrs(joined):
            self._note(self._attrs(joined), "breaks", line, f"is passed with tensors that follow the module to self.{method}()")
        return _DEVICE if joined - _ON_CPU else _EMPTY  # an unknown self.sub(...): a sub-module's output follows the module

    def _call_into(self, callee, node: ast.Call, args: list[frozenset[str]], joined: frozenset[str], bound: bool):
        """Evaluate a helper of the class or file with its parameters bound to the call's sources."""
        if self.depth >= _MAX_DEPTH or not isinstance(callee, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return joined | (_DEVICE if DEVICE in joined else _EMPTY)
        key = (id(callee), tuple(args),
               (frozenset(self.rebound_here.items()), frozenset(self.overwritten_here), frozenset(self.carried_here))
               if bound else None)
        if key in self.view.memo:
            returns, rebound, overwritten, carried = self.view.memo[key]
            if bound:
                self.rebound_here.update(rebound)
                self.overwritten_here |= overwritten
                self.carried_here |= carried
            return returns
        # recursion guard
        self.view.memo[key] = (joined | (_DEVICE if DEVICE in joined else _EMPTY), {}, frozenset(), frozenset())
        params = [a.arg for a in callee.args.posonlyargs + callee.args.args]
        inner_self = params[0] if bound and params else self.self_name
        if bound and params:
            params = params[1:]
        inner = _MethodEval(self.view, self.uses, self.imports, callee, inner_self, depth=self.depth + 1)
        inner.env = {}
        if bound:
            inner.rebound_here = dict(self.rebound_here)  # what the caller re-bound before the call
            inner.overwritten_here = set(self.overwritten_here)
            inner.carried_here = set(self.carried_here)
            inner.followed_devices = set(self.followed_devices)
        for slot, source in zip(_argument_slots(node), args):
            name = params[slot] if isinstance(slot, int) and slot < len(params) else slot
            if isinstance(name, str):
                inner.env[name] = source
        inner.run_function(callee.body)
        # a re-binding after an early return may not have happened: the caller still reads the old value
        rebound = {attr: v for attr, v in inner.rebound_here.items() if attr not in inner.after_return}
        self.view.memo[key] = (inner.returns, rebound, frozenset(inner.overwritten_here),
                               frozenset(inner.carried_here))
        if bound:  # self.extend_pe(x) re-binds self.pe on the input's device before forward reads it
            self.rebound_here.update(rebound)
            self.overwritten_here |= inner.overwritten_here
            self.carried_here |= inner.carried_here
        return inner.returns

    # --- statements ------------------------------------------------------------------
    def run(self, body) -> None:
        for stmt in body:
            self.stmt(stmt)

    def run_function(self, body) -> None:
        """A whole function body, then the functions it defined but never called (returned, or handed on as a
        hook): they run after it."""
        self.run(body)
        while self.local_defs:
            self._run_local_def(next(iter(self.local_defs)))

    def _run_local_def(self, name: str) -> None:
        """A function defined in this body, run with what the body has bound and re-bound so far: its reads
        happen when it is called, not where it is defined (ptls' histogram reads self.t after the move)."""
        func = self.local_defs.pop(name)
        inner = _MethodEval(self.view, self.uses, self.imports, func, self.self_name, hook=True)
        inner.env = {**self.env, **inner.env}
        inner.rebound_here = dict(self.rebound_here)
        inner.carried_here = set(self.carried_here)
        inner.followed_devices = set(self.followed_devices)
        inner.run_function(func.body)

    def _bind_names(self, target: ast.AST, sources: frozenset[str]) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                self.env[node.id] = sources
                self.elements.pop(node.id, None)

    def _alias_element(self, target: ast.AST, iterable: ast.AST) -> None:
        """``for s in self.shadow`` (or ``.values()`` / ``.items()``): ``s`` is a stored element itself."""
        if isinstance(iterable, ast.Call) and isinstance(iterable.func, ast.Attribute) and not iterable.args and (
            iterable.func.attr in ("values", "items")
        ):
            iterable = iterable.func.value
        attr = _self_attr(iterable, self.self_name)
        if isinstance(target, ast.Name) and attr in self.view.candidates:
            self.elements[target.id] = attr

    def _assign(self, target: ast.AST, sources: frozenset[str], stmt: ast.stmt) -> None:
        if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == self.self_name:
            attr = target.attr
            if attr in self.view.candidates:
                record = self.uses[attr]
                if record.rebound is None:
                    record.rebound = Use(stmt.lineno, self.method, "is re-bound")
                if record.reset is None and not isinstance(stmt, ast.AugAssign) and attr not in sources and not mentions_self_attr(
                    getattr(stmt, "value", None), attr, self.self_name
                ):  # self.t = torch.zeros(...) in reset(); not self.t = self.t.to(x.device), self.t * m, or
                    # p = self.t; self.t = p / p.norm() (a local still carrying the attribute)
                    record.reset = Use(stmt.lineno, self.method, "is re-created")
                value = getattr(stmt, "value", None)
                if isinstance(stmt, ast.Assign) and value is not None and _accumulates(value, attr, self.self_name):
                    self._note({attr}, "updated", stmt.lineno, "is updated by re-binding it from its own value")  # running statistics
                if DEVICE in sources and not self._attrs(sources):
                    record.device_rebinds.append(Use(stmt.lineno, self.method, "is re-bound on the device", tuple(self.guards)))
                self.rebound_here[attr] = sources  # until the end of its block (see _branch)
                if self.fit_on_return is not None and attr not in self.fit_on_return:
                    self.after_return.add(attr)
            elif DEVICE in sources and attr not in self.view.following:
                self.view.stored_inputs.add(attr)  # self.input = x.reshape(...): other methods read the input
            if attr in self.view.saved_devices:
                value = getattr(stmt, "value", None)
                if isinstance(value, ast.Attribute) and value.attr == "device" and self._device_target(value) == "follows":
                    self.followed_devices.add(attr)  # self.device = embeddings.device
                else:
                    self.followed_devices.discard(attr)
            return
        if isinstance(target, ast.Subscript):
            base = _root_self_attr(target, self.self_name)
            index = self.ev(target.slice)
            if base is not None:  # self.flags[masks.cpu()] = 0, self.buf[i] = x.cpu(): written on the CPU side
                self._cpu_side(frozenset({base}), index, stmt.lineno)
                self._cpu_side(frozenset({base}), sources, stmt.lineno)
            replaced = base in self.view.dicts and _self_attr(target.value, self.self_name) == base
            if base is not None and not replaced:  # self.d[key] = t replaces an item: no tensor changes
                self._note({base}, "updated", stmt.lineno, "is updated in place (index assignment)")
                # the value was evaluated first: self.c[i] = self.c[i] * m reads it
                self._written(base, target.slice if _self_attr(target.value, self.self_name) == base else _PARTIAL)
                self._note({base}, "overwritten", stmt.lineno, "is overwritten in place (index assignment)")
            else:
                self.ev(target.value)
            return
        if isinstance(target, ast.Attribute):
            base = _root_self_attr(target, self.self_name)
            if base is not None and target.attr == "data":
                self._note({base}, "updated", stmt.lineno, "is updated in place (.data =)")
            return
        if isinstance(target, (ast.Tuple, ast.List)):
            for elt in target.elts:
                self._assign(elt.value if isinstance(elt, ast.Starred) else elt, sources, stmt)
            return
        if isinstance(target, ast.Name):
            value = getattr(stmt, "value", None)
            if (  # device = self.pz_scale.device: a later eps.to(device) goes where the attribute is
                isinstance(value, ast.Attribute) and value.attr == "device" and len(getattr(stmt, "targets", ())) == 1
                and (joined := self._joined_attribute(value))
            ):
                sources = sources | {DEVICE_OF + a for a in joined}
            self.env[target.id] = sources
            self.elements.pop(target.id, None)  # s = s * 2: a new tensor, no longer the stored element

    def _maybe(self, body) -> None:
        """A block that may not run (an except handler, a match case): its writes do not last beyond it."""
        overwritten, carried = set(self.overwritten_here), set(self.carried_here)
        slices = {k: list(v) for k, v in self.written_slices.items()}
        self.run(body)
        self.overwritten_here, self.carried_here, self.written_slices = overwritten, carried, slices

    def _branch(self, body, guard: str, refreshed: set[str]) -> tuple[dict, dict | None]:
        """Run one branch; its re-bindings last beyond it only when the test refreshes that attribute.

        A local assigned in the branch may or may not hold the new value afterwards: it keeps both. Returns
        the locals as the branch left them, and what it left re-bound on ``self`` (None when it ends in
        ``raise``/``continue``/``break`` and never reaches what follows): an if/else that re-binds an
        attribute on both paths replaces it (``_rebound_on_both``)."""
        before = dict(self.rebound_here)
        overwritten_before = set(self.overwritten_here)
        carried_before = set(self.carried_here)
        slices_before = {k: list(v) for k, v in self.written_slices.items()}
        env_before = dict(self.env)
        self.guards.append(guard)
        self.run(body)
        self.guards.pop()
        self.overwritten_here = overwritten_before  # a branch that did not run wrote nothing
        self.carried_here = carried_before
        self.written_slices = slices_before
        ran = dict(self.env)
        end = None if body and isinstance(body[-1], (ast.Raise, ast.Continue, ast.Break)) else dict(self.rebound_here)
        for name, value in list(self.env.items()):
            if env_before.get(name) is not value and _LOCAL + name not in refreshed:
                self.env[name] = env_before.get(name, _EMPTY) | value  # a refreshed cache keeps only the new value
        for attr in list(self.rebound_here):
            if attr in refreshed or "device" in refreshed or self.rebound_here[attr] is before.get(attr):
                continue
            if attr in before:
                self.rebound_here[attr] = before[attr]
            else:
                del self.rebound_here[attr]
        return ran, end

    def _rebound_on_both(self, before: dict, body_end: dict | None, else_end: dict | None) -> None:
        """``if cached: m = self._cached() else: m = self._compute()``, each re-binding ``self.D``: after the
        if/else the attribute holds one of the new values, never the old one. A branch that ends in ``raise``
        (``None``) does not reach what follows: the other branch's re-bindings hold."""
        if body_end is None and else_end is None:
            return
        ends = [end for end in (body_end, else_end) if end is not None]
        for attr in set.intersection(*(set(end) for end in ends)):
            new = [end[attr] for end in ends if end[attr] is not before.get(attr)]
            if len(new) == len(ends):
                self.rebound_here[attr] = frozenset().union(*new)

    def _grad_free_probe(self, node: ast.AST):
        """For ``node.requires_grad``: ``("env", name)`` or ``("attr", attr)`` when ``node`` holds only
        candidates that never require grad, else None."""
        attr = _self_attr(node, self.self_name)
        if attr is not None:
            return ("attr", attr) if attr in self.view.grad_free and attr not in self.rebound_here else None
        if isinstance(node, ast.Name):
            sources = self.env.get(node.id, _EMPTY)
            if sources - _ON_CPU and DEVICE not in sources and self._attrs(sources) <= self.view.grad_free:
                return ("env", node.id)
        return None

    @contextmanager
    def _hidden(self, probe):
        """Within the block, the probed name or attribute holds nothing: the branch cannot see that value."""
        if probe is None:
            yield
            return
        kind, key = probe
        table = self.env if kind == "env" else self.rebound_here
        had, before = key in table, table.get(key)
        table[key] = _EMPTY
        try:
            yield
        finally:
            if table.get(key) is _EMPTY:  # not re-bound inside the branch
                if had:
                    table[key] = before
                else:
                    del table[key]

    def _device_checked(self, test: ast.AST) -> set[str]:
        """Candidates whose device or type the test compares: ``self.w.device == x.device``, ``.is_cuda``."""
        checked: set[str] = set()
        for sub in ast.walk(test):
            probe = None
            if isinstance(sub, ast.Attribute) and sub.attr in ("device", "is_cuda"):
                probe = sub.value
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Attribute) and sub.func.attr in ("type", "get_device"):
                probe = sub.func.value
            if probe is not None:
                attr = _root_self_attr(probe, self.self_name)
                if attr in self.view.candidates:
                    checked.add(attr)
        return checked

    def _reads_in(self, node: ast.AST) -> set[str]:
        reads: set[str] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Attribute):
                if isinstance(sub.value, ast.Name) and sub.value.id == self.self_name:
                    reads.add(sub.attr)
                if sub.attr == "device":
                    reads.add("device")
            if isinstance(sub, ast.Attribute) and sub.attr in _FIT_CHECKS or (
                isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name) and sub.func.id == "len" and sub.args
            ):
                probe = sub.value if isinstance(sub, ast.Attribute) else sub.args[0]
                if isinstance(probe, ast.Name) and self._attrs(self.env.get(probe.id, _EMPTY)):
                    reads.add(_LOCAL + probe.id)  # mask = self.mask; if mask.shape[-1] != T: mask = build(T, x.device)
        return reads

    def stmt(self, stmt: ast.stmt) -> None:
        if isinstance(stmt, ast.Assign):
            carried = _moved_self(stmt, self.self_name)
            self.overwriting = carried  # self.c = self.c.to(x): the content is carried to the device, not read
            try:
                sources = self.ev(stmt.value)
            finally:
                self.overwriting = None
            if device_type(stmt.value) == "cpu":
                sources = _ON_CPU  # device = torch.device("cpu"): a later x.to(device) is on the CPU
            for target in stmt.targets:
                self._assign(target, sources, stmt)
            if carried is not None:
                self.carried_here.add(carried)
                if not self.forward_like and _moved_to_parameter(stmt.value, self.params - {self.self_name}, self.told):
                    self._note({carried}, "moved_by", stmt.lineno, f"is moved by {self.method}()")
            told = _self_attr(stmt.targets[0], self.self_name) if len(stmt.targets) == 1 else None
            if told and _told_device(stmt.value, self.params - {self.self_name}):
                self.told.add(told)  # self.device = device / torch.device(f"cuda:{gpu_id}"): the device it is told
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._assign(stmt.target, self.ev(stmt.value), stmt)
        elif isinstance(stmt, ast.AugAssign):
            value = self.ev(stmt.value)
            base = _root_self_attr(stmt.target, self.self_name)
            if base is None and isinstance(stmt.target, ast.Name):
                base = self.elements.get(stmt.target.id)  # for s in self.stats: s += x (in place on a tensor)
            current = self.ev(stmt.target)
            if base is not None:
                self._note({base}, "updated", stmt.lineno, "is updated in place (augmented assignment)")
                self._meet(current, value, stmt.lineno, "is combined with tensors that follow the module")
                return
            self._meet(current, value, stmt.lineno, "is combined with tensors that follow the module")
            if isinstance(stmt.target, ast.Name):
                self.env[stmt.target.id] = current | value
        elif isinstance(stmt, ast.Expr):
            self.ev(stmt.value)
        elif isinstance(stmt, ast.Return):
            sources = self.ev(stmt.value)
            self.returns |= sources
            if self.forward_like and self.depth == 0:
                self._note(self._attrs(sources), "breaks", stmt.lineno, "is returned by forward")
        elif isinstance(stmt, ast.If) and _false_for_tensors(stmt.test, self.self_name, self.view.tensors):
            self.ev(stmt.test)  # if not isinstance(self.w, torch.Tensor): self.w = torch.tensor(self.w, device=...)
            self.run(stmt.orelse)
        elif isinstance(stmt, (ast.If, ast.While)):
            self.ev(stmt.test)
            self.conditional_reads.append(self._reads_in(stmt.test))
            checked = self._device_checked(stmt.test)
            saved = {attr: self.rebound_here.get(attr) for attr in checked}
            marker = frozenset([DEVICE])  # its own object: a re-binding in the body replaces it
            for attr in checked:  # if self.w.device == x.device: ... uses self.w only where it is in place
                self._note({attr}, "moved", stmt.lineno, "is used only after a check of its device")
                self.rebound_here[attr] = marker
            guard = guard_text(stmt.test)
            before_if = dict(self.rebound_here)
            refreshed = self.conditional_reads[-1]  # if self.cache is None / .shape / .device: a cache refresh
            probe, positive = grad_test(stmt.test, self._grad_free_probe) if isinstance(stmt, ast.If) else (None, True)
            start = dict(self.env)
            cpu = cpu_branch(stmt.test, self.self_name) if isinstance(stmt, ast.If) else None
            outer_cpu = self.on_cpu
            if cpu == "body":
                self.on_cpu = stmt.lineno
            with self._hidden(probe if positive else None):  # if bias.requires_grad: a plain bias never gets here
                in_body, body_end = self._branch(stmt.body, guard, refreshed)
            self.on_cpu = stmt.lineno if cpu == "else" else outer_cpu
            for attr, before in saved.items():
                if self.rebound_here.get(attr) is marker:
                    if before is None:
                        del self.rebound_here[attr]
                    else:
                        self.rebound_here[attr] = before
            after_body = self.env
            if stmt.orelse and isinstance(stmt, ast.If):
                self.env = dict(start)  # the else branch starts where the test was, not after the body
            with self._hidden(None if positive else probe):
                in_else, else_end = self._branch(stmt.orelse, "not " + guard, refreshed)
            if stmt.orelse and isinstance(stmt, ast.If):
                self._rebound_on_both(before_if, body_end, else_end)
            self.on_cpu = outer_cpu
            if stmt.orelse and isinstance(stmt, ast.If):
                self.env = _join_branches(start, after_body, in_body, self.env, in_else)
            self.conditional_reads.pop()
            for branch in (stmt.body, stmt.orelse):
                if branch and isinstance(branch[-1], ast.Return):  # if seq_len <= self.cached_len: return
                    nodes = [n for b in branch for n in ast.walk(b)]
                    fit = set(checked).union(  # checked, or re-bound (self.pe = self.pe.to(x.device); return)
                        *(self._device_checked(n.test) for n in nodes if isinstance(n, (ast.If, ast.IfExp))),
                        {t.attr for n in nodes if isinstance(n, ast.Assign) for t in n.targets
                         if _self_attr(t, self.self_name)},
                    )
                    self.fit_on_return = fit if self.fit_on_return is None else self.fit_on_return & fit
        elif isinstance(stmt, (ast.For, ast.AsyncFor)):
            it, target = stmt.iter, stmt.target
            if (  # for i, block in enumerate(self.blocks): i is a Python int
                isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "enumerate"
                and len(it.args) == 1 and isinstance(target, ast.Tuple) and len(target.elts) == 2
            ):
                self._bind_names(target.elts[0], _EMPTY)
                sources = self.ev(it.args[0])
                if isinstance(target.elts[1], ast.Name) and _self_attr(it.args[0], self.self_name) in self.view.one_dim:
                    sources = sources - self.view.one_dim  # for i, w in enumerate(self.weights) (1-D): w is 0-dim
                self._bind_names(target.elts[1], sources)
                self._alias_element(target.elts[1], it.args[0])
            elif (  # for s, p in zip(self.shadow, model.parameters()): each name gets its own sequence
                isinstance(it, ast.Call) and isinstance(it.func, ast.Name) and it.func.id == "zip"
                and isinstance(target, ast.Tuple) and len(target.elts) == len(it.args)
                and not any(isinstance(a, ast.Starred) for a in it.args)
            ):
                for elt, arg in zip(target.elts, it.args):
                    sources = self.ev(arg)
                    if isinstance(elt, ast.Name) and _self_attr(arg, self.self_name) in self.view.one_dim:
                        sources = sources - self.view.one_dim  # for lo, hi in zip(self.lowers, self.uppers): 0-dim
                    self._bind_names(elt, sources)
                    self._alias_element(elt, arg)
            else:
                sources = self.ev(it)
                if isinstance(target, ast.Name) and _self_attr(it, self.self_name) in self.view.one_dim:
                    sources = sources - self.view.one_dim  # for f in self.freqs (1-D): each f is a 0-dim value
                self._bind_names(target, sources)
                if isinstance(target, ast.Tuple) and len(target.elts) == 2 and _items_of(it):
                    self._alias_element(target.elts[1], it)  # for name, s in self.shadow.items()
                else:
                    self._alias_element(target, it)
            self.conditional_reads.append(set())
            self._branch(stmt.body + stmt.orelse, "for " + ast.unparse(stmt.target), set())
            self.conditional_reads.pop()
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            for item in stmt.items:
                self.ev(item.context_expr)
            self.run(stmt.body)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self.run(stmt.body)
            self.conditional_reads.append(set())
            for handler in stmt.handlers:
                self._maybe(handler.body)
            self.run(stmt.orelse)
            self.conditional_reads.pop()
            self.run(stmt.finalbody)
        elif type(stmt).__name__ == "Match":
            self.ev(stmt.subject)
            self.conditional_reads.append(set())
            for case in stmt.cases:
                self._maybe(case.body)
            self.conditional_reads.pop()
        elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.local_defs[stmt.name] = stmt


def _takes_no_arguments(func) -> bool:
    """A method called as ``self.m()``: nothing after its receiver is required."""
    args = func.args
    positional = args.posonlyargs + args.args
    required = len(positional) - len(args.defaults)
    return required <= 1 and all(d is not None for d in args.kw_defaults)


def collect_uses(view: ClassView, runtime_functions, imports: ImportTable, module_functions=None) -> dict[str, AttrUses]:
    """Evaluate each runtime function once; ``runtime_functions`` yields (function, self_name, is_hook)."""
    uses = {attr: AttrUses() for attr in view.candidates}
    if not uses:
        return uses
    if module_functions:
        view.module_functions = module_functions
    runtime_functions = list(runtime_functions)
    called = {  # helpers other methods call: evaluated where they are called, with the caller's state
        node.func.attr
        for func, self_name, _ in runtime_functions
        for node in all_nodes(func)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and isinstance(node.func.value, ast.Name)
        and node.func.value.id == self_name
        and node.func.attr != getattr(func, "name", None)
    }
    for _ in range(2):  # again when a method read an input that a later one stores (self.input = x)
        for func, self_name, hook in runtime_functions:
            if not self_name:
                continue
            name = getattr(func, "name", None)
            if not hook and name in called and name not in tables.FORWARD_METHODS:
                continue
            evaluator = _MethodEval(view, uses, imports, func, self_name, hook=hook)
            if isinstance(func, ast.Lambda):
                evaluator.ev(func.body)
            else:
                evaluator.run_function(func.body)
        if not view.stored_inputs & view.unknown_reads:
            break
        view.unknown_reads = set()
        view.memo.clear()
        uses = {attr: AttrUses() for attr in view.candidates}
    return uses
