"""Runtime proof with real PyTorch: each finding names state the Module really leaves unregistered,
and each negative fixture really registers everything it holds.

The fixtures are imported and every ``nn.Module`` class in them is built with no arguments (or those of the file's ``EXAMPLE_INIT``); the
engine's findings say which attribute to inspect. Static (line, code) agreement lives in
``test_fixtures.py``; this file checks the claims behind the codes against torch itself.
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import inspect
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from flake8_nnparam.detection import Finding, analyze
from flake8_nnparam.detection.analyzer import analyze_candidates

from .conftest import expectations, fixture_files
from .test_decisions import _ADAPTER, _USER, HEADER

try:
    import torch
    from torch import nn
except ImportError:  # CI must never take this path: see test_ci_has_torch
    torch = nn = None

needs_torch = pytest.mark.skipif(torch is None, reason="torch is not installed; the runtime proof needs it")

TENSOR_CODES = {"MPR001", "MPR002"}
MODULE_CONTAINER_CODES = {"MPR003", "MPR004"}
PARAMETER_CONTAINER_CODES = {"MPR005", "MPR006"}
DICT_CODES = {"MPR004", "MPR006"}
TORCH_REGISTRIES = ("_parameters", "_buffers", "_modules")


def test_ci_has_torch():
    """CI installs torch, so a missing torch there must fail loudly instead of skipping the proof."""
    in_ci = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
    if in_ci and torch is None:
        pytest.fail("CI is set but torch is not importable: the runtime proof would be skipped silently")


# --- static side: what the engine says, and where each class lives (no torch needed) -----------


@dataclass(frozen=True)
class Analysed:
    findings: tuple[Finding, ...]
    class_spans: tuple[tuple[int, int, str], ...]  # (first line, last line, __qualname__)
    factories: tuple[str, ...]  # module-level functions that define a class: candidate factories

    def class_at(self, line: int) -> str | None:
        """Qualname of the innermost class whose source contains ``line``; None outside any class."""
        containing = [span for span in self.class_spans if span[0] <= line <= span[1]]
        return max(containing)[2] if containing else None

    def attrs_at(self, line: int, code: str) -> list[str]:
        return [f.attr for f in self.findings if (f.line, f.code) == (line, code)]


@functools.cache
def analysed(path: Path) -> Analysed:
    source = path.read_text()
    tree = ast.parse(source)
    spans: list[tuple[int, int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                spans.append((child.lineno, child.end_lineno, prefix + child.name))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                visit(child, f"{prefix}{child.name}.<locals>.")
            else:
                visit(child, prefix)

    visit(tree, "")
    factories = tuple(
        stmt.name
        for stmt in tree.body
        if isinstance(stmt, ast.FunctionDef) and any(isinstance(n, ast.ClassDef) for n in ast.walk(stmt))
    )
    return Analysed(tuple(analyze(tree, source)), tuple(spans), factories)


def _cases(kind: str) -> list:
    return [
        pytest.param(path, line, code, id=f"{kind}/{path.name}:{line}:{code}")
        for path in fixture_files(kind)
        for line, code in sorted(expectations(path))
    ]


def _classes(kind: str) -> list:
    return [
        pytest.param(path, qualname, id=f"{kind}/{path.name}:{qualname}")
        for path in fixture_files(kind)
        for _, _, qualname in analysed(path).class_spans
    ]


# --- runtime side: import the fixtures and build their Modules ----------------------------------


@functools.cache
def load(path: Path):
    name = f"_nnparam_runtime_{path.parent.name}_{path.stem}"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look the module up by name
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


def _takes_no_arguments(func) -> bool:
    return all(
        p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
        for p in inspect.signature(func).parameters.values()
    )


@functools.cache
def builders(path: Path) -> dict:
    """``__qualname__`` -> zero-argument callable returning a fresh instance, for every Module class in the file.

    Classes defined at module level are called directly, with the keyword arguments the file's
    ``EXAMPLE_INIT = {"ClassName": dict(V=torch.ones(3))}`` gives them, if any; a class defined inside a
    module-level function (``def make_model(): class Local(nn.Module): ...; return Local()``) is reached
    by calling that function when it takes no arguments and returns a Module. A class named in the file's
    ``FIRST_CALL`` makes its state on the first call (``if self.perm is None: self.perm = ...``): it is
    built, then called once with its ``EXAMPLE_INPUTS``.
    """
    module = load(path)
    found = {
        obj.__qualname__: obj
        for obj in vars(module).values()
        if isinstance(obj, type) and obj.__module__ == module.__name__ and issubclass(obj, nn.Module)
    }
    for name in analysed(path).factories:
        factory = getattr(module, name, None)
        if callable(factory) and _takes_no_arguments(factory):
            product = factory()
            if isinstance(product, nn.Module):
                found.setdefault(type(product).__qualname__, factory)
    init = getattr(module, "EXAMPLE_INIT", {})
    built = {name: functools.partial(build, **init[name]) if name in init else build for name, build in found.items()}
    for name in getattr(module, "FIRST_CALL", ()):  # state a method makes on the first call: built, then called once
        built[name] = functools.partial(_called_once, built[name], module.EXAMPLE_INPUTS[name])
    return built


def _called_once(build, inputs):
    model = build()
    args = inputs()
    with torch.no_grad():
        model(*(args if isinstance(args, tuple) else (args,)))
    return model


def _held(value):
    """Everything inside a (possibly nested) list, tuple, set or dict's values."""
    items = value.values() if isinstance(value, dict) else value
    for item in items:
        if isinstance(item, (list, tuple, set, dict)):
            yield from _held(item)
        else:
            yield item


