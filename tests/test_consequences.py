"""Runtime proof of each finding's consequence (issue 9): what the message says breaks does break.

Since the findings rest on a consequence, each default-on finding of ``fixtures/positive`` (computed
from the engine at test time) is checked against real torch for the consequence its ``evidence``
names, in the fixture class as written, then again with the attribute registered by hand (a control:
the check must tell the two apart) and after the real fixer (``flake8_nnparam.fix``) rewrote the file.

Consequence kinds, read from the finding (``consequence_kind``):

- ``device`` (MPR002/MPR007, evidence "is combined with / multiplied / compared / passed / indexed /
  returned ...", "takes tensors that follow the module in ..."): forward runs on CPU float32, then must fail with a
  device or dtype error after ``model.to('meta')`` with meta inputs, or after ``model.double()`` with
  float64 inputs (for "is returned by forward" and "is indexed by a device tensor" the output may
  instead be left on cpu / in float32: meta answers a meta index into a CPU tensor on cpu, where CUDA
  raises "indices should be either on cpu or on the same device"). When neither shows it
  (the meta device accepts a meta index into a CPU tensor, and a CPU operand of a meta matmul), the
  run is repeated on a fake CUDA device: ``FakeTensorMode(allow_non_fake_inputs=True)``, the module's
  registered tensors replaced by fake ``cuda`` tensors, under ``torch.no_grad()`` (on this CPU-only
  build an autograd edge on a fake CUDA tensor aborts the process); plain CPU tensors become fake CPU
  tensors and an op mixing the two raises ``FakeTensorDeviceMismatchError`` as a GPU would.
- ``lost`` (evidence "is updated in place" or "is updated by re-binding it from its own value"): forward changes it, and a fresh model loaded with that
  ``state_dict()`` does not have the trained value.
- ``random`` (evidence "is drawn at random at construction", or "... once and kept" by the first call:
  such a class is listed in its file's ``FIRST_CALL`` and built with one forward call): two constructions
  under different seeds differ, and loading one's ``state_dict()`` into the other leaves it different.
- ``untrained`` (MPR001) and ``untrained-container`` (MPR005/MPR006): not among ``parameters()``,
  and an SGD step over ``model.parameters()`` after a loss through forward leaves it unchanged.
- ``weights`` (MPR003/MPR004, modules with weights): their parameters are missing from
  ``parameters()`` and ``state_dict()``, ``model.to(torch.float64)`` leaves them in float32 and
  ``model.eval()`` leaves them in training mode.
- ``mode`` (MPR003/MPR004, Dropout-like modules only): after ``model.eval()`` they still have
  ``training=True`` and two forward calls in eval mode give different outputs.

Isolation: every other piece of unregistered state of the instance (``test_runtime.unregistered_state``,
default-off findings included) is registered by hand first, so what breaks is the finding's attribute
and nothing else. Registering by hand: a tensor becomes a buffer (a Parameter when it requires grad,
or for the MPR001 under test), a list/tuple/dict of modules an ``nn.ModuleList``/``ModuleDict``, of
Parameters an ``nn.ParameterList``/``ParameterDict``, and a container of tensors a set of buffers
(``name__0``, ``name__1``, ...) from which a forward pre-hook rebuilds the plain container.

Example inputs: each positive fixture file ends with

    EXAMPLE_INPUTS = {"ClassName": lambda: (torch.randn(2, 3),), ...}

keyed by the class's ``__qualname__`` (``make_model.<locals>.Local`` for a class a factory builds), each
a zero-argument callable returning the positional arguments of one CPU float32 forward call (a single
tensor is accepted as well). It sits after the last class so the ``# expect`` lines keep their numbers;
every class with a default-on finding must have an entry (``test_every_finding_class_has_inputs``).
A class whose constructor needs arguments gets them from ``EXAMPLE_INIT = {"ClassName": dict(n=4)}``
(keyword arguments). ``fixtures/negative/registered.py`` carries the same dict for its classes used as
negative controls (``NEGATIVE_CONTROLS``: one or more correct classes per consequence kind, which must
show nothing). The evaluation cases (``evaluation/cases``, ``evaluation/holdout``) are optional: a case
file that ends with ``EXAMPLE_INPUTS`` has all its default-on findings checked like the fixtures'; the
ones given inputs are those whose evidence the fixtures do not cover (updated in place, returned by
forward, indexed by a device tensor, ``gather``/``bucketize`` operands, RNN hidden states, Dropout lists).
"""

