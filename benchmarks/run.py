#!/usr/bin/env python3
"""Real-world benchmark for flake8-nnparam: what the plugin costs a flake8 user, measured side by side.

Run by hand (never as a unit test), with the Python that has the plugin installed:

    python benchmarks/run.py --corpus small --runs 1     # quick: torchvision, timm, torch/nn
    python benchmarks/run.py --corpus full --runs 3      # the whole pinned corpus
    python benchmarks/run.py --corpus small --profile    # cProfile hot spots instead of timings

The corpus is fetched with ``pip download --no-deps`` into benchmarks/.corpus/ (only ``.py`` files
are extracted, cached after the first run); a flake8 without the plugin lives in
benchmarks/.cache/venv-plain. Every timed row is a fresh subprocess; rows are interleaved run by run
so that load from other processes spreads over all of them. See benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import time
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS_DIR = HERE / ".corpus"
DOWNLOADS = CORPUS_DIR / "downloads"
SOURCES = CORPUS_DIR / "src"
CACHE = HERE / ".cache"
PLAIN_VENV = CACHE / "venv-plain"
OUT = CACHE / "out"

PREFIX = "MPR"
IMPORT_TARGET_MS = 30.0
OVERHEAD_TARGET_PCT = 5.0
IN_PROCESS_TARGET_PCT = 2.0
STANDALONE_TARGET_X = 1.5
WARM_TARGET_X = 0.2
CACHE_NAME = ".nnparam_cache"
PROJECT_FILES = 2000
FIX_TARGET_X = 2.0  # --fix on a copy of the corpus vs lint of the same files
FIX_COPY = CACHE / "fix-copy"


@dataclass(frozen=True)
class Dist:
    """One pinned distribution of the corpus and which of its ``.py`` files to keep."""

    name: str
    version: str
    keep: tuple[str, ...] = ()  # path prefixes inside the archive; empty keeps every .py file
    small_keep: tuple[str, ...] | None = None  # in the small corpus: these prefixes; None: not in it
    sdist: bool = False
    optional: bool = False  # a failed download only drops it from the corpus, with a warning

    @property
    def folder(self) -> str:
        # "name-version" is not an importable name, so running from SOURCES never shadows a real package.
        return f"{self.name}-{self.version}"


CORPUS = (
    Dist("torch", "2.13.0", keep=("torch/nn/", "torch/ao/"), small_keep=("torch/nn/",)),
    Dist("torchvision", "0.29.1", small_keep=()),
    Dist("timm", "1.0.31", small_keep=()),
    Dist("transformers", "5.24.0"),
    Dist("diffusers", "0.42.1"),
    Dist("pytorch-lightning", "2.6.6"),
    Dist("torchaudio", "2.11.0"),
    Dist("speechbrain", "1.1.2"),
    # Only an sdist exists; pip prepares its metadata, which needs setuptools in this environment.
    Dist("fairseq", "0.12.2", sdist=True, optional=True),
)


def log(msg: str) -> None:
    print(msg, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------------------- the corpus


def _normalized(name: str) -> str:
    return re.sub(r"[-_.]+", "_", name).lower()


def _find_download(dist: Dist) -> Path | None:
    for path in DOWNLOADS.glob("*"):
        stem = _normalized(path.name)
        if stem.startswith(f"{_normalized(dist.name)}_{_normalized(dist.version)}"):
            return path
    return None


def _download(dist: Dist) -> Path | None:
    found = _find_download(dist)
    if found:
        return found
    DOWNLOADS.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(DOWNLOADS)]
    if dist.sdist:
        cmd += ["--no-binary", ":all:", "--no-build-isolation"]
    cmd.append(f"{dist.name}=={dist.version}")
    log(f"fetching {dist.name}=={dist.version} ...")
    proc = subprocess.run(cmd, capture_output=True, text=True)
    found = _find_download(dist)
    if proc.returncode != 0 or found is None:
        msg = f"pip download {dist.name}=={dist.version} failed:\n{proc.stderr[-2000:]}"
        if dist.optional:
            log("WARNING: " + msg + f"\n  -> {dist.name} left out of the corpus")
            return None
        sys.exit(msg)
    return found


def _wanted(member: str, keep: tuple[str, ...]) -> bool:
    if not member.endswith(".py") or member.startswith("/") or ".." in Path(member).parts:
        return False
    return not keep or any(member.startswith(prefix) for prefix in keep)


def _extract(dist: Dist, archive: Path) -> None:
    target = SOURCES / dist.folder
    done = target / ".extracted"
    if done.exists():
        return
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    if archive.suffix == ".whl":
        with zipfile.ZipFile(archive) as zf:
            for member in zf.namelist():
                if _wanted(member, dist.keep):
                    (target / member).parent.mkdir(parents=True, exist_ok=True)
                    (target / member).write_bytes(zf.read(member))
    else:
        with tarfile.open(archive) as tf:
            for member in tf.getmembers():
                # sdists wrap everything in "name-version/"; drop that level.
                inner = member.name.split("/", 1)[1] if "/" in member.name else member.name
                if member.isfile() and _wanted(inner, dist.keep):
                    (target / inner).parent.mkdir(parents=True, exist_ok=True)
                    (target / inner).write_bytes(tf.extractfile(member).read())
    done.write_text(archive.name + "\n")


def prepare_corpus(kind: str) -> list[tuple[Dist, list[str]]]:
    """Fetch and extract the corpus; return each distribution with its roots relative to SOURCES."""
    chosen = []
    for dist in CORPUS:
        if kind == "small" and dist.small_keep is None:
            continue
        archive = _download(dist)
        if archive is None:
            continue
        _extract(dist, archive)
        keep = dist.small_keep if kind == "small" else dist.keep
        roots = [f"{dist.folder}/{prefix.rstrip('/')}" for prefix in keep] if keep else [dist.folder]
        chosen.append((dist, roots))
    return chosen


def list_files(roots: list[str]) -> list[str]:
    files = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(SOURCES / root):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            files.extend(
                os.path.relpath(os.path.join(dirpath, f), SOURCES) for f in sorted(filenames) if f.endswith(".py")
            )
    return files


def count_lines(files: list[str]) -> int:
    return sum((SOURCES / f).read_bytes().count(b"\n") for f in files)


# -------------------------------------------------------------------------------- the environments


def _version(dist: str, python: str | None = None) -> str:
    if python is None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "-"
    out = subprocess.run(
        [python, "-c", f"from importlib.metadata import version; print(version({dist!r}))"],
        capture_output=True, text=True, cwd=SOURCES,
    )
    return out.stdout.strip() or "-"


def _flake8_extensions(python: str) -> list[str]:
    code = (
        "from importlib.metadata import entry_points\n"
        "print('\\n'.join(sorted(ep.name for ep in entry_points(group='flake8.extension'))))"
    )
    # From SOURCES: "python -c" puts the working directory on sys.path, and the repo's own
    # flake8_nnparam.egg-info there would register the plugin in any interpreter.
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, check=True, cwd=SOURCES)
    return out.stdout.split()


FLAKE8_STACK = ("flake8", "pyflakes", "pycodestyle", "mccabe")


def ensure_plain_venv() -> str:
    """A venv with the same flake8 stack as this one, but without the plugin."""
    pins = [f"{name}=={_version(name)}" for name in FLAKE8_STACK]
    stamp = PLAIN_VENV / "bench-pins.txt"
    python = str(PLAIN_VENV / "bin" / "python")
    if not (stamp.exists() and stamp.read_text().split() == pins):
        log(f"creating {PLAIN_VENV.relative_to(REPO)} with {' '.join(pins)} ...")
        shutil.rmtree(PLAIN_VENV, ignore_errors=True)
        subprocess.run([sys.executable, "-m", "venv", str(PLAIN_VENV)], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", *pins], check=True)
        stamp.write_text("\n".join(pins) + "\n")
    if PREFIX in _flake8_extensions(python):
        sys.exit(f"{PLAIN_VENV} unexpectedly has the plugin installed")
    return python


def standalone_command() -> tuple[bool, str, str | None, list[str]]:
    """Whether ``python -m flake8_nnparam`` works, why not, its jobs flag and its isolating flags."""
    proc = subprocess.run([sys.executable, "-m", "flake8_nnparam", "--help"], capture_output=True, text=True)
    if proc.returncode != 0:
        reason = (proc.stderr.strip().splitlines() or ["exit code %d" % proc.returncode])[-1]
        return False, reason, None, []
    jobs_flag = None
    if re.search(r"(^|[\s,\[])-j\b", proc.stdout):
        jobs_flag = "-j"
    elif "--jobs" in proc.stdout:
        jobs_flag = "--jobs"
    isolate = ["--no-config"] if "--no-config" in proc.stdout else []
    return True, "", jobs_flag, isolate


# ----------------------------------------------------------------------------------- measurement


@dataclass
class Row:
    key: str
    label: str
    cmd: list[str]
    ok_codes: tuple[int, ...] = (0, 1)
    stdin: str | None = None  # file path fed on stdin
    before: object = None  # called before each timed run, untimed (the --fix row restores its copy)
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)  # user + system seconds of the process tree
    rss_kb: int = 0
    codes: Counter = field(default_factory=Counter)
    payload: dict = field(default_factory=dict)  # JSON a python -c row printed on its last line
    failed: str = ""
    note: str = ""
    clear_cache: Path | None = None  # a project root whose .nnparam_cache is deleted before each run (cold)
    cwd: Path | None = None

    @property
    def median(self) -> float:
        return statistics.median(self.walls) if self.walls else float("nan")

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus) if self.cpus else float("nan")


FINDING = re.compile(r":\d+:\d+: ([A-Z]+\d+)\b")
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None


def _fresh_copy(roots: list[str]) -> None:
    """The --fix row rewrites files: it runs on a copy of the corpus, restored before every run."""
    shutil.rmtree(FIX_COPY, ignore_errors=True)
    for root in roots:
        shutil.copytree(SOURCES / root, FIX_COPY / root, symlinks=True)


def _changed_files(roots: list[str]) -> int:
    count = 0
    for root in roots:
        for path in (FIX_COPY / root).rglob("*.py"):
            original = SOURCES / root / path.relative_to(FIX_COPY / root)
            count += original.is_file() and path.read_bytes() != original.read_bytes()
    return count


def run_once(row: Row, env: dict[str, str]) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    out_path, err_path, rss_path = OUT / f"{row.key}.out", OUT / f"{row.key}.err", OUT / f"{row.key}.rss"
    # Peak RSS through the small /usr/bin/time: a child's ru_maxrss also counts the memory of the process
    # that forked it (Linux records the pre-exec image), which for this script grows with the outputs read.
    cmd = [GNU_TIME, "-f", "%M", "-o", str(rss_path), *row.cmd] if GNU_TIME else row.cmd
    stdin = open(row.stdin, "rb") if row.stdin else subprocess.DEVNULL
    if row.clear_cache is not None:
        shutil.rmtree(row.clear_cache / CACHE_NAME, ignore_errors=True)
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=row.cwd or SOURCES, stdin=stdin, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
    if row.stdin:
        stdin.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in row.ok_codes:
        tail = err_path.read_text(errors="replace").strip().splitlines()[-5:]
        row.failed = f"exit {proc.returncode}: " + " | ".join(tail)
        return
    row.walls.append(wall)
    row.cpus.append(usage.ru_utime + usage.ru_stime)
    rss = usage.ru_maxrss
    if GNU_TIME:
        rss = int(rss_path.read_text().split()[-1])
    row.rss_kb = max(row.rss_kb, rss)
    row.codes = Counter()
    last = ""
    with open(out_path, errors="replace") as out:
        for line in out:
            match = FINDING.search(line)
            if match:
                row.codes[match.group(1)] += 1
            last = line
    if last.startswith("{"):
        row.payload = json.loads(last)


FLOOR = r"""
import ast, json, sys, warnings
warnings.simplefilter("ignore")
bad = 0
for path in open(sys.argv[1]).read().splitlines():
    with open(path, "rb") as f:
        source = f.read()
    try:
        ast.parse(source, path)
    except (SyntaxError, ValueError):
        bad += 1
