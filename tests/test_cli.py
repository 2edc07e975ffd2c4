"""End-to-end runs of the real command in a subprocess: ``python -m flake8_nnparam``."""

import json
import os
import re
import shutil
import subprocess
import sys
import textwrap

import pytest

from flake8_nnparam import fix
from flake8_nnparam.command.args import BUFFER_STYLES
from flake8_nnparam.detection import RULES

from .conftest import FIXTURES, HEADER, MASK_AND_WEIGHT_MODEL, clean_env, run_command

BUFFER_MODEL = MASK_AND_WEIGHT_MODEL
CLEAN_MODEL = HEADER + textwrap.dedent(
    """\
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)
    """
)
TEXT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+):(?P<col>\d+): (?P<code>MPR\d{3}) ")


def run(*args, cwd, stdin: bytes | None = None):
    return run_command(*args, cwd=cwd, text=False, input=stdin)


def out(proc) -> str:
    return proc.stdout.decode()


def err(proc) -> str:
    return proc.stderr.decode()


def codes(proc) -> list[tuple[str, int, str]]:
    found = []
    for line in out(proc).splitlines():
        m = TEXT_LINE.match(line)
        assert m, line
        found.append((m["path"], int(m["line"]), m["code"]))
    return found


@pytest.fixture
def project(tmp_path):
    (tmp_path / "model.py").write_text(BUFFER_MODEL)
    (tmp_path / "clean.py").write_text(CLEAN_MODEL)
    return tmp_path


# --- exit codes and text output ---------------------------------------------------------


def test_clean_file_exits_0(project):
    proc = run("clean.py", cwd=project)
    assert proc.returncode == 0, err(proc)
    assert out(proc) == ""


def test_findings_exit_1_with_flake8_style_lines(project):
    proc = run(".", cwd=project)
    assert proc.returncode == 1, err(proc)
    assert codes(proc) == [("./model.py", 8, "MPR002"), ("./model.py", 9, "MPR001")]
    assert ":8:9: MPR002 self.mask" in out(proc)  # 1-based column, as flake8 prints it
    assert err(proc) == ""


