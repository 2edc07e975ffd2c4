"""The on-disk cache of per-file results: ``.nnparam_cache/`` at the project root.

One JSON entry per source file and kind (``summary`` for the project index, ``findings`` for the
command), named by a hash of the file's path relative to the root and holding that path, the size,
``st_mtime_ns`` and sha1 of the bytes it was computed from. Entries are kept in memory and written as
one ``pack-<time>-<pid>.json`` holding every entry of the packs found, which are then removed (one file
instead of hundreds: creating files was most of a cold run's system time): the command writes its pack
at the end of the run; the flake8 plugin, which never knows when a run ends, when its process exits (every
flake8 worker, ``-j 1`` and an editor's flake8 process: ``write_pending_at_exit``) or when many entries
are waiting; a process with only a few entries (an editor's lint) writes them as a small pack of their own
and leaves the others, until the packs pile up (``flush``). Entry files of their own (``<kind>-<hash>.json``, from earlier versions) are still read.
A read takes the newest of an entry file and a pack's entry. A lookup trusts size + mtime only when the
entry was written well after the file's last modification (git's "racy" rule); otherwise, or when they
differ, it hashes the bytes and compares. Writes go to a temporary file in the same directory and are
renamed into place with ``os.replace``, so concurrent flake8 workers never read half an entry; the last
writer wins. Anything unreadable, corrupt or from another engine version is a miss. A root where the
cache directory cannot be created (read-only checkout) simply runs without a cache.

The directory holds a ``.gitignore`` of ``*`` (like ruff's ``.ruff_cache``) and a ``CACHEDIR.TAG``;
deleting it at any time is safe.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import time
from typing import Any

from .. import __version__

CACHE_DIR_NAME = ".nnparam_cache"
_RACY_NS = 2_000_000_000  # an mtime this close to the entry's writing could hide a same-size edit
_TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# flake8-nnparam cache: safe to delete.\n"

_FINGERPRINT: str | None = None


def engine_fingerprint() -> str:
    """Version plus the size and mtime of the engine's sources: an edited engine never reads old entries."""
    global _FINGERPRINT
    if _FINGERPRINT is None:
        here = os.path.dirname(os.path.abspath(__file__))
        digest = hashlib.sha1(__version__.encode())
        for name in sorted(os.listdir(here)):
            if name.endswith(".py"):
                st = os.stat(os.path.join(here, name))
                digest.update(f"{name}:{st.st_size}:{st.st_mtime_ns};".encode())
        _FINGERPRINT = digest.hexdigest()[:16]
    return _FINGERPRINT


