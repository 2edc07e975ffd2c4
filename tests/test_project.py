"""The project index: names resolved across files, the same findings in every face, and the cache.

``fixtures/project`` is a multi-file package (bases, helpers and an owning model in other files,
relative and absolute imports, re-exports, an alias, a circular import, a file that does not parse, one
that does not decode, a base from an installed package). Every test copies it to a temporary directory
(so the cache is written there, not into the repository) and runs from that copy's root.
"""

import ast
import json
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from flake8_nnparam.detection import analyze
from flake8_nnparam.detection.cache import CACHE_DIR_NAME, Cache
from flake8_nnparam.detection.prefilter import could_hold_findings
from flake8_nnparam.detection.project import ProjectIndex, find_root

from .conftest import FIXTURES, clean_env, expectations, run_command, run_flake8

PROJECT = FIXTURES / "project"
PACKAGE = "netpkg"


def expected_rows() -> list[tuple[str, int, str]]:
    rows = []
    for path in sorted((PROJECT / PACKAGE).rglob("*.py")):
        rel = path.relative_to(PROJECT).as_posix()
        try:
            pairs = expectations(path)
        except UnicodeDecodeError:
            continue
        rows.extend((rel, line, code) for line, code in pairs)
    return sorted(rows)


def make_package(root: Path, **modules: str) -> Path:
    """``root/pkg/`` with an empty ``__init__.py`` and one ``<name>.py`` per keyword."""
    pkg = root / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    for name, text in modules.items():
        (pkg / f"{name}.py").write_text(text)
    return pkg


def parse_rows(output: str) -> list[tuple[str, int, str]]:
    rows = []
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[3].strip().startswith("MPR"):
            rows.append((parts[0].replace(os.sep, "/"), int(parts[1]), parts[3].split()[0]))
    return sorted(rows)


@pytest.fixture
def project(tmp_path) -> Path:
    root = tmp_path / "project"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns(CACHE_DIR_NAME, "__pycache__"))
    ProjectIndex.forget_all()
    yield root
    ProjectIndex.forget_all()


def lint_in_process(root: Path, use_cache: bool = True) -> tuple[list, ProjectIndex]:
    rows = []
    index = None
    for path in sorted((root / PACKAGE).rglob("*.py")):
        try:
            source = path.read_text()
            tree = ast.parse(source)
        except (SyntaxError, UnicodeDecodeError):
            continue
        index = ProjectIndex.for_file(str(path), cwd=str(root), use_cache=use_cache)
        view = index.view(str(path), tree)
        rel = path.relative_to(root).as_posix()
        rows.extend((rel, f.line, f.code) for f in analyze(tree, source, project=view))
    return sorted(rows), index


def codes_by_line_in_both_faces(root: Path, *args: str) -> list[list[tuple[str, int]]]:
    """``(code, line)`` of each finding, from the command and from the real flake8, run from ``root``."""
    results = []
    for proc in (run_command("--no-cache", *args, cwd=root), run_flake8(*args, cwd=root)):
        results.append(sorted(
            (line.split(": ", 1)[1].split(" ", 1)[0], int(line.split(":")[1])) for line in proc.stdout.splitlines()
        ))
    return results