def test_output_sorted_by_path_then_line(tmp_path):
    for name in ("b.py", "a.py", "sub/c.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(BUFFER_MODEL)
    proc = run(".", cwd=tmp_path)
    found = [(p, line) for p, line, _ in codes(proc)]
    assert found == sorted(found)
    assert {p for p, _ in found} == {"./a.py", "./b.py", "./sub/c.py"}


def test_usage_errors_exit_2(project):
    assert run(cwd=project).returncode == 2
    proc = run("--select", "not-a-code", "model.py", cwd=project)
    assert proc.returncode == 2 and "not a code" in err(proc)
    assert run("--format", "xml", "model.py", cwd=project).returncode == 2
    proc = run("missing.py", cwd=project)
    assert proc.returncode == 2 and "missing.py" in err(proc)


def test_skips_virtualenv_build_and_hidden_dirs_and_honours_exclude(tmp_path):
    for d in (".venv", "venv", "build", "dist", ".hidden", "node_modules", "__pycache__", "pkg", "gen"):
        (tmp_path / d).mkdir()
        (tmp_path / d / "m.py").write_text(BUFFER_MODEL)
    (tmp_path / "pkg" / "notes.txt").write_text("self.x = torch.ones(3)\n")
    proc = run(".", "--exclude", "gen", cwd=tmp_path)
    assert {p for p, _, _ in codes(proc)} == {"./pkg/m.py"}


def _tree(root, names):
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(BUFFER_MODEL)


def test_gitignore_nested_negation_and_directory_patterns(tmp_path):
    (tmp_path / ".git").mkdir()  # the project root: rules start here even when a subdirectory is linted
    (tmp_path / ".git" / "info").mkdir()
    (tmp_path / ".git" / "info" / "exclude").write_text("local_only.py\n")
    (tmp_path / ".gitignore").write_text("gen/\n*_pb2.py\n/top_only.py\nsrc/vendor/*\n!src/vendor/kept.py\n")
    (tmp_path / "src" / "pkg").mkdir(parents=True)
    (tmp_path / "src" / "pkg" / ".gitignore").write_text("scratch_*.py\n!scratch_keep.py\n")
    _tree(tmp_path, [
        "top_only.py", "src/top_only.py", "src/gen/m.py", "src/a_pb2.py", "src/local_only.py",
        "src/vendor/dropped.py", "src/vendor/kept.py", "src/pkg/scratch_1.py", "src/pkg/scratch_keep.py",
        "src/pkg/model.py",
    ])
    expected = {"src/top_only.py", "src/vendor/kept.py", "src/pkg/scratch_keep.py", "src/pkg/model.py"}
    assert {p for p, _, _ in codes(run(".", cwd=tmp_path))} == {f"./{n}" for n in expected}
    # linting a subdirectory still applies the root's .gitignore (paths are relative to where each file sits)
    assert {p for p, _, _ in codes(run("src", cwd=tmp_path))} == {n for n in expected if n.startswith("src/")}
    assert {p for p, _, _ in codes(run(".", cwd=tmp_path / "src" / "pkg"))} == {"./scratch_keep.py", "./model.py"}


def test_gitignored_file_named_on_the_command_line_is_linted(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / ".gitignore").write_text("*_pb2.py\ngen/\n")
    _tree(tmp_path, ["a_pb2.py", "gen/m.py", "gen/sub/m.py", "b.py"])
    (tmp_path / "gen" / ".gitignore").write_text("sub/\n")
    assert {p for p, _, _ in codes(run(".", cwd=tmp_path))} == {"./b.py"}
    assert {p for p, _, _ in codes(run("a_pb2.py", "gen/m.py", cwd=tmp_path))} == {"a_pb2.py", "gen/m.py"}
    # as ruff: a named directory is walked, and the .gitignore files inside it still apply
    assert {p for p, _, _ in codes(run("gen", cwd=tmp_path))} == {"gen/m.py"}


def test_no_respect_gitignore_flag_and_config_key(tmp_path):
    (tmp_path / ".gitignore").write_text("ignored.py\n")
    _tree(tmp_path, ["ignored.py", "b.py"])
    assert {p for p, _, _ in codes(run(".", cwd=tmp_path))} == {"./b.py"}
    assert {p for p, _, _ in codes(run("--no-respect-gitignore", ".", cwd=tmp_path))} == {"./b.py", "./ignored.py"}
    (tmp_path / "pyproject.toml").write_text("[tool.flake8-nnparam]\nrespect-gitignore = false\n")
    assert {p for p, _, _ in codes(run(".", cwd=tmp_path))} == {"./b.py", "./ignored.py"}
    assert {p for p, _, _ in codes(run("--respect-gitignore", ".", cwd=tmp_path))} == {"./b.py"}
    (tmp_path / "pyproject.toml").write_text('[tool.flake8-nnparam]\nrespect-gitignore = "no"\n')
    proc = run(".", cwd=tmp_path)
    assert proc.returncode == 2 and "respect-gitignore" in err(proc)


def test_default_skips_still_apply_without_a_gitignore(tmp_path):
    _tree(tmp_path, [".venv/m.py", "build/m.py", "pkg.egg-info/m.py", "pkg/m.py"])
    assert {p for p, _, _ in codes(run("--no-respect-gitignore", ".", cwd=tmp_path))} == {"./pkg/m.py"}


def test_stdin_with_display_name(project):
    proc = run("-", "--stdin-filename", "pkg/model.py", cwd=project, stdin=BUFFER_MODEL.encode())
    assert proc.returncode == 1
    assert [c for _, _, c in codes(proc)] == ["MPR002", "MPR001"]
    assert out(proc).startswith("pkg/model.py:8:9: MPR002")
    proc = run("-", cwd=project, stdin=CLEAN_MODEL.encode())
    assert proc.returncode == 0


def test_stdin_fix_writes_fixed_source_to_stdout(project):
    proc = run("-", "--fix", cwd=project, stdin=BUFFER_MODEL.encode())
    assert 'self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)' in out(proc)
    assert "self.w = torch.randn(n, n, requires_grad=True)" in out(proc)  # unsafe: held back
    assert "1 unsafe fix(es) held back" in err(proc) and proc.returncode == 1
    proc = run("-", "--fix", "--unsafe-fixes", cwd=project, stdin=BUFFER_MODEL.encode())
    assert "self.w = nn.Parameter(torch.randn(n, n, requires_grad=True))" in out(proc)
    assert proc.returncode == 0


# --- formats ----------------------------------------------------------------------------


def test_json_format(project):
    proc = run("--format", "json", "model.py", cwd=project)
    data = json.loads(out(proc))
    assert [(d["path"], d["line"], d["column"], d["code"]) for d in data] == [
        ("model.py", 8, 9, "MPR002"),
        ("model.py", 9, 9, "MPR001"),
    ]
    assert all(d["message"].startswith(d["code"]) and d["fixable"] for d in data)
    assert json.loads(out(run("--format", "json", "clean.py", cwd=project))) == []


def test_github_format(project):
    proc = run("--format", "github", "model.py", cwd=project)
    lines = out(proc).splitlines()
    assert len(lines) == 2
    assert re.match(r"^::warning file=model\.py,line=8,col=9,title=MPR002::MPR002 self\.mask ", lines[0])


def test_sarif_format(project):
    proc = run("--format", "sarif", "model.py", cwd=project)
    assert proc.returncode == 1
    log = json.loads(out(proc))
    assert log["version"] == "2.1.0" and "sarif" in log["$schema"]
    (run_,) = log["runs"]
    driver = run_["tool"]["driver"]
    assert driver["name"] == "flake8-nnparam"
    assert [r["id"] for r in driver["rules"]] == [r.code for r in RULES]
    for rule in driver["rules"]:
        assert rule["shortDescription"]["text"] and rule["fullDescription"]["text"]
        assert rule["defaultConfiguration"]["level"] in ("none", "note", "warning", "error")
    results = run_["results"]
    assert [r["ruleId"] for r in results] == ["MPR002", "MPR001"]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
        assert result["message"]["text"].startswith(result["ruleId"])
        (location,) = result["locations"]
        region = location["physicalLocation"]["region"]
        assert location["physicalLocation"]["artifactLocation"]["uri"] == "model.py"
        assert region["startLine"] >= 1 and region["startColumn"] >= 1
    _validate_sarif_if_possible(log)


def _validate_sarif_if_possible(log):
    """Full schema validation when a SARIF model package happens to be installed."""
    try:
        from sarif_pydantic import Sarif  # type: ignore[import-not-found]
    except ImportError:
        return
    Sarif.model_validate(log)


# --- diff and fix -----------------------------------------------------------------------


def test_diff_prints_unified_diff_and_note_without_writing(project):
    before = (project / "model.py").read_bytes()
    proc = run("--diff", "model.py", cwd=project)
    assert proc.returncode == 1
    text = out(proc)
    assert "--- a/model.py\n+++ b/model.py\n" in text
    assert '+        self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)\n' in text
    assert "-        self.mask = torch.tril(torch.ones(n, n))\n" in text
    assert "nn.Parameter" not in text and "# 1 unsafe fix(es) held back" in text
    unsafe = out(run("--diff", "--unsafe-fixes", "model.py", cwd=project))
    assert "+        self.w = nn.Parameter(torch.randn(n, n, requires_grad=True))\n" in unsafe
    note = unsafe[: unsafe.index("--- a/")].replace("\n# ", " ")
    assert "model.py:9: adds the Parameter 'w'" in note and "strict=False" in note and "fresh initialisation" in note
    assert (project / "model.py").read_bytes() == before
    patch = text[text.index("--- a/"):]
    if shutil.which("patch"):
        subprocess.run(["patch", "-p1", "-s"], input=patch.encode(), cwd=project, check=True)
        assert "register_buffer" in (project / "model.py").read_text()


def test_fix_applies_and_second_run_is_a_no_op(project):
    os.chmod(project / "model.py", 0o640)
    proc = run("--fix", "--unsafe-fixes", ".", cwd=project)
    assert proc.returncode == 0, err(proc)
    assert "fixed 2 finding(s) in 1 file(s): 1 safe, 1 unsafe" in err(proc)
    assert "unsafe: ./model.py:9: adds the Parameter 'w'" in err(proc)
    fixed = (project / "model.py").read_bytes()
    assert b"nn.Parameter(torch.randn(n, n, requires_grad=True))" in fixed
    assert os.stat(project / "model.py").st_mode & 0o777 == 0o640
    proc = run("--fix", "--unsafe-fixes", ".", cwd=project)
    assert proc.returncode == 0 and "fixed" not in err(proc)
    assert (project / "model.py").read_bytes() == fixed
    assert run(".", cwd=project).returncode == 0
    # No temporary file is left behind; the cache directory is the only addition.
    assert sorted(p.name for p in project.iterdir()) == [".nnparam_cache", "clean.py", "model.py"]


def test_fix_keeps_crlf_bom_and_coding_cookie(tmp_path):
    crlf = BUFFER_MODEL.replace("\n", "\r\n").encode()
    (tmp_path / "crlf.py").write_bytes(crlf)
    (tmp_path / "bom.py").write_bytes(b"\xef\xbb\xbf" + BUFFER_MODEL.encode())
    latin = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BUFFER_MODEL).encode("latin-1")
    (tmp_path / "latin.py").write_bytes(latin)
    proc = run("--fix", "--unsafe-fixes", ".", cwd=tmp_path)
    assert proc.returncode == 0, err(proc)
    fixed_crlf = (tmp_path / "crlf.py").read_bytes()
    assert fixed_crlf.count(b"\r\n") == crlf.count(b"\r\n") and b"\n" not in fixed_crlf.replace(b"\r\n", b"")
    assert (tmp_path / "bom.py").read_bytes().startswith(b"\xef\xbb\xbf")
    latin_fixed = (tmp_path / "latin.py").read_bytes()
    assert b"# caf\xe9\n" in latin_fixed and b"register_buffer" in latin_fixed


