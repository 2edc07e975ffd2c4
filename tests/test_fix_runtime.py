"""Runtime proof with real torch, for every class a fix pair changes: the leaked state is registered,
``.to(torch.float64)`` converts it, forward is unchanged under the same seed, a checkpoint saved before a
safe fix loads strictly after it, and one saved before an unsafe fix loads with ``strict=False`` and
reports exactly the keys the fix says it adds."""

import ast
import fnmatch
import importlib.util
import itertools
import re

import pytest

torch = pytest.importorskip("torch")

from flake8_nnparam.detection import analyze  # noqa: E402
from flake8_nnparam.fix import apply_fixes  # noqa: E402

from .test_fix import PAIRS, buffer_style, expected_path  # noqa: E402

_counter = itertools.count()


def load_text(tmp_path_factory, text: str, name: str):
    path = tmp_path_factory.mktemp("fixed") / name
    path.write_text(text)
    return load(path)


def load(path):
    spec = importlib.util.spec_from_file_location(f"_nnparam_fix_fixture_{next(_counter)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fixes_of(path, unsafe: bool):
    source = path.read_text()
    findings = analyze(ast.parse(source), source, buffer_style=buffer_style(source))
    return apply_fixes(source, findings, unsafe)


def _glob(attr: str) -> str:
    return re.sub(r"\{[^}]*\}", "*", attr)  # mask{i} -> mask*


def classes_with(module, attrs):
    """{class name: attrs the original instance holds unregistered} for every constructible class."""
    out = {}
    for name, cls in vars(module).items():
        if not (isinstance(cls, type) and issubclass(cls, torch.nn.Module)) or cls.__module__ != module.__name__:
            continue
        instance = cls()
        held = sorted(k for k in vars(instance) if any(fnmatch.fnmatch(k, _glob(a)) for a in attrs))
        if held:
            out[name] = held
    return out


def registered_names(module) -> set[str]:
    names = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers(remove_duplicate=False)}
    return names | {n for n, _ in module.named_modules() if n}


def tensors_of(module, attr):
    value = getattr(module, attr)
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, torch.nn.Module):
        return list(value.parameters()) + list(value.buffers())
    if isinstance(value, dict):
        value = list(value.values())
    return [t for item in value for t in (item.parameters() if isinstance(item, torch.nn.Module) else [item])]


CASES = []
for _path in PAIRS:
    _result = fixes_of(_path, unsafe=True)
    if _result.applied:
        _attrs = {f.attr for f in _result.applied}
        for _cls, _held in classes_with(load(_path), _attrs).items():
            CASES.append((_path, _cls, _held))


def test_every_fixed_fixture_has_runtime_cases():
    fixed = {p for p, _, _ in CASES}
    assert fixed == {p for p in PAIRS if p.read_text() != expected_path(p).read_text()}


def _build(module, cls):
    torch.manual_seed(0)
    return getattr(module, cls)()


@pytest.mark.parametrize("path,cls,attrs", CASES, ids=[f"{p.name}:{c}" for p, c, _ in CASES])
def test_fix_registers_leaked_state_and_keeps_forward(path, cls, attrs):
    original_module, fixed_module = load(path), load(expected_path(path))
    original, fixed = _build(original_module, cls), _build(fixed_module, cls)
    for attr in attrs:
        assert not {n for n in registered_names(original) if n == attr or n.startswith(attr + ".")}, attr
        assert {n for n in registered_names(fixed) if n == attr or n.startswith(attr + ".")}, f"{cls}.{attr} not registered"

    torch.manual_seed(1)
    x = original_module.example_input()
    torch.manual_seed(2)
    y_original = original(x)
    torch.manual_seed(2)
    y_fixed = fixed(x)
    torch.testing.assert_close(y_fixed, y_original)

    fixed.to(torch.float64)
    original.to(torch.float64)
    for attr in attrs:
        after_fixed = [t for t in tensors_of(fixed, attr) if t.is_floating_point()]
        after_original = [t for t in tensors_of(original, attr) if t.is_floating_point()]
        assert after_fixed and all(t.dtype == torch.float64 for t in after_fixed), attr
        assert all(t.dtype == torch.float32 for t in after_original), attr


@pytest.mark.parametrize("path,cls,attrs", CASES, ids=[f"{p.name}:{c}" for p, c, _ in CASES])
def test_old_checkpoints_load_as_the_fix_says(path, cls, attrs, tmp_path_factory):
    original = _build(load(path), cls)
    checkpoint = original.state_dict()
    # Only the safe fixes: the old checkpoint loads strictly.
    safe_text = fixes_of(path, unsafe=False).source
    safe = _build(load_text(tmp_path_factory, safe_text, path.name), cls)
    safe.load_state_dict(checkpoint, strict=True)
    # Every fix: strict=False reports exactly the keys the unsafe fixes say they add, and nothing unexpected.
    result = fixes_of(path, unsafe=True)
    fixed = _build(load(expected_path(path)), cls)
    report = fixed.load_state_dict(checkpoint, strict=False)
    assert report.unexpected_keys == []
    claimed = {
        k for f in result.applied if not f.fix.safe for k in f.fix.new_keys
        if any(fnmatch.fnmatch(a, _glob(k.split(".")[0])) for a in attrs)
    }
    new = set(fixed.state_dict()) - set(checkpoint)
    assert set(report.missing_keys) == new
    for key in new:
        assert any(fnmatch.fnmatch(key, _glob(c)) for c in claimed), f"{key} added but not announced"
    for claim in claimed:
        assert any(fnmatch.fnmatch(key, _glob(claim)) for key in new), f"{claim} announced but not added"


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_relinting_fixed_file_leaves_nothing_to_fix(path):
    fixed = expected_path(path).read_text()
    findings = analyze(ast.parse(fixed), fixed, buffer_style=buffer_style(fixed))
    assert not [f for f in findings if f.fix is not None]


def test_registering_after_a_plain_binding_raises_as_the_no_fix_reason_says():
    """Why a binding after an earlier one of the same attribute gets no fix (fixtures/fix/unfixable.in.py,
    BoundBefore): the rewrite it would get raises in construction, while registering at the first binding
    works and keeps the later assignment's value in the buffer."""

    class RegisteredLate(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = None
            self.register_buffer("scale", torch.ones(4), persistent=False)

    class RegisteredFirst(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.register_buffer("scale", None, persistent=False)
            self.scale = torch.ones(4)

    with pytest.raises(KeyError, match="already exists"):
        RegisteredLate()
    model = RegisteredFirst().to(torch.float64)
    assert dict(model.named_buffers())["scale"].dtype == torch.float64
