"""Jupyter notebooks: the real command on the fixture notebooks of ``fixtures/notebooks``.

The fixtures (built by ``benchmarks/make_notebooks.py``) hold a model split across cells, IPython
magics and shell escapes, a ``# noqa``, outputs with a base64 image and widget metadata, a cell with a
syntax error, and string sources with Windows line endings in a VS Code-style file (indent 2, its own
key order, no trailing newline).
"""

import json
import re
import shutil
import subprocess
import sys

import pytest

from flake8_nnparam.command.notebooks import CodeCell, _mask, split_lines

from .conftest import FIXTURES, ROOT, clean_env, run_command

NOTEBOOKS = FIXTURES / "notebooks"
CELL_LINE = re.compile(r"^(?P<path>.+?):cell (?P<cell>\d+):(?P<line>\d+):(?P<col>\d+): (?P<code>MPR\d{3}) ")

# (cell, line in cell, column, code): cell numbers count every cell, markdown included, as ruff does.
MODEL_SPLIT = [
    (3, 5, 9, "MPR002"),  # self.mask in Attention
    (5, 4, 9, "MPR003"),  # self.blocks in Encoder(Attention): Attention is a Module from another cell
    (5, 5, 9, "MPR001"),  # self.scale
]
SYNTAX_ERROR = [(3, 4, 9, "MPR002")]
CRLF = [(1, 7, 9, "MPR001"), (1, 8, 9, "MPR002")]


@pytest.fixture
def nbdir(tmp_path):
    for path in NOTEBOOKS.glob("*.ipynb"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


def run(*args, cwd, stdin=None):
    # These tests are about notebook mechanics, so --fix and --diff apply every fix (the safe/unsafe split
    # is tested in test_fix.py and test_cli.py).
    if ("--fix" in args or "--diff" in args) and "--unsafe-fixes" not in args:
        args = (*args, "--unsafe-fixes")
    return run_command(*args, cwd=cwd, input=stdin)


def cell_findings(stdout: str) -> dict[str, list[tuple[int, int, int, str]]]:
    found: dict[str, list] = {}
    for line in stdout.splitlines():
        m = CELL_LINE.match(line)
        assert m, line
        found.setdefault(m["path"], []).append((int(m["cell"]), int(m["line"]), int(m["col"]), m["code"]))
    return found


def code_cells(notebook: dict) -> list[str]:
    return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in notebook["cells"] if c["cell_type"] == "code"]


# --- lint: positions, formats, noqa ----------------------------------------------------------


def test_directory_walk_lints_notebooks_with_cell_positions(nbdir):
    (nbdir / ".ipynb_checkpoints").mkdir()
    shutil.copy(nbdir / "model_split.ipynb", nbdir / ".ipynb_checkpoints" / "model_split-checkpoint.ipynb")
    proc = run(".", cwd=nbdir)
    assert proc.returncode == 2, proc.stderr  # the syntax-error cell is an analysis error
    assert cell_findings(proc.stdout) == {
        "./crlf.ipynb": CRLF,
        "./model_split.ipynb": MODEL_SPLIT,
        "./syntax_error.ipynb": SYNTAX_ERROR,
    }
    assert "./model_split.ipynb:cell 3:5:9: MPR002 self.mask is multiplied (@) with tensors that follow the module in forward (cell 3, line 9)" in proc.stdout
    assert proc.stderr.splitlines() == [
        "./syntax_error.ipynb:cell 2:1: cannot analyse this cell: SyntaxError: invalid syntax; the other cells are linted"
    ]


def test_a_class_from_an_earlier_cell_is_a_module_base(nbdir):
    """Encoder(Attention) is only known as a Module because Attention's cell is analysed with it."""
    notebook = json.loads((nbdir / "model_split.ipynb").read_text())
    encoder = next(c for c in notebook["cells"] if "class Encoder" in "".join(c["source"]))
    alone = dict(notebook, cells=[encoder])
    (nbdir / "alone.ipynb").write_text(json.dumps(alone, indent=1))
    assert run("alone.ipynb", cwd=nbdir).returncode == 0
    assert cell_findings(run("model_split.ipynb", cwd=nbdir).stdout)["model_split.ipynb"] == MODEL_SPLIT