def test_buffer_style_option(project):
    proc = run("--diff", "--buffer-style", "nn.Buffer", "model.py", cwd=project)
    assert "+        self.mask = nn.Buffer(torch.tril(torch.ones(n, n)), persistent=False)\n" in out(proc)


# --- noqa -------------------------------------------------------------------------------


NOQA_MODEL = HEADER + textwrap.dedent(
    """\
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.a = torch.zeros(n)  # noqa
            self.b = torch.zeros(n)  # noqa: MPR002
            self.c = torch.zeros(n)  # noqa: MPR001
            self.d = torch.zeros(n)  # NOQA:MPR0
            self.e = torch.zeros(n)  # noqa:E501,MPR002
            self.f = torch.zeros(
                n,
            )  # noqa: MPR002
            self.g = torch.zeros(n)

        def forward(self, x):
            return x + self.a + self.b + self.c + self.d + self.e + self.f + self.g
    """
)


def test_noqa_as_flake8(tmp_path):
    (tmp_path / "m.py").write_text(NOQA_MODEL)
    proc = run("m.py", cwd=tmp_path)
    # like flake8, a noqa on the closing line of a bracketed statement does not cover its first line
    assert [line for _, line, _ in codes(proc)] == [10, 13, 16]
    assert run("--disable-noqa", "m.py", cwd=tmp_path).stdout.count(b"MPR002") == 7