def run_with_torch(root: Path, script: str) -> str:
    """Run ``script`` with ``root`` first on ``sys.path`` (it imports the project from ``sys.argv[1]``)."""
    proc = subprocess.run([sys.executable, "-c", script, str(root)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_fixture_expectations_in_process(project):
    rows, _ = lint_in_process(project)
    assert rows == expected_rows()
    assert len(rows) >= 9


def test_without_the_project_the_cross_file_findings_are_missing():
    """The fixture is a real test: one file at a time finds only what needs no other file."""
    path = PROJECT / PACKAGE / "blocks.py"
    source = path.read_text()
    assert {f.code for f in analyze(ast.parse(source), source)} == {"MPR003"}


def test_real_flake8_matches_expectations_serial_parallel_and_stdin(project):
    serial = run_flake8("--select", "MPR", PACKAGE, cwd=project)
    assert serial.returncode == 1, serial.stderr
    assert parse_rows(serial.stdout) == expected_rows()
    parallel = run_flake8("-j", "2", "--select", "MPR", PACKAGE, cwd=project)
    assert parse_rows(parallel.stdout) == expected_rows(), parallel.stderr
    target = f"{PACKAGE}/models/heads.py"
    stdin = run_flake8(
        "--select", "MPR", "-", "--stdin-display-name", target,
        cwd=project, input=(project / target).read_text(),
    )
    assert parse_rows(stdin.stdout) == [r for r in expected_rows() if r[0] == target]
    assert "Traceback" not in serial.stderr + parallel.stderr + stdin.stderr


def test_flake8_no_cache_option_writes_nothing(project):
    proc = run_flake8("--select", "MPR", "--nnparam-no-cache", PACKAGE, cwd=project)
    assert parse_rows(proc.stdout) == expected_rows()
    assert not (project / CACHE_DIR_NAME).exists()
    (project / "setup.cfg").write_text("[flake8]\nselect = MPR\nnnparam-cache = false\n")
    proc = run_flake8(PACKAGE, cwd=project)
    assert parse_rows(proc.stdout) == expected_rows()
    assert not (project / CACHE_DIR_NAME).exists()


def test_cross_file_can_be_turned_off(project):
    proc = run_flake8("--select", "MPR", "--nnparam-cross-file", "false", f"{PACKAGE}/blocks.py", cwd=project)
    assert [code for _, _, code in parse_rows(proc.stdout)] == ["MPR003"]


def test_the_command_reports_what_the_plugin_reports(project):
    plugin = run_flake8("--select", "MPR", PACKAGE, cwd=project)
    command = run_command(PACKAGE, cwd=project)
    assert parse_rows(command.stdout) == parse_rows(plugin.stdout) == expected_rows()
    assert "Traceback" not in command.stderr
    parallel = run_command("-j", "2", PACKAGE, cwd=project)
    assert parse_rows(parallel.stdout) == expected_rows()
    target = f"{PACKAGE}/models/heads.py"
    stdin = run_command("-", "--stdin-filename", target, cwd=project, input=(project / target).read_text())
    assert parse_rows(stdin.stdout) == [r for r in expected_rows() if r[0] == target]


def test_command_warm_run_reads_no_unchanged_file_and_sees_a_changed_base(project):
    _age(project)
    cold = run_command(PACKAGE, cwd=project)
    warm = run_command(PACKAGE, cwd=project)
    assert parse_rows(warm.stdout) == parse_rows(cold.stdout) == expected_rows()
    assert warm.stderr == cold.stderr  # the unreadable and unparsable files are still named
    probe = (
        "import sys, flake8_nnparam.command.files as files, flake8_nnparam.detection.project as project\n"
        "reads = []\n"
        "real_read = files.read_source\n"
        "def counting(path, display=None):\n"
        "    reads.append(path)\n"
        "    return real_read(path, display)\n"
        "import flake8_nnparam.command.runner as runner\n"
        "runner.read_source = counting\n"
        "from flake8_nnparam.command import run\n"
        "code = run(['-j', '1', sys.argv[1]])\n"
        "print('READS', sorted(set(reads)))\n"
    )
    proc = subprocess.run([sys.executable, "-c", probe, PACKAGE], cwd=project, capture_output=True, text=True, env=clean_env())
    reads = proc.stdout.rsplit("READS", 1)[1]
    assert "blocks.py" not in reads and "heads.py" not in reads  # unchanged: the cached result is used
    assert "broken.py" in reads  # files that could not be analysed are tried again (and reported)
    base = project / PACKAGE / "layers" / "base.py"
    base.write_text(base.read_text().replace("class BaseBlock(nn.Module):", "class BaseBlock:"))
    changed = run_command(PACKAGE, cwd=project)
    assert len(parse_rows(changed.stdout)) < len(expected_rows())  # dependants see the changed base
    no_cache = run_command("--no-cache", PACKAGE, cwd=project)
    assert parse_rows(no_cache.stdout) == parse_rows(changed.stdout)


def test_plugin_warm_run_reads_results_back_and_sees_a_changed_base(project):
    """The flake8 plugin keeps each file's findings in the cache, as the command does, so a re-run on an
    unchanged project analyses nothing; a result is trusted only while every cross-file answer it used
    still holds, and never for a buffer that differs from the file on disk (an editor's unsaved text)."""
    _age(project)
    cold = run_flake8("--select", "MPR", PACKAGE, cwd=project)
    assert parse_rows(cold.stdout) == expected_rows()
    results = [p for p in (project / CACHE_DIR_NAME).rglob("*.json") if '"plugin;' in p.read_text()]
    assert results, "the plugin stored no result"
    probe = (
        "import sys, flake8_nnparam.detection.analyzer as analyzer\n"
        "calls = []\n"
        "real = analyzer.analyze\n"
        "def counting(tree, *a, **k):\n"
        "    calls.append(1)\n"
        "    return real(tree, *a, **k)\n"
        "analyzer.analyze = counting\n"
        "from flake8.main.cli import main\n"
        "try:\n"
        "    main(['-j', '1', '--select', 'MPR', sys.argv[1]])\n"
        "finally:\n"
        "    print('ANALYSED', len(calls))\n"
    )
    warm = subprocess.run([sys.executable, "-c", probe, PACKAGE], cwd=project, capture_output=True, text=True, env=clean_env())
    assert parse_rows(warm.stdout) == expected_rows()
    assert warm.stdout.rsplit("ANALYSED", 1)[1].strip() == "0"  # every result read back

    blocks = project / PACKAGE / "blocks.py"
    on_disk = [r[1:] for r in expected_rows() if r[0].endswith("blocks.py")]
    assert on_disk
    # An unsaved buffer that comments out the whole file: its cached result (from the file on disk) must
    # not be used, so nothing is reported.
    buffer = "".join(f"# {line}\n" for line in blocks.read_text().splitlines())
    edited = run_flake8("--select", "MPR", "--stdin-display-name", str(blocks.relative_to(project)), "-",
                        cwd=project, input=buffer)
    assert parse_rows(edited.stdout) == []
    # The command keeps its own results: running it does not evict the plugin's.
    run_command(PACKAGE, cwd=project)
    again = subprocess.run([sys.executable, "-c", probe, PACKAGE], cwd=project, capture_output=True, text=True, env=clean_env())
    assert parse_rows(again.stdout) == expected_rows()
    assert again.stdout.rsplit("ANALYSED", 1)[1].strip() == "0"

    base = project / PACKAGE / "layers" / "base.py"
    base.write_text(base.read_text().replace("class BaseBlock(nn.Module):", "class BaseBlock:"))
    changed = run_flake8("--select", "MPR", PACKAGE, cwd=project)
    assert len(parse_rows(changed.stdout)) < len(expected_rows())  # dependants see the changed base
    fresh = run_flake8("--select", "MPR", "--nnparam-no-cache", PACKAGE, cwd=project)
    assert parse_rows(fresh.stdout) == parse_rows(changed.stdout)


def test_a_result_is_not_reused_for_an_edit_saved_during_its_analysis(project):
    """A result is stored with the stat taken before its bytes were read (``store_result`` requires it): an
    edit saved while the file was being analysed leaves that stat behind, so the next run analyses the new
    text instead of reusing findings of the old one; with the bytes in hand (the plugin), they must be the
    ones analysed."""
    from flake8_nnparam.detection.project import PLUGIN_RESULT_KIND

    _age(project)
    path = project / PACKAGE / "blocks.py"
    index = ProjectIndex.for_file(str(path), cwd=str(project))
    st = os.stat(path)
    old = path.read_bytes()
    new = old.replace(b"class", b"klass", 1)
    path.write_bytes(new)  # saved while the analysis of the old text runs
    index.store_result(str(path), old, st, "k", None, [])
    index.store_result(str(path), old, st, "k", None, [], kind=PLUGIN_RESULT_KIND)
    assert index.cached_result(str(path), "k") is None
    assert index.cached_result(str(path), "k", PLUGIN_RESULT_KIND, new) is None
    assert index.cached_result(str(path), "k", PLUGIN_RESULT_KIND, old) == ([], None)  # the bytes it was made from


def _command_in_process(root: Path, monkeypatch, *args: str) -> list:
    """The command's findings, run in this process from ``root`` (a fresh index, as a new run has)."""
    from flake8_nnparam.command import runner
    from flake8_nnparam.command.args import build_parser, settings as build_settings

    monkeypatch.chdir(root)
    ProjectIndex.forget_all()
    settings, _ = build_settings(build_parser().parse_args(["--no-config", *args, "."]), {}, str(root))
    rows, reports = [], []
    for path in sorted(root.rglob("*.py")):
        if CACHE_DIR_NAME in path.parts:
            continue
        rel = path.relative_to(root).as_posix()
        reports.append(runner.check_worker((rel, rel, settings)))
        rows.extend((rel, f.line, f.code) for f in reports[-1].findings)
    runner.write_cache_packs(reports)  # as the command does at the end of its run
    return sorted(rows)


def test_warm_results_are_validated_by_a_stat_of_what_their_answers_read(project, monkeypatch):
    """Unchanged files, and unchanged files their answers read: no question is asked again."""
    from flake8_nnparam.detection import project as project_module

    _age(project)
    cold = _command_in_process(project, monkeypatch)
    assert cold == expected_rows()

    def no_questions(self, answers):
        raise AssertionError("re-resolved the recorded answers of an unchanged file")

    with monkeypatch.context() as patched:
        patched.setattr(project_module.FileView, "still_valid", no_questions)
        assert _command_in_process(project, monkeypatch) == cold

    # Touched (new mtime) but not changed: the answers are asked again, found the same, and recorded
    # with the new fingerprint, so the next run is back on the fast path.
    base = project / PACKAGE / "layers" / "base.py"
    os.utime(base, ns=(base.stat().st_atime_ns, base.stat().st_mtime_ns + 5_000_000_000))
    asked = []
    real = project_module.FileView.still_valid
    with monkeypatch.context() as patched:
        patched.setattr(project_module.FileView, "still_valid", lambda self, a: asked.append(self.path) or real(self, a))
        assert _command_in_process(project, monkeypatch) == cold
    assert asked, "a result whose dependency was touched is checked again"
    with monkeypatch.context() as patched:
        patched.setattr(project_module.FileView, "still_valid", no_questions)
        assert _command_in_process(project, monkeypatch) == cold


def test_a_new_file_that_an_import_now_finds_invalidates_warm_results(tmp_path, monkeypatch):
    """An answer depends on files that were absent too: a base module created later is seen."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "model.py").write_text(
        "import torch\nfrom .base import Base\n\n\nclass M(Base):\n    def __init__(self):\n"
        "        super().__init__()\n        self.mask = torch.ones(3)\n\n    def forward(self, x):\n"
        "        return x.cuda() * self.mask\n"
    )
    _age(tmp_path)
    assert _command_in_process(tmp_path, monkeypatch) == []
    base = tmp_path / "pkg" / "base.py"
    base.write_text("import torch.nn as nn\n\n\nclass Base(nn.Module):\n    pass\n")
    os.utime(base, ns=(base.stat().st_atime_ns, base.stat().st_mtime_ns - 60_000_000_000))  # model.py as it was
    found = _command_in_process(tmp_path, monkeypatch)
    assert [(rel, code) for rel, _, code in found] == [("pkg/model.py", "MPR002")]
    assert _command_in_process(tmp_path, monkeypatch) == found  # and warm again
    base.unlink()
    assert _command_in_process(tmp_path, monkeypatch) == []


# --- the cache ---------------------------------------------------------------------------


def test_cache_is_git_ignorable_and_marked(project):
    lint_in_process(project)
    cache_dir = project / CACHE_DIR_NAME
    assert (cache_dir / ".gitignore").read_text() == "*\n"
    assert (cache_dir / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def _age(root: Path, seconds: int = 60) -> None:
    """Make every file look edited a minute ago, so the size + mtime fast path may be trusted."""
    for path in root.rglob("*.py"):
        st = path.stat()
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 1_000_000_000))


def test_warm_run_parses_no_file_and_a_changed_file_is_read_again(project):
    _age(project)
    cold_rows, cold = lint_in_process(project)
    assert cold.parsed, "the cold run summarises the files it needs"
    ProjectIndex.forget_all()
    warm_rows, warm = lint_in_process(project)
    assert warm_rows == cold_rows
    assert warm.parsed == []
    assert warm.cache.hits > 0 and warm.cache.misses == 0

    base = project / PACKAGE / "layers" / "base.py"
    base.write_text(base.read_text().replace("class BaseBlock(nn.Module):", "class BaseBlock:"))
    ProjectIndex.forget_all()
    changed_rows, changed = lint_in_process(project)
    assert [os.path.basename(p) for p in changed.parsed] == ["base.py"]
    assert len(changed_rows) < len(cold_rows)  # nothing derives from a Module through BaseBlock now


def test_same_size_edit_within_the_mtime_tick_is_caught_by_the_hash(project):
    """An entry written right after an edit is verified by hash: a same-size edit is not missed."""
    base = project / PACKAGE / "layers" / "base.py"
    base.write_text(base.read_text())  # edited just now, then linted at once
    st = base.stat()
    lint_in_process(project)
    text = base.read_text().replace("class BaseBlock(nn.Module):", "class BaseBlock(xx.Module):")
    base.write_text(text)  # a second edit within the filesystem's mtime granularity
    os.utime(base, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime
    ProjectIndex.forget_all()
    rows, index = lint_in_process(project)
    assert "base.py" in [os.path.basename(p) for p in index.parsed]
    assert len(rows) < len(expected_rows())


def test_corrupt_cache_entries_are_ignored(project):
    _age(project)
    lint_in_process(project)
    ProjectIndex.forget_all()  # the end of a run: what the plugin's index holds pending is written
    entries = list((project / CACHE_DIR_NAME).glob("*/*.json"))
    assert entries
    for i, entry in enumerate(entries):
        entry.write_bytes([b"", b"{not json", b"[]", b'{"path": 3}', json.dumps({"path": "x"}).encode()][i % 5])
    ProjectIndex.forget_all()
    rows, index = lint_in_process(project)
    assert rows == expected_rows()
    assert index.parsed


def test_no_cache_where_the_cache_directory_cannot_be_made(project):
    (project / CACHE_DIR_NAME).write_text("a file where the directory would go\n")
    assert Cache.open(str(project)) is None
    rows, index = lint_in_process(project)
    assert rows == expected_rows()
    assert index.cache is None


def test_read_only_project_runs_without_a_cache(project, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "makedirs", refuse)
    rows, index = lint_in_process(project)
    assert rows == expected_rows()
    assert not (project / CACHE_DIR_NAME).exists()


def test_concurrent_writers_leave_whole_entries(project):
    """Eight processes summarising the same project at once: every entry parses, the lint is right."""
    script = (
        "import sys, ast, pathlib\n"
        "from flake8_nnparam.detection.project import ProjectIndex\n"
        "root = pathlib.Path(sys.argv[1])\n"
        "for p in sorted(root.rglob('*.py')):\n"
        "    ProjectIndex.for_file(str(p), cwd=str(root)).is_module(str(p), 'BaseBlock')\n"
    )
    procs = [
        subprocess.Popen([sys.executable, "-c", script, str(project)], env=clean_env(), stderr=subprocess.PIPE)
        for _ in range(8)
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0, proc.stderr.read()
    entries = list((project / CACHE_DIR_NAME).glob("*/*.json"))
    assert entries, "no cache entry was written"
    umask = os.umask(0)
    os.umask(umask)
    for entry in entries:
        json.loads(entry.read_bytes())
        assert stat.S_IMODE(entry.stat().st_mode) == 0o644 & ~umask  # readable by a shared checkout's users
    assert not list((project / CACHE_DIR_NAME).glob("*/.tmp-*"))
    rows, _ = lint_in_process(project)
    assert rows == expected_rows()


# --- boundaries ---------------------------------------------------------------------------


def test_never_reads_outside_the_root_nor_virtualenvs(tmp_path):
    root = tmp_path / "proj"
    outside = tmp_path / "elsewhere"
    for directory in (root / "app", root / ".venv" / "lib" / "site-packages" / "vendor", root / "site-packages", outside):
        directory.mkdir(parents=True)
    module_base = "import torch.nn as nn\n\n\nclass Base(nn.Module):\n    pass\n"
    (root / ".venv" / "lib" / "site-packages" / "vendor" / "__init__.py").write_text(module_base)
    (root / "site-packages" / "vendor.py").write_text(module_base)
    (outside / "vendor.py").write_text(module_base)
    (root / "app" / "linked.py").symlink_to(outside / "vendor.py")
    (root / "app" / "model.py").write_text(
        "import torch\nfrom vendor import Base\nfrom .linked import Base as Linked\n"
        "class A(Base):\n    def __init__(self):\n        super().__init__()\n        self.t = torch.ones(2)\n"
        "class B(Linked):\n    def __init__(self):\n        super().__init__()\n        self.t = torch.ones(2)\n"
    )
    model = str(root / "app" / "model.py")
    index = ProjectIndex(str(root))
    assert not index.is_module(model, "Base")
    assert not index.is_module(model, "Linked")
    assert not index.inside(str(outside / "vendor.py"))
    assert not index.inside(str(root / "app" / "linked.py"))
    assert not index.inside(str(root / "site-packages" / "vendor.py"))
    assert index.parsed == [os.path.realpath(model)]  # the asking file only


def test_find_root_is_the_working_directory_or_the_nearest_project_marker(tmp_path):
    pkg = tmp_path / "repo" / "src" / "pkg" / "sub"
    pkg.mkdir(parents=True)
    for d in (pkg, pkg.parent):
        (d / "__init__.py").write_text("")
    (tmp_path / "repo" / "pyproject.toml").write_text("")
    target = str(pkg / "m.py")
    assert find_root(target, cwd=str(tmp_path / "repo")) == os.path.realpath(tmp_path / "repo")
    assert find_root(target, cwd=str(tmp_path / "other")) == os.path.realpath(tmp_path / "repo")


def test_index_answers_helpers_and_overrides(project):
    index = ProjectIndex(str(project))
    user = project / PACKAGE / "uses_helpers.py"
    user.write_text(
        "from .layers.helpers import causal_mask, make_encoder, to_device\n"
        "from .layers import base\n"
    )
    (project / PACKAGE / "owner.py").write_text(
        "import torch.nn as nn\n\n\nclass Owner(nn.Module):\n"
        "    def _apply(self, fn):\n        self.head.mask = fn(self.head.mask)\n        return super()._apply(fn)\n"
    )
    path = str(user)
    assert index.return_kind(path, "causal_mask") == "tensor"
    assert index.return_kind(path, "make_encoder") == "module"
    assert index.return_kind(path, "base.Encoder") == "module"
    assert index.return_kind(path, "base.Config") is None
    assert index.return_kind(path, "nowhere") is None
    assert index.argument_fate(path, "to_device", 0) == "moves"
    assert index.argument_fate(path, "to_device", 1) is None
    assert index.argument_fate(path, "causal_mask", 0) is None
    overrides = index.overrides(str(project / PACKAGE / "owner.py"), "Owner")
    assert set(overrides) == {"_apply"} and "head.mask" in overrides["_apply"]


def test_unreadable_and_unparsable_files_define_nothing(project):
    index = ProjectIndex(str(project))
    user = str(project / PACKAGE / "broken_user.py")
    assert not index.is_module(user, "Base")
    assert not index.is_module(user, "Other")
    (project / PACKAGE / "loop.py").symlink_to(project / PACKAGE / "loop.py")
    (project / PACKAGE / "fifo.py").unlink(missing_ok=True)
    os.mkfifo(project / PACKAGE / "fifo.py")
    (project / PACKAGE / "asks.py").write_text("from .loop import A\nfrom .fifo import B\n")
    asks = str(project / PACKAGE / "asks.py")
    assert not index.is_module(asks, "A") and not index.is_module(asks, "B")
    assert set(map(os.path.basename, index.unreadable)) >= {"broken.py", "latin.py"}


# --- pre-commit and the editor ------------------------------------------------------------


def _git(repo: Path, *args, env):
    proc = subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    return proc


@pytest.mark.parametrize("no_concurrency", [False, True], ids=["batched", "serial"])
def test_precommit_flake8_hook_on_changed_files_finds_cross_file_bases(project, tmp_path, no_concurrency):
    """pre-commit passes only the changed files, split over processes: the bases come from disk."""
    pytest.importorskip("pre_commit")
    env = {k: v for k, v in clean_env().items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    env.update(PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"), GIT_CONFIG_GLOBAL=os.devnull, GIT_CONFIG_NOSYSTEM="1")
    if no_concurrency:
        env["PRE_COMMIT_NO_CONCURRENCY"] = "1"
    flake8 = Path(sys.executable).parent / "flake8"
    (project / ".pre-commit-config.yaml").write_text(
        "repos:\n- repo: local\n  hooks:\n  - id: flake8\n    name: flake8\n    language: system\n"
        f"    entry: {flake8} --select MPR\n    types: [python]\n"
    )
    _git(project, "init", "-q", env=env)
    for key, value in (("user.name", "T"), ("user.email", "t@example.com"), ("commit.gpgsign", "false")):
        _git(project, "config", key, value, env=env)
    _git(project, "add", ".", env=env)
    _git(project, "commit", "-q", "--no-verify", "-m", "base", env=env)
    changed = [f"{PACKAGE}/blocks.py", f"{PACKAGE}/models/heads.py", f"{PACKAGE}/models/absolute.py"]
    for rel in changed:
        with open(project / rel, "a") as handle:
            handle.write("\n# touched\n")
    _git(project, "add", *changed, env=env)
    proc = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run"], cwd=project, env=env, capture_output=True, text=True, timeout=180
    )
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert parse_rows(proc.stdout) == [r for r in expected_rows() if r[0] in changed]


def test_pylsp_buffer_of_a_project_file_gets_cross_file_findings(project):
    """The editor lints an unsaved buffer of a file whose base lives in another file on disk."""
    pytest.importorskip("pylsp.plugins.flake8_lint")
    from .test_lsp import LanguageServer, flake8_settings, has_code, ours

    server = LanguageServer(project)
    try:
        server.request("initialize", {"processId": None, "rootUri": project.as_uri(), "capabilities": {}})
        server.notify("initialized")
        server.notify("workspace/didChangeConfiguration", {"settings": flake8_settings()})
        path = project / PACKAGE / "models" / "heads.py"
        text = path.read_text().replace("self.heads = [Encoder(n), Encoder(n)]", "self.heads = [Encoder(n)]\n        self.extra = [Encoder(n)]")
        text = text.replace("for head in self.heads]", "for head in self.heads + self.extra]")
        uri = path.as_uri()
        server.notify(
            "textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}
        )
        diagnostics = ours(server.diagnostics(uri, has_code("MPR003")))
        assert sorted((d["code"], d["range"]["start"]["line"]) for d in diagnostics) == [("MPR003", 8), ("MPR003", 9)]
    finally:
        server.close()


def test_an_override_in_a_base_of_another_file_handles_the_attribute_it_touches(tmp_path):
    """Registered another way (issue 9): a project base whose ``_apply`` moves ``self.table``."""
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "base.py").write_text(
        "from torch import nn\n\n\nclass Managed(nn.Module):\n"
        "    def _apply(self, fn, recurse=True):\n        self.table = fn(self.table)\n"
        "        return super()._apply(fn, recurse)\n"
    )
    (tmp_path / "pkg" / "model.py").write_text(
        "import torch\n\nfrom .base import Managed\n\n\nclass M(Managed):\n    def __init__(self):\n"
        "        super().__init__()\n        self.table = torch.ones(4)\n        self.other = torch.ones(4)\n\n"
        "    def forward(self, x):\n        return x * self.table + self.other\n"
    )
    for found in codes_by_line_in_both_faces(tmp_path, "--select", "MPR,MPR9", "pkg/model.py"):
        assert found == [("MPR002", 10), ("MPR905", 9)], found


def test_a_function_of_another_file_that_moves_its_argument_compensates(tmp_path):
    """Compensation across files (issue 9): ``rgb_to_grayscale(x, self.w)`` in a helper module that does
    ``w[None].to(dtype=x.dtype, device=x.device)``, directly or through a device helper, is a move at use;
    a helper that only computes with its argument is not. Real torch shows both sides after ``.to('meta')``."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "functional.py").write_text(
        "import torch\n\n\n"
        "def _to_device_nonblocking(t, device, dtype=None):\n    return t.to(device=device, dtype=dtype)\n\n\n"
        "def _scale(x, w):\n    return x * w[None].to(dtype=x.dtype, device=x.device)\n\n\n"
        "def gray(x, weights=None):\n    if weights is None:\n        return x.mean(-1)\n"
        "    weights = _to_device_nonblocking(weights, x.device, x.dtype)\n    return (x * weights).sum(-1)\n\n\n"
        "def scaled(x, w):\n    return _scale(x, w)\n\n\n"
        "def plain(x, w):\n    return x * w\n"
    )
    (pkg / "model.py").write_text(
        "import torch\nfrom torch import nn\n\nfrom . import functional as Fn\nfrom .functional import gray, plain\n\n\n"
        "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.rgb = torch.tensor([0.3, 0.6, 0.1])\n"
        "        self.scale = torch.full((3,), 2.0)\n"
        "        self.other = torch.ones(3)\n\n"
        "    def forward(self, x):\n"
        "        return gray(x, weights=self.rgb) + Fn.scaled(x, self.scale).sum(-1) + plain(x, self.other).sum(-1)\n"
    )
    for found in codes_by_line_in_both_faces(tmp_path, "--select", "MPR,MPR9", "pkg/model.py"):
        assert found == [("MPR002", 13), ("MPR901", 11), ("MPR901", 12)], found
    pytest.importorskip("torch")
    script = (
        "import sys, torch\nsys.path.insert(0, sys.argv[1])\nfrom pkg.model import M\nfrom pkg import functional\n"
        "m = M().to('meta')\nx = torch.ones(2, 3, device='meta')\n"
        "print(functional.gray(x, m.rgb).device, functional.scaled(x, m.scale).device)\n"  # moved: they work
        "try:\n    m(x)\nexcept RuntimeError as e:\n    print('plain fails:', e)\n"
    )
    stdout = run_with_torch(tmp_path, script)
    assert stdout.startswith("meta meta\n") and "plain fails: Tensor on device cpu" in stdout, stdout


def test_a_converter_of_another_file_given_a_number_makes_a_0_dim_tensor(tmp_path):
    """``to_tensor(x)`` in a helper module that dispatches on ``isinstance(x, (int, float))`` and returns
    ``torch.tensor(x)`` there: given a number (an argument annotated ``float``, or one the constructor checks
    with ``0 <= p <= 1``) it makes a 0-dim tensor, which mixes with tensors on any device like a number
    (MPR902, default off); given a table it makes a 1-D tensor that stays on the CPU (MPR002). Real torch
    runs both after ``.to('meta')``."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "utils.py").write_text(
        "import torch\n\n\n"
        "def to_tensor(x, device=None):\n"
        "    if isinstance(x, torch.Tensor):\n        return x.to(device) if device is not None else x\n"
        "    elif isinstance(x, (int, float)):\n        return torch.tensor(x, device=device)\n"
        "    elif isinstance(x, list):\n        return torch.tensor(x, device=device)\n"
        "    raise TypeError(f'unsupported {type(x)}')\n"
    )
    (pkg / "channels.py").write_text(
        "import torch\nfrom torch import nn\n\nfrom .utils import to_tensor\n\n\n"
        "class Flip(nn.Module):\n    def __init__(self, crossover_prob):\n        super().__init__()\n"
        "        if not 0 <= crossover_prob <= 1:\n            raise ValueError('a probability')\n"
        "        self.crossover_prob = to_tensor(crossover_prob)\n\n"
        "    def forward(self, x):\n        return (torch.rand_like(x) < self.crossover_prob).float()\n\n\n"
        "class Erase(nn.Module):\n    def __init__(self, erasure_prob: float = 0.1):\n        super().__init__()\n"
        "        self.erasure_prob = to_tensor(erasure_prob)\n\n"
        "    def forward(self, x):\n        return x * (torch.rand_like(x) >= self.erasure_prob)\n\n\n"
        "class Gains(nn.Module):\n    def __init__(self, gains):\n        super().__init__()\n"
        "        self.gains = to_tensor(gains)\n\n"
        "    def forward(self, x):\n        return x * self.gains\n"
    )
    for found in codes_by_line_in_both_faces(tmp_path, "--select", "MPR,MPR9", "pkg/channels.py"):
        assert found == [("MPR002", 30), ("MPR902", 12), ("MPR902", 21)], found
    pytest.importorskip("torch")
    script = (
        "import sys, torch\nsys.path.insert(0, sys.argv[1])\nfrom pkg.channels import Flip, Erase, Gains\n"
        "x = torch.ones(2, 3, device='meta')\n"
        "print(Flip(0.1).to('meta')(x).device, Erase().to('meta')(x).device)\n"  # 0-dim: they work
        "try:\n    Gains([1.0, 2.0, 3.0]).to('meta')(x)\nexcept RuntimeError as e:\n    print('table fails:', e)\n"
    )
    stdout = run_with_torch(tmp_path, script)
    assert stdout.startswith("meta meta\n") and "table fails:" in stdout, stdout


def test_a_helper_of_another_file_that_makes_a_list_of_a_number_makes_no_tensor(tmp_path):
    """``repeat(n_terms, dim)`` of a helper module: ``if src is None: return None``, a tensor branch (so
    its summary says it returns a tensor), and ``list(itertools.repeat(src, n))`` for a number. Given an
    ``int`` argument it returns a list, so the attribute is no tensor (registering it would raise
    TypeError); the class's real plain tensor is still reported."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "util.py").write_text(
        "import itertools\nimport numbers\nimport torch\n\n\n"
        "def repeat(src, length):\n    if src is None:\n        return None\n"
        "    if isinstance(src, torch.Tensor):\n        return torch.cat([src] * length)\n"
        "    if isinstance(src, numbers.Number):\n        return list(itertools.repeat(src, length))\n"
        "    return src\n"
    )
    (pkg / "conv.py").write_text(
        "import torch\nfrom torch import nn\n\nfrom .util import repeat\n\n\n"
        "class BasisConv(nn.Module):\n    def __init__(self, terms: int = 4, dim: int = 2):\n"
        "        super().__init__()\n        self.terms = repeat(terms, dim)\n        self.table = torch.ones(4)\n"
        "        self.weight = nn.Parameter(torch.ones(*self.terms))\n\n"
        "    def forward(self, x):\n        return torch.conv1d(x, self.weight[None], padding=self.terms[0]) * self.table\n"
    )
    for found in codes_by_line_in_both_faces(tmp_path, "--select", "MPR,MPR9", "pkg/conv.py"):
        assert found == [("MPR002", 11)], found  # self.table only; self.terms (line 10) is a list


