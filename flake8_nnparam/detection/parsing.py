"""Parsing and analysing a file with Python's cyclic garbage collector paused.

``ast.parse`` allocates one object per node, and so does the analysis of a tree; every allocation
counts towards the collector's next pass, and each pass scans the young objects and, every few
passes, everything the process holds (the project index's summaries, spare trees). On a few hundred
files that was about a third of the command's time. Neither a parse nor the analysis of one file
needs the collector: reference counting frees their objects, and the analysis builds no cycles (a
test checks that on every fixture), so nothing is left for a collector pass to find.
"""

from __future__ import annotations

import ast
import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused(freeze: bool = False) -> Iterator[None]:
    """Pause the cyclic garbage collector for the block; restore it as it was (nesting is fine).

    With ``freeze`` (the command, a batch process, once per file), whatever survives the block moves to
    the collector's permanent generation (``gc.freeze``) before the collector is restored. Otherwise the
    first allocation after the block starts a pass over every object the file left behind (the index's
    summaries, the trees it keeps for files linted later, the results), and later passes scan them again
    as they age: a further sixth of the command's time. Frozen objects are still freed by reference
    counting; only a cycle among them would stay until the process ends, and the analysis and the fix
    build none (``tests/test_robustness.py::test_a_linted_file_leaves_no_reference_cycles_behind``).
    The flake8 plugin never freezes: it shares a long-lived process (an editor's language server)."""
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if enabled:
            gc.enable()


def parse_module(source: str | bytes, filename: str = "<unknown>") -> ast.Module:
    """``ast.parse(source, filename)`` with the collector paused (a parse creates no cycles)."""
    with collector_paused():
        return ast.parse(source, filename=filename)
