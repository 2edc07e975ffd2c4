"""Property-based tests: generated Python never crashes the plugin or the command, and fixes of
generated PyTorch modules are sound (they parse, they fix what they claim, a second run is a no-op,
and nothing outside the edited statements moves).

The default profile is fast. A long campaign:

    NNPARAM_HYPOTHESIS_PROFILE=campaign python -m pytest -q tests/test_properties.py
    python -m pytest -q tests/test_properties.py --hypothesis-profile=campaign

(``NNPARAM_CAMPAIGN_EXAMPLES`` overrides the campaign's examples per property.)
"""

from __future__ import annotations

import ast
import os
import textwrap
from collections import Counter

import hypothesmith
import libcst
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from flake8_nnparam.command.args import Selection, Settings
from flake8_nnparam.command.files import AnalysisError, SourceFile, decode_source, parse_source
from flake8_nnparam.command.noqa import noqa_line_mapping
from flake8_nnparam.detection.project import summarize
from flake8_nnparam.command.runner import _MAX_FIX_PASSES, FileReport, check_source
from flake8_nnparam.detection import DEFAULT_OFF_BAND, analyze
from flake8_nnparam.fix import apply_fixes
from flake8_nnparam.plugin import NNParamChecker

from .strategies import torch_module_source

# Generated code is full of constructs the compiler warns about (``1()``, "\d"): noise here.
pytestmark = pytest.mark.filterwarnings("ignore::SyntaxWarning", "ignore::DeprecationWarning")

_SLOW_OK = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much]
settings.register_profile("nnparam-fast", max_examples=50, deadline=None, suppress_health_check=_SLOW_OK)
settings.register_profile(
    "campaign",
    max_examples=int(os.environ.get("NNPARAM_CAMPAIGN_EXAMPLES", "2000")),
    deadline=None,
    suppress_health_check=_SLOW_OK,
    database=None,
)
_PROFILE_NAME = os.environ.get("NNPARAM_HYPOTHESIS_PROFILE") or (
    "campaign" if settings._current_profile == "campaign" else "nnparam-fast"
)
CAMPAIGN = _PROFILE_NAME == "campaign"


def profile(fast_examples: int | None = None) -> settings:
    """The selected profile; in the fast one, ``fast_examples`` caps a slow strategy."""
    chosen = settings.get_profile(_PROFILE_NAME)
    if fast_examples is not None and not CAMPAIGN:
        return settings(chosen, max_examples=fast_examples)
    return chosen


class _AllCodes(NNParamChecker):
    """The plugin with MPR999 ("could not be analysed", incl. internal errors) switched on."""

    selected = frozenset({"MPR999"})
    extra_bases = frozenset()


def _plugin_results(source: str, tree: ast.AST) -> list[tuple[int, int, str]]:
    return [(line, col, msg) for line, col, msg, _ in _AllCodes(tree, source.splitlines(keepends=True)).run()]


def _parse_or_skip(source: str) -> ast.Module:
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        assume(False)
        raise AssertionError("unreachable")