from __future__ import annotations

import ast
import copy
import functools
import itertools
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

from flake8_nnparam.detection import analyze
from flake8_nnparam.detection.container_rules import MODE_CONSEQUENCE, WEIGHTS_CONSEQUENCE
from flake8_nnparam.fix import apply_fixes

from .conftest import FIXTURES, ROOT, fixture_files
from .test_fix import buffer_style
from .test_runtime import _instance_attrs, analysed, builders, unregistered_state

torch = pytest.importorskip("torch")
nn = torch.nn

# Uses whose failure may show as an output left behind: forward returns the tensor, or a meta index
# into a CPU tensor (which meta accepts and answers on cpu, where CUDA raises "indices should be either
# on cpu or on the same device as the indexed tensor").
LEFT_BEHIND_EVIDENCE = ("is returned by forward", "is indexed by a device tensor")
KINDS = ("device", "lost", "random", "untrained", "untrained-container", "weights", "mode")
# What a device or dtype failure says: the meta device, the CPU/CUDA mix, or a float32/float64 mix.
DEVICE_ERROR = re.compile(
    r"device|expected scalar type|dtype|Double|Float|same type|found at least two devices", re.IGNORECASE
)
INPUTS_NAME = "EXAMPLE_INPUTS"
EVALUATION_DIRS = (ROOT / "evaluation" / "cases", ROOT / "evaluation" / "holdout")
# What fake CUDA raises for an op it cannot run without a CUDA build (e.g. some view and index kernels).
FAKE_UNSUPPORTED = ("PyTorch is not linked with support for cuda devices", "Torch not compiled with CUDA enabled")


# --- which consequence a finding claims ----------------------------------------------------------


def consequence_kind(finding) -> str:
    code, evidence = finding.code, finding.evidence
    if code == "MPR001":
        return "untrained"
    if code in ("MPR005", "MPR006"):
        return "untrained-container"
    if code in ("MPR003", "MPR004"):
        return {WEIGHTS_CONSEQUENCE: "weights", MODE_CONSEQUENCE: "mode"}[evidence]
    if code == "MPR008" and evidence.startswith(("is ", "takes tensors that follow the module")):
        return "device"
    if code in ("MPR002", "MPR007"):
        if evidence.startswith(("is updated in place", "is updated by re-binding")):
            return "lost"
        if evidence.startswith(("is drawn at random at construction", "is drawn at random once")):
            return "random"
        if evidence.startswith(("is ", "takes tensors that follow the module")):
            return "device"
    raise AssertionError(f"no consequence kind for {code} with evidence {evidence!r}")


def default_on(path: Path):
    return [f for f in analysed(path).findings if not f.code.startswith("MPR9")]


def _finding_cases(kind_dir: str) -> list:
    return [
        pytest.param(path, f, id=f"{kind_dir}/{path.name}:{f.line}:{f.code}:{f.attr}")
        for path in fixture_files(kind_dir)
        for f in default_on(path)
    ]


POSITIVE = _finding_cases("positive")


def evaluation_files() -> list[Path]:
    """The evaluation cases given example inputs (optional there: a case without them is not checked)."""
    return [p for d in EVALUATION_DIRS for p in sorted(d.glob("*.py")) if INPUTS_NAME in p.read_text()]


EVALUATION = [
    pytest.param(path, f, id=f"{path.parent.name}/{path.name}:{f.line}:{f.code}:{f.attr}")
    for path in evaluation_files()
    for f in default_on(path)
]
CHECKED = POSITIVE + EVALUATION

# Findings whose claimed consequence does not hold at runtime: (file name, line, code) -> reason.
# Each is a bug report for the rules engineer; the test is xfail(strict=True) until the engine changes.
NOT_HOLDING: dict[tuple[str, int, str], str] = {}


def _xfail_known(request, path: Path, finding) -> None:
    reason = NOT_HOLDING.get((path.name, finding.line, finding.code))
    if reason:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