def test_noqa_agrees_with_flake8(tmp_path):
    (tmp_path / "m.py").write_text(NOQA_MODEL)
    ours = {line for _, line, _ in codes(run("m.py", cwd=tmp_path))}
    proc = subprocess.run(
        [sys.executable, "-m", "flake8", "--select", "MPR", "m.py"], cwd=tmp_path, capture_output=True, text=True
    )
    theirs = {int(line.split(":")[1]) for line in proc.stdout.splitlines()}
    assert ours == theirs


def test_fix_never_touches_suppressed_lines(tmp_path):
    (tmp_path / "m.py").write_text(NOQA_MODEL)
    run("--fix", "m.py", cwd=tmp_path)
    lines = (tmp_path / "m.py").read_text().splitlines()
    assert lines[7] == "        self.a = torch.zeros(n)  # noqa"
    assert lines[8] == "        self.b = torch.zeros(n)  # noqa: MPR002"
    assert "register_buffer" in lines[9] and any('register_buffer("g"' in line for line in lines)


def test_file_level_noqa(tmp_path):
    (tmp_path / "m.py").write_text("# flake8: noqa\n" + BUFFER_MODEL)
    assert run("m.py", cwd=tmp_path).returncode == 0


# --- select / ignore / config -----------------------------------------------------------