def test_a_function_of_another_file_that_reads_an_argument_only_when_it_requires_grad(tmp_path):
    """A plain tensor (it never requires grad) given to ``op(x, w, bias)`` of another file that reads
    ``bias`` only under ``if bias.requires_grad:``, or to an autograd Function's ``apply`` that only saves
    it for backward, never meets the input there; nor does an index that the function only indexes with
    (``table[idx]``); one read outside such a test is a use. Real torch runs both sides after ``.to('meta')``."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "ops.py").write_text(
        "import torch\n\n\n"
        "def guarded(x, bias):\n    if bias.requires_grad:\n        return x + bias\n    return x\n\n\n"
        "def unguarded(x, bias):\n    if bias.requires_grad:\n        x = x * 2\n    return x + bias\n\n\n"
        "def rows(table, idx):\n    if idx is None:\n        return table\n    return table[idx]\n\n\n"
        "class AddBias(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, x, bias):\n"
        "        ctx.save_for_backward(x, bias)\n        if bias.requires_grad:\n            return x + bias\n"
        "        return x.clone()\n\n    @staticmethod\n    def backward(ctx, grad):\n        return grad, grad.sum(0)\n"
    )
    (pkg / "model.py").write_text(
        "import torch\nfrom torch import nn\n\nfrom .ops import AddBias, guarded, rows, unguarded\n\n\n"
        "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.b1 = torch.zeros(3).requires_grad_(False)\n"
        "        self.b2 = torch.zeros(3)\n"
        "        self.b3 = torch.zeros(3)\n"
        "        self.idx = torch.tensor([1, 0])\n\n"
        "    def forward(self, x):\n"
        "        y = guarded(x, bias=self.b1) + AddBias.apply(x, self.b2) + rows(x, self.idx).sum()\n"
        "        return y + unguarded(x, self.b3)\n"
    )
    for found in codes_by_line_in_both_faces(tmp_path, "--select", "MPR", "pkg/model.py"):
        assert found == [("MPR002", 12)], found
    pytest.importorskip("torch")
    script = (
        "import sys, torch\nsys.path.insert(0, sys.argv[1])\nfrom pkg.model import M\nfrom pkg import ops\n"
        "m = M().to('meta')\nx = torch.ones(2, 3, device='meta')\n"
        "print(ops.guarded(x, m.b1).device, ops.AddBias.apply(x, m.b2).device, ops.rows(x, m.idx).device)\n"
        "try:\n    m(x)\nexcept RuntimeError as e:\n    print('unguarded fails:', e)\n"
    )
    stdout = run_with_torch(tmp_path, script)
    assert stdout.startswith("meta meta meta\n") and "unguarded fails: Tensor on device cpu" in stdout, stdout


def test_a_name_a_base_in_another_file_registers_is_updated_not_left_out(tmp_path):
    """``self.points = t`` after a base in another file did ``self.register_buffer("points", ...)``: as
    ``nn.Module.__setattr__`` does, the assignment updates the buffer (real torch shows it in
    ``state_dict()`` and moved by ``.to('meta')``); a name no base registers is still reported."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "base.py").write_text(
        "import torch\nfrom torch import nn\n\n\nclass Strategy(nn.Module):\n    def __init__(self, points):\n"
        "        super().__init__()\n        self.register_buffer('points', points.clone())\n"
    )
    (pkg / "model.py").write_text(
        "import torch\n\nfrom .base import Strategy\n\n\nclass Nearest(Strategy):\n    def __init__(self, points: torch.Tensor):\n"
        "        super().__init__(points)\n        self.points = points\n        self.other = torch.ones(4, 3)\n\n"
        "    def forward(self, x):\n        return x @ self.points.T + x @ self.other.T\n"
    )
    for found in codes_by_line_in_both_faces(tmp_path, "--select", "MPR", "pkg/model.py"):
        assert found == [("MPR002", 10)], found
    pytest.importorskip("torch")
    script = (
        "import sys, torch\nsys.path.insert(0, sys.argv[1])\nfrom pkg.model import Nearest\n"
        "m = Nearest(torch.ones(4, 3))\nprint(sorted(m.state_dict()))\nm = m.to('meta')\n"
        "print(m.points.device, m.other.device)\n"
    )
    stdout = run_with_torch(tmp_path, script)
    assert stdout.splitlines() == ["['points']", "meta cpu"], stdout