def _ids(objects) -> set[int]:
    return {id(o) for o in objects}


def _instance_attrs(model, attr: str) -> list[str]:
    """The instance attributes a finding's ``attr`` names; a computed setattr name matches by pattern."""
    if attr.isidentifier():
        return [attr] if hasattr(model, attr) else []
    # A computed name reads like ``level{i}``: each ``{...}`` stands for any text.
    pattern = ".+".join(re.escape(part) for part in re.split(r"\{[^}]*\}", attr))
    return [name for name in vars(model) if name not in TORCH_REGISTRIES and re.fullmatch(pattern, name)]


def _resolve(path: Path, line: int, code: str) -> list[tuple[object, str]]:
    """(builder, attribute) pairs to check for the finding at (line, code)."""
    info = analysed(path)
    attrs = info.attrs_at(line, code)
    assert attrs, f"the engine reports no {code} on line {line} (see test_fixtures)"
    available = builders(path)
    qualname = info.class_at(line)
    if qualname is not None and qualname not in available:
        pytest.skip(f"{qualname} is neither a module-level class nor built by a zero-argument factory")
    candidates = [available[qualname]] if qualname is not None else list(available.values())
    pairs = []
    for attr in attrs:
        matched = 0
        for build in candidates:
            names = _instance_attrs(build(), attr)
            if qualname is not None:
                assert names, f"{qualname} has no attribute {attr!r} right after construction"
            matched += bool(names)
            pairs.extend((build, name) for name in names)
        assert matched, f"no Module class in {path.name} has attribute {attr!r} after construction"
    return pairs


def _other_dtype(dtype):
    return torch.float32 if dtype == torch.float64 else torch.float64


# --- the claims behind each code ----------------------------------------------------------------


def assert_tensor_unregistered(build, name: str, follow_to: bool = True) -> None:
    model = build()
    value = getattr(model, name)
    assert isinstance(value, torch.Tensor), f"{name} is {type(value).__name__}, not a tensor"
    assert name in vars(model), f"{name} is not a plain instance attribute"
    assert name not in dict(model.named_parameters())
    assert name not in dict(model.named_buffers())
    assert name not in model.state_dict()
    assert id(value) not in _ids(model.parameters()), f"{name} is among parameters()"
    assert id(value) not in _ids(model.buffers()), f"{name} is among buffers()"
    if not follow_to:
        return
    if value.is_floating_point():
        dtype = value.dtype
        model.to(_other_dtype(dtype))
        assert getattr(model, name) is value and value.dtype == dtype, f".to(dtype) converted {name}"
    device = value.device
    moved = build()
    moved.to("meta")
    assert getattr(moved, name).device == device, f".to('meta') moved {name}"


