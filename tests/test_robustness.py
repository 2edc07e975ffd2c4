"""Hostile input, safe writing and parallel determinism, through the real command and real flake8.

Every hostile file sits next to a sibling with a real finding: the hostile one must give a clear
message or be skipped, never a traceback, and the sibling's finding must still be reported.
"""

from __future__ import annotations

import ast
import os
import signal
import stat
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from flake8_nnparam.command.args import Selection, Settings
from flake8_nnparam.command.files import decode_source, read_source
from flake8_nnparam.command.runner import check_source
from flake8_nnparam.detection.cache import CACHE_DIR_NAME
from flake8_nnparam.detection import analyze
from flake8_nnparam.fix import apply_fixes

from .conftest import FIXTURES, HEADER, clean_env, run_command, run_flake8

MODEL = HEADER + textwrap.dedent(
    """\
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.mask = torch.tril(torch.ones(n, n))

        def forward(self, x):
            return x @ self.mask
    """
)
SIBLING = "zz_sibling.py"  # sorted after every hostile file: a crash on them would lose it
SIBLING_FINDING = f"{SIBLING}:8:9: MPR002"
PY312 = sys.version_info >= (3, 12)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def command(*args, cwd, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    return run_command("--no-config", *args, cwd=cwd, timeout=timeout, errors="replace", **kwargs)


def flake8(*args, cwd, timeout=120) -> subprocess.CompletedProcess:
    return run_flake8("--isolated", *args, cwd=cwd, timeout=timeout, errors="replace")


def no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stdout, proc.stdout


def module_with(line: str) -> str:
    """MODEL with ``line`` added at module level after the imports (the finding moves down one line)."""
    return MODEL.replace(HEADER, HEADER.rstrip("\n") + "\n" + line + "\n\n\n", 1)


def deep_binop(terms: int = 1000) -> str:
    """Valid for ``ast.parse`` at the default recursion limit, too deep for a recursive walk."""
    return HEADER + "class D(nn.Module):\n    def __init__(self):\n        super().__init__()\n" + (
        "        self.t = torch.ones(3)" + " + torch.ones(3)" * terms + "\n"
    )


def hundred_thousand_lines() -> str:
    chunk = textwrap.dedent(
        """\
        def helper_{i}(x, y=1):
            # a comment
            return x * y + {i}


        class Block{i}(nn.Module):
            def __init__(self, n=3):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.register_buffer("mask", torch.ones(n))

            def forward(self, x):
                return self.lin(x) * self.mask


        """
    )
    parts = [HEADER] + [chunk.format(i=i) for i in range(100_000 // chunk.count("\n") + 1)]
    parts.append(MODEL.replace(HEADER, "").replace("class M(", "class Last("))
    return "".join(parts)


# --- hostile inputs ------------------------------------------------------------------


@dataclass(frozen=True)
class Hostile:
    name: str
    make: Callable[[Path], None]  # creates the file (or link, directory) at the given path
    cli_error: str | None  # a substring of the command's message on stderr; None: linted normally
    cli_finding: str | None = None  # a substring of a finding the command reports for this file
    flake8: str | None = None  # a substring flake8 prints for it ("": nothing, ANY: unchecked); None: not run


def _write(data: bytes | str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        path.write_bytes(data.encode() if isinstance(data, str) else data)

    return make


def _symlink(target: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        os.symlink(target, path)

    return make


def _symlink_loop(path: Path) -> None:
    other = path.with_name("loop_other.py")
    os.symlink(other.name, path)
    os.symlink(path.name, other)


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "inner.py").write_text(MODEL)


def _unreadable(path: Path) -> None:
    path.write_text(MODEL)
    os.chmod(path, 0)


ANY = "<any>"
LIBCST_REJECTS = "x = () if 0 else(lambda:())"
NEWER_SYNTAX_ERROR = None if PY312 else "cannot analyse: SyntaxError"

HOSTILE = [
    Hostile("syntax_error.py", _write("import torch\n\n\nclass M(torch.nn.Module):\n    def f(self:\n        pass\n"), "syntax_error.py: cannot analyse: SyntaxError", flake8="E999"),
    Hostile("libcst_rejects.py", _write(module_with(LIBCST_REJECTS)), None, "libcst_rejects.py:9:9: MPR002", "MPR002"),
    Hostile("null_bytes.py", _write(b"import torch\nself = 1\x00\n"), "null_bytes.py: cannot analyse: SyntaxError: source code string cannot contain null bytes", flake8="E999"),
    # not UTF-8 and no cookie: read as latin-1, as flake8 does (test_cli checks both report the same)
    Hostile("invalid_utf8.py", _write(b"# caf\xe9\n" + MODEL.encode()), None, "invalid_utf8.py:9:9: MPR002", "invalid_utf8.py:9:9: MPR002"),
    Hostile("unknown_cookie.py", _write(b"# -*- coding: no-such-codec -*-\n" + MODEL.encode()), None, "unknown_cookie.py:9:9: MPR002", "unknown_cookie.py:9:9: MPR002"),
    Hostile("latin1_cookie.py", _write(("# -*- coding: latin-1 -*-\n" + MODEL.replace("x @ self.mask", "x @ self.mask  # caf\xe9")).encode("latin-1")), None, "latin1_cookie.py:9:9: MPR002", "MPR002"),
    Hostile("bom.py", _write(b"\xef\xbb\xbf" + MODEL.encode()), None, "bom.py:8:9: MPR002", "MPR002"),
    Hostile("crlf.py", _write(MODEL.replace("\n", "\r\n")), None, "crlf.py:8:9: MPR002", "MPR002"),
    Hostile("mixed_endings.py", _write(MODEL.replace("\n", "\r\n", 5)), None, "mixed_endings.py:8:9: MPR002", "MPR002"),
    Hostile("tabs.py", _write(MODEL.replace("    ", "\t")), None, "tabs.py:8:3: MPR002", "MPR002"),
    Hostile("long_line.py", _write(MODEL.replace("torch.ones(n, n)", "torch.tensor([" + "1, " * 30_000 + "1])")), None, "long_line.py:8:9: MPR002", "MPR002"),
    # pyflakes hits its own RecursionError on this file first and that aborts flake8's run (upstream
    # behaviour); test_deep_nesting_degrades_in_the_plugin_to_a_not_analysed_finding covers the plugin.
    Hostile("deep_binop.py", _write(deep_binop()), "deep_binop.py: cannot analyse: RecursionError: nesting too deep"),
    Hostile("deep_parens.py", _write("import torch\nself = " + "(" * 1000 + ")" * 1000 + "\n"), "deep_parens.py: cannot analyse: SyntaxError: too many nested parentheses", flake8="E999"),
    Hostile("deep_attribute.py", _write("import torch\nself = torch" + ".a" * 100_000 + "\n"), "deep_attribute.py: cannot analyse: RecursionError"),
    Hostile("empty.py", _write(b""), None, flake8=""),
    Hostile("dir_named.py", _directory, None, "dir_named.py/inner.py:8:9: MPR002"),
    Hostile("dangling_symlink.py", _symlink("does_not_exist.py"), "dangling_symlink.py: cannot read: broken symlink or symlink loop"),
    Hostile("symlink_loop.py", _symlink_loop, "symlink_loop.py: cannot read"),
    Hostile("match_statement.py", _write(MODEL.replace("return x @ self.mask", "match x:\n            case [a, *rest]:\n                return a\n            case _:\n                return x @ self.mask")), None, "match_statement.py:8:9: MPR002", "MPR002"),
    Hostile("except_star.py", _write(MODEL.replace("return x @ self.mask", "try:\n            return x @ self.mask\n        except* ValueError:\n            raise")), None, "except_star.py:8:9: MPR002", "MPR002"),
    Hostile("pep695_generics.py", _write(MODEL.replace("class M(nn.Module):", "class M[T](nn.Module):")), NEWER_SYNTAX_ERROR and "pep695_generics.py: cannot analyse: SyntaxError", None if not PY312 else "pep695_generics.py:8:9: MPR002", "E999" if not PY312 else "MPR002"),
    Hostile("pep701_fstring.py", _write(module_with('label = f"{"nested"}"')), NEWER_SYNTAX_ERROR and "pep701_fstring.py: cannot analyse: SyntaxError", None if not PY312 else "pep701_fstring.py:9:9: MPR002", "E999" if not PY312 else "MPR002"),
]
if not IS_ROOT:  # root reads a chmod-000 file anyway; the dangling symlink covers "cannot read" there
    HOSTILE.append(Hostile("unreadable.py", _unreadable, "unreadable.py: cannot read: Permission denied"))


# Files whose trouble is what they are, not what they hold: also given by name (discovery differs).
BY_NAME_TOO = {"dir_named.py", "dangling_symlink.py", "symlink_loop.py", "unreadable.py", "syntax_error.py"}


def _sibling_dir(tmp_path: Path, case: Hostile) -> Path:
    case.make(tmp_path / case.name)
    (tmp_path / SIBLING).write_text(MODEL)
    return tmp_path


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.name)
def test_hostile_file_gives_a_clear_message_and_the_sibling_is_still_linted(tmp_path, case):
    directory = _sibling_dir(tmp_path, case)
    by_name = case.name in BY_NAME_TOO
    for args in ((".",), (case.name, SIBLING)) if by_name else ((".",),):
        proc = command(*args, cwd=directory, timeout=60)
        no_traceback(proc)
        assert SIBLING_FINDING in proc.stdout, proc.stdout + proc.stderr
        if case.cli_error is None:
            assert proc.returncode == 1 and proc.stderr == "", proc.stderr
        else:
            assert proc.returncode == 2, proc.stderr
            assert case.cli_error.lower() in proc.stderr.lower(), proc.stderr
            assert all(": cannot " in line for line in proc.stderr.splitlines()), "one line per file, with the reason"
        if case.cli_finding:
            assert case.cli_finding in proc.stdout, proc.stdout


@pytest.mark.parametrize("case", [c for c in HOSTILE if c.flake8 is not None], ids=lambda c: c.name)
def test_hostile_file_under_flake8_never_aborts_the_run(tmp_path, case):
    directory = _sibling_dir(tmp_path, case)
    proc = flake8("-j", "1", "--select", "MPR,E9", "--extend-select", "MPR9", ".", cwd=directory, timeout=60)
    no_traceback(proc)
    assert f"./{SIBLING_FINDING}" in proc.stdout, proc.stdout + proc.stderr
    reported = [line for line in proc.stdout.splitlines() if line.startswith(f"./{case.name}:")]
    if case.flake8 == ANY:
        pass
    elif case.flake8:
        assert any(case.flake8 in line for line in reported), proc.stdout
    else:
        assert reported == [], proc.stdout
    assert not any("internal error" in line for line in reported), proc.stdout


def test_deep_nesting_degrades_in_the_plugin_to_a_not_analysed_finding():
    from flake8_nnparam.plugin import NNParamChecker

    class AllCodes(NNParamChecker):
        selected = frozenset({"MPR999"})

    source = deep_binop()
    results = list(AllCodes(ast.parse(source), source.splitlines(keepends=True)).run())
    assert [(line, msg.split()[0]) for line, _, msg, _ in results] == [(1, "MPR999")]
    assert "nesting too deep" in results[0][2]
    assert list(NNParamChecker(ast.parse(source), source.splitlines(keepends=True)).run()) == []  # off by default


def test_hundred_thousand_line_file_finishes_in_reasonable_time(tmp_path):
    source = hundred_thousand_lines()
    assert source.count("\n") >= 100_000
    (tmp_path / "huge.py").write_text(source)
    (tmp_path / SIBLING).write_text(MODEL)
    last_line = source.count("\n") - len(MODEL.replace(HEADER, "").splitlines()) + 4
    start = time.monotonic()
    proc = command(".", cwd=tmp_path, timeout=120)
    elapsed = time.monotonic() - start
    no_traceback(proc)
    assert proc.returncode == 1, proc.stderr
    assert proc.stdout.splitlines()[0].startswith(f"./huge.py:{last_line}:9: MPR002"), proc.stdout[:300]
    assert SIBLING_FINDING in proc.stdout
    assert elapsed < 60, f"{elapsed:.1f}s for a 100,000-line file"


def test_fifo_is_skipped_not_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.py")
    (tmp_path / SIBLING).write_text(MODEL)
    try:
        proc = command(".", cwd=tmp_path, timeout=5)
    except subprocess.TimeoutExpired:
        pytest.fail("the command hung on a FIFO")
    no_traceback(proc)
    assert SIBLING_FINDING in proc.stdout


def test_directory_named_like_a_python_file_given_explicitly_is_walked(tmp_path):
    _directory(tmp_path / "x.py")
    proc = command("x.py", cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 1 and "x.py/inner.py:8:9: MPR002" in proc.stdout, proc.stdout + proc.stderr


# --- libcst rejects what Python accepts -----------------------------------------------


def test_fix_of_a_file_libcst_rejects_is_fixed_like_any_other(tmp_path):
    # Fixes are text edits the engine computes on Python's ast: a file libcst rejects is no obstacle.
    source = module_with(LIBCST_REJECTS)
    (tmp_path / "m.py").write_text(source)
    (tmp_path / SIBLING).write_text(MODEL)
    proc = command("--fix", ".", cwd=tmp_path)
    no_traceback(proc)
    assert "register_buffer" in (tmp_path / "m.py").read_text()
    assert "register_buffer" in (tmp_path / SIBLING).read_text()
    assert proc.returncode == 0, proc.stderr


def test_apply_fixes_on_a_file_libcst_rejects():
    source = module_with(LIBCST_REJECTS)
    findings = analyze(ast.parse(source), source)
    assert findings and findings[0].fix is not None
    result = apply_fixes(source, findings)
    assert result.applied and not result.skipped and "register_buffer" in result.source


# --- writing fixes safely --------------------------------------------------------------


def _expected_fix(source: str) -> str:
    return apply_fixes(source, analyze(ast.parse(source), source)).source


@pytest.mark.parametrize(
    "name, data, mode",
    [
        ("lf.py", MODEL.encode(), 0o644),
        ("crlf.py", MODEL.replace("\n", "\r\n").encode(), 0o600),
        ("mixed.py", MODEL.replace("\n", "\r\n", 6).encode(), 0o755),
        ("bom.py", b"\xef\xbb\xbf" + MODEL.encode(), 0o640),
        ("latin1.py", ("# -*- coding: latin-1 -*-\n" + MODEL.replace("x @ self.mask", "x @ self.mask  # \xe9")).encode("latin-1"), 0o664),
        ("no_final_newline.py", MODEL.rstrip("\n").encode(), 0o644),
    ],
)
def test_fix_replaces_atomically_keeping_mode_encoding_and_line_endings(tmp_path, name, data, mode):
    path = tmp_path / name
    path.write_bytes(data)
    os.chmod(path, mode)
    text, encoding = decode_source(data)
    expected = _expected_fix(text).encode(encoding)
    assert expected != data
    if data.startswith(b"\xef\xbb\xbf"):
        assert encoding == "utf-8-sig"
    proc = command("--fix", name, cwd=tmp_path)
    no_traceback(proc)
    assert proc.returncode == 0, proc.stderr
    assert path.read_bytes() == expected
    assert stat.S_IMODE(os.stat(path).st_mode) == mode
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != CACHE_DIR_NAME) == [name], "no temporary file left behind"
    old_lines, new_lines = data.splitlines(keepends=True), expected.splitlines(keepends=True)
    endings = lambda lines: [line[len(line.rstrip(b"\r\n")):] for line in lines]  # noqa: E731
    assert endings(new_lines)[: len(old_lines) - 1] == endings(old_lines)[:-1]


def test_file_changed_between_read_and_write_is_not_overwritten(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(MODEL)
    source = read_source(str(path))
    edited = MODEL + "# edited by someone else meanwhile\n"
    path.write_text(edited)
    settings = Settings(Selection(), frozenset(), "register_buffer", "fix")
    report = check_source(source, frozenset(), settings)
    assert path.read_text() == edited
    assert report.fixed == 0 and report.findings
    assert len(report.errors) == 1 and "changed on disk" in report.errors[0] and "not fixed" in report.errors[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != CACHE_DIR_NAME) == ["m.py"]


@pytest.mark.parametrize("step", ["os.fsync", "os.chmod", "os.replace"])
def test_interrupt_at_any_step_of_the_write_leaves_the_old_file(tmp_path, monkeypatch, step):
    path = tmp_path / "m.py"
    path.write_text(MODEL)
    source = read_source(str(path))
    module, _, func = step.partition(".")

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(f"flake8_nnparam.fix.os.{func}", interrupted)
    settings = Settings(Selection(), frozenset(), "register_buffer", "fix")
    with pytest.raises(KeyboardInterrupt):
        check_source(source, frozenset(), settings)
    monkeypatch.undo()
    assert path.read_text() == MODEL
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != CACHE_DIR_NAME) == ["m.py"], "temporary file left behind"


def test_write_failure_is_reported_per_file_and_the_others_are_fixed(tmp_path, monkeypatch):
    (tmp_path / "a.py").write_text(MODEL)
    (tmp_path / "b.py").write_text(MODEL)
    import tempfile

    real_mkstemp = tempfile.mkstemp

    def mkstemp(*args, **kwargs):
        if kwargs.get("dir") == str(tmp_path / "ro"):
            raise PermissionError(13, "Permission denied")
        return real_mkstemp(*args, **kwargs)

    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "c.py").write_text(MODEL)
    monkeypatch.setattr("flake8_nnparam.fix.tempfile.mkstemp", mkstemp)
    settings = Settings(Selection(), frozenset(), "register_buffer", "fix")
    errors = []
    for name in ("a.py", "ro/c.py", "b.py"):
        report = check_source(read_source(str(tmp_path / name)), frozenset(), settings)
        errors += report.errors
    assert errors == [f"{tmp_path / 'ro/c.py'}: not fixed: cannot write: Permission denied"]
    assert (tmp_path / "ro" / "c.py").read_text() == MODEL
    assert "register_buffer" in (tmp_path / "a.py").read_text() and "register_buffer" in (tmp_path / "b.py").read_text()


@pytest.mark.skipif(IS_ROOT, reason="root may create files in a read-only directory")
def test_read_only_directory_is_reported(tmp_path):
    (tmp_path / "ro").mkdir()
    (tmp_path / "ro" / "m.py").write_text(MODEL)
    os.chmod(tmp_path / "ro", 0o555)
    try:
        proc = command("--fix", "ro", cwd=tmp_path)
    finally:
        os.chmod(tmp_path / "ro", 0o755)
    no_traceback(proc)
    assert proc.returncode == 2 and "ro/m.py: not fixed: cannot write" in proc.stderr
    assert (tmp_path / "ro" / "m.py").read_text() == MODEL


def test_read_only_file_is_reported_not_silently_rewritten(tmp_path):
    path = tmp_path / "m.py"
    path.write_text(MODEL)
    os.chmod(path, 0o444)
    (tmp_path / SIBLING).write_text(MODEL)
    proc = command("--fix", ".", cwd=tmp_path)
    no_traceback(proc)
    assert "register_buffer" in (tmp_path / SIBLING).read_text()
    assert "m.py" in proc.stderr and proc.returncode == 2, proc.stderr
    assert path.read_text() == MODEL


def test_fix_through_a_symlink_fixes_the_target_and_keeps_the_link(tmp_path):
    (tmp_path / "real.py").write_text(MODEL)
    os.symlink("real.py", tmp_path / "link.py")
    proc = command("--fix", "link.py", cwd=tmp_path)
    no_traceback(proc)
    assert (tmp_path / "link.py").is_symlink()
    assert "register_buffer" in (tmp_path / "real.py").read_text()


def test_symlink_loop_given_by_name_reports_the_real_reason(tmp_path):
    _symlink_loop(tmp_path / "loop.py")
    proc = command("loop.py", cwd=tmp_path)
    no_traceback(proc)
    assert "loop.py: cannot read: broken symlink or symlink loop" in proc.stderr, proc.stderr


def _many_files(directory: Path, count: int) -> dict[Path, tuple[str, str]]:
    sources = {}
    body = "\n".join(f"        self.t{i} = torch.ones(n)" for i in range(40))
    uses = " + ".join(f"self.t{i}" for i in range(40))
    for i in range(count):
        source = HEADER + (
            f"class M{i}(nn.Module):\n    def __init__(self, n=3):\n        super().__init__()\n{body}\n\n"
            f"    def forward(self, x):\n        return x + {uses}\n"
        )
        path = directory / f"m{i:04d}.py"
        path.write_text(source)
        sources[path] = source
    fixed = _expected_fix(next(iter(sources.values())))
    return {p: (s, _expected_fix(s) if i < 1 else fixed.replace("class M0(", f"class M{i}(")) for i, (p, s) in enumerate(sources.items())}


def _interrupt_fix_run(directory: Path, files: dict[Path, tuple[str, str]], jobs: str):
    """Start ``--fix`` over ``directory``, Ctrl-C its process group once the first file is fixed.

    (exit status or None if it hung and was killed, stderr)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "flake8_nnparam", "--no-config", "--fix", "-j", jobs, "."],
        cwd=directory,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=clean_env(),
        start_new_session=True,  # a terminal's Ctrl-C reaches the whole process group
    )
    first = min(files)
    deadline = time.monotonic() + 60
    while files[first][0] == first.read_text() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(proc.pid, signal.SIGINT)
    try:
        _, stderr = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        _, stderr = proc.communicate()
        return None, stderr.decode(errors="replace")
    return proc.returncode, stderr.decode(errors="replace")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_sigint_mid_fix_leaves_every_file_fully_old_or_fully_new(tmp_path, jobs):
    files = _many_files(tmp_path, 150)
    _interrupt_fix_run(tmp_path, files, jobs)
    states = {"old": 0, "new": 0}
    for path, (old, new) in files.items():
        text = path.read_text()
        assert text in (old, new), f"{path.name} is neither the original nor the fixed version"
        ast.parse(text)
        states["old" if text == old else "new"] += 1
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in {f.name for f in files} | {CACHE_DIR_NAME}]
    assert leftovers == [], f"temporary files left behind: {leftovers}"
    assert states["new"] >= 1


def test_sigint_stops_a_serial_fix_run_with_exit_130(tmp_path):
    files = _many_files(tmp_path, 150)
    returncode, stderr = _interrupt_fix_run(tmp_path, files, "1")
    assert "Traceback" not in stderr, stderr
    assert returncode == 130 and stderr.strip().endswith("flake8-nnparam: interrupted"), (returncode, stderr[:2000])
    assert sum(path.read_text() == new for path, (_, new) in files.items()) < len(files)


def test_sigint_in_parallel_run_stops_cleanly(tmp_path):
    files = _many_files(tmp_path, 150)
    returncode, stderr = _interrupt_fix_run(tmp_path, files, "2")
    assert returncode == 130, "the command hung after Ctrl-C" if returncode is None else stderr
    assert "Traceback" not in stderr, stderr


# --- parallel runs give the same findings ------------------------------------------------


@pytest.fixture(scope="module")
def mixed_directory(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mixed")
    for path in FIXTURES.rglob("*.py"):
        target = root / path.relative_to(FIXTURES)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(path.read_bytes())
    hostile = root / "hostile"
    hostile.mkdir()
    for case in HOSTILE:
        if case.flake8 is not None and case.name != "long_line.py":
            case.make(hostile / case.name)
    (root / "pkg").mkdir()
    (root / "pkg" / "base.py").write_text(HEADER + "class Base(nn.Module):\n    pass\n")
    (root / "pkg" / "child.py").write_text(
        "import torch\nfrom pkg.base import Base\n\n\nclass Child(Base):\n    def __init__(self):\n"
        "        super().__init__()\n        self.mask = torch.ones(3)\n"
    )
    return root


def test_flake8_parallel_and_serial_runs_report_the_same(mixed_directory):
    results = {}
    for jobs in ("1", "2"):
        proc = flake8("-j", jobs, "--select", "MPR,E9", "--extend-select", "MPR9", ".", cwd=mixed_directory)
        no_traceback(proc)
        results[jobs] = sorted(proc.stdout.splitlines())
    assert results["1"] == results["2"]
    assert sum(" MPR0" in line for line in results["1"]) >= 20


def test_command_parallel_and_serial_runs_report_the_same(mixed_directory):
    results = {}
    for jobs in ("1", "2"):
        proc = command("-j", jobs, "--select", "MPR,MPR9", "--format", "json", ".", cwd=mixed_directory)
        no_traceback(proc)
        results[jobs] = (proc.returncode, proc.stdout, sorted(proc.stderr.splitlines()))
    assert results["1"] == results["2"]
    assert results["1"][0] == 2  # the hostile files are reported as errors
    assert '"path": "./pkg/child.py"' in results["1"][1]  # project-wide resolution survives -j


@pytest.mark.parametrize("mode", ["lint", "diff"])
def test_a_linted_file_leaves_no_reference_cycles_behind(tmp_path, mode):
    """The command and the plugin pause the garbage collector while a file is analysed
    (detection/parsing.py), and the command then freezes what survives the file: that is only sound while
    the analysis (and, with --fix or --diff, the fix) frees everything it builds by reference counting.
    A cycle (a cache on a node that holds the node, a walker whose bound method the inference keeps)
    would keep the file's whole tree alive until a collector pass, or for the whole run once frozen.
    Checked on every fixture, in a project with cross-file resolution, so both the per-file analysis and
    the index's summaries count."""
    import gc
    import shutil

    from flake8_nnparam.detection.project import ProjectIndex

    root = tmp_path / "proj"
    shutil.copytree(FIXTURES / "project", root)
    for folder in ("positive", "negative", "deliberate"):
        shutil.copytree(FIXTURES / folder, root / "netpkg" / f"cases_{folder}")
    paths = sorted(p for p in root.rglob("*.py"))
    settings = Settings(Selection(), frozenset(), "register_buffer", mode, use_cache=False, unsafe_fixes=True)
    ProjectIndex.forget_all()
    gc.collect()
    gc.disable()
    try:
        found = fixed = 0
        for path in paths:
            gc.set_debug(gc.DEBUG_SAVEALL)
            index = ProjectIndex.for_file(str(path), cwd=str(root), use_cache=False)
            report = check_source(read_source(str(path)), frozenset(), settings, index)
            found += len(report.findings)
            fixed += report.fixed
            del report
            gc.collect()
            leaked = [type(o).__name__ for o in gc.garbage]
            gc.garbage.clear()
            gc.set_debug(0)
            assert not leaked, f"{path.relative_to(root)} left reference cycles: {sorted(set(leaked))[:10]}"
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
        ProjectIndex.forget_all()
    assert found > 20  # the fixtures' findings were really analysed
    assert mode == "lint" or fixed > 20  # and, in diff mode, really fixed


def test_the_command_freezes_what_a_file_leaves_and_restores_the_collector(tmp_path):
    """check_worker (the command's per-file job, also in -j workers) analyses with the collector paused,
    then moves the survivors to the permanent generation so later passes never rescan them, and leaves
    the collector enabled or disabled as it found it."""
    import gc

    from flake8_nnparam.command.runner import check_worker
    from flake8_nnparam.detection.project import ProjectIndex

    path = tmp_path / "model.py"
    path.write_text(HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
                    "        self.mask = torch.ones(3)\n\n    def forward(self, x):\n        return x * self.mask\n")
    settings = Settings(Selection(), frozenset(), "register_buffer", "lint", use_cache=False)
    ProjectIndex.forget_all()
    gc.unfreeze()
    try:
        for enabled in (True, False):
            (gc.enable if enabled else gc.disable)()
            report = check_worker((str(path), "model.py", settings))
            assert [f.code for f in report.findings] == ["MPR002"]
            assert gc.isenabled() is enabled
            assert gc.get_freeze_count() > 0
            gc.unfreeze()
    finally:
        gc.unfreeze()
        gc.enable()
        ProjectIndex.forget_all()