def test_a_tree_parsed_for_a_summary_is_handed_to_the_command_once_and_only_for_the_same_text(project):
    path = project / PACKAGE / "layers" / "helpers.py"
    text = path.read_text()
    plugin_index = ProjectIndex(str(project), use_cache=False)  # as the flake8 plugin builds it
    assert plugin_index.summary(os.path.realpath(path)) is not None
    assert plugin_index.take_tree(str(path), text) is None  # the plugin keeps no trees: flake8 hands it each
    index = ProjectIndex(str(project), use_cache=False)
    index.keep_spare_trees = True  # as the command's runner.project_for sets it
    assert index.summary(os.path.realpath(path)) is not None  # parsed for its summary
    tree = index.take_tree(str(path), text)
    assert isinstance(tree, ast.Module) and ast.dump(tree) == ast.dump(ast.parse(text))
    assert index.take_tree(str(path), text) is None  # handed over once
    index._summaries.clear()
    index.summary(os.path.realpath(path))
    assert index.take_tree(str(path), text + "\n# edited\n") is None  # another text: parse it again


def test_a_relative_path_means_the_file_under_the_current_directory_after_chdir(tmp_path, monkeypatch):
    """The process-wide realpath memo is keyed by the absolute path: a flake8 run in one project, then
    another in a second project with the same relative name, must not get the first file's path."""
    from flake8_nnparam.detection.project import _real

    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "model.py").write_text("")
    monkeypatch.chdir(tmp_path / "a")
    assert _real("model.py") == os.path.realpath(tmp_path / "a" / "model.py")
    monkeypatch.chdir(tmp_path / "b")
    assert _real("model.py") == os.path.realpath(tmp_path / "b" / "model.py")