def assert_modules_unregistered(build, name: str, code: str) -> None:
    model = build()
    value = getattr(model, name)
    assert isinstance(value, dict if code in DICT_CODES else (list, tuple)), type(value).__name__
    held = [m for m in _held(value) if isinstance(m, nn.Module)]
    assert held, f"{name} holds no Module"
    registered_modules = _ids(model.modules())
    registered_params = _ids(model.parameters())
    for module in held:
        assert id(module) not in registered_modules, f"{module!r} in {name} is reachable via modules()"
        for param in module.parameters():
            assert id(param) not in registered_params, f"a parameter of {module!r} in {name} is in parameters()"
    assert not any(key.startswith(f"{name}.") for key in model.state_dict())
    model.eval()
    for module in held:
        assert all(sub.training for sub in module.modules()), f"model.eval() reached {module!r} in {name}"


def assert_parameters_unregistered(build, name: str, code: str) -> None:
    model = build()
    value = getattr(model, name)
    assert isinstance(value, dict if code in DICT_CODES else (list, tuple)), type(value).__name__
    # nn.Parameter, or a plain tensor that requires grad (both are meant to be learned)
    held = [p for p in _held(value) if isinstance(p, torch.Tensor) and p.requires_grad]
    assert held, f"{name} holds no Parameter or tensor that requires grad"
    registered = _ids(model.parameters()) | _ids(model.state_dict(keep_vars=True).values())
    assert not any(id(p) in registered for p in held), f"a Parameter in {name} is registered"


def assert_tensors_unregistered(build, name: str) -> None:
    model = build()
    value = getattr(model, name)
    assert isinstance(value, (list, tuple, dict)), type(value).__name__
    held = [t for t in _held(value) if isinstance(t, torch.Tensor)]
    assert held, f"{name} holds no tensor"
    saved = _ids(model.state_dict(keep_vars=True).values())
    assert not any(id(t) in saved for t in held), f"a tensor in {name} is in state_dict()"
    before = [(t, t.dtype) for t in held]
    model.to(torch.float64)
    after = [t for t in _held(getattr(model, name)) if isinstance(t, torch.Tensor)]
    assert [id(t) for t in after] == [id(t) for t, _ in before], f".to() replaced tensors in {name}"
    assert all(t.dtype == dtype for t, dtype in before), f".to(torch.float64) converted tensors in {name}"


def assert_distribution_tensors_unregistered(build, name: str) -> None:
    """MPR008: the distribution's tensors are neither saved nor converted by the module."""
    model = build()
    value = getattr(model, name)
    assert isinstance(value, torch.distributions.Distribution), type(value).__name__
    held = _distribution_tensors(value)
    assert held, f"{name} holds no tensor"
    saved = _ids(model.state_dict(keep_vars=True).values())
    assert not any(id(t) in saved for t in held), f"a tensor of {name} is in state_dict()"
    model.to(torch.float64)
    assert all(t.dtype == torch.float32 for t in _distribution_tensors(getattr(model, name))), (
        f".to(torch.float64) converted the tensors of {name}"
    )


def _distribution_tensors(value) -> list:
    """The tensors a distribution holds, nested distributions (Independent's base) included."""
    held = []
    for item in vars(value).values():
        if isinstance(item, torch.Tensor):
            held.append(item)
        elif isinstance(item, torch.distributions.Distribution):
            held += _distribution_tensors(item)
    return held


def unregistered_state(model) -> list[tuple[str, str]]:
    """(attribute, what) for tensors, Modules and Parameters the instance holds out of torch's reach."""
    modules = _ids(model.modules())
    params = _ids(model.parameters())
    tensors = params | _ids(model.buffers())
    problems = []
    for key, value in vars(model).items():
        if key in TORCH_REGISTRIES:
            continue
        if isinstance(value, torch.Tensor):
            problems.append((key, "plain tensor attribute"))
        elif isinstance(value, torch.distributions.Distribution):
            if any(id(t) not in tensors for t in _distribution_tensors(value)):
                problems.append((key, "distribution of unregistered tensors"))
        elif isinstance(value, (list, tuple, set, dict)):
            for item in _held(value):
                if isinstance(item, nn.Module) and id(item) not in modules:
                    problems.append((key, f"holds unregistered {type(item).__name__}"))
                elif isinstance(item, nn.Parameter) and id(item) not in params:
                    problems.append((key, "holds unregistered Parameter"))
                elif isinstance(item, torch.Tensor) and id(item) not in tensors:
                    problems.append((key, "holds unregistered tensor"))
    return problems


