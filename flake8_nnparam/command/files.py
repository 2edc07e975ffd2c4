"""Which files to lint, and reading them: decoding like the interpreter, parsing once."""

from __future__ import annotations

import ast
import errno
import fnmatch
import io
import os
import tokenize
from dataclasses import dataclass
from typing import Iterable, Sequence

from pathspec import GitIgnoreSpec

from ..detection.parsing import parse_module
from ..detection.project import SKIPPED_DIRS, NotARegularFile, read_regular_file


# What a directory walk lints: Python files and Jupyter notebooks (see ``notebooks``).
LINTED_SUFFIXES = (".py", ".ipynb")


class AnalysisError(Exception):
    """A file that could not be read, decoded or parsed; the message says why."""


@dataclass
class SourceFile:
    display: str
    path: str | None  # None for stdin
    data: bytes
    text: str
    encoding: str
    # Why the declared (or UTF-8) decoding failed, when the text was read as latin-1 instead, as
    # flake8 reads such a file: findings agree with the plugin's, but the file is not fixed.
    fallback_reason: str | None = None
    stat: os.stat_result | None = None  # taken before the bytes were read (a cached result keys on it)


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode like the interpreter: BOM, then a coding cookie, then UTF-8. Keeps line endings."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise AnalysisError(f"cannot decode: {exc}") from None


def source_from_bytes(display: str, path: str | None, data: bytes) -> SourceFile:
    """Decode as flake8 does: like the interpreter, else latin-1 (which maps every byte to a character)."""
    try:
        text, encoding = decode_source(data)
    except AnalysisError as exc:
        return SourceFile(display, path, data, data.decode("latin-1"), "latin-1", str(exc).removeprefix("cannot decode: "))
    return SourceFile(display, path, data, text, encoding)


def read_source(path: str, display: str | None = None) -> SourceFile:
    data, st = read_bytes_and_stat(path)
    source = source_from_bytes(display or path, path, data)
    source.stat = st
    return source


def read_bytes(path: str) -> bytes:
    return read_bytes_and_stat(path)[0]