MOVED_MODEL = HEADER + textwrap.dedent(
    """\
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.pe = torch.zeros(16, 4)
            self.mask = torch.ones(4)

        def forward(self, x):
            return x + self.pe.to(x.device) + self.mask
    """
)


@pytest.mark.parametrize(
    "args,expected",
    [
        ((), ["MPR002"]),
        (("--select", "MPR"), ["MPR002"]),
        (("--select", "MPR9"), ["MPR901"]),
        (("--select", "MPR0,MPR901"), ["MPR901", "MPR002"]),
        (("--ignore", "MPR002"), []),
        (("--select", "MPR002", "--ignore", "MPR"), ["MPR002"]),
    ],
)
def test_select_and_ignore(tmp_path, args, expected):
    (tmp_path / "m.py").write_text(MOVED_MODEL)
    assert [c for _, _, c in codes(run(*args, "m.py", cwd=tmp_path))] == expected


def test_config_and_flag_precedence(tmp_path):
    (tmp_path / "pyproject.toml").write_text(
        '[tool.flake8-nnparam]\nselect = ["MPR001"]\nexclude = ["skipped"]\nbuffer-style = "nn.Buffer"\n'
    )
    (tmp_path / "skipped").mkdir()
    (tmp_path / "skipped" / "m.py").write_text(BUFFER_MODEL)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "m.py").write_text(BUFFER_MODEL)
    assert codes(run(".", cwd=tmp_path)) == [("./src/m.py", 9, "MPR001")]
    assert [c for _, _, c in codes(run("--select", "MPR002", ".", cwd=tmp_path))] == ["MPR002"]
    # the config is found from the linted path too, and buffer-style comes from it
    proc = run("--select", "MPR002", "--diff", str(tmp_path / "src"), cwd=tmp_path.parent)
    assert "nn.Buffer(" in out(proc)
    proc = run("--select", "MPR002", "--buffer-style", "register_buffer", "--diff", "src", cwd=tmp_path)
    assert "register_buffer(" in out(proc)
    assert [c for _, _, c in codes(run("--no-config", ".", cwd=tmp_path))] == ["MPR002", "MPR001"] * 2


@pytest.mark.parametrize(
    "args, named",
    [
        (("--select", "XYZ"), "select: 'XYZ' matches no"),
        (("--select", "MPR,E501"), "select: 'E501' matches no"),
        (("--select", "MPR01,MPR08"), "select: 'MPR01', 'MPR08' match no"),
        (("--ignore", "MPR8"), "ignore: 'MPR8' matches no"),
    ],
)
def test_select_or_ignore_entry_matching_no_code_is_a_usage_error(project, args, named):
    proc = run(*args, "model.py", cwd=project)
    assert proc.returncode == 2 and out(proc) == ""
    assert named in err(proc) and "MPR001" in err(proc) and "MPR999" in err(proc)


def test_config_select_matching_no_code_is_a_usage_error(project):
    (project / "pyproject.toml").write_text('[tool.flake8-nnparam]\nselect = ["MPR01"]\n')
    proc = run("model.py", cwd=project)
    assert proc.returncode == 2 and "select: 'MPR01' matches no" in err(proc)
    for valid in ("M", "MPR0", "MPR90", "MPR002"):
        assert run("--select", valid, "model.py", cwd=project).returncode in (0, 1)


def test_bad_config_is_a_usage_error(tmp_path):
    (tmp_path / "pyproject.toml").write_text("[tool.flake8-nnparam]\nselct = ['MPR']\n")
    (tmp_path / "m.py").write_text(BUFFER_MODEL)
    proc = run("m.py", cwd=tmp_path)
    assert proc.returncode == 2 and "selct" in err(proc)