def _class_bases(tree: ast.AST) -> frozenset[str]:
    """Every base named in the file, so the engine treats each generated class as a Module."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for base in node.bases:
                if isinstance(base, ast.Name):
                    names.add(base.id)
                elif isinstance(base, ast.Attribute):
                    names.add(base.attr)
    return frozenset(names)


def _as_module_init(source: str) -> str | None:
    """``source`` as the body of a torch Module's ``__init__``, or None if that is not valid."""
    body = textwrap.indent(source, "        ") or "        pass\n"
    wrapped = (
        "import torch\nfrom torch import nn\n\n\nclass Generated(nn.Module):\n"
        "    def __init__(self, n=3):\n        super().__init__()\n" + body + "\n        pass\n"
    )
    try:
        compile(wrapped, "<generated>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    return wrapped


def _cli_settings(mode: str, disable_noqa: bool = False) -> Settings:
    return Settings(Selection(), frozenset(), "register_buffer", mode, disable_noqa)


def _run_cli_functions(source: str) -> list[FileReport]:
    """Everything the command does to one file, in-process: decode, index, lint, fix."""
    data = source.encode("utf-8", "surrogatepass")
    try:
        text, encoding = decode_source(data)
    except AnalysisError:
        return []
    src = SourceFile("generated.py", None, data, text, encoding)
    try:
        parse_source(src)
    except AnalysisError:
        pass
    try:
        summarize(ast.parse(text))  # the project index's view of the file never raises on valid Python
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        pass
    noqa_line_mapping(text)
    return [check_source(src, frozenset(), _cli_settings(mode)) for mode in ("lint", "diff", "fix")]


def _no_internal_error(reports: list[FileReport], plugin: list[tuple[int, int, str]]) -> None:
    for report in reports:
        for error in report.errors:
            assert "internal error" not in error, error
    for _, _, message in plugin:
        assert "internal error" not in message, message


# --- generated valid Python (hypothesmith) -------------------------------------------


def _check_generated_python(source: str) -> None:
    tree = _parse_or_skip(source)
    plugin = _plugin_results(source, tree)
    analyze(tree, None, _class_bases(tree))  # no prefilter, every class a Module: the engine's whole path
    reports = _run_cli_functions(source)
    _no_internal_error(reports, plugin)
    wrapped = _as_module_init(source)
    if wrapped is not None:
        wrapped_tree = ast.parse(wrapped)
        findings = analyze(wrapped_tree, wrapped)
        apply_fixes(wrapped, findings)
        _no_internal_error(_run_cli_functions(wrapped), _plugin_results(wrapped, wrapped_tree))


@profile()
@given(hypothesmith.from_grammar())
def test_generated_python_from_grammar_never_crashes(source):
    _check_generated_python(source)


@profile(fast_examples=15)
@given(hypothesmith.from_node())
def test_generated_python_from_node_never_crashes(source):
    _check_generated_python(source)


# --- generated PyTorch modules -------------------------------------------------------


def _key(findings) -> list[tuple]:
    return [(f.line, f.col, f.code, f.message, f.attr, f.end_line, f.fix) for f in findings]


@profile()
@given(torch_module_source())
def test_generated_modules_parse_and_findings_are_deterministic(source):
    tree = ast.parse(source)
    first = analyze(tree, source)
    assert _key(first) == _key(analyze(ast.parse(source), source))
    without_source = analyze(ast.parse(source), None)  # no fixes without the text, the same findings
    assert [k[:3] + k[4:6] for k in _key(first)] == [k[:3] + k[4:6] for k in _key(without_source)]
    plugin = _plugin_results(source, tree)
    assert plugin == _plugin_results(source, ast.parse(source))
    assert not any("MPR999" in m for _, _, m in plugin), plugin
    default_on = [(f.line, f.col, f.message) for f in first if not f.code.startswith(DEFAULT_OFF_BAND)]
    assert [p for p in plugin if not p[2].startswith("MPR999")] == default_on
    src = SourceFile("m.py", None, source.encode(), source, "utf-8")
    everything = check_source(src, frozenset(), _cli_settings("lint", disable_noqa=True))
    assert not everything.errors
    assert [(f.line, f.col, f.message) for f in everything.findings] == default_on
    linted = check_source(src, frozenset(), _cli_settings("lint"))
    assert _key(linted.findings) == _key(check_source(src, frozenset(), _cli_settings("lint")).findings)


def _edited_lines(source: str, applied) -> set[int]:
    """1-based lines the fix may change: the applied statements and the module's imports."""
    lines = set()
    for finding in applied:
        lines.update(range(finding.line, max(finding.line, finding.end_line) + 1))
    for stmt in ast.parse(source).body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            lines.update(range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1))
    return lines


