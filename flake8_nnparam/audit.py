"""Runtime audit: the state a built ``nn.Module`` holds but never registers, with the linter's codes.

The linter reads source, so it cannot see a tensor made by a library helper, a base class installed
from another package, or state a config system creates. This module looks at the live object instead:
it walks every sub-module (``named_modules()``) and, in each one's ``__dict__``, finds plain tensors
that are neither Parameters nor buffers, and lists, tuples, sets and dicts (nested) that hold modules,
Parameters or tensors. Modules reached only through such a container are not in ``named_modules()``;
they are walked too, and their leaks are reported with a path through the container.

One line in a test is enough::

    from flake8_nnparam.audit import assert_registered

    def test_model_registers_its_state():
        assert_registered(MyModel())

torch is imported here only, when the audit runs; the linter and the plugin never import it.
"""

from __future__ import annotations

import copy
import fnmatch
import warnings
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator

from .detection.container_rules import DISTRIBUTION_CONSEQUENCE, WEIGHTS_CONSEQUENCE
from .detection.rules import RULES_BY_CODE
from .detection.tensor_rules import DEVICE_CONSEQUENCE, KEEP_THE_PARAMETER, WRAP_IT
from .detection.tables import FRAMEWORK_PLAIN_ATTRIBUTES

__all__ = ["AuditFinding", "AuditWarning", "assert_registered", "find_unregistered"]

_CONTAINERS = (list, tuple, set, frozenset, dict)
_MAX_DEPTH = 8  # nesting depth followed inside containers
_MAX_GRAPH_NODES = 10_000  # autograd nodes followed to find where a computed tensor comes from
_MAX_ATTRIBUTION_RUNS = 32  # forward runs spent on finding which attribute makes forward fail

_REGISTRATION = {
    "MPR001": "nn.Parameter",
    "MPR002": "register_buffer",
    "MPR003": "nn.ModuleList",
    "MPR004": "nn.ModuleDict",
    "MPR005": "nn.ParameterList",
    "MPR006": "nn.ParameterDict",
    "MPR007": "register_buffer (each tensor, or one stacked tensor)",
    "MPR008": "register_buffer for the tensors it is built from, and build it where it is used",
}
_COMPLEX_REGISTRATION = (
    "register_buffer of torch.view_as_real(...) (a complex buffer loses its imaginary part under .to(dtype)), "
    "or move it at use"
)


class AuditWarning(UserWarning):
    """The audit could not run part of its check (for example the forward run with ``example_inputs``)."""


@dataclass(frozen=True)
class AuditFinding:
    """One piece of state the model holds but never registers."""

    path: str  # dotted path from the root module: ``encoder.layers.0.attn.mask``
    code: str  # the linter's code, MPR001-MPR008
    message: str  # one line: the path, the linter's message (consequence and registration) and what was found
    registration: str  # what it needs: ``register_buffer``, ``nn.Parameter``, ``nn.ModuleList``, ...
    summary: str  # what the value is: ``Tensor float32 (4, 4) cpu``, ``list of 2: Linear, Dropout``
    owner: str  # the class of the module whose ``__dict__`` holds it
    via: str = ""  # the unregistered container through which the owner is reached; "" when the owner is registered
    failure: str = ""  # with ``example_inputs``: the error forward raises because of this attribute

    def __str__(self) -> str:
        return self.message


def find_unregistered(model: Any, *, ignore: Iterable[str] = (), example_inputs: Any = None) -> list[AuditFinding]:
    """Every plain tensor and every container of modules / Parameters / tensors the model leaves unregistered.

    ``ignore`` takes codes (``"MPR002"``, or a prefix such as ``"MPR00"``) and attribute paths as glob
    patterns (``"*.rope_cache"``); a path pattern also covers everything under the path it matches.

    ``example_inputs`` (a tensor, a tuple of positional arguments, or a dict of keyword arguments) runs
    forward once on a copy moved to the ``meta`` device and once on a copy converted to float64, the
    way registered state would follow ``.to()``; when a copy fails only because of unregistered state,
    the findings that make it fail carry the error in ``failure`` and in their message. The model itself
    is never run or changed, and nothing is run when nothing is unregistered. When a copy cannot run at
    all (an op without a meta kernel, inputs that do not fit), that mode is skipped with an ``AuditWarning``.
    """
    import torch

    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"find_unregistered expects a torch.nn.Module, not {type(model).__name__}")
    located = _Auditor(model).run()
    ignore = tuple(ignore)
    located = [(f, owner, name) for f, owner, name in located if not _ignored(f, ignore)]
    if example_inputs is not None and located:
        located = _ForwardCheck(model, example_inputs, located).run()
    return [f for f, _, _ in located]