print(json.dumps({"unparsable": bad}))
"""

LIBCST = r"""
import ast, json, sys, time, warnings
import libcst
warnings.simplefilter("ignore")
step = int(sys.argv[2])
paths = open(sys.argv[1]).read().splitlines()[::step]
sources = [open(p, "rb").read() for p in paths]
t0 = time.perf_counter()
for s in sources:
    try:
        ast.parse(s)
    except (SyntaxError, ValueError):
        pass
t1 = time.perf_counter()
failed = 0
for s in sources:
    try:
        libcst.parse_module(s)
    except Exception:
        failed += 1
t2 = time.perf_counter()
print(json.dumps({"files": len(paths), "ast_s": t1 - t0, "cst_s": t2 - t1, "cst_failed": failed}))
"""

# What the plugin adds inside flake8, without flake8 around it: flake8 hands the plugin a parsed tree
# and the lines, so parsing is outside the timed part. CPU time, to compare with flake8's CPU time. One tree at a time, as in flake8 (holding every
# tree would make the garbage collector's full passes dominate).
PLUGIN_IN_PROCESS = r"""
import ast, json, sys, time, warnings
from collections import Counter
warnings.simplefilter("ignore")
from flake8_nnparam.plugin import NNParamChecker
NNParamChecker.cross_file = sys.argv[2] != "off"
codes = Counter()
files = 0
plugin_s = 0.0
for path in open(sys.argv[1]).read().splitlines():
    with open(path, "rb") as f:
        source = f.read()
    try:
        tree = ast.parse(source, path)
    except (SyntaxError, ValueError):
        continue
    lines = source.decode("utf-8", "replace").splitlines(keepends=True)
    files += 1
    t0 = time.process_time()
    for _, _, message, _ in NNParamChecker(tree, lines, path).run():
        codes[message.split()[0]] += 1
    plugin_s += time.process_time() - t0
