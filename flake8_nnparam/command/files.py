"""Which files to lint, and reading them: decoding like the interpreter, parsing once."""

from __future__ import annotations

import ast
import errno
import fnmatch
import io
import os
import stat
import tokenize
from dataclasses import dataclass
from typing import Iterable, Sequence

SKIPPED_DIRS = frozenset(
    {"venv", ".venv", "build", "dist", "__pycache__", "node_modules", ".tox", "site-packages", ".git"}
)


class AnalysisError(Exception):
    """A file that could not be read, decoded or parsed; the message says why."""


@dataclass
class SourceFile:
    display: str
    path: str | None  # None for stdin
    data: bytes
    text: str
    encoding: str


def decode_source(data: bytes) -> tuple[str, str]:
    """Decode like the interpreter: BOM, then a coding cookie, then UTF-8. Keeps line endings."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        return data.decode(encoding), encoding
    except (SyntaxError, UnicodeDecodeError, LookupError) as exc:
        raise AnalysisError(f"cannot decode: {exc}") from None


def read_source(path: str, display: str | None = None) -> SourceFile:
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            raise AnalysisError("cannot read: not a regular file")  # a FIFO or device would block or never end
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        if exc.errno == errno.ELOOP or (exc.errno == errno.ENOENT and os.path.islink(path)):
            reason = "broken symlink or symlink loop"
        else:
            reason = exc.strerror or str(exc)
        raise AnalysisError(f"cannot read: {reason}") from None
    text, encoding = decode_source(data)
    return SourceFile(display or path, path, data, text, encoding)


def parse_source(source: SourceFile) -> ast.Module:
    try:
        return ast.parse(source.text, filename=source.display)
    except SyntaxError as exc:
        where = f" (line {exc.lineno})" if exc.lineno else ""
        raise AnalysisError(f"cannot analyse: SyntaxError: {exc.msg}{where}") from None
    except (ValueError, MemoryError) as exc:
        raise AnalysisError(f"cannot analyse: {type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise AnalysisError("cannot analyse: RecursionError: nesting too deep") from None


@dataclass(frozen=True)
class Excludes:
    patterns: tuple[str, ...] = ()

    @classmethod
    def build(cls, patterns: Iterable[str], base_dir: str) -> "Excludes":
        normalised = []
        for pattern in patterns:
            if "/" in pattern.rstrip("/") and not os.path.isabs(pattern):
                pattern = os.path.normpath(os.path.join(base_dir, pattern))
            normalised.append(pattern.rstrip("/") or pattern)
        return cls(tuple(normalised))

    def matches(self, path: str) -> bool:
        if not self.patterns:
            return False
        name = os.path.basename(os.path.normpath(path))
        absolute = os.path.abspath(path)
        return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(absolute, p) for p in self.patterns)


def discover(paths: Sequence[str], excludes: Excludes) -> tuple[list[str], list[str]]:
    """(.py files under ``paths``, errors for paths that do not exist)."""
    files: list[str] = []
    errors: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            if excludes.matches(path) and os.path.abspath(path) != os.getcwd():
                continue
            for root, dirs, names in os.walk(path):
                dirs[:] = sorted(
                    d
                    for d in dirs
                    if not d.startswith(".")
                    and d not in SKIPPED_DIRS
                    and not d.endswith(".egg-info")
                    and not excludes.matches(os.path.join(root, d))
                )
                for name in sorted(names):
                    full = os.path.join(root, name)
                    if name.endswith(".py") and not excludes.matches(full):
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
