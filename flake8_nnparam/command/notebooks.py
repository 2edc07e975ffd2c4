"""Jupyter notebooks (``.ipynb``, nbformat 4): lint the code cells as one module, fix only their sources.

The code cells are joined in order into one virtual module, the way the kernel runs them, so a
class defined in one cell and used in a later one is analysed as in a ``.py`` file. As in ruff:

- IPython escapes at the start of a logical line (``%magic``, ``!shell``, ``x = !cmd``, ``?x`` /
  ``x?``, ``/f``, ``,f``, ``;f``) become a bare comment (``pass`` inside a block), so that every line
  keeps its number; a cell magic (``%%bash``, ``%%writefile``) blanks its whole cell, except the magics whose body
  is Python (``%%time``, ``%%timeit``, ``%%capture``, ...), which only blank their first line;
- positions name the cell (1-based, counting every cell of the notebook as ruff does) and the line in it.

A cell that does not parse on its own is left out (as the kernel would fail on that cell alone),
reported as an analysis error (exit 2), and the other cells are still linted and fixed: Jupyter
compiles each cell separately, so a fix in another cell cannot depend on the broken one. Escapes and
left-out cells are never rewritten.

Reading uses the standard ``json`` module: 6x faster than ``nbformat.reads`` (which also validates
against the schema) on a 3.3 MB notebook, 14-24x on a small one (``benchmarks/notebook_load.py``). ``--fix`` splices new JSON text
into the byte ranges of the edited cells' ``source`` values only, so outputs, execution counts,
metadata, markdown cells, indentation, key order, escapes and the trailing newline stay as they were.
"""

from __future__ import annotations

import ast
import bisect
import dataclasses
import difflib
import json
import os
import re
from dataclasses import dataclass, field

from ..detection import Finding
from .files import AnalysisError

NOTEBOOK_SUFFIX = ".ipynb"

# Cell magics whose body is Python (ruff's list): only their first line is an escape.
PYTHON_CELL_MAGICS = frozenset({"capture", "debug", "prun", "pypy", "python", "python3", "time", "timeit"})

# One line of every code cell in the virtual module starts with this comment; private-use characters
# keep it from ever matching a user's comment, and a comment never changes what the engine sees.
_MARK = "# \ue000nnparam cell {}\ue000"
_MARK_LINE = re.compile(r"^# \ue000nnparam cell (\d+)\ue000\r?\n?$")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
_ASSIGNED_ESCAPE = re.compile(r"^[ \t]*[A-Za-z_][\w.]*(?:[ \t]*,[ \t]*[A-Za-z_][\w.]*)*[ \t]*=[ \t]*[%!]")
_HELP_SUFFIX = re.compile(r"^[ \t]*[A-Za-z_*][\w.*\[\]()]*[ \t]*\?\??[ \t]*$")
_LINE_REF = re.compile(r"\(line (\d+)\)")
_WS = re.compile(r"[ \t\n\r]*")


class NotebookError(AnalysisError):
    """Not a notebook this command can read (not JSON, not nbformat 4, malformed cells); never written."""


def is_notebook(path: str) -> bool:
    return path.lower().endswith(NOTEBOOK_SUFFIX)


@dataclass(frozen=True)
class CellFinding(Finding):
    """A finding in a notebook: ``line`` and ``end_line`` count inside cell ``cell``."""

    cell: int = 0


@dataclass
class CodeCell:
    number: int  # 1-based, counting every cell of the notebook
    index: int  # 0-based position in the notebook's ``cells``
    raw_lines: list[str]  # the source as written, split into lines with their endings
    lines: list[str] = field(default_factory=list)  # what the engine sees (escapes masked)
    masked: set[int] = field(default_factory=set)  # 0-based lines that are escapes or left out
    skipped: str | None = None  # why the whole cell is left out of the module
    first: int = 0  # the virtual line of the cell's first line

    @property
    def source(self) -> str:
        return "".join(self.raw_lines)