# --- tests ---------------------------------------------------------------------------------------


@needs_torch
@pytest.mark.parametrize("path", fixture_files("positive"), ids=lambda p: f"positive/{p.name}")
def test_positive_modules_construct(path):
    available = builders(path)
    assert available, f"no Module class found in {path.name}"
    for qualname, build in available.items():
        assert isinstance(build(), nn.Module), qualname


@needs_torch
@pytest.mark.parametrize("path, line, code", _cases("positive"))
def test_finding_is_unregistered_at_runtime(path, line, code):
    for build, name in _resolve(path, line, code):
        if code in TENSOR_CODES:
            assert_tensor_unregistered(build, name)
        elif code in MODULE_CONTAINER_CODES:
            assert_modules_unregistered(build, name, code)
        elif code in PARAMETER_CONTAINER_CODES:
            assert_parameters_unregistered(build, name, code)
        elif code == "MPR007":
            assert_tensors_unregistered(build, name)
        elif code == "MPR008":
            assert_distribution_tensors_unregistered(build, name)
        elif code.startswith("MPR9"):  # a default-off note in a positive file: still unregistered state
            assert_tensor_unregistered(build, name, follow_to=False)
        else:
            pytest.fail(f"no runtime check for {code}")


@needs_torch
@pytest.mark.parametrize("path", fixture_files("positive"), ids=lambda p: f"positive/{p.name}")
def test_positive_unregistered_state_is_all_reported(path):
    """The converse: whatever a positive class leaves unregistered, some finding names."""
    info = analysed(path)
    missed = []
    for qualname, build in builders(path).items():
        model = build()
        owners = {cls.__qualname__ for cls in type(model).__mro__} | {None}
        reported = [f.attr for f in info.findings if info.class_at(f.line) in owners]
        for attr, what in unregistered_state(model):
            if not any(attr in _instance_attrs(model, name) for name in reported):
                missed.append(f"{qualname}.{attr}: {what}")
    assert sorted(set(missed)) == []


@needs_torch
@pytest.mark.parametrize("path, qualname", _classes("negative"))
def test_negative_registers_everything(path, qualname):
    module = load(path)
    available = builders(path)
    if qualname not in available:
        obj = getattr(module, qualname, None)
        if isinstance(obj, type) and not issubclass(obj, nn.Module):
            pytest.skip(f"{qualname} is not a torch.nn.Module")
        pytest.skip(f"{qualname} is neither a module-level class nor built by a zero-argument factory")
    assert unregistered_state(available[qualname]()) == []


@needs_torch
@pytest.mark.parametrize("path, line, code", _cases("deliberate"))
def test_deliberate_finding_is_really_unregistered(path, line, code):
    """Default-off codes are deliberate designs, but the tool is right that the state is unregistered."""
    for build, name in _resolve(path, line, code):
        value = getattr(build(), name)
        if isinstance(value, (list, tuple, dict)):
            if any(isinstance(m, nn.Module) for m in _held(value)):
                assert_modules_unregistered(build, name, "MPR004" if isinstance(value, dict) else "MPR003")
            else:
                assert_tensors_unregistered(build, name)
            continue
        assert_tensor_unregistered(build, name, follow_to=False)
        if code == "MPR904":
            assert getattr(build(), name).is_complex()


_ROTARY = '''
import torch
from torch import nn


class Rotary(nn.Module):
    def __init__(self, n=8, d=4):
        super().__init__()
        t = torch.arange(n).float()
        freqs = torch.outer(t, 1.0 / (10000 ** (torch.arange(0, d, 2).float() / d)))
        self.freqs_cis = torch.polar(torch.ones_like(freqs), freqs)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        x = self.proj(x)
        xc = torch.view_as_complex(x.float().reshape(*x.shape[:-1], -1, 2))
        return torch.view_as_real(xc * self.freqs_cis[: x.shape[1]]).flatten(-2)
'''


