"""The shipped pre-commit hooks, driven by the real ``pre-commit`` in a temporary git repository.

The ``repo: local`` tests copy the hook definitions of ``.pre-commit-hooks.yaml`` (types, entry
arguments) and only swap ``language: python`` for ``system`` with the entry pointing at the installed
command, so they run offline. ``try-repo`` installs the hooks the way users get them: pre-commit builds
a virtualenv from a clone of this repository and pip installs it (flake8 and libcst from the registry).
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

yaml = pytest.importorskip("yaml")
pytest.importorskip("pre_commit")

from .conftest import MASK_MODEL, ROOT  # noqa: E402

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"
TIMEOUT = 120

BAD = MASK_MODEL
CLEAN = BAD.replace(
    "self.mask = torch.tril(torch.ones(n, n))",
    'self.register_buffer("mask", torch.tril(torch.ones(n, n)), persistent=False)',
)


def shipped_hooks() -> dict[str, dict]:
    return {hook["id"]: hook for hook in yaml.safe_load(HOOKS_FILE.read_text())}


def command_path() -> str:
    """The installed console script beside this interpreter, else ``python -m flake8_nnparam``."""
    script = Path(sys.executable).parent / "flake8-nnparam"
    if script.exists():
        return shlex.quote(str(script))
    return f"{shlex.quote(sys.executable)} -m flake8_nnparam"


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT", "PYTHON"))}
    env.update(
        PRE_COMMIT_HOME=str(tmp_path / "pre-commit-home"),
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_CONFIG_NOSYSTEM="1",
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
    )
    return env


def sh(args, cwd, env, check=False, timeout=TIMEOUT) -> subprocess.CompletedProcess:
    proc = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    if check and proc.returncode != 0:
        raise AssertionError(f"{args} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc


def pre_commit(*args, cwd, env, timeout=TIMEOUT):
    return sh([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env, timeout=timeout)


def init_repo(path: Path, env) -> Path:
    path.mkdir()
    sh(["git", "init", "-q"], path, env, check=True)
    sh(["git", "config", "user.name", "Test"], path, env, check=True)
    sh(["git", "config", "user.email", "test@example.com"], path, env, check=True)
    sh(["git", "config", "commit.gpgsign", "false"], path, env, check=True)
    return path


def commit(repo: Path, env, *files: str) -> subprocess.CompletedProcess:
    sh(["git", "add", *files], repo, env, check=True)
    return sh(["git", "commit", "-m", "change"], repo, env)


@pytest.fixture
def env(tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    return clean_env(tmp_path)


@pytest.fixture
def local_repo(tmp_path, env):
    """A repository whose commits run the shipped hooks as ``repo: local`` hooks."""
    repo = init_repo(tmp_path / "repo", env)
    hooks = []
    for hook in shipped_hooks().values():
        local = dict(hook, language="system")
        local["entry"] = hook["entry"].replace("flake8-nnparam", command_path(), 1)
        hooks.append(local)
    lint, fix = hooks
    # The fix hook is manual-stage here so that a plain commit runs the lint hook alone.
    fix["stages"] = ["manual"]
    (repo / ".pre-commit-config.yaml").write_text(yaml.safe_dump({"repos": [{"repo": "local", "hooks": hooks}]}))
    sh(["git", "add", ".pre-commit-config.yaml"], repo, env, check=True)
    proc = pre_commit("install", cwd=repo, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return repo


def test_shipped_hooks_follow_the_convention():
    hooks = shipped_hooks()
    assert list(hooks) == ["flake8-nnparam", "flake8-nnparam-fix"]
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["types_or"] == ["python", "jupyter"] and hook["name"]
        assert "types" not in hook  # `types` would need both tags at once: no file has them
    assert hooks["flake8-nnparam"]["entry"] == "flake8-nnparam"
    assert hooks["flake8-nnparam-fix"]["entry"] == "flake8-nnparam --fix"


def test_commit_with_bad_module_is_blocked(local_repo, env):
    (local_repo / "model.py").write_text(BAD)
    proc = commit(local_repo, env, "model.py")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "model.py:8:9: MPR002 self.mask" in output
    assert "flake8-nnparam" in output and "Failed" in output
    assert sh(["git", "rev-parse", "--verify", "-q", "HEAD"], local_repo, env).returncode != 0


def test_commit_with_a_bad_notebook_is_blocked(local_repo, env):
    shutil.copy(ROOT / "fixtures" / "notebooks" / "model_split.ipynb", local_repo / "nb.ipynb")
    proc = commit(local_repo, env, "nb.ipynb")
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0, output
    assert "nb.ipynb:cell 3:5:9: MPR002 self.mask" in output
    assert sh(["git", "rev-parse", "--verify", "-q", "HEAD"], local_repo, env).returncode != 0


def test_fix_hook_rewrites_a_staged_notebook(local_repo, env):
    shutil.copy(ROOT / "fixtures" / "notebooks" / "model_split.ipynb", local_repo / "nb.ipynb")
    sh(["git", "add", "nb.ipynb"], local_repo, env, check=True)
    proc = pre_commit("run", "--hook-stage", "manual", "flake8-nnparam-fix", cwd=local_repo, env=env)
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1 and "files were modified by this hook" in output, output
    fixed = (local_repo / "nb.ipynb").read_text()
    assert 'self.register_buffer(\\"mask\\"' in fixed  # the hook applies the safe fixes only
    assert "unsafe fix(es) held back" in output


def test_commit_with_clean_module_passes(local_repo, env):
    (local_repo / "model.py").write_text(CLEAN)
    proc = commit(local_repo, env, "model.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout + proc.stderr


def test_commit_without_python_files_passes(local_repo, env):
    (local_repo / "README.md").write_text("self.mask = torch.ones(3)\n")
    (local_repo / "data.txt").write_text("class M(nn.Module): pass\n")
    proc = commit(local_repo, env, "README.md", "data.txt")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert "(no files to check)Skipped" in output


def test_fix_hook_rewrites_the_staged_file(local_repo, env):
    (local_repo / "model.py").write_text(BAD)
    sh(["git", "add", "model.py"], local_repo, env, check=True)
    proc = pre_commit("run", "--hook-stage", "manual", "flake8-nnparam-fix", cwd=local_repo, env=env)
    output = proc.stdout + proc.stderr
    # pre-commit fails a hook that modified files, so the user reviews and stages the fix
    assert proc.returncode == 1, output
    assert "files were modified by this hook" in output
    assert (local_repo / "model.py").read_text() == CLEAN
    proc = commit(local_repo, env, "model.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr


TRY_REPO_TIMEOUT = 120
NETWORK_ERRORS = ("NewConnectionError", "Temporary failure in name resolution", "Network is unreachable")


def test_try_repo_against_a_clone(tmp_path, env):
    """Users' route: pre-commit installs this repository's hooks into their own virtualenv."""
    clone = tmp_path / "clone"
    sh(["git", "clone", "-q", str(ROOT), str(clone)], tmp_path, env, check=True)
    if not (clone / HOOKS_FILE.name).exists():
        pytest.skip(".pre-commit-hooks.yaml is not committed yet: try-repo reads the clone's HEAD")
    repo = init_repo(tmp_path / "repo", env)
    (repo / "model.py").write_text(BAD)
    (repo / "clean.py").write_text(CLEAN)
    sh(["git", "add", "model.py", "clean.py"], repo, env, check=True)

    try:
        # try-repo builds the hooks' virtualenv in a temporary store on every call (pip installs this
        # package, flake8 and libcst), so one call runs both hooks: the lint hook, then the fix hook.
        proc = pre_commit("try-repo", str(clone), cwd=repo, env=env, timeout=TRY_REPO_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.skip(f"try-repo took over {TRY_REPO_TIMEOUT} s to install the hook environment from the registry")
    output = proc.stdout + proc.stderr
    if proc.returncode == 3 and any(e in output for e in NETWORK_ERRORS):
        pytest.skip("try-repo needs the package registry to install flake8 and libcst")
    assert proc.returncode == 1, output
    lint, _, fix = output.partition("flake8-nnparam (fix)")
    assert re.search(r"^flake8-nnparam\.+Failed$", lint, re.M), output
    assert "model.py:8:9: MPR002 self.mask" in lint and "clean.py" not in lint, output
    assert fix.startswith(".") and "Failed" in fix and "files were modified by this hook" in fix, output
    assert (repo / "model.py").read_text() == CLEAN
    assert (repo / "clean.py").read_text() == CLEAN


def test_readme_local_hook_works_as_written(tmp_path, env):
    """The README's ``repo: local`` snippet, copied verbatim, blocks a bad commit and lets a clean one in."""
    if not (Path(sys.executable).parent / "flake8-nnparam").exists():
        pytest.skip("console script not installed")
    readme = (ROOT / "README.md").read_text()
    (snippet,) = [b for b in re.findall(r"^```yaml\n(.*?)^```", readme, re.M | re.S) if "repo: local" in b]
    repo = init_repo(tmp_path / "repo", env)
    (repo / ".pre-commit-config.yaml").write_text(snippet)
    sh(["git", "add", ".pre-commit-config.yaml"], repo, env, check=True)
    assert pre_commit("install", cwd=repo, env=env).returncode == 0
    (repo / "model.py").write_text(BAD)
    proc = commit(repo, env, "model.py")
    assert proc.returncode != 0 and "MPR002" in proc.stdout + proc.stderr
    (repo / "model.py").write_text(CLEAN)
    proc = commit(repo, env, "model.py")
    assert proc.returncode == 0, proc.stdout + proc.stderr
