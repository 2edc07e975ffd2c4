"""Integrity of ``--fix``, run as a user would run it (the real command in subprocesses): workers die with
the command, a file the user could not write is never replaced, owner, group and hard links survive."""

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .conftest import MASK_MODEL, clean_env

IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def command(*args, cwd, preexec_fn=None, env=None):
    return subprocess.run(
        [sys.executable, "-m", "flake8_nnparam", "--no-config", "--no-cache", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, env=env or clean_env(), preexec_fn=preexec_fn,
    )


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status and "\nState:\tX" not in status


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the workers")
def test_kill_9_of_the_command_stops_its_workers(tmp_path):
    body = "\n".join(f"        self.t{i} = torch.ones(n)" for i in range(30))
    uses = " + ".join(f"self.t{i}" for i in range(30))
    source = MASK_MODEL.split("class")[0] + (
        f"class M(nn.Module):\n    def __init__(self, n=3):\n        super().__init__()\n{body}\n\n"
        f"    def forward(self, x):\n        return x + {uses}\n"
    )
    files = []
    for i in range(400):
        path = tmp_path / f"m{i:04d}.py"
        path.write_text(source)
        files.append(path)
    proc = subprocess.Popen(
        [sys.executable, "-m", "flake8_nnparam", "--no-config", "--fix", "-j", "2", "."],
        cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=clean_env(),
    )
    deadline = time.monotonic() + 60
    workers: list[int] = []
    while time.monotonic() < deadline and proc.poll() is None:
        workers = _children(proc.pid) or workers
        if workers and any(p.read_text() != source for p in files):
            break
        time.sleep(0.005)
    if proc.poll() is not None:
        pytest.skip("the run finished before it could be killed")
    assert workers, "no worker processes seen"
    os.kill(proc.pid, signal.SIGKILL)  # the command only, as `kill -9 <pid>` does
    proc.wait()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(_alive(w) for w in workers):
        time.sleep(0.05)
    assert not [w for w in workers if _alive(w)], "workers outlived the command"
    snapshot = [p.read_text() for p in files]
    time.sleep(1.0)
    assert [p.read_text() for p in files] == snapshot, "files still being rewritten after the command died"
    assert any(text == source for text in snapshot), "everything was fixed: the kill came too late to test"


def _unprivileged():
    """(uid, gid) of an unprivileged user, created with useradd if there is none; None if impossible."""
    if not IS_ROOT:
        return None
    for name in ("nobody", "nnparam-test"):
        try:
            entry = pwd.getpwnam(name)
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            continue
    if shutil.which("useradd"):
        subprocess.run(["useradd", "--no-create-home", "nnparam-test"], capture_output=True)
        try:
            entry = pwd.getpwnam("nnparam-test")
            return entry.pw_uid, entry.pw_gid
        except KeyError:
            return None
    return None


def _as_user(uid, gid):
    def become():
        os.setgroups([])
        os.setgid(gid)
        os.setuid(uid)

    return become


@pytest.fixture
def shared_dir():
    directory = Path(tempfile.mkdtemp(prefix="nnparam-owner-"))
    os.chmod(directory, 0o777)
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


def _python_usable_by(uid, gid) -> bool:
    try:
        probe = subprocess.run([sys.executable, "-c", "import flake8_nnparam"], capture_output=True,
                               preexec_fn=_as_user(uid, gid), cwd="/", env=clean_env())
    except OSError:
        return False
    return probe.returncode == 0


def _command_as(uid, gid, args, cwd) -> tuple[int, str]:
    """The real command as another user: exec'd when that user can run this interpreter, else in a
    forked child that drops to the user before running ``main`` (the interpreter may live in a home
    directory the user cannot read; everything the run needs is imported before the fork)."""
    if _python_usable_by(uid, gid):
        proc = command(*args, cwd=cwd, preexec_fn=_as_user(uid, gid))
        return proc.returncode, proc.stderr
    import difflib  # noqa: F401 - imported before dropping privileges
    import textwrap  # noqa: F401

    import flake8_nnparam.command as cli
    import flake8_nnparam.fix  # noqa: F401

    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 70
        try:
            os.close(read)
            sys.stderr = os.fdopen(write, "w")  # pytest has replaced the sys streams: write to the pipe
            sys.stdout = open(os.devnull, "w")
            os.chdir(cwd)
            _as_user(uid, gid)()
            code = cli.main(["--no-config", "--no-cache", *args])
        finally:
            sys.stderr.flush()
            os._exit(code)
    os.close(write)
    with os.fdopen(read) as handle:
        stderr = handle.read()
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), stderr


def test_fix_never_replaces_a_file_the_user_cannot_write(shared_dir):
    user = _unprivileged()
    if user is None:
        pytest.skip("needs root to run the command as an unprivileged user (and nobody or useradd)")
    uid, gid = user
    path = shared_dir / "model.py"
    path.write_text(MASK_MODEL)
    os.chown(path, 0, 0)
    os.chmod(path, 0o644)  # root's file, in a directory everyone may write: a rename would succeed
    code, stderr = _command_as(uid, gid, ["--fix", "model.py"], shared_dir)
    assert code == 2, stderr
    assert "not writable by this user" in stderr
    assert path.read_text() == MASK_MODEL
    st = os.stat(path)
    assert (st.st_uid, st.st_gid) == (0, 0)
    assert sorted(p.name for p in shared_dir.iterdir()) == ["model.py"]


def test_fix_as_root_keeps_owner_and_group(shared_dir):
    user = _unprivileged()
    if user is None:
        pytest.skip("needs root and an unprivileged user to own the file")
    uid, gid = user
    path = shared_dir / "model.py"
    path.write_text(MASK_MODEL)
    os.chown(path, uid, gid)
    os.chmod(path, 0o640)
    proc = command("--fix", "model.py", cwd=shared_dir)
    assert proc.returncode == 0, proc.stderr
    assert "register_buffer" in path.read_text()
    st = os.stat(path)
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (uid, gid, 0o640)


def test_fix_keeps_hard_links(tmp_path):
    path = tmp_path / "model.py"
    path.write_text(MASK_MODEL)
    other = tmp_path / "linked.py"
    os.link(path, other)
    inode = os.stat(path).st_ino
    proc = command("--fix", "model.py", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "register_buffer" in path.read_text()
    assert other.read_text() == path.read_text()
    st = os.stat(path)
    assert st.st_ino == inode and st.st_nlink == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linked.py", "model.py"]