def _cache_files(root: Path) -> tuple[list[str], list[str]]:
    names = sorted(p.name for p in (root / CACHE_DIR_NAME).glob("*/*.json"))
    return [n for n in names if n.startswith("pack-")], [n for n in names if not n.startswith("pack-")]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_command_writes_its_cache_as_one_pack_per_run(project, jobs):
    """The real command keeps its entries in memory and writes one pack at the end of the run (-j workers
    hand theirs to the parent), folds the packs it read into the new one and removes them; a warm run
    that changed nothing writes nothing, and its findings are the cold run's."""
    _age(project)
    cold = run_command("-j", jobs, ".", cwd=project)
    packs, entries = _cache_files(project)
    assert len(packs) == 1 and entries == [], (packs, entries)
    warm = run_command("-j", jobs, ".", cwd=project)
    assert warm.stdout == cold.stdout and warm.returncode == cold.returncode == 2  # findings, and broken.py
    assert _cache_files(project) == (packs, [])  # nothing changed, nothing written

    base = project / PACKAGE / "layers" / "base.py"
    base.write_text(base.read_text() + "\n")
    _age(project)
    again = run_command("-j", jobs, ".", cwd=project)
    assert again.stdout == cold.stdout
    new_packs, entries = _cache_files(project)
    assert len(new_packs) == 1 and new_packs != packs and entries == []  # the old pack folded in, removed
    pack = json.loads(next((project / CACHE_DIR_NAME).glob("*/pack-*.json")).read_bytes())
    assert len(pack) >= len(expected_rows())  # every file's result and the summaries, not only the edited one

    gone = project / PACKAGE / "models" / "heads.py"
    assert any(e["path"].endswith("heads.py") for e in pack.values())
    gone.unlink()
    base.write_text(base.read_text() + "\n")
    run_command("-j", jobs, ".", cwd=project)
    pack = json.loads(next((project / CACHE_DIR_NAME).glob("*/pack-*.json")).read_bytes())
    assert not any(e["path"].endswith("heads.py") for e in pack.values())  # a deleted file's entries go