def _assert_only_edited_statements_changed(source: str, fixed: str, applied) -> None:
    """Every run of lines outside the edited statements reappears, byte for byte and in order."""
    old = source.splitlines(keepends=True)
    allowed = _edited_lines(source, applied)
    segments: list[list] = []  # [first line, last line, text] of each maximal run of frozen lines
    for number, line in enumerate(old, start=1):
        if number in allowed:
            continue
        if segments and segments[-1][1] == number - 1:
            segments[-1][1:] = [number, segments[-1][2] + line]
        else:
            segments.append([number, number, line])
    position = 0
    for first, _, text in segments:
        found = fixed.find(text, position)
        assert found >= 0, f"lines {first}.. outside the edited statements changed"
        if first == 1:
            assert found == 0, "the start of the file changed"
        position = found + len(text)
    if segments and segments[-1][1] == len(old):
        assert fixed.endswith(segments[-1][2]), "the end of the file changed"


def _fixable(findings) -> Counter:
    return Counter((f.code, f.attr) for f in findings if f.fix is not None)


@profile()
@given(torch_module_source(), st.sampled_from(("register_buffer", "nn.Buffer")))
def test_fixes_parse_fix_what_they_claim_are_idempotent_and_local(source, style):
    findings = analyze(ast.parse(source), source, buffer_style=style)
    result = apply_fixes(source, findings)
    fixed = result.source
    assert len(result.applied) + len(result.skipped) == sum(1 for f in findings if f.fix is not None)
    if not result.applied:
        assert fixed == source
        return
    fixed_tree = ast.parse(fixed)
    libcst.parse_module(fixed)
    # Nothing the fix claims to have fixed is still there to fix.
    after = _fixable(analyze(fixed_tree, fixed))
    before = _fixable(findings)
    for key, count in Counter((f.code, f.attr) for f in result.applied).items():
        assert after[key] <= before[key] - count, f"{key} still reported after the fix\n{fixed}"
    # Fixing again converges, within the passes the command makes (runner._MAX_FIX_PASSES): a fix can make
    # another statement fixable (``self.mask = self.b = v`` split by b's fix lets a chained binding of
    # mask earlier in the file be fixed), as in ruff, but never keeps changing the file.
    current = fixed
    for _ in range(_MAX_FIX_PASSES):
        again = apply_fixes(current, analyze(ast.parse(current), current, buffer_style=style))
        if not again.applied:
            assert again.source == current
            break
        libcst.parse_module(again.source)
        current = again.source
    else:
        raise AssertionError(f"fixing again never converged\n{fixed}\n---\n{current}")
    _assert_only_edited_statements_changed(source, fixed, result.applied)
    if "\r\n" in source and "\n" not in source.replace("\r\n", ""):
        assert "\n" not in fixed.replace("\r\n", ""), "the fix introduced bare LF line endings"


@profile(fast_examples=30)
@given(torch_module_source())
def test_command_fix_matches_the_engine_and_a_second_run_is_a_no_op(source):
    data = source.encode()
    src = SourceFile("m.py", None, data, source, "utf-8")
    report = check_source(src, frozenset(), _cli_settings("fix"))
    assert not report.errors, report.errors
    if report.new_text is None:
        assert report.fixed == 0
        return
    fixed = report.new_text
    ast.parse(fixed)
    second = check_source(SourceFile("m.py", None, fixed.encode(), fixed, "utf-8"), frozenset(), _cli_settings("fix"))
    assert second.new_text is None and second.fixed == 0, second.new_text
    diff = check_source(src, frozenset(), _cli_settings("diff"))
    assert bool(diff.diff) == (fixed != source)


def test_the_all_codes_checker_really_reports_mpr999():
    """Guards the properties above: if the plugin's selection attribute were renamed, MPR999 (and with
    it every swallowed internal error) would silently vanish from them."""
    source = "import torch\nfrom torch import nn\n\n\nclass D(nn.Module):\n    def __init__(self):\n" + (
        "        super().__init__()\n        self.t = torch.ones(3)" + " + torch.ones(3)" * 1000 + "\n"
    )
    assert [m.split()[0] for _, _, m in _plugin_results(source, ast.parse(source))] == ["MPR999"]