# --- robustness ------------------------------------------------------------------------


def test_unreadable_and_unparsable_files_are_reported_and_others_go_on(tmp_path):
    (tmp_path / "good.py").write_text(BUFFER_MODEL)
    (tmp_path / "broken.py").write_text("class M(nn.Module:\n    def f(self):\n        pass\n")
    (tmp_path / "broken_script.py").write_text("import torch\nprint(torch.ones(2)\n")  # could hold no finding
    (tmp_path / "binary.py").write_bytes(b"x = '\xff\xfe'\n")
    (tmp_path / "dangling.py").symlink_to(tmp_path / "nowhere.py")
    (tmp_path / "deep.py").write_text("x = " + "(" * 300 + ")" * 300 + "\n")
    proc = run(".", cwd=tmp_path)
    assert proc.returncode == 2
    assert {p for p, _, _ in codes(proc)} == {"./good.py"}
    stderr = err(proc)
    assert "Traceback" not in stderr
    assert re.search(r"^\./broken\.py: cannot analyse: SyntaxError", stderr, re.M)
    assert "broken_script.py" not in stderr  # no `self`: no finding whatever its tree, so it is not even parsed
    assert "binary.py" not in stderr  # not UTF-8: read as latin-1, as flake8 reads it
    assert re.search(r"^\./dangling\.py: cannot read", stderr, re.M)


# Not UTF-8, no coding cookie: a latin-1 e-acute in a comment, another in a string before a finding.
NOT_UTF8_MODEL = b"# caf\xe9\n" + BUFFER_MODEL.encode().replace(
    b"        self.w = ", b'        label = "\xe9\xe9"; self.t = torch.ones(n)\n        self.w = '
).replace(b"return x @ self.mask @ self.w", b"return x @ self.mask @ self.w + self.t")


def test_undecodable_file_gives_the_same_findings_as_flake8(tmp_path):
    """flake8 reads a file that is not valid in its encoding as latin-1; so does the command."""
    (tmp_path / "m.py").write_bytes(NOT_UTF8_MODEL)
    with pytest.raises(UnicodeDecodeError):
        NOT_UTF8_MODEL.decode("utf-8")
    ours = run("m.py", cwd=tmp_path)
    assert ours.returncode == 1 and err(ours) == ""
    theirs = subprocess.run(
        [sys.executable, "-m", "flake8", "--isolated", "--select", "MPR", "m.py"],
        cwd=tmp_path, capture_output=True, env=clean_env(),
    )
    assert theirs.returncode == 1, theirs.stderr
    as_flake8 = [line.split(" ", 2)[:2] for line in theirs.stdout.decode("latin-1").splitlines()]
    assert [line.split(" ", 2)[:2] for line in out(ours).splitlines()] == as_flake8
    assert [code for _, code in as_flake8] == ["MPR002", "MPR002", "MPR001"]
    assert as_flake8[1][0] == "m.py:10:25:"  # the column is counted the same way after non-ASCII text


def test_undecodable_file_is_never_fixed(tmp_path):
    (tmp_path / "m.py").write_bytes(NOT_UTF8_MODEL)
    for mode in ("--fix", "--diff"):
        proc = run(mode, "m.py", cwd=tmp_path)
        assert proc.returncode == 2
        assert "m.py: cannot fix: not valid in its declared encoding or UTF-8 (" in err(proc)
        assert "latin-1" in err(proc) and len(err(proc).splitlines()) == 1
        assert "---" not in out(proc)
        assert (tmp_path / "m.py").read_bytes() == NOT_UTF8_MODEL
    proc = run("-", "--fix", cwd=tmp_path, stdin=NOT_UTF8_MODEL)
    assert proc.stdout == NOT_UTF8_MODEL and proc.returncode == 2  # passed through byte for byte