def test_a_corrupt_pack_is_a_cache_miss(project):
    _age(project)
    cold = run_command(".", cwd=project)
    (pack,) = (project / CACHE_DIR_NAME).glob("*/pack-*.json")
    pack.write_bytes(b'{"not": "a complete entry"')
    warm = run_command(".", cwd=project)
    assert warm.stdout == cold.stdout and warm.returncode == cold.returncode
    packs, _ = _cache_files(project)
    assert len(packs) == 1 and json.loads((pack.parent / packs[0]).read_bytes())  # rewritten whole


def test_a_pack_too_deep_to_decode_is_a_miss_not_a_crash(project):
    """A pack is read at a process's first cache lookup: whatever is wrong with it (here, nested deeper
    than the JSON decoder recurses) costs a miss, and the next writing run replaces it."""
    cold = run_command(".", cwd=project)
    (directory,) = (project / CACHE_DIR_NAME).glob("*/")
    (directory / "pack-00000000000000000001-1.json").write_text("[" * 100_000 + "]" * 100_000)
    base = project / PACKAGE / "layers" / "base.py"
    base.write_text(base.read_text() + "\n")  # something to write, so the run writes a pack
    warm = run_command(".", cwd=project)
    assert warm.stdout == cold.stdout and warm.returncode == cold.returncode, warm.stderr
    assert "Traceback" not in warm.stderr
    packs, _ = _cache_files(project)
    assert len(packs) == 1 and packs[0] != "pack-00000000000000000001-1.json"
    flake8 = run_flake8(".", cwd=project)
    assert "MPR999" not in flake8.stdout
    assert flake8.stdout == run_flake8("--nnparam-no-cache", ".", cwd=project).stdout