@needs_torch
def test_a_complex_table_that_breaks_after_a_device_move_is_reported_and_a_buffer_fixes_it():
    """Set ZC's lightorch rotary table: .to(device) moves a complex buffer, and .double() leaves it complex,
    so registering it is the fix (only Module.to(<real dtype>) would drop its imaginary part)."""
    from flake8_nnparam.fix import apply_fixes

    findings = [f for f in analyze(ast.parse(_ROTARY), _ROTARY) if f.attr == "freqs_cis"]
    assert [f.code for f in findings] == ["MPR002"], findings
    assert "a complex buffer follows .to(device)" in findings[0].message

    def build(source):
        namespace: dict = {}
        exec(compile(source, "<rotary>", "exec"), namespace)
        return namespace["Rotary"]()

    original = build(_ROTARY).to("meta")
    with pytest.raises((RuntimeError, NotImplementedError)):
        original(torch.randn(2, 8, 4, device="meta"))

    fixed_source = apply_fixes(_ROTARY, findings).source
    fixed = build(fixed_source).to("meta")
    assert fixed.freqs_cis.device.type == "meta"
    assert fixed(torch.randn(2, 8, 4, device="meta")).shape == (2, 8, 4)
    cast = build(fixed_source).double()
    assert cast.freqs_cis.dtype == torch.complex64  # .double() leaves complex buffers alone
    assert "freqs_cis" not in cast.state_dict()  # persistent=False: checkpoints keep their keys


_TIED = '''
import torch
import torch.nn.functional as F
from torch import nn


class TiedOutput(nn.Module):
    def __init__(self, weight: torch.Tensor, bias: torch.Tensor):
        super().__init__()
        self.weight = weight
        self.bias = bias

    def forward(self, h):
        return F.linear(h, self.weight) + self.bias


class TiedLanguageModel(nn.Module):
    def __init__(self, vocab=10, d=4):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.out = TiedOutput(self.embed.weight, torch.zeros(vocab))

    def forward(self, tokens):
        return self.out(self.embed(tokens))
'''


@needs_torch
def test_a_weight_handed_to_the_constructor_is_a_tied_parameter_and_a_buffer_would_freeze_it():
    """trajdl's sampled softmax, i6-models' NCE loss, rau's tied linear (sets Z, ZE): the weight handed in is
    another module's Parameter, which assigning registers. The engine stays silent with that reason; the
    bias handed in is combined with the input, a plain tensor here, and stays reported."""
    candidates = {c.attr: c.decision for c in analyze_candidates(ast.parse(_TIED)) if c.attr in ("weight", "bias")}
    assert candidates["weight"].code == "MPR907" and "a caller's weight" in candidates["weight"].evidence
    assert candidates["bias"].code == "MPR002", candidates["bias"]

    namespace: dict = {}
    exec(compile(_TIED, "<tied>", "exec"), namespace)
    model = namespace["TiedLanguageModel"]()
    assert model.out._parameters["weight"] is model.embed.weight  # registered by the assignment, and shared
    optimizer = torch.optim.SGD(model.parameters(), lr=1.0)
    before = model.embed.weight.detach().clone()
    model(torch.tensor([1, 2])).sum().backward()
    optimizer.step()
    assert not torch.equal(before, model.embed.weight)  # trained through both uses

    frozen = namespace["TiedLanguageModel"]()
    weight = frozen.out.weight.detach()
    del frozen.out.weight
    frozen.out.register_buffer("weight", weight)  # what a buffer fix would make of it: no longer trained there
    assert "weight" not in dict(frozen.out.named_parameters())
    assert frozen.out.weight.requires_grad is False


# The adapter of test_decisions' per-call cases, made in forward from the call's input and dropped.
_PER_CALL = HEADER + _ADAPTER + _USER + "    def forward(self, x):\n        adapter = Adapter(self.lin, x * 2)\n        return adapter(x)\n"


@needs_torch
def test_a_module_made_per_call_from_the_calls_values_never_mismatches():
    """fastvideo's DiT adapter (set U): built in forward from that call's tensors and dropped, so a moved or
    cast model hands it tensors that are already where the model is. The engine stays silent, with that reason."""
    decision = next(c.decision for c in analyze_candidates(ast.parse(_PER_CALL)) if c.attr == "cond")
    assert decision.code == "MPR907" and "made per call" in decision.evidence

    namespace: dict = {}
    exec(compile(_PER_CALL, "<per_call>", "exec"), namespace)
    model = namespace["Model"]().to("meta")
    assert model(torch.randn(2, 4, device="meta")).device.type == "meta"
    cast = namespace["Model"]().double()
    assert cast(torch.randn(2, 4, dtype=torch.float64)).dtype == torch.float64