def assert_registered(model: Any, ignore: Iterable[str] = (), *, example_inputs: Any = None) -> None:
    """Raise ``AssertionError`` listing every unregistered attribute, one line each (see ``find_unregistered``)."""
    findings = find_unregistered(model, ignore=ignore, example_inputs=example_inputs)
    if findings:
        lines = [f"{type(model).__name__} leaves {len(findings)} attribute(s) unregistered:"]
        lines += [f"  {finding.message}" for finding in findings]
        lines.append("(pass ignore=[path pattern or code] to assert_registered for deliberate cases)")
        raise AssertionError("\n".join(lines))


def _ignored(finding: AuditFinding, ignore: tuple[str, ...]) -> bool:
    for pattern in ignore:
        code_like = pattern.upper().startswith("MPR") and (pattern[3:].isdigit() or not pattern[3:])
        if code_like and finding.code.startswith(pattern.upper()):
            return True
        parts = finding.path.split(".")
        if any(fnmatch.fnmatchcase(".".join(parts[:n]), pattern) for n in range(1, len(parts) + 1)):
            return True
    return False


def _join(*parts: str) -> str:
    return ".".join(p for p in parts if p)


# --- what the model registers ---------------------------------------------------------------------


class _Registered:
    """Identity (and storage) of every Parameter, buffer and module a module tree registers."""

    def __init__(self, root) -> None:
        self.modules: set[int] = set()
        self.tensors: set[int] = set()
        self.storages: set[int] = set()
        self.add(root)

    def add(self, root) -> None:
        self.modules.update(id(m) for m in root.modules())
        for tensor in (*root.parameters(), *root.buffers()):
            self.tensors.add(id(tensor))
            pointer = _storage_pointer(tensor)
            if pointer:
                self.storages.add(pointer)

    def extended(self, root) -> _Registered:
        """A copy that also counts what ``root`` registers (for a module the model itself does not register)."""
        other = copy.copy(self)
        other.modules, other.tensors, other.storages = set(self.modules), set(self.tensors), set(self.storages)
        other.add(root)
        return other

    def is_alias(self, tensor) -> bool:
        """The same tensor as registered state, or a view of it (same storage, or its ``_base``)."""
        if id(tensor) in self.tensors:
            return True
        base = getattr(tensor, "_base", None)
        if base is not None and id(base) in self.tensors:
            return True
        pointer = _storage_pointer(tensor)
        return bool(pointer) and pointer in self.storages

    def only_from_registered(self, tensor) -> bool:
        """A computed tensor whose autograd leaves are all registered Parameters (pruning-style recomputed weights)."""
        if tensor.grad_fn is None:
            return False
        leaves, seen, stack = [], set(), [tensor.grad_fn]
        while stack:
            node = stack.pop()
            if node is None or id(node) in seen:
                continue
            seen.add(id(node))
            if len(seen) > _MAX_GRAPH_NODES:
                return False
            variable = getattr(node, "variable", None)
            if variable is not None:
                leaves.append(variable)
            stack.extend(next_node for next_node, _ in getattr(node, "next_functions", ()))
        return bool(leaves) and all(id(leaf) in self.tensors for leaf in leaves)


def _storage_pointer(tensor) -> int:
    try:
        if tensor.device.type == "meta":
            return 0
        return tensor.untyped_storage().data_ptr()
    except Exception:  # sparse, nested or other tensors without a plain storage
        return 0


def _recomputed_by_torch_hook(module, name: str) -> bool:
    """weight_norm, spectral_norm and pruning re-create ``name`` in a forward pre-hook from registered state."""
    for hook in module._forward_pre_hooks.values():
        hooks = getattr(hook, "_pruning_methods", None) or (hook,)
        for one in hooks:
            if name in (getattr(one, "name", None), getattr(one, "_tensor_name", None)):
                return True
    return False


# --- the walk ------------------------------------------------------------------------------------