def test_an_interrupted_command_run_keeps_what_it_did(project, monkeypatch):
    """Ctrl-C during a long cold run: the entries of the files already done are written (one pack)."""
    import flake8_nnparam.command as command

    done = []
    real = command.check_worker

    def worker(args):
        if len(done) == 3:
            raise KeyboardInterrupt
        done.append(args[0])
        return real(args)

    monkeypatch.chdir(project)
    monkeypatch.setattr(command, "check_worker", worker)
    ProjectIndex.forget_all()
    with pytest.raises(KeyboardInterrupt):
        command.run(["--no-config", "-j", "1", "."])
    ProjectIndex.forget_all()
    packs, entries = _cache_files(project)
    assert len(packs) == 1 and entries == []
    pack = json.loads(next((project / CACHE_DIR_NAME).glob("*/pack-*.json")).read_bytes())
    results = {os.path.normpath(e["path"]) for name, e in pack.items() if name.startswith("result-")}
    assert results and results <= {os.path.normpath(p) for p in done}  # the files done, and only those
    # Every one of them that was analysed: a file that does not parse, or could hold no finding (and so is not
    # even parsed), stores no result.
    analysed = {os.path.normpath(p) for p in done if _analysed(project / p)}
    assert analysed and results == analysed


def _analysed(path) -> bool:
    text = path.read_text()
    try:
        ast.parse(text)
    except SyntaxError:
        return False
    return could_hold_findings(text, cross_file=True)


def test_the_command_on_stdin_keeps_the_summaries_it_computed(project):
    heads = project / PACKAGE / "models" / "heads.py"
    proc = run_command("-", "--stdin-filename", str(heads.relative_to(project)), cwd=project, input=heads.read_text())
    assert "MPR003" in proc.stdout, proc.stderr
    pack = json.loads(next((project / CACHE_DIR_NAME).glob("*/pack-*.json")).read_bytes())
    assert any(name.startswith("summary-") for name in pack)  # the base class's file, read for the answer


def test_state_built_in_a_hook_a_base_of_another_file_calls_is_real_at_runtime():
    """netpkg/models/hooked.py: the hook the base's __init__ (layers/base.py) calls builds the tensors the
    findings name; real torch shows them left out of state_dict() and behind after .to('meta'), and the
    schedule state lost across a checkpoint."""
    pytest.importorskip("torch")
    script = (
        "import sys, torch\nsys.path.insert(0, sys.argv[1])\n"
        "from netpkg.models.hooked import DepthModel, MaskedModel\n"
        "m = MaskedModel()\n"
        "print('mask' in m.state_dict(), m.to('meta').mask.device.type)\n"
        "d = DepthModel()\n"
        "for _ in range(5):\n    d(torch.randn(2, 4))\n"
        "fresh = DepthModel()\nfresh.load_state_dict(d.state_dict())\n"
        "print(round(d.depth_sigma.item(), 4), round(fresh.depth_sigma.item(), 4))\n"
    )
    mask_saved, left_on, trained_sigma, loaded_sigma = run_with_torch(PROJECT, script).split()
    assert (mask_saved, left_on) == ("False", "cpu")
    assert float(trained_sigma) < 0.2 and float(loaded_sigma) == 0.2


def test_the_command_summarises_only_the_functions_asked_and_caches_them(tmp_path):
    """In the command, a helper file's function summaries are made per function when a question asks; the
    file's cache entry is written again with them, so a warm index answers without reading the file."""
    pkg = tmp_path / "pkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "helpers.py").write_text(
        "import torch\n\n\n"
        "def make_mask(n):\n    return torch.ones(n, n).tril()\n\n\n"
        "def unused(x, w):\n    return (x * w).sum()\n"
    )
    model = pkg / "model.py"
    model.write_text("from .helpers import make_mask\n")
    _age(tmp_path)
    helpers = os.path.realpath(pkg / "helpers.py")

    index = ProjectIndex(str(tmp_path))
    index.keep_spare_trees = index.batch_cache_writes = True  # as the command sets them
    assert index.return_kind(os.path.realpath(model), "make_mask") == "tensor"
    assert sorted(index.summary(helpers)["functions"]) == ["make_mask"]  # not `unused`
    assert helpers in index.parsed
    for directory, entries in index.take_cache_entries().items():  # the end of the run: the grown summary
        Cache(directory).write_pack(entries)  # entry is written again, in the run's pack

    ProjectIndex.forget_all()
    warm = ProjectIndex(str(tmp_path))
    warm.keep_spare_trees = True
    assert warm.return_kind(os.path.realpath(model), "make_mask") == "tensor"
    assert warm.parsed == [] and warm.cache.hits >= 1
    assert warm.argument_fate(os.path.realpath(model), "pkg.helpers.unused", 1) is None  # asked now: made now


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_plugin_writes_one_pack_per_process(project, jobs):
    """The flake8 plugin keeps its cache entries in memory and each flake8 process (every worker of
    ``-j 2``) writes them as one pack when it exits: no file per entry, no temporary left behind, and the
    next run reads them back (findings unchanged, nothing parsed again: no new pack)."""
    _age(project)
    cold = run_flake8("-j", jobs, "--select", "MPR", PACKAGE, cwd=project)
    assert parse_rows(cold.stdout) == expected_rows()
    packs, entries = _cache_files(project)
    assert entries == [] and 1 <= len(packs) <= int(jobs)
    assert not list((project / CACHE_DIR_NAME).glob("*/.tmp-*"))
    kinds = {name.split("-", 1)[0] for pack in packs for name in json.loads(
        next((project / CACHE_DIR_NAME).glob(f"*/{pack}")).read_bytes())}
    assert kinds == {"plugin", "summary"}
    warm = run_flake8("-j", jobs, "--select", "MPR", PACKAGE, cwd=project)
    assert warm.stdout == cold.stdout
    assert _cache_files(project) == (packs, [])  # every answer came from the packs: nothing new to write