def sha1_of(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


class Cache:
    """Entries of one project root; ``Cache.open`` returns None when the root cannot hold a cache."""

    def __init__(self, directory: str) -> None:
        self.directory = directory
        self.hits = 0
        self.misses = 0
        self.writes = 0
        # The command keeps the entries it writes in memory (``batch``) and the run writes them at its end as
        # one pack file (``write_pack``): creating a file per entry was most of a cold run's system time.
        self.batch = False
        self.pending: dict[str, dict] = {}
        self._packed: dict[str, dict] | None = None  # the entries of the packs found, read on first use
        self._pack_files: list[str] = []
        self._at_exit = 0  # the pid whose exit writes the pending entries (0: none; a forked child registers anew)

    @classmethod
    def open(cls, root: str) -> "Cache | None":
        base = os.path.join(root, CACHE_DIR_NAME)
        directory = os.path.join(base, engine_fingerprint())
        try:
            if not os.path.isdir(directory):
                os.makedirs(directory, exist_ok=True)
                for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", _TAG)):
                    marker = os.path.join(base, name)
                    if not os.path.exists(marker):
                        _write_atomically(base, marker, text.encode())
            if not os.access(directory, os.W_OK | os.X_OK):
                return None
        except OSError:
            return None
        return cls(directory)

    @staticmethod
    def _entry_name(kind: str, relpath: str) -> str:
        return f"{kind}-{hashlib.sha1(relpath.encode()).hexdigest()[:24]}.json"

    def _entry_path(self, kind: str, relpath: str) -> str:
        return os.path.join(self.directory, self._entry_name(kind, relpath))

    def _packs(self) -> dict[str, dict]:
        if self._packed is None:
            packed: dict[str, dict] = {}
            try:
                names = sorted(n for n in os.listdir(self.directory) if n.startswith(_PACK_PREFIX) and n.endswith(".json"))
            except OSError:
                names = []
            for name in names:  # oldest first (the name starts with the time it was written): newer ones win
                try:
                    with open(os.path.join(self.directory, name), "rb") as handle:
                        entries = json.loads(handle.read())
                except OSError:
                    continue  # removed by a concurrent run's compaction: its entries are in a newer pack
                except Exception:  # noqa: BLE001 - corrupt, even nested too deep to decode: a miss, never a crash
                    entries = None  # (packs are renamed into place whole) removed with the others on the next write
                if isinstance(entries, dict):  # the newest write of an entry wins, whichever pack holds it
                    packed.update(
                        (k, v) for k, v in entries.items()
                        if isinstance(v, dict) and _written(v) >= _written(packed.get(k))
                    )
                self._pack_files.append(name)
            self._packed = packed
        return self._packed

    def read(self, kind: str, relpath: str) -> dict | None:
        """The raw entry for ``relpath`` (not yet checked against the file), or None: the newest of this
        run's pending entry, the entry file (the plugin's) and the packs' (the command's earlier runs)."""
        name = self._entry_name(kind, relpath)
        entry = self.pending.get(name)
        if entry is None:
            try:
                with open(os.path.join(self.directory, name), "rb") as handle:
                    entry = json.loads(handle.read())
            except Exception:  # noqa: BLE001 - unreadable or corrupt (even too deep to decode): a miss
                entry = None
            packed = self._packs().get(name)
            if packed is not None and not (isinstance(entry, dict) and _written(entry) >= _written(packed)):
                entry = packed
        if not isinstance(entry, dict) or entry.get("path") != relpath or "payload" not in entry:
            return None
        return entry

    def write_pending_at_exit(self) -> None:
        """Write what is pending as one pack when this process exits (the flake8 plugin): flake8 closes its
        worker pool, so each worker runs multiprocessing's exit finalizers, and a single process runs them
        from ``atexit``. A process killed outright loses its entries: a cache, re-made next time."""
        if self._at_exit == os.getpid():
            return
        if self._at_exit:  # copied into a forked child: the parent's entries are the parent's to write
            self.pending = {}
        self._at_exit = os.getpid()
        from multiprocessing import util  # flake8 has imported it already; the command never gets here

        util.Finalize(None, self.flush, exitpriority=10)

    def flush(self) -> None:
        """Write the pending entries as a pack now: a few (an editor's lint, pre-commit's changed files) as a
        small pack of their own, beside the others; many, or once the packs pile up, merged with every pack
        found into one (``write_pack``). Readers take the newest write of each entry, whichever pack holds it."""
        pending = self.take_pending()
        if not pending:
            return
        packed = self._packs()  # also lists the pack files found
        if len(pending) > _SMALL_PACK or len(self._pack_files) >= _MAX_PACKS:
            self.write_pack(pending)
            return
        name = f"{_PACK_PREFIX}{time.time_ns():020d}-{os.getpid()}.json"
        try:
            _write_atomically(self.directory, os.path.join(self.directory, name), json.dumps(pending).encode())
        except (OSError, TypeError, ValueError):
            return
        packed.update((k, v) for k, v in pending.items() if _written(v) >= _written(packed.get(k)))
        self._pack_files.append(name)

    def take_pending(self) -> dict[str, dict]:
        """The entries written since the last call (``batch``), handed to whoever writes the pack."""
        pending, self.pending = self.pending, {}
        return pending

    def write_pack(self, entries: dict[str, dict]) -> None:
        """Write ``entries`` and those of the packs found as one new pack, then remove those packs (their
        entries are folded in first; a pack written after they were listed is left alone, and readers treat
        a vanished pack as a miss)."""
        if not entries:
            return
        root = os.path.dirname(os.path.dirname(self.directory))
        merged = {  # entries of files that no longer exist go (a pack is rewritten whole, so it stays small)
            name: entry for name, entry in self._packs().items()
            if isinstance(entry.get("path"), str) and os.path.exists(os.path.join(root, entry["path"]))
        }
        for name, entry in entries.items():
            if _written(entry) >= _written(merged.get(name)):
                merged[name] = entry
        name = f"{_PACK_PREFIX}{time.time_ns():020d}-{os.getpid()}.json"
        try:
            _write_atomically(self.directory, os.path.join(self.directory, name), json.dumps(merged).encode())
        except (OSError, TypeError, ValueError):
            return  # a full disk or a vanished directory costs a re-parse next time, nothing more
        for old in self._pack_files:
            try:
                os.unlink(os.path.join(self.directory, old))
            except OSError:
                pass
        self._packed, self._pack_files = merged, [name]

    @staticmethod
    def fresh_by_stat(entry: dict | None, st: os.stat_result) -> bool:
        """Size and mtime match, and the entry was written long enough after the edit to trust them."""
        return (
            entry is not None
            and entry.get("size") == st.st_size
            and entry.get("mtime_ns") == st.st_mtime_ns
            and isinstance(entry.get("written_ns"), int)
            and entry["written_ns"] - st.st_mtime_ns > _RACY_NS
        )

    def write(self, kind: str, relpath: str, st: os.stat_result, sha1: str, payload: Any) -> None:
        entry = {
            "path": relpath,
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
            "sha1": sha1,
            "written_ns": time.time_ns(),
            "payload": payload,
        }
        if self.batch:
            if self._at_exit and self._at_exit != os.getpid():
                self.write_pending_at_exit()  # a forked child: its parent's exit handler is not its own
            self.pending[self._entry_name(kind, relpath)] = entry
            self.writes += 1
            if self._at_exit and len(self.pending) >= _FLUSH_AT:
                self.flush()  # a long run (a monorepo in one flake8 process) that is killed keeps most of its work
            return
        try:
            _write_atomically(self.directory, self._entry_path(kind, relpath), json.dumps(entry).encode())
            self.writes += 1
        except (OSError, TypeError, ValueError):
            pass  # a full disk or a vanished directory costs a re-parse next time, nothing more


_PACK_PREFIX = "pack-"
_FLUSH_AT = 2000  # pending entries a process exiting later writes early
_SMALL_PACK = 256  # at most this many pending entries are written as a pack of their own, not merged
_MAX_PACKS = 16  # with this many packs found, the next write merges them all


def _written(entry: dict | None) -> int:
    value = entry.get("written_ns") if isinstance(entry, dict) else None
    return value if isinstance(value, int) else -1


_TEMP_NAMES = itertools.count()


def _write_atomically(directory: str, path: str, data: bytes) -> None:
    # A name unique to this process (pid and a counter) created with O_EXCL and mode 0644 (mkstemp's 0600
    # would lock other users of a shared checkout out): one open, one write, one rename per entry.
    while True:
        tmp = os.path.join(directory, f".tmp-{os.getpid()}-{next(_TEMP_NAMES)}.json")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            break
        except FileExistsError:  # left behind by a killed process with the same pid
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