class _Auditor:
    def __init__(self, model) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.registered = _Registered(model)
        self.internal = frozenset(vars(torch.nn.Module()))
        self.walked: set[int] = set()
        self.found: list[tuple[AuditFinding, Any, str]] = []

    def run(self) -> list[tuple[AuditFinding, Any, str]]:
        self._walk(self.model, "", via="", registered=self.registered)
        return self.found

    def _walk(self, root, prefix: str, via: str, registered: _Registered) -> None:
        for path, module in root.named_modules(prefix=prefix):
            if id(module) in self.walked:
                continue
            self.walked.add(id(module))
            for name, value in list(vars(module).items()):
                if name in self.internal or name in FRAMEWORK_PLAIN_ATTRIBUTES:
                    continue
                attr_path = _join(path, name)
                if isinstance(value, self.torch.Tensor):
                    self._tensor(module, name, attr_path, value, via, registered)
                elif isinstance(value, _CONTAINERS):
                    self._container(module, name, attr_path, value, via, registered)
                elif isinstance(value, self.torch.distributions.Distribution):
                    self._distribution(module, name, attr_path, value, via)

    # -- tensors

    def _leaks(self, module, name: str, tensor, registered: _Registered) -> bool:
        if registered.is_alias(tensor) or registered.only_from_registered(tensor):
            return False
        if _recomputed_by_torch_hook(module, name):
            return False
        # 0-dim scalars and empty placeholders are the linter's default-off MPR902, not a default code.
        return self._learnable(tensor) or not _scalar_or_empty(tensor)

    def _learnable(self, tensor) -> bool:
        return isinstance(tensor, self.torch.nn.Parameter) or tensor.requires_grad

    def _tensor(self, module, name, path, tensor, via, registered) -> None:
        if not self._leaks(module, name, tensor, registered):
            return
        code = "MPR001" if self._learnable(tensor) else "MPR002"
        registration = _COMPLEX_REGISTRATION if code == "MPR002" and tensor.is_complex() else _REGISTRATION[code]
        # computed from a Parameter (nn.Parameter(w) * mask): wrapping the result would train it free of the mask
        remedy = {"remedy": KEEP_THE_PARAMETER} if code == "MPR001" and not tensor.is_leaf else {}
        self._report(module, name, path, code, registration, _describe_tensor(tensor), via, persistent="", **remedy)

    def _distribution(self, module, name, path, value, via) -> None:
        """A distribution holds tensors (views of what it was built from, even of registered buffers) that
        no Module traversal reaches: after ``.to()`` they stay behind. One of numbers (0-dim) mixes with any
        device, as for plain tensors."""
        # a Parameter is held as itself, and .to() converts Parameters in place: it follows the module
        held = [t for t in self._distribution_tensors(value)
                if not _scalar_or_empty(t) and not isinstance(t, self.torch.nn.Parameter)]
        if not held:
            return
        kind = type(value).__name__
        summary = f"{kind} holding {len(held)} tensors: {_describe_tensor(held[0])}"
        self._report(module, name, path, "MPR008", _REGISTRATION["MPR008"], summary, via, distribution=kind)

    def _distribution_tensors(self, value, depth: int = 0) -> list:
        """What a distribution holds, nested ones included (``Independent(Normal(...), 1)``)."""
        held = []
        for item in vars(value).values():
            if isinstance(item, self.torch.Tensor):
                held.append(item)
            elif isinstance(item, self.torch.distributions.Distribution) and depth < _MAX_DEPTH:
                held += self._distribution_tensors(item, depth + 1)
        return held

    # -- containers

    def _container(self, module, name, path, value, via, registered) -> None:
        torch = self.torch
        modules, learnables, tensors = [], [], []
        for key, item in _items(value):
            if isinstance(item, torch.nn.Module):
                if id(item) not in registered.modules:
                    modules.append((key, item))
            elif isinstance(item, torch.Tensor) and self._leaks(module, "", item, registered):
                (learnables if self._learnable(item) else tensors).append(item)
        if not (modules or learnables or tensors):
            return
        is_dict = isinstance(value, dict)
        shown = _container_name(value)
        if modules:
            code = "MPR004" if is_dict else "MPR003"
        elif learnables:
            code = "MPR006" if is_dict else "MPR005"
        else:
            code = "MPR007"
        held = [type(m).__name__ for _, m in modules]
        held += ["Parameter" if isinstance(t, torch.nn.Parameter) else "Tensor" for t in learnables + tensors]
        summary = f"{shown} of {len(held)} unregistered: {_counted(held)}"
        self._report(module, name, path, code, _REGISTRATION[code], summary, via, container=shown)
        for key, held_module in modules:
            # Not in named_modules(): walk it, counting its own registrations as what it would bring along.
            self._walk(held_module, _join(path, key), via=via or path, registered=registered.extended(held_module))

    def _report(self, module, name, path, code, registration, summary, via, **fields) -> None:
        owner = type(module).__name__
        where = f"in {owner}, reached only through the unregistered {via}" if via else f"in {owner}"
        fields = {**MESSAGE_FIELDS.get(code, {}), **fields}
        message = f"{path}: {RULES_BY_CODE[code].format(name, **fields)} [{summary}, {where}]"
        finding = AuditFinding(path, code, message, registration, summary, owner, via)
        self.found.append((finding, module, name))