# --- building instances, inputs, hand registration ------------------------------------------------


@dataclass(frozen=True)
class Target:
    qualname: str
    build: object  # zero-argument callable returning a fresh instance
    names: tuple[str, ...]  # the instance attributes the finding names (several for a computed name)
    inputs: object  # zero-argument callable returning forward's positional arguments, or None


def example_inputs(module, qualname: str):
    table = getattr(module, INPUTS_NAME, {})
    make = table.get(qualname)
    if make is None:
        return None

    def call():
        args = make()
        return args if isinstance(args, tuple) else (args,)

    return call


def targets(path: Path, finding, module=None) -> list[Target]:
    """The classes (and their attributes) a finding is about: its class, or every class a helper serves."""
    module = module if module is not None else _load_cached(path)
    qualname = analysed(path).class_at(finding.line)
    available = builders(path)
    chosen = [qualname] if qualname is not None else list(available)
    found = []
    for name in chosen:
        assert name in available, f"{name} is neither a module-level class nor built by a zero-argument factory"
        names = tuple(_instance_attrs(available[name](), finding.attr))
        if names:
            found.append(Target(name, available[name], names, example_inputs(module, name)))
    assert found, f"no class in {path.name} has attribute {finding.attr!r} after construction"
    return found


@functools.cache
def _load_cached(path: Path):
    from .test_runtime import load

    return load(path)


_counter = itertools.count()


def load_source(source: str, directory: Path, stem: str) -> Path:
    """Write ``source`` under ``directory`` and return its path (the loaders of test_runtime read it)."""
    path = directory / f"{stem}_{next(_counter)}.py"
    path.write_text(source)
    return path


def _wrap_tensor(value, as_parameter: bool):
    if as_parameter or value.requires_grad:
        return nn.Parameter(value.detach().clone() if not value.is_leaf else value.detach(), requires_grad=True)
    return value


def register_by_hand(model, name: str, as_parameter: bool = False) -> None:
    """What a correct class would have written for the plain attribute ``name`` (see the docstring)."""
    value = model.__dict__.pop(name)
    if isinstance(value, torch.Tensor):
        wrapped = _wrap_tensor(value, as_parameter)
        if isinstance(wrapped, nn.Parameter):
            model.register_parameter(name, wrapped)
        else:
            model.register_buffer(name, wrapped)
        return
    if isinstance(value, torch.distributions.Distribution):
        _register_distribution_by_hand(model, name, value)
        return
    items = list(value.values()) if isinstance(value, dict) else list(value)
    if any(isinstance(i, nn.Module) for i in items):
        setattr(model, name, nn.ModuleDict(value) if isinstance(value, dict) else nn.ModuleList(items))
    elif any(isinstance(i, torch.Tensor) and i.requires_grad for i in items):
        setattr(model, name, nn.ParameterDict(value) if isinstance(value, dict) else nn.ParameterList(items))
    else:  # a container of tensors: buffers, and the plain container rebuilt from them before each call
        keys = list(value) if isinstance(value, dict) else list(range(len(items)))
        for key, item in zip(keys, items):
            model.register_buffer(f"{name}__{key}", item)
        kind = type(value)

        def rebuild(module, args):
            held = [getattr(module, f"{name}__{key}") for key in keys]
            module.__dict__[name] = dict(zip(keys, held)) if kind is dict else kind(held)

        model.register_forward_pre_hook(rebuild)
        rebuild(model, ())


def _register_distribution_by_hand(model, name: str, value) -> None:
    """Buffers for the tensors a distribution holds (nested ones too), and the distribution rebuilt from
    them before each call: what a correct class writes as a property over its buffers."""
    slots = []  # (owner path inside the distribution, key)

    def collect(dist, path):
        for key, item in vars(dist).items():
            if isinstance(item, torch.Tensor):
                slots.append((path, key))
                model.register_buffer(f"{name}__{'_'.join(path + (key,))}", item)
            elif isinstance(item, torch.distributions.Distribution):
                collect(item, path + (key,))

    collect(value, ())

    def rebuild(module, args):
        dist = copy.copy(value)
        copies = {(): dist}
        for path, key in slots:
            owner = dist
            for i, step in enumerate(path):
                inner = copies.get(path[: i + 1])
                if inner is None:
                    inner = copies[path[: i + 1]] = copy.copy(getattr(owner, step))
                    setattr(owner, step, inner)
                owner = inner
            setattr(owner, key, getattr(module, f"{name}__{'_'.join(path + (key,))}"))
        module.__dict__[name] = dist

    model.register_forward_pre_hook(rebuild)
    rebuild(model, ())


