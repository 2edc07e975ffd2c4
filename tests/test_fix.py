"""``.in.py`` / ``.out.py`` pairs: the fixer writes exactly the expected file, and a second pass is a no-op."""

import ast
import os
import re
import stat

import pytest

from flake8_nnparam.detection import analyze
from flake8_nnparam.fix import FileChangedError, apply_fixes, write_atomically

from .conftest import FIXTURES

FIX_DIR = FIXTURES / "fix"
PAIRS = sorted(FIX_DIR.glob("*.in.py"))
OPTIONS = re.compile(r"# fix-options: buffer-style=(\S+)")


def buffer_style(source: str) -> str:
    match = OPTIONS.search(source)
    return match.group(1) if match else "register_buffer"


def fix(source: str, style: str | None = None):
    findings = analyze(ast.parse(source), source)
    return apply_fixes(source, findings, style or buffer_style(source))


def expected_path(path):
    return path.with_name(path.name.replace(".in.py", ".out.py"))


def test_there_are_pairs_for_every_fix_kind():
    names = {p.name.split(".")[0] for p in PAIRS}
    assert {"parameters", "buffers", "containers", "nn_buffer_style", "unfixable"} <= names
    assert {"import_tnn", "import_direct_names", "import_torch_only", "import_none"} <= names
    for path in PAIRS:
        assert expected_path(path).exists(), path


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_fix_matches_expected(path):
    source = path.read_text()
    assert fix(source).source == expected_path(path).read_text()


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_fixing_twice_changes_nothing(path):
    fixed = expected_path(path).read_text()
    again = fix(fixed, buffer_style(path.read_text()))
    assert not again.applied
    assert again.source == fixed


@pytest.mark.parametrize("path", PAIRS, ids=lambda p: p.name)
def test_crlf_line_endings_survive(path):
    source = path.read_text().replace("\n", "\r\n")
    expected = expected_path(path).read_text().replace("\n", "\r\n")
    assert fix(source, buffer_style(source)).source == expected


def test_unfixable_cases_are_reported_with_reasons():
    source = (FIX_DIR / "unfixable.in.py").read_text()
    result = fix(source)
    reasons = {f.attr: reason for f, reason in result.skipped}
    assert not result.applied
    # The engine itself offers no fix for chained and tuple targets or bindings in module-level helpers.
    without_fix = {f.attr for f in analyze(ast.parse(source), source) if f.fix is None}
    assert {"a", "b", "c", "d", "helper_table"} <= without_fix
    assert "in place" in reasons["weight"]
    assert "defines offsets" in reasons["offsets"]
    assert "not strings" in reasons["by_index"]
    assert "Module.__init__" in reasons["early"]


def test_only_the_given_findings_are_fixed():
    source = (FIX_DIR / "buffers.in.py").read_text()
    findings = [f for f in analyze(ast.parse(source), source) if f.attr == "running"]
    result = apply_fixes(source, findings)
    assert [f.attr for f in result.applied] == ["running"]
    changed = [(a, b) for a, b in zip(source.splitlines(), result.source.splitlines()) if a != b]
    assert changed == [
        ("        self.running = torch.zeros(n)", '        self.register_buffer("running", torch.zeros(n))')
    ]


def test_non_ascii_before_the_statement_on_its_line():
    source = (
        "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def __init__(self):\n"
        "        super().__init__()\n        s = 'é'; self.w = torch.randn(3, requires_grad=True)\n"
    )
    result = fix(source)
    assert [f.attr for f in result.applied] == ["w"]
    assert "s = 'é'; self.w = nn.Parameter(torch.randn(3, requires_grad=True))" in result.source


def test_nn_name_taken_falls_back_to_torch_import():
    source = (
        "from torch import randn\nfrom torch.nn import Module\n\nnn = None\n\n\nclass M(Module):\n"
        "    def __init__(self):\n        super().__init__()\n        self.w = randn(3, requires_grad=True)\n"
    )
    result = fix(source)
    assert "import torch\n" in result.source
    assert "self.w = torch.nn.Parameter(randn(3, requires_grad=True))" in result.source


def test_unparsable_for_libcst_is_skipped_not_raised():
    source = (FIX_DIR / "parameters.in.py").read_text()
    findings = analyze(ast.parse(source), source)
    result = apply_fixes(source + "\n\x00", findings)
    assert not result.applied and result.skipped


def test_write_atomically_keeps_mode_and_refuses_changed_files(tmp_path):
    path = tmp_path / "m.py"
    path.write_bytes(b"a = 1\r\n")
    os.chmod(path, 0o754)
    write_atomically(str(path), b"a = 1\r\n", b"a = 2\r\n")
    assert path.read_bytes() == b"a = 2\r\n"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o754
    with pytest.raises(FileChangedError):
        write_atomically(str(path), b"a = 1\r\n", b"a = 3\r\n")
    assert path.read_bytes() == b"a = 2\r\n"
    assert [p.name for p in tmp_path.iterdir()] == ["m.py"]


def test_a_none_branch_is_not_wrapped():
    # nn.Parameter(None) is an empty Parameter, not None: such a value is reported, not rewritten.
    source = (
        "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def __init__(self, learn=True):\n"
        "        super().__init__()\n        self.w = torch.randn(3, requires_grad=True) if learn else None\n"
    )
    result = fix(source)
    assert not result.applied and result.source == source
    assert any("None" in reason for _, reason in result.skipped)