print(json.dumps({"files": files, "plugin_s": plugin_s, "codes": codes}))
"""


IMPORT_PROBE = (
    "import sys; {pre}sys.stderr.write('@@MARK@@\\n'); sys.stderr.flush(); import flake8_nnparam.plugin; "
    "heavy = [m for m in ('libcst', 'torch', 'numpy') if m in sys.modules]; print(','.join(heavy))"
)


def import_ms(python: str, pre: str, runs: int, env: dict[str, str]) -> tuple[float, float, str]:
    """Median and min of the summed cumulative time of the top-level imports after the marker, in ms."""
    totals, heavy = [], ""
    for _ in range(runs):
        proc = subprocess.run(
            [python, "-X", "importtime", "-c", IMPORT_PROBE.format(pre=pre)],
            capture_output=True, text=True, env=env, cwd=SOURCES,
        )
        after = proc.stderr.split("@@MARK@@", 1)[-1]
        total = 0
        for line in after.splitlines():
            parts = line.split("|")
            if line.startswith("import time:") and len(parts) == 3 and parts[1].strip().isdigit():
                name = parts[2][1:]  # one space after the bar; nested imports add two more per level
                if not name.startswith(" "):
                    total += int(parts[1])
        totals.append(total / 1000)
        heavy = proc.stdout.strip()
    return statistics.median(totals), min(totals), heavy


def synthetic_project(n_files: int) -> tuple[Path, str]:
    """A package of ``n_files`` modules whose last model derives, through six files, from nn.Module."""
    root = CACHE / f"project{n_files}"
    target = root / "bigpkg" / "models" / "model_final.py"
    if target.exists():
        return root, str(target.relative_to(root))
    shutil.rmtree(root, ignore_errors=True)
    (root / "bigpkg" / "models").mkdir(parents=True)
    (root / "bigpkg" / "__init__.py").write_text("")
    (root / "bigpkg" / "models" / "__init__.py").write_text("")
    (root / "bigpkg" / "models" / "base_0.py").write_text(
        "import torch.nn as nn\n\n\nclass Base0(nn.Module):\n    pass\n"
    )
    for i in range(1, 6):
        (root / "bigpkg" / "models" / f"base_{i}.py").write_text(
            f"from .base_{i - 1} import Base{i - 1}\n\n\nclass Base{i}(Base{i - 1}):\n    pass\n"
        )
    for i in range(n_files - 9):
        (root / "bigpkg" / f"mod_{i:04d}.py").write_text(
            "import torch\nfrom torch import nn\n\n\n"
            f"class Layer{i}(nn.Module):\n    def __init__(self, n=4):\n        super().__init__()\n"
            "        self.proj = nn.Linear(n, n)\n\n    def forward(self, x):\n        return self.proj(x)\n\n\n"
            f"def helper_{i}(x):\n    return torch.relu(x) * {i}\n" * 3
        )
    target.write_text(
        "import torch\n\nfrom .base_5 import Base5\n\n\nclass Final(Base5):\n"
        "    def __init__(self, n=4):\n        super().__init__()\n        self.mask = torch.tril(torch.ones(n, n))\n\n"
        "    def forward(self, x):\n        return x @ self.mask\n"
    )
    return root, str(target.relative_to(root))


def pick_model_file(files: list[str]) -> str:
    """A real timm model file of about 300 lines (the typical file an editor lints on save)."""
    candidates = []
    for f in files:
        if "/timm/models/" in f and not f.endswith("__init__.py"):
            text = (SOURCES / f).read_text(errors="replace")
            if re.search(r"^class \w+\((nn\.)?Module\)", text, re.M):
                candidates.append((abs(text.count("\n") - 300), f))
    if not candidates:
        candidates = [(abs((SOURCES / f).read_bytes().count(b"\n") - 300), f) for f in files]
    return min(candidates)[1]


# ------------------------------------------------------------------------------------- reporting


def fmt_s(x: float) -> str:
    return f"{x:8.2f}" if x == x else "       -"


def source_fingerprint() -> str:
    """Hash of the package's sources: others may commit to the repo while a long run is going."""
    digest = hashlib.sha256()
    for path in sorted((REPO / "flake8_nnparam").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def print_versions(corpus, files_by_dist, plain_python):
    print("== versions")
    print(f"python      {platform.python_version()} ({sys.executable})")
    stack = " ".join(f"{n} {_version(n)}" for n in FLAKE8_STACK)
    plain = " ".join(f"{n} {_version(n, plain_python)}" for n in FLAKE8_STACK)
    print(f"with plugin {stack}, libcst {_version('libcst')}, flake8-nnparam {_version('flake8-nnparam')}")
    print(f"plain venv  {plain}")
    commit = subprocess.run(["git", "-C", str(REPO), "describe", "--always", "--dirty"], capture_output=True, text=True)
    print(f"repo        {commit.stdout.strip() or '?'}, flake8_nnparam sources {source_fingerprint()}")
    print(f"machine     {os.cpu_count()} cpus, {platform.platform()}, load average {os.getloadavg()[0]:.2f} at start")
    print("== corpus (.py files only)")
    total_files = total_lines = 0
    for dist, roots in corpus:
        files = files_by_dist[dist.name]
        lines = count_lines(files)
        total_files += len(files)
        total_lines += lines
        print(f"  {dist.name:<18} {dist.version:<9} {len(files):>6} files {lines:>10,} lines   {' '.join(roots)}")
    print(f"  {'total':<28} {total_files:>6} files {total_lines:>10,} lines")
    print()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("small", "full"), default="small")
    parser.add_argument("--runs", type=int, default=3, help="runs per timed row; medians are reported")
    parser.add_argument("--jobs", type=int, default=2, help="job count of the -j row of the standalone command")
    parser.add_argument("--libcst-step", type=int, default=0,
                        help="libcst row parses every Nth file (default: 1 small, 4 full; -1 skips the row)")
    parser.add_argument("--latency-runs", type=int, default=9, help="runs of each stdin latency row")
    parser.add_argument("--profile", action="store_true", help="print cProfile hot spots instead of timing")
    args = parser.parse_args()

    try:
        import flake8_nnparam  # noqa: F401 - only checks it is installed
    except ImportError:
        sys.exit(f"run this with the Python that has flake8-nnparam installed (not {sys.executable})")
    SOURCES.mkdir(parents=True, exist_ok=True)  # the checks below run there, before the corpus is fetched
    if PREFIX not in _flake8_extensions(sys.executable):
        sys.exit(f"the plugin is not registered with flake8 in {sys.executable}")

    corpus = prepare_corpus(args.corpus)
    files_by_dist = {dist.name: list_files(roots) for dist, roots in corpus}
    files = [f for dist, _ in corpus for f in files_by_dist[dist.name]]
    roots = [r for _, rs in corpus for r in rs]
    CACHE.mkdir(parents=True, exist_ok=True)
    file_list = CACHE / f"files-{args.corpus}.txt"
    file_list.write_text("\n".join(files) + "\n")

    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "FLAKE8"))}
    if args.profile:
        return profile(file_list, roots, env)

    plain_python = ensure_plain_venv()
    fingerprint = source_fingerprint()
    print_versions(corpus, files_by_dist, plain_python)

    plugin_bin = Path(sys.executable).parent
    flake8_args = ["-j", "1", "--isolated", *roots]
    rows = [
        Row("a", "(a) flake8, default checks, no plugin", [str(PLAIN_VENV / "bin" / "flake8"), *flake8_args]),
        Row("b", "(b) flake8 + plugin, cold cache", [str(plugin_bin / "flake8"), *flake8_args], clear_cache=SOURCES),
        Row("bw", "(b) flake8 + plugin, warm cache", [str(plugin_bin / "flake8"), *flake8_args]),
        Row("c", f"(c) flake8 --select {PREFIX}", [str(plugin_bin / "flake8"), "--select", PREFIX, *flake8_args]),
    ]
    cli_ok, cli_reason, jobs_flag, isolate = standalone_command()
    cli = [sys.executable, "-m", "flake8_nnparam", *isolate]
    if cli_ok:
        single = [jobs_flag, "1"] if jobs_flag else []
        rows.append(Row("d", "(d) python -m flake8_nnparam" + (f" {jobs_flag} 1" if jobs_flag else "") + ", cold",
                        [*cli, *single, *roots], ok_codes=(0, 1, 2), clear_cache=SOURCES))
        rows.append(Row("dw", "(d) python -m flake8_nnparam" + (f" {jobs_flag} 1" if jobs_flag else "") + ", warm",
                        [*cli, *single, *roots], ok_codes=(0, 1, 2)))
        if jobs_flag:
            rows.append(Row("dj", f"(d) python -m flake8_nnparam {jobs_flag} {args.jobs}",
                            [*cli, jobs_flag, str(args.jobs), *roots], ok_codes=(0, 1, 2)))
        copy_roots = [str(FIX_COPY / r) for r in roots]
        rows.append(Row("g", "(g) python -m flake8_nnparam --fix --unsafe-fixes, on a fresh copy of the corpus",
                        [*cli, *single, "--no-cache", "--fix", "--unsafe-fixes", *copy_roots], ok_codes=(0, 1, 2),
                        before=lambda: _fresh_copy(roots)))
    rows.append(Row("e", "(e) ast.parse floor (python -c)", [sys.executable, "-c", FLOOR, str(file_list)]))
    rows.append(Row("i0", "(i) plugin in-process, one file at a time",
                    [sys.executable, "-c", PLUGIN_IN_PROCESS, str(file_list), "off"]))
    rows.append(Row("i", "(i) plugin in-process, cross-file, cold cache",
                    [sys.executable, "-c", PLUGIN_IN_PROCESS, str(file_list), "on"], clear_cache=SOURCES))
    rows.append(Row("iw", "(i) plugin in-process, cross-file, warm cache",
                    [sys.executable, "-c", PLUGIN_IN_PROCESS, str(file_list), "on"]))

    log(f"{len(rows)} rows x {args.runs} runs, interleaved ...")
    for run in range(args.runs):
        for row in rows:
            if row.failed:
                continue
            log(f"  run {run + 1}/{args.runs} {row.label}")
            if row.before is not None:
                row.before()
            run_once(row, env)

    libcst_row = None
    step = args.libcst_step or (1 if args.corpus == "small" else 4)
    if step > 0:
        libcst_row = Row("f", "(f) libcst.parse_module", [sys.executable, "-c", LIBCST, str(file_list), str(step)])
        log(f"  {libcst_row.label} (1 run, 1 file in {step})")
        run_once(libcst_row, env)

    log("  import time and stdin latency ...")
    imp_cold, imp_cold_min, heavy = import_ms(sys.executable, "", 9, env)
    imp_warm, imp_warm_min, _ = import_ms(sys.executable, "import flake8.main.application; ", 9, env)

    model = pick_model_file(files)
    model_lines = (SOURCES / model).read_bytes().count(b"\n")
    stdin_args = ["-", "--stdin-display-name", "model.py", "-j", "1", "--isolated"]
    latency = [
        Row("ha", "flake8, no plugin", [str(PLAIN_VENV / "bin" / "flake8"), *stdin_args], stdin=str(SOURCES / model)),
        Row("hb", "flake8 + plugin", [str(plugin_bin / "flake8"), *stdin_args], stdin=str(SOURCES / model)),
    ]
    if cli_ok:
        latency.append(Row("hd", "python -m flake8_nnparam -", [*cli, *single, "-", "--stdin-filename", "model.py"],
                           ok_codes=(0, 1, 2), stdin=str(SOURCES / model)))
    project_root, project_file = synthetic_project(PROJECT_FILES)
    editor_args = ["-", "--stdin-display-name", project_file, "-j", "1", "--isolated"]
    editor_stdin = str(project_root / project_file)
    latency += [
        Row("hp", f"editor, {PROJECT_FILES}-file project, no plugin", [str(PLAIN_VENV / "bin" / "flake8"), *editor_args],
            stdin=editor_stdin, cwd=project_root),
        Row("hpc", f"editor, {PROJECT_FILES}-file project, cold cache", [str(plugin_bin / "flake8"), *editor_args],
            stdin=editor_stdin, cwd=project_root, clear_cache=project_root),
        Row("hpw", f"editor, {PROJECT_FILES}-file project, warm cache", [str(plugin_bin / "flake8"), *editor_args],
            stdin=editor_stdin, cwd=project_root),
    ]
    for _ in range(args.latency_runs):
        for row in latency:
            if not row.failed:
                run_once(row, env)

    # ------------------------------------------------------------------ the table
    by = {row.key: row for row in rows}
    floor = by["e"].median
    print(f"== wall time, medians of {args.runs} run(s), single process unless stated "
          f"({len(files)} files; load average {os.getloadavg()[0]:.2f} at end)")
    print(f"{'row':<46} {'median s':>8} {'min s':>8} {'cpu s':>8} {'x floor':>8} {'peak RSS':>9}  findings")
    for row in rows + ([libcst_row] if libcst_row else []):
        if row.failed:
            print(f"{row.label:<46} FAILED {row.failed}")
            continue
        mn = min(row.walls)
        extra = ""
        if row.key in ("a", "b", "bw", "c", "d", "dw", "dj"):
            mpr = sum(n for c, n in row.codes.items() if c.startswith(PREFIX))
            extra = f"{sum(row.codes.values()):,} ({PREFIX}: {mpr:,})"
        elif row.key == "e":
            extra = f"{row.payload.get('unparsable', '?')} files ast rejects"
        elif row.key in ("i", "i0", "iw"):
            extra = (f"{PREFIX}: {sum(row.payload.get('codes', {}).values()):,}; "
                     f"plugin {row.payload.get('plugin_s', 0):.2f} s cpu")
        elif row.key == "f":
            p = row.payload
            ratio = p["cst_s"] / p["ast_s"] if p.get("ast_s") else float("nan")
            which = "all files" if step == 1 else f"every {step}th file"
            extra = (f"1 run, {p['files']} files ({which}): libcst {p['cst_s']:.2f} s = {ratio:.1f}x "
                     f"ast.parse {p['ast_s']:.2f} s of the same files; {p['cst_failed']} rejected")
        x_floor = row.median / floor if row.key != "f" else float("nan")
        print(f"{row.label:<46} {fmt_s(row.median)} {fmt_s(mn)} {fmt_s(row.cpu)} {fmt_s(x_floor)} "
              f"{row.rss_kb / 1024:7.0f}MB  {extra}")
    if not cli_ok:
        print(f"{'(d) python -m flake8_nnparam':<46} SKIPPED: `python -m flake8_nnparam --help` failed ({cli_reason})")
    elif not jobs_flag:
        print(f"{'(d) python -m flake8_nnparam -j':<46} SKIPPED: --help mentions no -j / --jobs option")
    print(f"{'(g) import flake8_nnparam.plugin':<46} {imp_cold:8.1f} ms in a bare interpreter (min {imp_cold_min:.1f}), "
          f"{imp_warm:.1f} ms after flake8 is imported (min {imp_warm_min:.1f}); median of 9; "
          f"heavy modules pulled in: {heavy or 'none'}")
    print(f"(h) stdin latency, {model} ({model_lines} lines), median of {args.latency_runs}:")
    for row in latency:
        if row.failed:
            print(f"      {row.label:<40} FAILED {row.failed}")
        else:
            print(f"      {row.label:<40} {row.median * 1000:7.0f} ms  (min {min(row.walls) * 1000:.0f} ms, "
                  f"peak RSS {row.rss_kb / 1024:.0f} MB)")
    if not latency[0].failed and not latency[1].failed:
        print(f"      plugin adds {(latency[1].median - latency[0].median) * 1000:+.0f} ms per file linted through stdin")

    # ------------------------------------------------------------------ findings by code
    print()
    print(f"== {PREFIX} findings by code (a speed-up that loses findings shows here)")
    cols = [r for r in rows if r.key in ("b", "bw", "c", "d", "dw", "dj") and not r.failed]
    inproc = Counter(by["i"].payload.get("codes", {})) if not by["i"].failed else Counter()
    codes = sorted({c for r in cols for c in r.codes if c.startswith(PREFIX)} | set(inproc))
    header = "".join(f"{'(' + r.key.rstrip('j') + (' -j' if r.key == 'dj' else '') + ')':>10}" for r in cols)
    header = header.replace("(bw)", "(b warm)").replace("(dw)", "(d warm)")
    print(f"{'code':<8}{header}{'(i)':>10}")
    for code in codes:
        print(f"{code:<8}" + "".join(f"{r.codes.get(code, 0):>10,}" for r in cols) + f"{inproc.get(code, 0):>10,}")
    if not by["a"].failed and not by["b"].failed:
        plain = Counter({c: n for c, n in by["b"].codes.items() if not c.startswith(PREFIX)})
        same = plain == by["a"].codes
        print(f"non-{PREFIX} findings: (a) {sum(by['a'].codes.values()):,}, (b) {sum(plain.values()):,} "
              f"({'identical by code' if same else 'DIFFERENT'}); "
              f"E999 (files flake8 cannot parse): {by['a'].codes.get('E999', 0)}")

    # ------------------------------------------------------------------ targets
    print()
    print("== targets (ratios of the same run)")
    if not by["a"].failed and not by["b"].failed:
        overhead = (by["b"].median / by["a"].median - 1) * 100
        verdict = "met" if overhead <= OVERHEAD_TARGET_PCT else "NOT met"
        cpu_overhead = (by["b"].cpu / by["a"].cpu - 1) * 100
        print(f"(b)/(a) plugin overhead on plain flake8: wall {overhead:+.1f}%, cpu {cpu_overhead:+.1f}%  "
              f"(target <= {OVERHEAD_TARGET_PCT:.0f}%: {verdict} on wall; medians of whole runs, noise of a shared "
              f"machine included)")
        if not by["bw"].failed:
            print(f"(b warm)/(a): wall {(by['bw'].median / by['a'].median - 1) * 100:+.1f}%, "
                  f"cpu {(by['bw'].cpu / by['a'].cpu - 1) * 100:+.1f}%")
        for key in ("i0", "i", "iw"):
            if not by[key].failed:
                est = by[key].payload["plugin_s"] / by["a"].cpu * 100
                verdict = "met" if est <= IN_PROCESS_TARGET_PCT else "NOT met"
                print(f"    {by[key].label}: {by[key].payload['plugin_s']:.2f} s cpu = {est:.1f}% of (a)'s cpu "
                      f"(target <= {IN_PROCESS_TARGET_PCT:.0f}%: {verdict}; plus {imp_warm:.0f} ms import)")
    if "d" in by and not by["d"].failed:
        ratio = by["d"].median / floor
        print(f"(d)/(e) standalone vs ast.parse floor: {ratio:.2f}x  "
              f"(target <= {STANDALONE_TARGET_X:g}x: {'met' if ratio <= STANDALONE_TARGET_X else 'NOT met'})")
        if "dw" in by and not by["dw"].failed:
            warm = by["dw"].median / floor
            print(f"    warm re-run, nothing changed: {warm:.2f}x floor "
                  f"(target <= {WARM_TARGET_X}x: {'met' if warm <= WARM_TARGET_X else 'NOT met'})")
        if "dj" in by and not by["dj"].failed:
            print(f"    -j {args.jobs}: {by['dj'].median / floor:.2f}x floor, speed-up {by['d'].median / by['dj'].median:.2f}x "
                  f"over -j 1 ({os.cpu_count()} cpus)")
    else:
        print(f"(d)/(e) standalone vs ast.parse floor: not measured ({cli_reason or 'command failed'})")
    names = {r.key: r for r in latency}
    if all(k in names and not names[k].failed for k in ("hp", "hpc", "hpw")):
        print(f"editor latency, one file of a {PROJECT_FILES}-file project: plain flake8 {names['hp'].median * 1000:.0f} ms, "
              f"with the plugin {names['hpc'].median * 1000:.0f} ms cold cache, {names['hpw'].median * 1000:.0f} ms warm "
              f"(findings: {sum(names['hpw'].codes.values())})")
    if "g" in by and not by["g"].failed and "d" in by and not by["d"].failed:
        ratio = by["g"].median / by["d"].median
        changed = _changed_files(roots)
        print(f"(g)/(d) --fix --unsafe-fixes vs lint: {ratio:.2f}x, {by['g'].median:.1f} s vs {by['d'].median:.1f} s; "
              f"{changed} file(s) rewritten (target <= {FIX_TARGET_X:.0f}x: {'met' if ratio <= FIX_TARGET_X else 'NOT met'})")
    print(f"import time: {imp_cold:.1f} ms cold, median (target < {IMPORT_TARGET_MS:.0f} ms: "
          f"{'met' if imp_cold < IMPORT_TARGET_MS else 'NOT met'}; min {imp_cold_min:.1f} ms)")
    print(f"peak RSS{'' if GNU_TIME else ' (wait4, includes this script at fork time)'}: (a) {by['a'].rss_kb / 1024:.0f} MB, (b) {by['b'].rss_kb / 1024:.0f} MB"
          + (f", (d) {by['d'].rss_kb / 1024:.0f} MB" if "d" in by and not by["d"].failed else ""))
    print("Absolute times are noisy on a shared machine; compare ratios within one run. Outputs of the last run: "
          f"{OUT.relative_to(REPO)}/")
    if source_fingerprint() != fingerprint:
        print("WARNING: flake8_nnparam's sources changed during this run; rows measured different code and "
              "their findings need not agree.")
    return 0