def test_a_list_of_parameter_free_modules_of_another_file_loses_nothing(tmp_path):
    """Losses defined in another file of the package, kept in a plain list: the project index reads what
    their classes (and project bases) keep. Parameter-free ones lose nothing (MPR907 with the reason); one
    with a Parameter, or a Dropout (train/eval), is still MPR003, with the consequence it has. The plugin and
    the command agree."""
    make_package(tmp_path, losses=(
        "import torch\nfrom torch import nn\n\n\n"
        "class BaseLoss(nn.Module):\n    def __init__(self, reduction='mean'):\n        super().__init__()\n"
        "        self.reduction = reduction\n\n\n"
        "class KLDLoss(BaseLoss):\n    def __init__(self, reduction='mean', base='2'):\n"
        "        super().__init__(reduction)\n        self.base = base\n\n\n"
        "class WeightedLoss(BaseLoss):\n    def __init__(self, n):\n        super().__init__()\n"
        "        self.w = nn.Parameter(torch.ones(n))\n\n\n"
        "class DropLoss(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.drop = nn.Dropout(0.1)\n"
    ), model=(
        "from torch import nn\nfrom .losses import KLDLoss, WeightedLoss, DropLoss\n\n\n"
        "class Trainer(nn.Module):\n    def __init__(self, n):\n        super().__init__()\n"
        "        self.lin = nn.Linear(n, n)\n"
        "        self.stateless = [KLDLoss(), KLDLoss(base='e')]\n"
        "        self.weighted = [KLDLoss(), WeightedLoss(n)]\n"
        "        self.dropping = [DropLoss()]\n\n"
        "    def forward(self, x):\n        y = self.lin(x)\n"
        "        return sum(l(y, x) for l in self.stateless + self.weighted + self.dropping)\n"
    ))
    expected = [("pkg/model.py", 10, "MPR003"), ("pkg/model.py", 11, "MPR003")]
    for proc in (run_command("--no-cache", "pkg", cwd=tmp_path), run_flake8("--select", "MPR", "pkg", cwd=tmp_path)):
        assert parse_rows(proc.stdout) == expected, proc.stdout + proc.stderr
    explained = run_command("--no-cache", "--select", "MPR,MPR9", "pkg", cwd=tmp_path).stdout
    assert "pkg/model.py:9:9: MPR907 self.stateless" in explained and "parameter-free" in explained, explained
    assert "model.eval() never reaches them" in explained  # the Dropout list: its real consequence


def test_a_forked_child_writes_its_own_pending_cache_entries(tmp_path):
    """A process that opened the plugin's cache and then forks (a pool created after a first lint): the
    child registers its own exit handler, writes only its own entries, and leaves the parent's to the
    parent."""
    if not hasattr(os, "fork"):
        pytest.skip("no fork")
    script = (
        "import os, sys\n"
        "from flake8_nnparam.detection.cache import Cache\n"
        "cache = Cache.open(sys.argv[1])\n"
        "cache.batch = True\n"
        "cache.write_pending_at_exit()\n"
        "st = os.stat(sys.argv[1])\n"
        "cache.write('summary', 'parent.py', st, 'a', {'who': 'parent'})\n"
        "import multiprocessing as mp\n"
        "def child():\n"
        "    cache.write('summary', 'child.py', st, 'b', {'who': 'child'})\n"
        "p = mp.get_context('fork').Process(target=child)\n"
        "p.start(); p.join()\n"
        "sys.exit(p.exitcode)\n"
    )
    (tmp_path / "parent.py").write_text("")
    (tmp_path / "child.py").write_text("")  # a pack keeps only entries of files that exist
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], env=clean_env(), capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    packs = sorted((tmp_path / CACHE_DIR_NAME).glob("*/pack-*.json"))
    assert packs, "nothing written"
    written = {}
    for pack in packs:
        for entry in json.loads(pack.read_bytes()).values():
            written.setdefault(entry["path"], []).append(entry["payload"]["who"])
    assert written == {"parent.py": ["parent"], "child.py": ["child"]}, written


def test_few_pending_entries_make_a_small_pack_until_the_packs_pile_up(tmp_path):
    """An editor's lint writes its few entries as a pack of their own instead of rewriting the project's
    whole cache; once 16 packs are found, the next write merges them into one. The newest write of each
    entry wins, whichever pack holds it."""
    from flake8_nnparam.detection import cache as cache_module

    for i in range(3):
        (tmp_path / f"m{i}.py").write_text("")
    st = os.stat(tmp_path / "m0.py")
    directory = None
    for run in range(cache_module._MAX_PACKS + 1):
        cache = Cache.open(str(tmp_path))
        directory = cache.directory
        cache.batch = True
        cache.write("summary", f"m{run % 3}.py", st, "x", {"run": run})
        cache.flush()
        packs = sorted(p for p in os.listdir(directory) if p.startswith("pack-"))
        assert len(packs) == (run + 1 if run < cache_module._MAX_PACKS else 1), (run, packs)
    reader = Cache(directory)
    newest = {f"m{i}.py": max(r for r in range(cache_module._MAX_PACKS + 1) if r % 3 == i) for i in range(3)}
    for path, run in newest.items():
        assert reader.read("summary", path)["payload"] == {"run": run}


def test_a_project_whose_package_name_starts_with_torch_is_the_project_not_torch(tmp_path):
    """torchflows (set ZE): a package named ``torch...`` is not torch. Its Module classes and helpers in other
    files resolve like any project's (before, ``torchflows.x.Gauss(...)`` was read as a torch call and held
    nothing), so a base that keeps the list of Gaussians a subclass hands it is reported."""
    pkg = tmp_path / "torchfoo"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "gauss.py").write_text(
        "import torch\nfrom torch import nn\n\n\nclass Gauss(nn.Module):\n    def __init__(self, loc):\n"
        "        super().__init__()\n        self.loc = nn.Parameter(loc)\n\n    def forward(self, x):\n"
        "        return x - self.loc\n"
    )
    (pkg / "mixture.py").write_text(
        "import torch\nfrom torch import nn\n\nfrom torchfoo.gauss import Gauss\n\n\nclass Mixture(nn.Module):\n"
        "    def __init__(self, components):\n        super().__init__()\n        self.components = components\n\n"
        "    def forward(self, x):\n        return sum(c(x) for c in self.components)\n\n\n"
        "class GaussMixture(Mixture):\n    def __init__(self, locs):\n        components = []\n"
        "        for loc in locs:\n            components.append(Gauss(loc))\n        super().__init__(components)\n"
    )
    ProjectIndex.forget_all()
    try:
        command, flake8 = codes_by_line_in_both_faces(tmp_path, "--select", "MPR0", "torchfoo")
    finally:
        ProjectIndex.forget_all()
    assert command == flake8 == [("MPR003", 10)]
