"""Runtime proof with real torch: each fix registers what the original leaked, and changes nothing else."""

import ast
import importlib.util
import itertools

import pytest

torch = pytest.importorskip("torch")

from flake8_nnparam.detection import analyze  # noqa: E402
from flake8_nnparam.fix import apply_fixes  # noqa: E402

from .test_fix import PAIRS, buffer_style, expected_path  # noqa: E402

_counter = itertools.count()


def load(path):
    spec = importlib.util.spec_from_file_location(f"_nnparam_fix_fixture_{next(_counter)}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def applied_by_class(path):
    """{class name: [attr, ...]} for the findings the fixer rewrites."""
    source = path.read_text()
    tree = ast.parse(source)
    result = apply_fixes(source, analyze(tree, source), buffer_style(source))
    classes = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)]
    found: dict[str, list[str]] = {}
    for finding in result.applied:
        owner = next(c for c in classes if c.lineno <= finding.line <= c.end_lineno)
        found.setdefault(owner.name, []).append(finding.attr)
    return found


def registered_names(module: torch.nn.Module) -> set[str]:
    names = {n for n, _ in module.named_parameters()} | {n for n, _ in module.named_buffers()}
    names |= {n for n, _ in module.named_modules() if n}
    return names


def tensors_of(module, attr):
    value = getattr(module, attr)
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, torch.nn.Module):
        return list(value.parameters()) + list(value.buffers())
    if isinstance(value, dict):
        value = list(value.values())
    out = []
    for item in value:
        out.extend(item.parameters() if isinstance(item, torch.nn.Module) else [item])
    return out


CASES = [
    (path, cls, attrs)
    for path in PAIRS
    for cls, attrs in applied_by_class(path).items()
]


def test_every_fixed_fixture_has_runtime_cases():
    fixed = {p for p, _, _ in CASES}
    assert fixed == {p for p in PAIRS if p.read_text() != expected_path(p).read_text()}


@pytest.mark.parametrize("path,cls,attrs", CASES, ids=[f"{p.name}:{c}" for p, c, _ in CASES])
def test_fix_registers_leaked_state_and_keeps_forward(path, cls, attrs):
    original_module, fixed_module = load(path), load(expected_path(path))
    torch.manual_seed(0)
    original = getattr(original_module, cls)()
    torch.manual_seed(0)
    fixed = getattr(fixed_module, cls)()
    for attr in attrs:
        leaked = {n for n in registered_names(original) if n == attr or n.startswith(attr + ".")}
        assert not leaked, f"{cls}.{attr} was already registered in the original"
        assert attr not in original.state_dict()
        kept = {n for n in registered_names(fixed) if n == attr or n.startswith(attr + ".")}
        assert kept, f"{cls}.{attr} is still not registered after the fix"
    for attr in attrs:
        before = [t for t in tensors_of(original, attr) if t.is_floating_point()]
        assert all(t.dtype == torch.float32 for t in before)

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


@pytest.mark.parametrize("path", [p for p in PAIRS], ids=lambda p: p.name)
def test_relinting_fixed_file_leaves_nothing_to_fix(path):
    fixed = expected_path(path).read_text()
    result = apply_fixes(fixed, analyze(ast.parse(fixed), fixed), buffer_style(fixed))
    assert not result.applied