# --------------------------------------------------------------------------------------- profiling


def profile(file_list: Path, roots: list[str], env: dict[str, str]) -> int:
    """cProfile of the engine on every file's tree, then of a whole flake8 -j 1 run with the plugin."""
    import ast
    import cProfile
    import pstats
    import warnings

    from flake8_nnparam.detection import analyze, may_contain_findings

    warnings.simplefilter("ignore")
    trees = []
    for rel in file_list.read_text().splitlines():
        source = (SOURCES / rel).read_bytes()
        try:
            trees.append((ast.parse(source, rel), source.decode("utf-8", "replace")))
        except (SyntaxError, ValueError):
            pass
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    passed = 0
    findings = 0
    prof.enable()
    for tree, source in trees:
        if may_contain_findings(source):
            passed += 1
            findings += len(analyze(tree))
    prof.disable()
    print(f"== engine: may_contain_findings + analyze on {len(trees)} trees "
          f"({passed} pass the prefilter, {findings} findings), {time.perf_counter() - t0:.2f} s under cProfile")
    engine_prof = CACHE / "engine.prof"
    prof.dump_stats(engine_prof)
    stats = pstats.Stats(str(engine_prof))
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats("flake8_nnparam", 25)

    flake8_prof = CACHE / "flake8.prof"
    log("profiling a whole flake8 -j 1 run with the plugin ...")
    subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(flake8_prof), "-m", "flake8", "-j", "1", "--isolated", *roots],
        cwd=SOURCES, env=env, stdout=subprocess.DEVNULL,
    )
    stats = pstats.Stats(str(flake8_prof))
    total = stats.total_tt
    plugin = sum(
        ct for (fn, _, name), (_, _, _, ct, _) in stats.stats.items()
        if fn.endswith(os.path.join("flake8_nnparam", "plugin.py")) and name == "run"
    )
    print(f"== whole flake8 run: {total:.1f} s under cProfile; NNParamChecker.run cumulative {plugin:.2f} s "
          f"= {plugin / total * 100:.1f}%")
    stats.sort_stats("tottime").print_stats(15)
    stats.sort_stats("cumulative").print_stats("flake8_nnparam", 15)

    cli_ok, _, jobs_flag, isolate = standalone_command()
    if cli_ok:
        cli_prof = CACHE / "cli.prof"
        log("profiling the standalone command, one process ...")
        single = [jobs_flag, "1"] if jobs_flag else []
        subprocess.run(
            [sys.executable, "-m", "cProfile", "-o", str(cli_prof), "-m", "flake8_nnparam", *isolate, *single, *roots],
            cwd=SOURCES, env=env, stdout=subprocess.DEVNULL,
        )
        stats = pstats.Stats(str(cli_prof))
        print(f"== standalone command: {stats.total_tt:.1f} s under cProfile")
        stats.sort_stats("tottime").print_stats(15)
        stats.sort_stats("cumulative").print_stats("flake8_nnparam", 20)
    return 0


if __name__ == "__main__":
    sys.exit(main())