def split_lines(text: str) -> list[str]:
    """Lines with their endings, broken where Python breaks them (``\\n``, ``\\r\\n``, ``\\r``) only."""
    return _LINE.findall(text)


# --- reading --------------------------------------------------------------------------------------


def decode(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NotebookError(f"cannot read notebook: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    return text


def load(data: bytes) -> tuple[str, dict]:
    """(text, notebook) for an nbformat 4 notebook, else NotebookError saying what is wrong."""
    text = decode(data)
    try:
        notebook = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise NotebookError(f"cannot read notebook: not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise NotebookError("cannot read notebook: JSON nested too deeply") from None
    if not isinstance(notebook, dict):
        raise NotebookError("cannot read notebook: the JSON is not an object")
    version = notebook.get("nbformat")
    if version != 4:
        found = "no nbformat key" if version is None else f"nbformat {version!r}"
        raise NotebookError(f"cannot read notebook: only nbformat 4 is supported, found {found} (convert it with `jupyter nbconvert --to notebook`)")
    cells = notebook.get("cells")
    if not isinstance(cells, list):
        raise NotebookError("cannot read notebook: nbformat 4 needs a 'cells' list")
    for number, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict) or not isinstance(cell.get("cell_type"), str):
            raise NotebookError(f"cannot read notebook: cell {number} has no cell_type")
        source = cell.get("source", "")
        if not isinstance(source, str) and not (isinstance(source, list) and all(isinstance(s, str) for s in source)):
            raise NotebookError(f"cannot read notebook: cell {number}: source is neither a string nor a list of strings")
    return text, notebook


def is_python(notebook: dict) -> bool:
    """A notebook whose kernel declares another language (R, Julia) is not linted, as in ruff."""
    metadata = notebook.get("metadata")
    if not isinstance(metadata, dict):
        return True
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str):
        return info["name"].lower() == "python"
    spec = metadata.get("kernelspec")
    if isinstance(spec, dict) and isinstance(spec.get("language"), str):
        return spec["language"].lower() == "python"
    return True


def cell_source(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


# --- the virtual module ---------------------------------------------------------------------------


def _cell_magic(lines: list[str]) -> str | None:
    """The name of the cell magic that opens the cell (after blank and comment lines), if any."""
    for line in lines:
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("%%"):
            name = stripped[2:].split(None, 1)
            return name[0] if name else ""
        return None
    return None


def _is_escape(line: str) -> bool:
    stripped = line.lstrip(" \t")
    if stripped[:1] in ("%", "!", "?", "/", ",", ";"):
        return True
    return bool(_ASSIGNED_ESCAPE.match(line) or _HELP_SUFFIX.match(line.rstrip("\r\n")))


class _LogicalLines:
    """Tracks whether the next physical line starts a logical line (outside brackets, strings and
    backslash continuations): IPython only reads escapes there, so ``%d`` inside a string stays code."""

    _TOKEN = re.compile(r"""#[^\r\n]*|\\\r?\n|\\.|[rRbBuUfF]{0,2}('''|\"\"\"|'|")|[\[\](){}]""")

    def __init__(self) -> None:
        self.depth = 0
        self.quote: str | None = None
        self.continued = False

    @property
    def at_start(self) -> bool:
        return self.depth == 0 and self.quote is None and not self.continued

    def feed(self, line: str) -> None:
        self.continued = False
        i = 0
        while i < len(line):
            if self.quote is not None:
                end = self._close(line, i)
                if end < 0:
                    if len(self.quote) == 1 and not line.rstrip("\r\n").endswith("\\"):
                        self.quote = None  # an unterminated single-quoted string ends with its line
                    return
                self.quote, i = None, end
                continue
            match = self._TOKEN.search(line, i)
            if match is None:
                return
            token, i = match.group(0), match.end()
            if token.startswith("#"):
                return
            if token.startswith("\\"):
                if token.endswith("\n"):
                    self.continued = True
                continue
            if match.group(1):
                self.quote = match.group(1)
            elif token in "([{":
                self.depth += 1
            else:
                self.depth = max(0, self.depth - 1)

    def _close(self, line: str, i: int) -> int:
        quote = self.quote
        while i < len(line):
            if line[i] == "\\":
                i += 2
                continue
            if line.startswith(quote, i):
                return i + len(quote)
            i += 1
        return -1


def _mask(cell: CodeCell) -> None:
    lines = cell.raw_lines
    magic = _cell_magic(lines)
    if magic is not None and magic not in PYTHON_CELL_MAGICS:
        cell.skipped = f"cell magic %%{magic}"
        cell.lines = [_ending(line) for line in lines]
        cell.masked = set(range(len(lines)))
        return
    state = _LogicalLines()
    masked_prev_continues = False
    out = []
    for n, line in enumerate(lines):
        if masked_prev_continues or (state.at_start and _is_escape(line)):
            out.append(_ending(line) if masked_prev_continues else _placeholder(line))
            cell.masked.add(n)
            masked_prev_continues = line.rstrip("\r\n").endswith("\\")
            continue
        out.append(line)
        state.feed(line)
    cell.lines = out


def _placeholder(line: str) -> str:
    """What the engine sees for an escape: a comment at the top level (not a statement, so an import
    a fix adds still goes after the notebook's own imports), ``pass`` inside a block, which needs one."""
    indent = line[: len(line) - len(line.lstrip(" \t"))]
    return f"{indent}pass{_ending(line)}" if indent else f"#{_ending(line)}"


def _ending(line: str) -> str:
    return line[len(line.rstrip("\r\n")):]


def _blank(cell: CodeCell, reason: str) -> None:
    cell.skipped = reason
    cell.lines = [_ending(line) for line in cell.raw_lines]
    cell.masked = set(range(len(cell.raw_lines)))


@dataclass
class VirtualModule:
    """The code cells joined into one Python text, and the map from its lines back to the cells."""

    cells: list[CodeCell]
    text: str
    errors: list[tuple[CodeCell, int, str]]  # (cell, line in cell, reason) for cells left out

    @classmethod
    def build(cls, notebook: dict) -> "VirtualModule":
        cells = []
        for index, cell in enumerate(notebook["cells"]):
            if cell["cell_type"] != "code":
                continue
            code = CodeCell(index + 1, index, split_lines(cell_source(cell)))
            _mask(code)
            cells.append(code)
        return cls(cells, cls._join(cells), [])

    def isolate_broken_cells(self) -> bool:
        """Leave out the cells that do not parse on their own (the kernel compiles each cell alone),
        so the others can be analysed; True when some were found."""
        found = False
        for code in self.cells:
            if code.skipped:
                continue
            try:
                ast.parse("".join(code.lines))
            except SyntaxError as exc:
                self.errors.append((code, exc.lineno or 1, f"SyntaxError: {exc.msg}"))
            except (ValueError, RecursionError, MemoryError) as exc:
                self.errors.append((code, 1, f"{type(exc).__name__}: {exc}"))
            else:
                continue
            _blank(code, "does not parse")
            found = True
        if found:
            self.text = self._join(self.cells)
        return found

    @staticmethod
    def _join(cells: list[CodeCell]) -> str:
        parts = []
        line = 1
        for code in cells:
            parts.append(_MARK.format(code.number) + "\n")
            line += 1
            code.first = line
            parts.extend(code.lines)
            if code.lines and not code.lines[-1].endswith(("\n", "\r")):
                parts.append("\n")
            line += len(code.lines)
        return "".join(parts)

    def locate(self, line: int) -> tuple[CodeCell, int] | None:
        """(cell, 1-based line in it) for a line of the virtual module; None on a marker line."""
        starts = [c.first for c in self.cells]
        i = bisect.bisect_right(starts, line) - 1
        if i < 0:
            return None
        cell = self.cells[i]
        offset = line - cell.first
        if offset >= max(len(cell.lines), 1):
            return None
        return cell, offset + 1

    def cell_finding(self, finding: Finding) -> CellFinding:
        located = self.locate(finding.line)
        cell, line = located if located else (self.cells[0] if self.cells else None, finding.line)
        number = cell.number if cell else 0
        end = self.locate(finding.end_line) if finding.end_line else None
        use = self.locate(finding.use_line) if finding.use_line else None
        values = {f.name: getattr(finding, f.name) for f in dataclasses.fields(finding)}
        values.update(
            line=line,
            end_line=end[1] if end else 0,
            use_line=use[1] if use else 0,
            message=self.relabel(finding.message),
            evidence=self.relabel(finding.evidence),
            cell=number,
        )
        return CellFinding(**values)

    def relabel(self, text: str) -> str:
        """``(line 45)`` in a message names a line of the virtual module: say which cell instead."""

        def replace(match: re.Match) -> str:
            located = self.locate(int(match.group(1)))
            return f"(cell {located[0].number}, line {located[1]})" if located else match.group(0)

        return _LINE_REF.sub(replace, text) if text else text

    def split(self, new_text: str) -> dict[int, list[str]]:
        """The fixed virtual module cut back into cells: {cell number: new engine lines}."""
        result: dict[int, list[str]] = {}
        current: list[str] | None = None
        preamble: list[str] = []
        for line in split_lines(new_text):
            match = _MARK_LINE.match(line)
            if match:
                current = result.setdefault(int(match.group(1)), [])
                continue
            (preamble if current is None else current).append(line)
        if sorted(result) != sorted(c.number for c in self.cells):
            raise NotebookError("cannot fix: the fix moved a cell boundary")
        if preamble and self.cells:
            result[self.cells[0].number][:0] = preamble  # an import the fix added before the first cell
        return result


# --- writing --------------------------------------------------------------------------------------


def _new_raw_lines(cell: CodeCell, new_lines: list[str]) -> list[str]:
    """The cell's new source lines: unchanged lines exactly as written (escapes, line endings),
    new lines in the cell's own line-ending style."""
    old = list(cell.lines)
    if old and not old[-1].endswith(("\n", "\r")) and new_lines and new_lines[-1].endswith("\n"):
        new_lines = new_lines[:-1] + [new_lines[-1][:-1]]  # the newline the virtual module added
    if cell.skipped and new_lines != old:
        raise NotebookError(f"cannot fix: the fix would change cell {cell.number}, which is not analysed ({cell.skipped})")
    endings = {_ending(line) for line in cell.raw_lines if _ending(line)}
    crlf = endings == {"\r\n"}
    out: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new_lines, autojunk=False).get_opcodes():
        if tag == "equal":
            out.extend(cell.raw_lines[i1:i2])
            continue
        if any(n in cell.masked for n in range(i1, i2)):
            raise NotebookError(f"cannot fix: the fix would rewrite an IPython escape in cell {cell.number}")
        for line in new_lines[j1:j2]:
            if crlf and line.endswith("\n") and not line.endswith("\r\n"):
                line = line[:-1] + "\r\n"
            out.append(line)
    return out


class _Spans:
    """Where each cell's ``source`` value lies in the notebook's text (found by a second, positional
    walk of the JSON with the ``json`` module's own scanners, only for a notebook being fixed)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.decoder = json.JSONDecoder()
        self.sources: dict[int, tuple[int, int]] = {}  # cell index -> (start, end) of the value
        self._walk()

    def _ws(self, i: int) -> int:
        return _WS.match(self.text, i).end()

    def _expect(self, i: int, char: str) -> int:
        i = self._ws(i)
        if self.text[i:i + 1] != char:
            raise NotebookError(f"cannot fix: unexpected JSON layout at offset {i}")
        return i + 1

    def _members(self, i: int):
        """Yields (key, value start) for each member of the object opening at ``i``; the caller
        returns the value's end."""
        i = self._expect(i, "{")
        i = self._ws(i)
        if self.text[i:i + 1] == "}":
            return i + 1
        while True:
            i = self._ws(i)
            key, i = json.decoder.scanstring(self.text, self._expect(i, '"'))
            i = self._ws(self._expect(i, ":"))
            i = self._ws((yield key, i))
            if self.text[i:i + 1] == "}":
                return i + 1
            i = self._expect(i, ",")

    def _skip(self, i: int) -> int:
        return self.decoder.raw_decode(self.text, i)[1]

    def _drive(self, i: int, on_member) -> int:
        members = self._members(i)
        try:
            key, start = next(members)
            while True:
                key, start = members.send(on_member(key, start))
        except StopIteration as stop:
            return stop.value

    def _walk(self) -> None:
        start = 1 if self.text.startswith("\ufeff") else 0

        def top(key: str, i: int) -> int:
            return self._cells(i) if key == "cells" else self._skip(i)

        self._drive(start, top)

    def _cells(self, i: int) -> int:
        i = self._ws(self._expect(i, "["))
        index = 0
        if self.text[i:i + 1] == "]":
            return i + 1
        while True:
            def member(key: str, start: int, index=index) -> int:
                end = self._skip(start)
                if key == "source":
                    self.sources[index] = (start, end)
                return end

            i = self._ws(self._drive(i, member))
            index += 1
            if self.text[i:i + 1] == "]":
                return i + 1
            i = self._expect(i, ",")

    def elements(self, start: int, end: int) -> list[tuple[int, int]]:
        """The spans of the strings of a list-valued source."""
        spans = []
        i = self._ws(start + 1)
        while self.text[i] != "]":
            _, j = json.decoder.scanstring(self.text, i + 1)
            spans.append((i, j))
            i = self._ws(j)
            if self.text[i] == ",":
                i = self._ws(i + 1)
        return spans


def _ensure_ascii(text: str) -> bool:
    """nbformat writes ``ensure_ascii=False``; keep escaping only where the file already escapes."""
    if any(ord(c) > 127 for c in text):
        return False
    return bool(re.search(r"\\u(?:00[89a-fA-F]|0[1-9a-fA-F]|[1-9a-fA-F])[0-9a-fA-F]{2}", text))


def _split_elements(source: str) -> list[str]:
    """A source split into list elements as nbformat writes them: one line each, newline kept."""
    return re.findall(r"[^\n]*\n|[^\n]+", source)


def render(text: str, notebook: dict, new_sources: dict[int, str]) -> str:
    """The notebook's text with only the ``source`` values of the cells in ``new_sources``
    (cell index -> new source) replaced, each in the style of the value it replaces."""
    spans = _Spans(text)
    ascii_only = _ensure_ascii(text)
    edits = []
    for index, source in new_sources.items():
        start, end = spans.sources[index]
        old_value = notebook["cells"][index]["source"]
        if isinstance(old_value, str):
            edits.append((start, end, json.dumps(source, ensure_ascii=ascii_only)))
            continue
        elements = spans.elements(start, end)
        raw = [text[a:b] for a, b in elements]
        new_elements = _split_elements(source)
        if elements:
            head = text[start + 1:elements[0][0]]
            tail = text[elements[-1][1]:end - 1]
            sep = text[elements[0][1]:elements[1][0]] if len(elements) > 1 else "," + head
        else:
            head = tail = ""
            sep = ", "
        pieces = []
        for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_value, new_elements, autojunk=False).get_opcodes():
            if tag == "equal":
                pieces.extend(raw[i1:i2])
            else:
                pieces.extend(json.dumps(e, ensure_ascii=ascii_only) for e in new_elements[j1:j2])
        edits.append((start, end, "[" + head + sep.join(pieces) + tail + "]"))
    for start, end, replacement in sorted(edits, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


# --- one notebook's lint, diff and fix ------------------------------------------------------------


def check_notebook(path: str | None, display: str, data: bytes, extra_bases: frozenset, settings, check_source):
    """Lint one notebook with the ``.py`` pipeline (``check_source`` on the virtual module) and, in
    diff/fix mode, turn the fixed module back into new cell sources."""
    from .files import SourceFile
    from .runner import FileReport

    report = FileReport(display)
    try:
        text, notebook = load(data)
    except NotebookError as exc:
        report.errors.append(f"{display}: {exc}")
        return report
    if not is_python(notebook):
        return report
    module = VirtualModule.build(notebook)
    if not module.cells:
        return report
    mode = settings.mode
    inner = dataclasses.replace(settings, mode="fix") if mode == "diff" else settings
    source = SourceFile(display, None, data, module.text, "utf-8")
    result = check_source(source, extra_bases, inner)  # one parse when every cell is valid Python
    unparsable = (f"{display}: cannot analyse: SyntaxError", f"{display}: cannot analyse: ValueError")
    if any(e.startswith(unparsable) for e in result.errors) and module.isolate_broken_cells():
        source = SourceFile(display, None, data, module.text, "utf-8")
        result = check_source(source, extra_bases, inner)
    for cell, line, reason in module.errors:
        report.errors.append(f"{display}:cell {cell.number}:{line}: cannot analyse this cell: {reason}; the other cells are linted")
    report.errors.extend(module.relabel(e) for e in result.errors)
    report.notes.extend(result.notes)
    report.held_back = result.held_back  # unsafe fixes not applied, and what the applied ones mean
    report.checkpoint_notes = [module.relabel(n) for n in result.checkpoint_notes]
    report.findings = [module.cell_finding(f) for f in result.findings]
    if result.new_text is None:
        return report
    try:
        new_sources = {}
        for number, lines in module.split(result.new_text).items():
            cell = next(c for c in module.cells if c.number == number)
            new_source = "".join(_new_raw_lines(cell, lines))
            if new_source != cell.source:
                new_sources[cell.index] = new_source
        new_text = render(text, notebook, new_sources)
        _check_only_sources_changed(notebook, new_text, new_sources)
    except NotebookError as exc:
        report.errors.append(f"{display}: {exc}")
        return report
    if mode == "diff":
        # The fix run drops the findings it fixed; a diff reports them all, as for a .py file.
        linted = check_source(source, extra_bases, dataclasses.replace(settings, mode="lint"))
        report.findings = [module.cell_finding(f) for f in linted.findings]
        report.diff = "".join(_cell_diff(display, notebook, module, new_sources))
        return report
    new_data = new_text.encode("utf-8")
    if path is None:
        report.new_text = new_text
    else:
        from .runner import write_fixed

        error = write_fixed(path, display, data, new_data)
        if error is not None:
            report.errors.append(error)
            return report
    report.fixed = result.fixed
    report.safe_fixed = result.safe_fixed
    return report


def _check_only_sources_changed(notebook: dict, new_text: str, new_sources: dict[int, str]) -> None:
    """The rewritten text must be the same notebook with those sources: never write anything else."""
    try:
        reread = json.loads(new_text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:  # pragma: no cover - render writes valid JSON
        raise NotebookError(f"cannot fix: the rewritten notebook would not be valid JSON ({exc.msg})") from None
    for index, source in new_sources.items():
        if cell_source(reread["cells"][index]) != source:
            raise NotebookError(f"cannot fix: cell {index + 1} would not hold the fixed source")
        reread["cells"][index]["source"] = notebook["cells"][index]["source"]
    if reread != notebook:
        raise NotebookError("cannot fix: the rewrite would change more than the cells' sources")


def _cell_diff(display: str, notebook: dict, module: VirtualModule, new_sources: dict[int, str]):
    name = os.path.normpath(display).replace(os.sep, "/")
    for cell in module.cells:
        if cell.index not in new_sources:
            continue
        label = f"{name}:cell {cell.number}"
        old_name, new_name = (label, label) if os.path.isabs(name) else (f"a/{label}", f"b/{label}")
        for line in difflib.unified_diff(cell.raw_lines, split_lines(new_sources[cell.index]), old_name, new_name):
            yield line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of cell\n"
