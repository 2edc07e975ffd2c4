"""``.in.py`` / ``.out.py`` pairs: the fixer writes exactly the expected file, and a second pass is a no-op;
``fixable`` is true exactly for the findings a fix removes; safe and unsafe fixes as in ruff."""

import ast
import os
import re
import stat
from collections import Counter

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


def fix(source: str, style: str | None = None, unsafe: bool = True):
    findings = analyze(ast.parse(source), source, buffer_style=style or buffer_style(source))
    return apply_fixes(source, findings, unsafe)


def expected_path(path):
    return path.with_name(path.name.replace(".in.py", ".out.py"))


def test_there_are_pairs_for_every_fix_kind():
    names = {p.name.split(".")[0] for p in PAIRS}
    assert {"parameters", "buffers", "containers", "nn_buffer_style", "unfixable"} <= names
    assert {"import_tnn", "import_direct_names", "import_torch_only", "import_none"} <= names
    assert {"setattr", "chained_and_tuples", "before_init", "branches", "legacy_and_in_place", "helper"} <= names
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
    findings = analyze(ast.parse(source), source)
    assert findings and all(f.fix is None for f in findings)
    reasons = {f.attr: f.no_fix for f in findings}
    assert "defines offsets" in reasons["offsets"]
    assert "string keys" in reasons["by_index"]
    assert "no container that registers tensors" in reasons["anchors"]
    assert "learned weight from a fixed tensor" in reasons["cls_token"]
    assert "Module.__init__" in reasons["early"]
    assert "starred" in reasons["first"]
    assert "already bound at line" in reasons["scale"]  # register_buffer after a plain binding raises
    assert "already bound at line" in reasons["gain"]  # a try body runs before its handler
    assert "already bound at line" in reasons["shift"]  # earlier on the same line
    assert "already bound at line" in reasons["probs"]  # in __init__, before it calls the helper that binds it
    assert "bound again at line" in reasons["gamma"]  # a subclass re-binds it to a plain tensor
    assert "makes an nn.Parameter" in reasons["scale_learned"]  # a Parameter in the other branch: no buffer
    assert "makes an nn.Parameter" in reasons["offset_drawn"]  # the same for a random draw (a persistent buffer)
    for finding in findings:  # the message says why, too
        assert finding.message.endswith(f"[no fix: {finding.no_fix}]")


def _all_fixture_files():
    files = sorted(FIXTURES.rglob("*.py"))
    root = FIXTURES.parent / "evaluation"
    return files + sorted(root.rglob("*.py"))


@pytest.mark.parametrize("path", _all_fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES.parent)))
def test_fixable_is_exactly_what_fix_with_unsafe_fixes_removes(path):
    source = path.read_text(encoding="utf-8", errors="replace")
    try:
        tree = ast.parse(source)
    except SyntaxError:
        pytest.skip("not valid Python")
    findings = [f for f in analyze(tree, source) if not f.code.startswith("MPR9")]
    result = apply_fixes(source, findings, unsafe_fixes=True)
    assert not result.skipped, result.skipped
    after = Counter((f.code, f.attr) for f in analyze(ast.parse(result.source), result.source)
                    if not f.code.startswith("MPR9"))
    fixable = Counter((f.code, f.attr) for f in findings if f.fix is not None)
    unfixable = Counter((f.code, f.attr) for f in findings if f.fix is None)
    assert not (after & fixable), f"fixable findings still reported after --fix --unsafe-fixes: {after & fixable}"
    assert after == unfixable, "a finding without a fix changed, or the fix created one"
    for finding in findings:
        if finding.fix is not None:
            assert finding.fix.edits and finding.message.endswith(("[safe fix]", f"[unsafe fix: {finding.fix.unsafe_because}]"))
        else:
            assert finding.no_fix and finding.message.endswith(f"[no fix: {finding.no_fix}]")


def test_fix_applies_only_safe_fixes_unless_told():
    source = (FIX_DIR / "before_init.in.py").read_text()
    findings = analyze(ast.parse(source), source)
    safe = apply_fixes(source, findings, unsafe_fixes=False)
    assert {f.attr for f in safe.applied} == {"early", "offset"}
    assert [f.attr for f in safe.held_back] == ["weight"]
    assert all(f.fix.safe and not f.fix.new_keys for f in safe.applied)
    everything = apply_fixes(source, findings, unsafe_fixes=True)
    assert everything.source == expected_path(FIX_DIR / "before_init.in.py").read_text()
    weight = next(f for f in findings if f.attr == "weight")
    assert not weight.fix.safe and weight.fix.new_keys == ("weight",)
    assert "strict=False" in weight.fix.checkpoint and "fresh initialisation" in weight.fix.checkpoint


def test_messages_follow_the_buffer_style():
    source = (FIX_DIR / "buffers.in.py").read_text()
    messages = [f.message for f in analyze(ast.parse(source), source, buffer_style="nn.Buffer") if f.code == "MPR002"]
    assert messages and not any("register_buffer" in m for m in messages)
    assert any('self.pe = nn.Buffer(..., persistent=False)' in m for m in messages)


def test_a_very_long_expression_does_not_silence_the_other_fixes(tmp_path):
    operands = " + ".join(["x"] * 600)
    source = (
        "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def __init__(self, n=4):\n"
        "        super().__init__()\n        x = torch.ones(n)\n        self.long = " + operands + "\n"
        "        self.mask = torch.tril(torch.ones(n, n))\n\n    def forward(self, y):\n"
        "        return y @ self.mask + self.long\n"
    )
    findings = analyze(ast.parse(source), source)
    assert {f.attr for f in findings} == {"long", "mask"}
    assert all(f.fix is not None for f in findings)
    result = apply_fixes(source, findings)
    assert {f.attr for f in result.applied} == {"long", "mask"} and not result.skipped
    assert 'self.register_buffer("mask"' in result.source and 'self.register_buffer("long", x + x' in result.source


def test_only_the_given_findings_are_fixed():
    source = (FIX_DIR / "buffers.in.py").read_text()
    findings = [f for f in analyze(ast.parse(source), source) if f.attr == "running"]
    result = apply_fixes(source, findings, unsafe_fixes=True)
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


def test_edits_that_no_longer_match_the_file_are_skipped_with_the_reason():
    source = (FIX_DIR / "parameters.in.py").read_text()
    findings = analyze(ast.parse(source), source)
    assert findings
    result = apply_fixes("x = 1\n", findings)
    assert not result.applied and len(result.skipped) == len(findings)
    assert all("do not match the file" in reason for _, reason in result.skipped)


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


def test_a_none_branch_is_kept_out_of_the_parameter():
    # nn.Parameter(None) is an empty Parameter, not None: only the tensor branch is wrapped.
    source = (
        "import torch\nfrom torch import nn\n\n\nclass M(nn.Module):\n    def __init__(self, learn=True):\n"
        "        super().__init__()\n        self.w = torch.randn(3, requires_grad=True) if learn else None\n"
        "    def forward(self, x):\n        return x * self.w\n"
    )
    result = fix(source)
    assert "self.w = nn.Parameter(torch.randn(3, requires_grad=True)) if learn else None" in result.source