# What the messages say at run time, where no use site is known: the consequence every such value has.
MESSAGE_FIELDS = {
    "MPR001": {"evidence": "requires grad", "remedy": WRAP_IT},
    "MPR002": {"evidence": "is a plain tensor", "consequence": DEVICE_CONSEQUENCE, "alternative": ""},
    "MPR003": {"consequence": WEIGHTS_CONSEQUENCE, "keys": ""},
    "MPR004": {"consequence": WEIGHTS_CONSEQUENCE, "keys": ""},
    "MPR007": {"evidence": "are not registered", "consequence": DEVICE_CONSEQUENCE},
    "MPR008": {"evidence": "holds tensors the module does not track", "consequence": DISTRIBUTION_CONSEQUENCE},
}


def _items(value, key: str = "", depth: int = 0, seen: set[int] | None = None) -> Iterator[tuple[str, Any]]:
    """(dotted key, element) for every non-container element, following nested containers."""
    seen = set() if seen is None else seen
    if id(value) in seen or depth > _MAX_DEPTH:
        return
    seen.add(id(value))
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    for sub, item in pairs:
        item_key = _join(key, str(sub)) if not isinstance(value, (set, frozenset)) else key
        if isinstance(item, _CONTAINERS):
            yield from _items(item, item_key, depth + 1, seen)
        else:
            yield item_key, item


def _container_name(value) -> str:
    if isinstance(value, dict):
        return "dict"
    if isinstance(value, tuple):
        return "tuple"
    return "set" if isinstance(value, (set, frozenset)) else "list"


def _counted(names: list[str]) -> str:
    counts: dict[str, int] = {}
    for name in names:
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(name if n == 1 else f"{n} {name}" for name, n in counts.items())


def _scalar_or_empty(tensor) -> bool:
    try:
        return tensor.dim() == 0 or tensor.numel() == 0
    except Exception:  # nested, uninitialized (lazy) and other tensors without a plain shape
        return False


def _describe_tensor(tensor) -> str:
    kind = type(tensor).__name__
    try:
        shape = str(tuple(tensor.shape))
    except Exception:
        shape = "(shape unknown)"
    dtype = str(tensor.dtype).replace("torch.", "")
    grad = ", requires_grad" if tensor.requires_grad else ""
    return f"{kind} {dtype} {shape} {tensor.device}{grad}"


# --- the optional forward run -----------------------------------------------------------------------


