"""Apply the fixes the engine decided, and write the result back safely.

Every fixable finding already carries its complete fix: text edits on the source the engine read
(``detection.fix_edits``). This module only chooses which fixes apply (safe ones; unsafe ones too
with ``unsafe_fixes``), applies their edits, and says, for every fix it does not apply, why. It never
decides again whether a finding can be fixed, and needs no syntax tree: lint never pays for a fix.
"""

from __future__ import annotations

import ast
import os
import signal
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

from .detection import Finding
from .detection.rule import Edit, Fix

STATE_DICT_NOTE = (
    "Unsafe fixes register Parameters, persistent buffers and sub-modules, which adds keys to state_dict(): "
    "a checkpoint saved before them fails load_state_dict(..., strict=True), and with strict=False the new "
    "state keeps its fresh initialisation (the old checkpoint never held it); new Parameters join "
    "model.parameters() and so the optimizer."
)
OVERLAP = "its edits overlap another fix's, which was applied first"


@dataclass
class FixResult:
    source: str
    applied: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)  # fixable, not applied: why
    held_back: list[Finding] = field(default_factory=list)  # unsafe fixes left out without unsafe_fixes

    @property
    def changed(self) -> bool:
        return bool(self.applied)


class ReadOnlyError(Exception):
    """The file cannot be written by this user, or has no write permission bits: reported, never forced."""


class FileChangedError(Exception):
    """The file on disk is no longer what was read, so the fix was not written."""


def _offsets(lines: list[str]) -> list[int]:
    starts, total = [0], 0
    for line in lines:
        total += len(line)
        starts.append(total)
    return starts


def _span(edit: Edit, starts: list[int], lines: list[str]) -> tuple[int, int] | None:
    def at(line: int, col: int) -> int | None:
        if line == len(lines) + 1 and col == 0:
            return starts[-1]
        if not 0 < line <= len(lines) or col > len(lines[line - 1]):
            return None
        return starts[line - 1] + col

    start, end = at(edit.line, edit.col), at(edit.end_line, edit.end_col)
    if start is None or end is None or end < start:
        return None
    return start, end


def _overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    (s1, e1), (s2, e2) = a, b
    if s1 == e1 and s2 == e2:
        return False  # two insertions at one point: both go in, in order
    if a == b:
        return True
    if s1 == e1:
        return s2 < s1 < e2
    if s2 == e2:
        return s1 < s2 < e1
    return s1 < e2 and s2 < e1


def apply_fixes(source: str, findings: Sequence[Finding], unsafe_fixes: bool = True) -> FixResult:
    """Apply the fixes of ``findings``: safe ones, and unsafe ones when ``unsafe_fixes``.

    Findings of one statement share one fix, applied once. A fix whose edits overlap one already taken
    is skipped with the reason (the command applies it on its next pass, as ruff does).
    """
    result = FixResult(source)
    lines = source.splitlines(keepends=True)
    starts = _offsets(lines)
    taken: list[tuple[tuple[int, int], str, int]] = []  # (span, text, order)
    outcome: dict[int, str | None] = {}  # id(fix) -> None (applied) or the reason it was not
    for finding in findings:
        fix = finding.fix
        if fix is None or not fix.complete:
            continue
        if not fix.safe and not unsafe_fixes:
            result.held_back.append(finding)
            continue
        if id(fix) not in outcome:
            outcome[id(fix)] = _take(fix, starts, lines, taken)
        reason = outcome[id(fix)]
        if reason is None:
            result.applied.append(finding)
        else:
            result.skipped.append((finding, reason))
    if not result.applied:
        return result
    pieces, cursor = [], 0
    for (start, end), text, _ in sorted(taken, key=lambda t: (t[0][0], t[0][1], t[2])):
        pieces.append(source[cursor:start])
        pieces.append(text)
        cursor = end
    pieces.append(source[cursor:])
    new_source = "".join(pieces)
    try:
        ast.parse(new_source)
    except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
        reason = f"the rewritten file would not parse ({type(exc).__name__}); nothing written: please report this"
        return FixResult(source, [], [(f, reason) for f in result.applied] + result.skipped, result.held_back)
    result.source = new_source
    return result