def test_noqa_inside_a_cell(nbdir):
    proc = run("--disable-noqa", "model_split.ipynb", cwd=nbdir)
    assert (3, 6, 9, "MPR002") in cell_findings(proc.stdout)["model_split.ipynb"]  # self.table  # noqa: MPR002
    assert (3, 6, 9, "MPR002") not in cell_findings(run("model_split.ipynb", cwd=nbdir).stdout)["model_split.ipynb"]


def test_json_format_carries_cell_and_line(nbdir):
    proc = run("--format", "json", "model_split.ipynb", "crlf.ipynb", cwd=nbdir)
    rows = json.loads(proc.stdout)
    assert [(r["path"], r["cell"], r["line"], r["column"], r["code"]) for r in rows] == [
        ("crlf.ipynb", *row) for row in CRLF
    ] + [("model_split.ipynb", *row) for row in MODEL_SPLIT]


def test_github_and_sarif_carry_cell_and_line(nbdir):
    lines = run("--format", "github", "model_split.ipynb", cwd=nbdir).stdout.splitlines()
    assert lines[0].startswith("::warning file=model_split.ipynb,line=5,col=9,title=MPR002::cell 3, line 5: MPR002 self.mask")
    assert len(lines) == 3
    log = json.loads(run("--format", "sarif", "model_split.ipynb", cwd=nbdir).stdout)
    results = log["runs"][0]["results"]
    assert [(r["properties"]["cell"], r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in results] == [
        (cell, line, code) for cell, line, _, code in MODEL_SPLIT
    ]
    assert results[0]["message"]["text"].startswith("cell 3, line 5: MPR002")
    from .test_ci_formats import schema_errors

    assert schema_errors(log) == []


def test_stdin_notebook_with_display_name(nbdir):
    data = (nbdir / "crlf.ipynb").read_bytes()
    proc = run_command("-", "--stdin-filename", "nb.ipynb", cwd=nbdir, input=data, text=False)
    assert proc.returncode == 1
    assert cell_findings(proc.stdout.decode()) == {"nb.ipynb": CRLF}
    fixed = run_command("--fix", "--unsafe-fixes", "-", "--stdin-filename", "nb.ipynb", cwd=nbdir, input=data, text=False)
    assert json.loads(fixed.stdout)["cells"][1] == json.loads(data)["cells"][1]
    assert "nn.Parameter(torch.randn(n, n, requires_grad=True))" in code_cells(json.loads(fixed.stdout))[0]


# --- magics ------------------------------------------------------------------------------------


def masked(source: str) -> list[str]:
    cell = CodeCell(1, 0, split_lines(source))
    _mask(cell)
    return cell.lines


@pytest.mark.parametrize(
    "source,expected",
    [
        ("%matplotlib inline\nimport torch\n", ["#\n", "import torch\n"]),
        ("!pip install x\n!!ls\nfiles = !ls\nx, y = %who_ls\n", ["#\n", "#\n", "#\n", "#\n"]),
        ("model?\n??model.forward\nmodel.forward??\n", ["#\n", "#\n", "#\n"]),
        ("for i in range(2):\n    !echo $i\n", ["for i in range(2):\n", "    pass\n"]),
        ("%%time\nx = 1\n", ["#\n", "x = 1\n"]),  # a cell magic whose body is Python
        ("%%bash\nself.mask = 1\n", ["\n", "\n"]),  # not Python: the whole cell is left out
        ("# setup\n%%writefile a.py\nx = 1", ["\n", "\n", ""]),
        ('s = """\n%d items\n!not a shell\n"""\n', ['s = """\n', "%d items\n", "!not a shell\n", '"""\n']),
        ("f(1,\n  %2)\n", ["f(1,\n", "  %2)\n"]),  # inside brackets: Python's modulo
        ("%cd \\\n  /tmp\nx = 1\n", ["#\n", "\n", "x = 1\n"]),  # a continued magic
        ("x = 10 % 3\ny = a if b else c\n", ["x = 10 % 3\n", "y = a if b else c\n"]),
        ("%time y = f()\r\nz = 1\r\n", ["#\r\n", "z = 1\r\n"]),
    ],
)
def test_ipython_escapes_are_masked_keeping_line_numbers(source, expected):
    assert masked(source) == expected


# --- diff and fix ------------------------------------------------------------------------------


def test_diff_is_per_cell_and_writes_nothing(nbdir):
    before = {p.name: p.read_bytes() for p in nbdir.iterdir()}
    proc = run("--diff", "model_split.ipynb", cwd=nbdir)
    assert proc.returncode == 1, proc.stderr
    headers = re.findall(r"^--- (.*)\n\+\+\+ (.*)$", proc.stdout, re.M)
    assert headers == [
        ("a/model_split.ipynb:cell 3", "b/model_split.ipynb:cell 3"),
        ("a/model_split.ipynb:cell 5", "b/model_split.ipynb:cell 5"),
    ]
    assert '+        self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)\n' in proc.stdout
    assert "+        self.blocks = nn.ModuleList([nn.Linear(n, n) for _ in range(depth)])\n" in proc.stdout
    assert {p.name: p.read_bytes() for p in nbdir.iterdir()} == before


def json_string(line: str) -> str:
    return json.dumps(line, ensure_ascii=False)


def test_fix_rewrites_only_the_edited_source_lines(nbdir):
    path = nbdir / "model_split.ipynb"
    before = path.read_text(encoding="utf-8")
    proc = run("--fix", "model_split.ipynb", cwd=nbdir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "fixed 3 finding(s) in 1 file(s)" in proc.stderr
    after = path.read_text(encoding="utf-8")
    edits = {
        "        self.mask = torch.tril(torch.ones(n, n))\n": '        self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)\n',
        "        self.blocks = [nn.Linear(n, n) for _ in range(depth)]\n": "        self.blocks = nn.ModuleList([nn.Linear(n, n) for _ in range(depth)])\n",
        "        self.scale = torch.randn(n, requires_grad=True)\n": "        self.scale = nn.Parameter(torch.randn(n, requires_grad=True))\n",
    }
    expected = before
    for old, new in edits.items():
        assert expected.count(json_string(old)) == 1
        expected = expected.replace(json_string(old), json_string(new))
    assert after == expected  # every other byte: outputs, image, widgets, metadata, indent, é, final newline
    old_nb, new_nb = json.loads(before), json.loads(after)
    for old_cell, new_cell in zip(old_nb["cells"], new_nb["cells"]):
        assert {k: v for k, v in old_cell.items() if k != "source"} == {k: v for k, v in new_cell.items() if k != "source"}
    assert "%matplotlib inline\n" in new_nb["cells"][1]["source"] and "model?\n" in new_nb["cells"][5]["source"]


def test_fix_keeps_crlf_string_sources_key_order_and_missing_final_newline(nbdir):
    path = nbdir / "crlf.ipynb"
    before = path.read_bytes()
    proc = run("--fix", "crlf.ipynb", cwd=nbdir)
    assert proc.returncode == 1, proc.stderr  # the MPR002 on self.bias has no autofix
    after = path.read_bytes()
    old = json_string("        self.weight = torch.randn(n, n, requires_grad=True)\r\n")[1:-1]
    new = json_string("        self.weight = nn.Parameter(torch.randn(n, n, requires_grad=True))\r\n")[1:-1]
    assert after == before.replace(old.encode(), new.encode()) != before
    assert not after.endswith(b"\n") and list(json.loads(after)) == ["nbformat", "nbformat_minor", "metadata", "cells"]


@pytest.mark.parametrize(
    "dump",
    [
        lambda nb: json.dumps(nb, separators=(",", ":")),  # compact, \\uXXXX escapes, no final newline
        lambda nb: json.dumps(nb, indent="\t", ensure_ascii=False) + "\n\n",
    ],
    ids=["compact-ascii", "tabs"],
)
def test_fix_keeps_other_json_layouts(nbdir, dump):
    notebook = json.loads((nbdir / "model_split.ipynb").read_text(encoding="utf-8"))
    (nbdir / "nb.ipynb").write_text(dump(notebook), encoding="utf-8")
    before = (nbdir / "nb.ipynb").read_text(encoding="utf-8")
    assert run("--fix", "nb.ipynb", cwd=nbdir).returncode == 0
    after = (nbdir / "nb.ipynb").read_text(encoding="utf-8")
    old = json.dumps("        self.mask = torch.tril(torch.ones(n, n))\n")
    new = json.dumps('        self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)\n')
    expected = before.replace(old, new)
    for old, new in (("self.blocks = [nn.Linear(n, n) for _ in range(depth)]", "self.blocks = nn.ModuleList([nn.Linear(n, n) for _ in range(depth)])"),
                     ("self.scale = torch.randn(n, requires_grad=True)", "self.scale = nn.Parameter(torch.randn(n, requires_grad=True))")):
        expected = expected.replace(old, new)
    assert after == expected != before


def test_a_cell_with_a_nul_byte_is_left_out(nbdir):
    notebook = json.loads((nbdir / "model_split.ipynb").read_text(encoding="utf-8"))
    notebook["cells"][6]["source"] = ["x = '\0'\n"]
    (nbdir / "nb.ipynb").write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    proc = run("nb.ipynb", cwd=nbdir)
    assert proc.returncode == 2 and "nb.ipynb:cell 7:1: cannot analyse this cell: " in proc.stderr and "null bytes" in proc.stderr
    assert cell_findings(proc.stdout) == {"nb.ipynb": MODEL_SPLIT}


def test_fix_is_idempotent(nbdir):
    assert run("--fix", ".", cwd=nbdir).returncode == 2  # the syntax-error cell stays an error
    fixed = {p.name: p.read_bytes() for p in nbdir.glob("*.ipynb")}
    proc = run("--fix", ".", cwd=nbdir)
    assert "fixed" not in proc.stderr
    assert {p.name: p.read_bytes() for p in nbdir.glob("*.ipynb")} == fixed
    assert cell_findings(run(".", cwd=nbdir).stdout) == {"./crlf.ipynb": [CRLF[1]]}


def test_a_cell_with_a_syntax_error_is_left_out_and_never_rewritten(nbdir):
    path = nbdir / "syntax_error.ipynb"
    before = json.loads(path.read_text())
    proc = run("--fix", "syntax_error.ipynb", cwd=nbdir)
    assert proc.returncode == 2
    assert "syntax_error.ipynb:cell 2:1: cannot analyse this cell: SyntaxError" in proc.stderr
    after = json.loads(path.read_text())
    assert after["cells"][1] == before["cells"][1]
    assert 'self.register_buffer("inv_freq", ' in "".join(after["cells"][2]["source"])


@pytest.mark.parametrize(
    "content,message",
    [
        (b'{"cells": [', "not valid JSON: Expecting"),
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (json.dumps({"nbformat": 3, "nbformat_minor": 0, "worksheets": [{"cells": []}], "metadata": {}}).encode(), "only nbformat 4 is supported, found nbformat 3"),
        (b"[1, 2]", "the JSON is not an object"),
        (json.dumps({"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}).encode(), "cell 1: source is neither"),
    ],
)
def test_unreadable_notebooks_are_an_error_and_never_written(nbdir, content, message):
    (nbdir / "bad.ipynb").write_bytes(content)
    assert "model_split.ipynb:cell" in run("bad.ipynb", "model_split.ipynb", cwd=nbdir).stdout  # the others go on
    for mode in ([], ["--diff"], ["--fix"]):
        proc = run(*mode, "bad.ipynb", "model_split.ipynb", cwd=nbdir)
        assert proc.returncode == 2
        assert f"bad.ipynb: cannot read notebook: {message}" in proc.stderr
        assert (nbdir / "bad.ipynb").read_bytes() == content


def test_a_notebook_of_another_language_is_not_linted(nbdir):
    notebook = json.loads((nbdir / "crlf.ipynb").read_text())
    notebook["metadata"]["language_info"] = {"name": "R"}
    notebook["metadata"]["kernelspec"]["language"] = "R"
    (nbdir / "r.ipynb").write_text(json.dumps(notebook))
    proc = run("r.ipynb", cwd=nbdir)
    assert proc.returncode == 0 and proc.stdout == ""


# --- runtime proof with real torch ------------------------------------------------------------


def model_code(notebook_path) -> str:
    """The Python of the cells that import torch or define a class (no plotting libraries needed)."""
    cells = code_cells(json.loads(notebook_path.read_text(encoding="utf-8")))
    return "\n".join(c for c in cells if "class " in c or "import torch" in c)


def build(notebook_path, cls: str):
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    code = model_code(notebook_path)
    code = "\n".join(line for line in code.replace("\r\n", "\n").splitlines() if not line.lstrip().startswith(("%", "!")))
    exec(compile(code, str(notebook_path), "exec"), namespace)
    torch.manual_seed(0)
    return namespace[cls]()


@pytest.mark.parametrize(
    "name,cls,leaked",
    [
        ("model_split.ipynb", "Encoder", {"mask": "buffer", "blocks": "module", "scale": "parameter"}),
        ("syntax_error.ipynb", "Rope", {"inv_freq": "buffer"}),
        ("crlf.ipynb", "Gate", {"weight": "parameter"}),
    ],
)
def test_fixed_notebook_code_registers_what_the_original_leaked(nbdir, name, cls, leaked):
    torch = pytest.importorskip("torch")
    original = build(nbdir / name, cls)
    run("--fix", name, cwd=nbdir)
    fixed = build(nbdir / name, cls)
    parameters = {n for n, _ in fixed.named_parameters()}
    buffers = {n for n, _ in fixed.named_buffers()}
    modules = {n for n, _ in fixed.named_modules()}
    for attr, kind in leaked.items():
        assert not any(k == attr or k.startswith(attr + ".") for k in original.state_dict()), attr
        assert attr not in {n for n, _ in original.named_parameters()} | {n for n, _ in original.named_buffers()}
        if kind == "parameter":
            assert attr in parameters and attr in fixed.state_dict()
        elif kind == "buffer":
            assert attr in buffers  # persistent=False: registered, moved by .to(), not in state_dict
        else:
            assert attr in modules and any(k.startswith(attr + ".") for k in fixed.state_dict())
    original.to(torch.float64)
    fixed.to(torch.float64)
    for attr in leaked:
        value = getattr(fixed, attr)
        tensors = list(value.parameters()) if isinstance(value, torch.nn.Module) else [value]
        assert all(t.dtype == torch.float64 for t in tensors if t.is_floating_point()), attr
        before = getattr(original, attr)
        before = [p for m in before for p in m.parameters()] if isinstance(before, list) else [before]
        assert all(t.dtype == torch.float32 for t in before if t.is_floating_point()), attr


# --- the flake8 route: nbqa ------------------------------------------------------------------


def test_nbqa_flake8_finds_the_same_findings(nbdir):
    pytest.importorskip("nbqa", reason="nbqa is not installed (pip install nbqa)")
    proc = subprocess.run(
        [sys.executable, "-m", "nbqa", "flake8", "model_split.ipynb", "--select", "MPR"],
        cwd=nbdir, capture_output=True, text=True, env=clean_env(), timeout=120,
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # nbqa numbers code cells only (cell_2 is the second code cell); this command counts every cell.
    notebook = json.loads((nbdir / "model_split.ipynb").read_text())
    absolute = [i for i, c in enumerate(notebook["cells"], start=1) if c["cell_type"] == "code"]
    found = []
    for line in proc.stdout.splitlines():
        m = re.match(r"^model_split\.ipynb:cell_(\d+):(\d+):(\d+): (MPR\d{3}) ", line)
        assert m, line
        found.append((absolute[int(m[1]) - 1], int(m[2]), int(m[3]), m[4]))
    assert found == MODEL_SPLIT


def test_fixtures_are_what_the_generator_builds():
    proc = subprocess.run([sys.executable, str(ROOT / "benchmarks" / "make_notebooks.py"), "--check"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