def read_bytes_and_stat(path: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, taken before reading (``project.read_regular_file``), or a clear
    ``AnalysisError``."""
    try:
        return read_regular_file(path)
    except NotARegularFile:
        raise AnalysisError("cannot read: not a regular file") from None  # a FIFO or device would block
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.ENOENT and os.path.islink(path)):
            reason = "broken symlink or symlink loop"
        else:
            reason = exc.strerror or str(exc)
        raise AnalysisError(f"cannot read: {reason}") from None


def parse_source(source: SourceFile) -> ast.Module:
    try:
        return parse_module(source.text, source.display)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise AnalysisError(f"cannot analyse: SyntaxError: {exc.msg}{where}") from None
    except (ValueError, MemoryError) as exc:
        raise AnalysisError(f"cannot analyse: {type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise AnalysisError("cannot analyse: RecursionError: nesting too deep") from None


@dataclass(frozen=True)
class Excludes:
    """What discovery skips besides the default directories: glob patterns, and ``.gitignore``d paths."""

    patterns: tuple[str, ...] = ()
    respect_gitignore: bool = True

    @classmethod
    def build(cls, patterns: Iterable[str], base_dir: str, respect_gitignore: bool = True) -> "Excludes":
        normalised = []
        for pattern in patterns:
            if "/" in pattern.rstrip("/") and not os.path.isabs(pattern):
                pattern = os.path.normpath(os.path.join(base_dir, pattern))
            normalised.append(pattern.rstrip("/") or pattern)
        return cls(tuple(normalised), respect_gitignore)

    def matches(self, path: str) -> bool:
        if not self.patterns:
            return False
        name = os.path.basename(os.path.normpath(path))
        absolute = os.path.abspath(path)
        return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(absolute, p) for p in self.patterns)


def project_root(path: str) -> str:
    """Where ``.gitignore`` rules start for ``path``: the root of its git work tree, else the nearest
    directory with a ``pyproject.toml``, else the directory itself."""
    start = os.path.abspath(path if os.path.isdir(path) else os.path.dirname(path) or ".")
    directory, pyproject_dir = start, None
    while True:
        if os.path.exists(os.path.join(directory, ".git")):
            return directory
        if pyproject_dir is None and os.path.isfile(os.path.join(directory, "pyproject.toml")):
            pyproject_dir = directory
        parent = os.path.dirname(directory)
        if parent == directory:
            return pyproject_dir or start
        directory = parent


class GitIgnore:
    """The ``.gitignore`` rules under one root, applied as git applies them.

    Each ``.gitignore`` speaks for the paths below its own directory and a deeper one overrides a
    shallower one; within a file the last matching line wins (so ``!keep.py`` re-includes), then
    ``.git/info/exclude`` has the last word. Nothing under an ignored directory is looked at: the
    walk prunes it, which is also why git cannot re-include a file there.
    """

    def __init__(self, root: str) -> None:
        self.root = root
        self._specs: dict[str, GitIgnoreSpec | None] = {}
        self._info_exclude = self._read(os.path.join(root, ".git", "info", "exclude"))

    @staticmethod
    def _read(path: str) -> GitIgnoreSpec | None:
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as handle:
                spec = GitIgnoreSpec.from_lines(handle.read().splitlines())
        except (OSError, ValueError):  # unreadable, or a line pathspec rejects: as if absent
            return None
        return spec if len(spec) else None

    def _spec(self, directory: str) -> GitIgnoreSpec | None:
        if directory not in self._specs:
            self._specs[directory] = self._read(os.path.join(directory, ".gitignore"))
        return self._specs[directory]

    def ignored(self, path: str, is_dir: bool) -> bool:
        path = os.path.abspath(path)
        if os.path.commonpath([path, self.root]) != self.root or path == self.root:
            return False
        suffix = "/" if is_dir else ""
        directory = os.path.dirname(path)
        while True:
            spec = self._spec(directory)
            if spec is not None:
                decision = spec.check_file(os.path.relpath(path, directory).replace(os.sep, "/") + suffix).include
                if decision is not None:
                    return decision
            if directory == self.root:
                break
            directory = os.path.dirname(directory)
        if self._info_exclude is not None:
            return bool(self._info_exclude.check_file(os.path.relpath(path, self.root).replace(os.sep, "/") + suffix).include)
        return False


def discover(paths: Sequence[str], excludes: Excludes) -> tuple[list[str], list[str]]:
    """(.py and .ipynb files under ``paths``, errors for paths that do not exist).

    Paths named on the command line are linted even when a ``.gitignore`` ignores them (as ruff
    does); what a walk finds below them is filtered by every ``.gitignore`` from the project root down.
    """
    files: list[str] = []
    errors: list[str] = []
    gitignores: dict[str, GitIgnore] = {}
    for path in paths:
        if os.path.isdir(path):
            if excludes.matches(path) and os.path.abspath(path) != os.getcwd():
                continue
            gitignore = None
            if excludes.respect_gitignore:
                root = project_root(path)
                if root not in gitignores:
                    gitignores[root] = GitIgnore(root)
                if gitignores[root].ignored(path, is_dir=True):
                    # Named although ignored: walked with the rules from itself down (pathspec's
                    # patterns also match what lies below an ignored directory).
                    root = os.path.abspath(path)
                    gitignores.setdefault(root, GitIgnore(root))
                gitignore = gitignores[root]
            for root_dir, dirs, names in os.walk(path):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".")
                    and d not in SKIPPED_DIRS
                    and not d.endswith(".egg-info")
                    and not excludes.matches(os.path.join(root_dir, d))
                    and not (gitignore and gitignore.ignored(os.path.join(root_dir, d), is_dir=True))
                )
                for name in sorted(names):
                    full = os.path.join(root_dir, name)
                    if (
                        name.endswith(LINTED_SUFFIXES)
                        and not excludes.matches(full)
                        and not (gitignore and gitignore.ignored(full, is_dir=False))
                    ):
                        files.append(full)
        elif os.path.exists(path):
            if not excludes.matches(path):
                files.append(path)
        elif os.path.islink(path):
            errors.append(f"{path}: cannot read: broken symlink or symlink loop")
        else:
            errors.append(f"{path}: cannot read: no such file or directory")
    seen: set[str] = set()
    unique = []
    for f in files:
        key = os.path.abspath(f)
        if key not in seen:
            seen.add(key)
            unique.append(f)
    return unique, errors