def _take(fix: Fix, starts, lines, taken: list) -> str | None:
    spans = []
    for edit in fix.edits:
        span = _span(edit, starts, lines)
        if span is None:
            return "its edits do not match the file (it changed since it was analysed)"
        spans.append((span, edit.text))
    new = []
    for span, text in spans:
        if any(span == s and text == t for s, t, _ in taken):
            continue  # the same import, added by two fixes: once
        if any(_overlaps(span, s) for s, _, _ in taken):
            return OVERLAP
        new.append((span, text, len(taken) + len(new)))
    taken.extend(new)
    return None


# ------------------------------------------------------------------------------ writing
def _can_write_in_place(path: str, st: os.stat_result) -> None:
    """Raise ReadOnlyError unless this user could write the file itself (not just its directory)."""
    if not st.st_mode & 0o222:
        raise ReadOnlyError(f"{path} is read-only; not written")
    if not os.access(path, os.W_OK, effective_ids=os.access in os.supports_effective_ids):
        raise ReadOnlyError(f"{path} is not writable by this user; not written (a rename in its directory "
                            "would replace another user's file)")


def _keeps_owner(tmp: str, st: os.stat_result) -> bool:
    """Give the temporary file the original's owner and group; False when this user cannot."""
    tmp_st = os.stat(tmp)
    if (tmp_st.st_uid, tmp_st.st_gid) == (st.st_uid, st.st_gid):
        return True
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except OSError:
        return False
    return True


def write_atomically(path: str, original: bytes, new: bytes) -> None:
    """Replace ``path``'s content with ``new``, keeping its mode, owner, group and links.

    Writes through a symlink to its target. Raises FileChangedError, without writing, if the file no
    longer holds ``original``, and ReadOnlyError for a file this user could not write in place (the
    access check is on the file itself: a writable directory is not enough) or without write bits
    (even root leaves a read-only file alone). The new content goes to a temporary file beside it and
    replaces the file by ``os.replace`` when that keeps owner and group; a file with hard links, or one
    whose owner this user cannot give a new file, is rewritten in place instead (same inode, so links
    and ownership survive), with Ctrl-C held off until the write is complete.
    """
    path = os.path.realpath(path)
    st = os.stat(path)
    _can_write_in_place(path, st)
    with open(path, "rb") as handle:
        if handle.read() != original:
            raise FileChangedError(f"{path} changed on disk since it was read; not written")
    with _signals_held():  # Ctrl-C or a pool's SIGTERM lands after the write: no half state, no temp file
        _write(path, st, new)


def _write(path: str, st: os.stat_result, new: bytes) -> None:
    directory = os.path.dirname(os.path.abspath(path))
    if st.st_nlink > 1:
        _write_in_place(path, new)
        return
    fd, tmp = tempfile.mkstemp(prefix=".nnparam-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, st.st_mode & 0o7777)
        if _keeps_owner(tmp, st):
            os.replace(tmp, path)
            return
    except BaseException:
        _unlink(tmp)
        raise
    _unlink(tmp)
    _write_in_place(path, new)  # this user cannot give a new file the owner: keep the inode


class _signals_held:
    """Block SIGINT and SIGTERM for the duration (they are delivered when it ends)."""

    def __enter__(self):
        self.previous = None
        if hasattr(signal, "pthread_sigmask"):
            self.previous = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})

    def __exit__(self, *exc):
        if self.previous is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, self.previous)
        return False


def _write_in_place(path: str, new: bytes) -> None:
    with open(path, "r+b") as handle:
        handle.write(new)
        handle.truncate()
        handle.flush()
        os.fsync(handle.fileno())


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
