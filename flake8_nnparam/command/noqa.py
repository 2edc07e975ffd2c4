"""``# noqa`` and ``# flake8: noqa``, exactly as flake8 reads them."""

from __future__ import annotations

import io
import re
import tokenize
from typing import Iterable

from flake8.defaults import NOQA_FILE, NOQA_INLINE_REGEXP


def noqa_line_mapping(text: str) -> dict[int, str]:
    """Line number -> the logical line flake8 searches for ``# noqa`` (a multi-line statement
    or string is one unit); empty when the file does not tokenize, as in flake8, and when it has no
    ``# noqa`` at all (no logical line could match, so tokenizing it would be wasted)."""
    if NOQA_INLINE_REGEXP.search(text) is None:
        return {}
    lines = text.splitlines(keepends=True)
    mapping: dict[int, str] = {}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(text).readline))
    except (tokenize.TokenError, SyntaxError):
        return {}
    min_line, max_line = len(lines) + 2, -1
    for tok_type, _, (s_line, _), (e_line, _), _ in tokens:
        if tok_type in (tokenize.ENDMARKER, tokenize.DEDENT):
            continue
        min_line, max_line = min(min_line, s_line), max(max_line, e_line)
        if tok_type in (tokenize.NL, tokenize.NEWLINE):
            joined = "".join(lines[min_line - 1:max_line])
            for n in range(min_line, max_line + 1):
                mapping[n] = joined
            min_line, max_line = len(lines) + 2, -1
    return mapping


def is_noqa(code: str, line: str) -> bool:
    match = NOQA_INLINE_REGEXP.search(line)
    if match is None:
        return False
    codes_str = match.groupdict()["codes"]
    if codes_str is None:
        return True
    codes = {c.strip() for c in re.split(r"[,\s]", codes_str) if c.strip()}
    return code in codes or code.startswith(tuple(codes))


def file_is_noqa(lines: Iterable[str]) -> bool:
    return any(NOQA_FILE.match(line) for line in lines)