def test_stdin_fix_keeps_the_coding_cookie_encoding(tmp_path):
    latin = ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + BUFFER_MODEL).encode("latin-1")
    proc = run("-", "--fix", "--unsafe-fixes", cwd=tmp_path, stdin=latin)
    assert proc.returncode == 0, err(proc)
    assert proc.stdout.startswith(b"# -*- coding: latin-1 -*-\n# caf\xe9\n") and b"register_buffer" in proc.stdout
    unfixable = latin + b"def broken(:\n"  # a syntax error: passes through unchanged
    assert run("-", "--fix", cwd=tmp_path, stdin=unfixable).stdout == unfixable


def test_parallel_output_identical_to_serial(tmp_path):
    shutil.copytree(FIXTURES / "positive", tmp_path / "positive")
    shutil.copytree(FIXTURES / "deliberate", tmp_path / "deliberate")
    serial = run("-j", "1", "--select", "MPR", ".", cwd=tmp_path)
    parallel = run("-j", "2", "--select", "MPR", ".", cwd=tmp_path)
    assert serial.returncode == parallel.returncode == 1
    assert out(serial) == out(parallel) and out(serial).count("\n") > 20
    assert err(serial) == err(parallel) == ""


def test_no_progress_output_when_stderr_is_not_a_tty(tmp_path):
    for i in range(12):
        (tmp_path / f"m{i}.py").write_text(CLEAN_MODEL)
    proc = run(".", cwd=tmp_path)
    assert proc.returncode == 0 and err(proc) == ""


# --- project-wide class resolution -----------------------------------------------------


def _write(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text))


def test_bases_from_other_files_are_resolved(tmp_path):
    _write(
        tmp_path,
        {
            "models/__init__.py": "from .base import BaseBlock\n",
            "models/base.py": """\
                from torch import nn

                class BaseBlock(nn.Module):
                    pass

                class NotAModule:
                    pass
            """,
            "models/block.py": """\
                import torch
                from .base import BaseBlock, NotAModule

                class Block(BaseBlock):
                    def __init__(self):
                        super().__init__()
                        self.t = torch.ones(3)

                    def forward(self, x):
                        return x + self.t

                class Plain(NotAModule):
                    def __init__(self):
                        self.t = torch.ones(3)
            """,
            "models/deeper.py": """\
                import torch
                from models.block import Block

                class Deeper(Block):
                    def __init__(self):
                        super().__init__()
                        self.u = torch.ones(3)

                    def forward(self, x):
                        return x + self.u
            """,
            "app.py": """\
                import torch
                import models
                import models.base as mb

                class ViaPackage(models.BaseBlock):
                    def __init__(self):
                        super().__init__()
                        self.v = torch.ones(3)

                    def forward(self, x):
                        return x + self.v

                class ViaAlias(mb.BaseBlock):
                    def __init__(self):
                        super().__init__()
                        self.w = torch.ones(3)

                    def forward(self, x):
                        return x + self.w
            """,
        },
    )
    found = {(p, line) for p, line, _ in codes(run(".", cwd=tmp_path))}
    assert found == {("./models/block.py", 7), ("./models/deeper.py", 7), ("./app.py", 8), ("./app.py", 16)}
    # linted alone (pre-commit passes only the changed files), the base is read from disk
    assert [line for _, line, _ in codes(run("models/block.py", cwd=tmp_path))] == [7]
    assert [line for _, line, _ in codes(run("--no-cache", "models/block.py", cwd=tmp_path))] == [7]
    # the plugin's option, given on the command line, names a base the project cannot show
    (tmp_path / "models" / "base.py").write_text("class BaseBlock:\n    pass\n")
    assert run("--no-cache", "models/block.py", cwd=tmp_path).returncode == 0
    proc = run("--module-bases", "BaseBlock", "models/block.py", cwd=tmp_path)
    assert [line for _, line, _ in codes(proc)] == [7]


def test_buffer_styles_are_the_packages():
    import flake8_nnparam

    assert BUFFER_STYLES == flake8_nnparam.BUFFER_STYLES


def test_console_script(project):
    script = os.path.join(os.path.dirname(sys.executable), "flake8-nnparam")
    if not os.path.exists(script):
        pytest.skip("console script not installed (editable install predates it)")
    proc = subprocess.run([script, "model.py"], cwd=project, capture_output=True)
    assert proc.returncode == 1 and b"MPR002" in proc.stdout