class _ForwardCheck:
    """Run forward on copies moved the way registered state would move, and blame the attribute that breaks it.

    For each mode (``meta`` device, then float64): a copy with the unregistered state converted as if it
    were registered must run (otherwise the mode cannot run this model: skipped with a warning); a plain
    converted copy that then fails fails because of unregistered state. Each finding is tried alone (all
    others converted) to name the ones that make it fail.
    """

    MODES = ("meta", "float64")

    def __init__(self, model, example_inputs, located) -> None:
        import torch

        self.torch = torch
        self.model = model
        self.inputs = example_inputs
        self.located = located

    def run(self):
        problems = []
        for mode in self.MODES:
            ready = self._attempt(mode, convert=range(len(self.located)))
            if ready is not None:
                problems.append(f"{mode}: {ready}")
                continue
            failure = self._attempt(mode, convert=())
            if failure is None:
                continue
            return self._blame(mode, failure)
        if problems:
            warnings.warn(
                "flake8_nnparam.audit: the forward check with example_inputs was skipped for "
                + "; ".join(problems)
                + " (the copy fails even with all unregistered state converted)",
                AuditWarning,
                stacklevel=3,
            )
        return self.located

    def _blame(self, mode: str, failure: str):
        everyone = range(len(self.located))
        culprits = []
        if len(self.located) > 1:
            for index in everyone[:_MAX_ATTRIBUTION_RUNS]:
                alone = self._attempt(mode, convert=[i for i in everyone if i != index])
                if alone is not None:
                    culprits.append((index, alone))
        if not culprits:  # a single finding, or only a combination of them breaks forward
            culprits = [(index, failure) for index in everyone]
        blamed = dict(culprits)
        copy_name = "a meta-device copy" if mode == "meta" else "a float64 copy"
        out = []
        for index, (finding, owner, name) in enumerate(self.located):
            if index in blamed:
                text = f"forward on {copy_name} fails: {blamed[index]}"
                finding = replace(finding, failure=text, message=f"{finding.message}; {text}")
            out.append((finding, owner, name))
        return out

    def _attempt(self, mode: str, convert) -> str | None:
        """None when forward runs; the error, in one line, when it raises."""
        torch = self.torch
        try:
            memo = self._computed_tensors_detached()
            if mode == "meta":
                self._prefill_meta(memo)
            model = copy.deepcopy(self.model, memo)
            model.to("meta" if mode == "meta" else torch.float64)
            move = self._converter(mode)
            for index in convert:
                _, owner, name = self.located[index]
                copied_owner = memo.get(id(owner), model if owner is self.model else None)
                if copied_owner is None or name not in vars(copied_owner):
                    continue
                copied_owner.__dict__[name] = _convert(copied_owner.__dict__[name], move, torch)
            args, kwargs = self._arguments(move)
        except Exception as error:  # the copy could not be made: the mode cannot run
            return f"preparing the copy: {_one_line(error)}"
        try:
            with torch.no_grad():
                model(*args, **kwargs)
        except Exception as error:
            return _one_line(error)
        return None

    def _computed_tensors_detached(self) -> dict[int, Any]:
        """A deepcopy memo with a detached copy of every computed (non-leaf) plain tensor: deepcopy refuses those."""
        torch = self.torch
        memo: dict[int, Any] = {}
        stack, seen = [self.model], set()
        while stack:
            module = stack.pop()
            if id(module) in seen:
                continue
            seen.add(id(module))
            stack.extend(module.children())
            for value in vars(module).values():
                items = _items(value) if isinstance(value, _CONTAINERS) else [("", value)]
                for _, item in items:
                    if isinstance(item, torch.nn.Module):
                        stack.append(item)
                    elif isinstance(item, torch.Tensor) and item.grad_fn is not None:
                        memo[id(item)] = item.detach().clone()
        return memo

    def _prefill_meta(self, memo: dict[int, Any]) -> None:
        """Copy registered state straight onto the meta device, so the copy does not duplicate the weights."""
        torch = self.torch
        for param in self.model.parameters():
            if type(param) is torch.nn.Parameter:
                memo[id(param)] = torch.nn.Parameter(torch.empty_like(param, device="meta"), param.requires_grad)
        for buffer in self.model.buffers():
            if type(buffer) is torch.Tensor:
                memo[id(buffer)] = torch.empty_like(buffer, device="meta")

    def _converter(self, mode: str):
        torch = self.torch

        def move(value):
            if isinstance(value, torch.nn.Module):
                return value.to("meta" if mode == "meta" else torch.float64)
            if mode == "meta":
                return value.to("meta")
            return value.to(torch.float64) if value.is_floating_point() else value

        return move

    def _arguments(self, move):
        torch = self.torch
        inputs = self.inputs
        if isinstance(inputs, dict):
            return (), {k: _convert(v, move, torch, modules=False) for k, v in inputs.items()}
        if isinstance(inputs, tuple):
            return tuple(_convert(v, move, torch, modules=False) for v in inputs), {}
        return (_convert(inputs, move, torch, modules=False),), {}


def _convert(value, move, torch, modules: bool = True, depth: int = 0):
    """``value`` with its tensors (and modules) converted by ``move``; containers rebuilt with their own type."""
    if isinstance(value, torch.Tensor):
        return move(value)
    if modules and isinstance(value, torch.nn.Module):
        return move(value)
    if depth > _MAX_DEPTH or not isinstance(value, _CONTAINERS):
        return value
    if isinstance(value, dict):
        pairs = [(k, _convert(v, move, torch, modules, depth + 1)) for k, v in value.items()]
        try:
            rebuilt = copy.copy(value)  # keeps the dict's type and extras (defaultdict's factory)
            rebuilt.update(pairs)
            return rebuilt
        except Exception:
            return dict(pairs)
    items = [_convert(v, move, torch, modules, depth + 1) for v in value]
    try:
        return type(value)(*items) if hasattr(value, "_fields") else type(value)(items)
    except Exception:
        return tuple(items) if isinstance(value, tuple) else list(items)


def _one_line(error: BaseException) -> str:
    text = " ".join(str(error).split())
    if len(text) > 300:
        text = text[:297] + "..."
    return f"{type(error).__name__}: {text}"