def prepared(target: Target, registered: bool, as_parameter: bool = False, seed: int | None = 0):
    """A builder of instances whose other unregistered state is registered by hand; with ``registered``,
    the finding's attributes too (the control)."""

    def make():
        if seed is not None:
            torch.manual_seed(seed)
        model = target.build()
        for attr in sorted({attr for attr, _ in unregistered_state(model)}):
            if attr in target.names:
                if registered:
                    register_by_hand(model, attr, as_parameter)
            else:
                register_by_hand(model, attr)
        return model

    return make


def _elements(value):
    """What a plain or registering container holds, nested containers flattened."""
    if isinstance(value, (dict, nn.ModuleDict, nn.ParameterDict)):
        items = list(value.values())
    elif isinstance(value, (list, tuple, nn.ModuleList, nn.ParameterList)):
        items = list(value)
    else:
        yield value
        return
    for item in items:
        yield from _elements(item)


def _tensors(value):
    return [t for t in _elements(value) if isinstance(t, torch.Tensor)]


def _value_tensors(model, names) -> list:
    return [t for name in names for t in _tensors(getattr(model, name))]


def _same(a, b) -> bool:
    return a.shape == b.shape and a.dtype == b.dtype and torch.equal(a.nan_to_num(), b.nan_to_num())


def _loss(output):
    return sum(t.float().sum() for t in _tensors(output) if t.is_floating_point())


def _ids(objects) -> set[int]:
    return {id(o) for o in objects}


# --- the checks: each returns (consequences shown, claims not shown) ------------------------------


@dataclass
class Observed:
    shown: list[str]
    missing: list[str]
    via: str = ""  # for a device consequence: which run showed it (meta/float64 or fake-cuda)


def _cpu_forward(make, inputs):
    model = make()
    try:
        return model, model(*inputs())
    except Exception as error:  # the fixture (or its inputs) is wrong, not the finding
        pytest.fail(f"forward fails on CPU float32 before any move: {type(error).__name__}: {error}")


def _map_tensors(fn, value):
    """``value`` with every tensor inside (nested lists, tuples, dict values) replaced by ``fn(tensor)``."""
    if isinstance(value, torch.Tensor):
        return fn(value)
    if isinstance(value, (list, tuple)):
        return type(value)(_map_tensors(fn, v) for v in value)
    if isinstance(value, dict):
        return {k: _map_tensors(fn, v) for k, v in value.items()}
    return value


def _run(model, args):
    try:
        return None, model(*args)
    except Exception as error:
        return error, None