def test_fix_on_stdin_fixes_a_file_libcst_rejects():
    # Fixes are text edits decided by the engine on Python's own ast: no concrete syntax tree to reject it.
    source = BUFFER_MODEL + "x = () if 0 else(lambda:())\n"  # libcst rejects this valid line
    proc = subprocess.run(
        [sys.executable, "-m", "flake8_nnparam", "--fix", "--unsafe-fixes", "-", "--stdin-filename", "m.py"],
        input=source, capture_output=True, text=True, timeout=60,
    )
    assert "nn.Parameter(" in proc.stdout and proc.stdout.endswith("x = () if 0 else(lambda:())\n")
    assert proc.returncode == 0, proc.stderr


def test_a_base_module_alias_in_another_file_is_resolved(tmp_path):
    (tmp_path / "a.py").write_text(HEADER + "Base = nn.Module\n\n\nclass A(Base):\n    pass\n")
    (tmp_path / "b.py").write_text(
        "import torch\nfrom a import A\n\n\nclass B(A):\n    def __init__(self):\n        super().__init__()\n"
        "        self.t = torch.ones(3)\n\n    def forward(self, x):\n        return x + self.t\n"
    )
    proc = run(".", cwd=tmp_path)
    assert [(p, line, code) for p, line, code in codes(proc)] == [("./b.py", 8, "MPR002")]


def test_tomli_is_declared_for_python_3_10():
    """``load_config`` imports tomli before Python 3.11: the installed distribution must require it there."""
    from importlib.metadata import requires

    from packaging.requirements import Requirement

    reqs = [Requirement(r) for r in requires("flake8-nnparam") or ()]
    tomli = [r for r in reqs if r.name == "tomli"]
    assert tomli and tomli[0].marker is not None
    assert tomli[0].marker.evaluate({"python_version": "3.10"}) and not tomli[0].marker.evaluate({"python_version": "3.11"})


# --- explain mode and evidence --------------------------------------------------------------

EXPLAIN_MODEL = HEADER + textwrap.dedent(
    """\
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.mask = torch.tril(torch.ones(n, n))
            self.cache = torch.zeros(1)
            self.order = torch.arange(n).flip(0)

        def forward(self, x):
            if self.cache.shape != x.shape:
                self.cache = torch.zeros_like(x)
            return x[:, self.order].masked_fill(self.mask == 0, 0.0) + self.cache
    """
)


def test_explain_prints_every_candidate_with_its_decision_and_reason(tmp_path):
    (tmp_path / "m.py").write_text(EXPLAIN_MODEL)
    proc = run("--explain", "m.py", cwd=tmp_path)
    assert proc.returncode == 0, err(proc)
    lines = out(proc).splitlines()
    assert lines == [
        "m.py:8:9: M.mask: MPR002 reported: is passed to .masked_fill() of a tensor that follows the module in forward (line 15)",
        "m.py:9:9: M.cache: MPR907 not selected: re-bound in forward (line 14) before its construction value "
        "meets tensors that follow the module",
        "m.py:10:9: M.order: MPR907 not selected: read only as an index, through metadata, in control flow or on "
        "the CPU side",
    ]
    as_json = json.loads(out(run("--explain", "--format", "json", "--select", "MPR,MPR907", "m.py", cwd=tmp_path)))
    assert [(r["attr"], r["code"], r["reported"], r["use_line"]) for r in as_json] == [
        ("mask", "MPR002", True, 15), ("cache", "MPR907", True, None), ("order", "MPR907", True, None),
    ]


def test_json_findings_carry_their_evidence_and_use_line(tmp_path):
    (tmp_path / "m.py").write_text(EXPLAIN_MODEL)
    (finding,) = json.loads(out(run("--format", "json", "m.py", cwd=tmp_path)))
    assert finding["code"] == "MPR002" and finding["use_line"] == 15
    assert finding["evidence"] == "is passed to .masked_fill() of a tensor that follows the module in forward (line 15)"
    assert finding["message"].startswith("MPR002 self.mask " + finding["evidence"] + ": after model.to('cuda')")