def _fake_cuda(make, inputs):
    """Forward with the module's registered state on a fake CUDA device (see the docstring)."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    model, args = make(), inputs()
    mode = FakeTensorMode(allow_non_fake_inputs=True)
    with mode, torch.no_grad(), warnings.catch_warnings():
        warnings.filterwarnings("ignore", "PyTorch was compiled without cuDNN")  # the fake LSTM's cuDNN check
        model._apply(lambda t: torch.empty_like(t, device="cuda"))
        fake = _map_tensors(lambda a: torch.empty_like(a, device="cuda"), args)
        return _run(model, fake)


META_COPY = "Cannot copy out of meta tensor"


def check_device(make, inputs, returned: bool, fake: bool = False) -> Observed:
    _cpu_forward(make, inputs)
    shown, other = [], []
    runs = (
        ("meta", lambda m: m.to("meta"), lambda a: a.to("meta"), lambda t: t.device.type == "meta"),
        ("float64", lambda m: m.double(), lambda a: a.double() if a.is_floating_point() else a,
         lambda t: not t.is_floating_point() or t.dtype == torch.float64),
    )
    for label, move, convert, followed in runs:
        model = move(make())
        args = _map_tensors(convert, inputs())
        error, output = _run(model, args)
        if error is not None and META_COPY in str(error):
            # A meta value copied into a tensor left on the CPU (buf[:n].copy_(x)): a GPU copies it and raises
            # at the next op; the meta device cannot copy at all. No verdict here: fake CUDA decides.
            fake = True
        elif error is not None:
            message = f"after .{'to(meta)' if label == 'meta' else 'double()'}: {type(error).__name__}: {error}"
            (shown if DEVICE_ERROR.search(str(error)) or "Device" in type(error).__name__ else other).append(message)
        elif returned and not all(followed(t) for t in _tensors(output)):
            shown.append(f"after the {label} move, forward returns a tensor left behind on cpu / float32")
    via = "meta/float64" if shown else ""
    if not shown or fake:
        error, _ = _fake_cuda(make, inputs)
        if error is not None and any(text in str(error) for text in FAKE_UNSUPPORTED):
            pass  # an op fake CUDA cannot run on a CPU-only build: no verdict from this run
        elif error is not None:
            message = f"on a fake CUDA device: {type(error).__name__}: {error}"
            if "Device" in type(error).__name__ or "two devices" in str(error):
                via = via or "fake-cuda"
                shown.append(message)
            else:
                other.append(message)
    missing = [] if shown else ["a device or dtype failure after .to('meta') / .double() / fake CUDA"]
    return Observed(shown, missing + [f"(other failure) {o}" for o in other], via)


def check_lost(make, inputs, names) -> Observed:
    model, _ = _cpu_forward(make, inputs)
    fresh = make()
    initial = [t.detach().clone() for t in _value_tensors(fresh, names)]
    trained = [t.detach().clone() for t in _value_tensors(model, names)]
    assert any(not _same(a, b) for a, b in zip(initial, trained)), "forward did not change the state"
    fresh.load_state_dict(model.state_dict())
    reloaded = _value_tensors(fresh, names)
    if any(not _same(a, b) for a, b in zip(trained, reloaded)):
        return Observed(["the state forward wrote is not restored by state_dict() / load_state_dict()"], [])
    return Observed([], ["state lost across state_dict() / load_state_dict()"])


def check_random(make_seeded, names) -> Observed:
    first, second = make_seeded(0)(), make_seeded(1)()
    a, b = _value_tensors(first, names), _value_tensors(second, names)
    if all(_same(x, y) for x, y in zip(a, b)):
        return Observed([], ["two constructions under different seeds draw different values"])
    second.load_state_dict(first.state_dict())
    if any(not _same(x, y) for x, y in zip(_value_tensors(first, names), _value_tensors(second, names))):
        return Observed(["drawn differently per construction, and load_state_dict() does not restore it"], [])
    return Observed([], ["a model loaded from the checkpoint draws a different one"])


def check_untrained(make, inputs, names, container: bool) -> Observed:
    model, _ = _cpu_forward(make, inputs)
    held = [t for t in _value_tensors(model, names) if t.is_floating_point()]
    assert held, f"{names} holds no floating-point tensor"
    params = list(model.parameters())
    outside = [t for t in held if id(t) not in _ids(params)]
    before = [t.detach().clone() for t in held]
    model.zero_grad()
    loss = _loss(model(*inputs()))
    if loss.requires_grad:  # nothing requires grad when the only candidate weight is a plain tensor
        loss.backward()
    if params:
        torch.optim.SGD(params, lr=0.5).step()
    unchanged = [t for t, b in zip(held, before) if _same(t.detach(), b)]
    # a tensor computed from a Parameter (nn.Parameter(w) * mask) is no leaf: it never gets a .grad
    graded = [t for t in held if t.is_leaf and t.grad is not None and bool(t.grad.abs().sum() > 0)]
    if outside and len(unchanged) == len(held):
        note = f"{len(graded)} of {len(held)} with a gradient" if graded else "requires_grad=" + str(
            any(t.requires_grad for t in held))
        return Observed([f"not among parameters(), unchanged by an SGD step ({note})"], [])
    trained = [t for t in held if id(t) in _ids(params) and t.grad is not None and bool(t.grad.abs().sum() > 0)]
    assert not outside or trained or unchanged, "neither trained nor shown untrained"
    claim = "its elements are" if container else "it is"
    return Observed([], [f"{claim} never trained: {len(trained)} of {len(held)} get a gradient and an SGD step"])


def check_weights(make, inputs, names) -> Observed:
    _cpu_forward(make, inputs)
    model = make()
    held = [m for name in names for m in _elements(getattr(model, name)) if isinstance(m, nn.Module)]
    weights = [t for m in held for t in itertools.chain(m.parameters(), m.buffers())]
    assert weights, f"{names} holds no module with weights"
    shown, missing = [], []
    registered = _ids(model.parameters()) | _ids(model.buffers())
    saved = {t.data_ptr() for t in model.state_dict().values()}
    checks = (
        ("missing from parameters()", all(id(t) not in registered for t in weights)),
        ("missing from state_dict()", all(t.data_ptr() not in saved for t in weights)),
    )
    model.to(torch.float64)
    model.eval()
    checks += (
        ("left in float32 by .to(torch.float64)",
         all(t.dtype != torch.float64 for t in weights if t.is_floating_point())),
        ("left in training mode by .eval()", all(m.training for m in held)),
    )
    for claim, holds in checks:
        (shown if holds else missing).append(claim)
    return Observed(shown, missing)


def check_mode(make, inputs, names) -> Observed:
    model, _ = _cpu_forward(make, inputs)
    held = [m for name in names for m in _elements(getattr(model, name)) if isinstance(m, nn.Module)]
    assert held, f"{names} holds no module"
    model.eval()
    args = inputs()
    with torch.no_grad():
        first, second = model(*args), model(*args)
    still = [m for m in held if m.training]
    differ = any(not _same(a, b) for a, b in zip(_tensors(first), _tensors(second)))
    if still and differ:
        return Observed([f"after model.eval(): {len(still)} of {len(held)} still training, outputs differ"], [])
    return Observed([], ["model.eval() never reaches them (dropout stays active)"])


def observe(kind: str, target: Target, registered: bool, finding=None, fake: bool = False) -> Observed:
    as_parameter = kind == "untrained"
    make = prepared(target, registered, as_parameter)
    inputs = target.inputs
    assert inputs is not None, f"{target.qualname} has no {INPUTS_NAME} entry"
    if kind == "device":
        left_behind = finding is not None and finding.evidence.startswith(LEFT_BEHIND_EVIDENCE)
        return check_device(make, inputs, returned=left_behind, fake=fake)
    if kind == "lost":
        return check_lost(make, inputs, target.names)
    if kind == "random":
        return check_random(lambda seed: prepared(target, registered, seed=seed), target.names)
    if kind in ("untrained", "untrained-container"):
        return check_untrained(make, inputs, target.names, container=kind == "untrained-container")
    if kind == "weights":
        return check_weights(make, inputs, target.names)
    if kind == "mode":
        return check_mode(make, inputs, target.names)
    raise AssertionError(kind)


# --- tests -----------------------------------------------------------------------------------------


def test_there_are_default_on_findings_to_check():
    assert len(POSITIVE) >= 50


@pytest.mark.parametrize("path, finding", CHECKED)
def test_every_finding_names_a_consequence_kind(path, finding):
    assert consequence_kind(finding) in KINDS


@pytest.mark.parametrize(
    "path", fixture_files("positive") + evaluation_files(), ids=lambda p: f"{p.parent.name}/{p.name}"
)
def test_every_finding_class_has_inputs(path):
    module = _load_cached(path)
    table = getattr(module, INPUTS_NAME, None)
    assert isinstance(table, dict), f"{path.name} has no {INPUTS_NAME} dict"
    needed = {t.qualname for f in default_on(path) for t in targets(path, f)}
    assert needed <= set(table), f"no inputs for {sorted(needed - set(table))}"
    unknown = set(table) - set(builders(path))
    assert not unknown, f"inputs for unknown classes {sorted(unknown)}"


@pytest.mark.parametrize("path, finding", CHECKED)
def test_consequence_holds(request, path, finding):
    _xfail_known(request, path, finding)
    kind = consequence_kind(finding)
    for target in targets(path, finding):
        observed = observe(kind, target, registered=False, finding=finding)
        assert not observed.missing, f"{target.qualname}.{finding.attr} ({kind}): not shown: {observed.missing}"
        assert observed.shown


@pytest.mark.parametrize("path, finding", CHECKED)
def test_consequence_gone_when_registered_by_hand(request, path, finding):
    """The control: the same check on the same class with the attribute registered must show nothing."""
    kind = consequence_kind(finding)
    for target in targets(path, finding):
        # when only the fake CUDA run shows the consequence, the control must pass that run too
        fake = kind == "device" and observe(kind, target, registered=False, finding=finding).via == "fake-cuda"
        observed = observe(kind, target, registered=True, finding=finding, fake=fake)
        assert not observed.shown, f"{target.qualname}.{finding.attr} registered by hand still shows {observed.shown}"
        if kind == "device":
            assert not [m for m in observed.missing if m.startswith("(other failure)")], observed.missing


@functools.cache
def _fixed(path: Path, directory: Path):
    source = path.read_text()
    findings = analyze(ast.parse(source), source)
    result = apply_fixes(source, findings, buffer_style(source))
    applied = {(f.line, f.code, f.attr) for f in result.applied}
    fixed_path = load_source(result.source, directory, path.stem)
    return fixed_path, applied


@pytest.fixture(scope="session")
def fixed_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("fixed_fixtures")


@pytest.mark.parametrize("path, finding", CHECKED)
def test_consequence_gone_after_the_fix(path, finding, fixed_dir):
    fixed_path, applied = _fixed(path, fixed_dir)
    if (finding.line, finding.code, finding.attr) not in applied:
        pytest.skip("the fixer reports this finding without a fix (the hand-registered control covers it)")
    kind = consequence_kind(finding)
    module = _load_cached(fixed_path)
    for original in targets(path, finding):
        build = builders(fixed_path)[original.qualname]
        model = build()
        names = tuple(_instance_attrs(model, finding.attr)) or original.names
        assert all(name not in vars(model) for name in names), f"the fix left {names} plain"
        target = Target(original.qualname, build, names, example_inputs(module, original.qualname))
        observed = observe(kind, target, registered=False, finding=finding)
        assert not observed.shown, f"after the fix {target.qualname}.{finding.attr} still shows {observed.shown}"
        if kind == "device":  # forward now works after the moves where it failed before
            assert not [m for m in observed.missing if m.startswith("(other failure)")], observed.missing


# Correct classes of fixtures/negative (attributes registered as written): each check must show nothing.
NEGATIVE_CONTROLS = (
    ("Registered", "device", "x"),
    ("BufferClass", "device", "table"),
    ("RunningCount", "lost", "count"),
    ("RandomIndexBuffer", "random", "indices"),
    ("Registered", "untrained", "w"),
    ("BufferClass", "untrained", "w"),
    ("Registered", "untrained-container", "scales"),
    ("Registered", "untrained-container", "gates"),
    ("Registered", "weights", "blocks"),
    ("Registered", "weights", "heads"),
    ("DropoutsInModuleList", "mode", "dropouts"),
    ("PriorFromBuffersProperty", "device", "loc"),
)
NEGATIVE_FILE = FIXTURES / "negative" / "registered.py"


def test_every_consequence_kind_has_a_negative_control():
    assert {kind for _, kind, _ in NEGATIVE_CONTROLS} == set(KINDS)


@pytest.mark.parametrize(
    "qualname, kind, attr", NEGATIVE_CONTROLS, ids=[f"{k}:{q}.{a}" for q, k, a in NEGATIVE_CONTROLS]
)
def test_negative_class_shows_no_consequence(qualname, kind, attr):
    module = _load_cached(NEGATIVE_FILE)
    build = builders(NEGATIVE_FILE)[qualname]
    assert attr not in vars(build()), f"{qualname}.{attr} is a plain attribute, not registered"
    target = Target(qualname, build, (attr,), example_inputs(module, qualname))
    observed = observe(kind, target, registered=False, fake=kind == "device")
    assert not observed.shown, f"the correct {qualname}.{attr} shows {observed.shown}"
    assert not [m for m in observed.missing if m.startswith("(other failure)")], observed.missing
