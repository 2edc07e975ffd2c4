"""The standalone command: lint, show the diff of the fixes, or apply them.

Same engine, codes and messages as the flake8 plugin. Exit status: 0 clean, 1 findings,
2 usage errors or files that could not be analysed (reported on stderr; the others go on).
"""

from __future__ import annotations

import argparse
import ast
import difflib
import errno
import fnmatch
import io
import json
import os
import re
import signal
import stat
import sys
import threading
import urllib.parse
from pathlib import Path
import tokenize
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from flake8.defaults import NOQA_FILE, NOQA_INLINE_REGEXP

from . import BUFFER_STYLES, __version__
from .detection import DEFAULT_OFF_BAND, PREFIX, RULES, Finding, analyze
from .detection.prefilter import default_off_enabled
from .detection.module_classes import is_torch_module_name

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMATS = ("text", "json", "github", "sarif")
SKIPPED_DIRS = frozenset(
    {"venv", ".venv", "build", "dist", "__pycache__", "node_modules", ".tox", "site-packages", ".git"}
)
VALID_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$")
CONFIG_SECTION = "flake8-nnparam"
CONFIG_KEYS = ("select", "ignore", "module-bases", "exclude", "buffer-style")
_PROGRESS_MIN_FILES = 10


class UsageError(Exception):
    pass


class AnalysisError(Exception):
    """A file that could not be read, decoded or parsed; the message says why."""


# --- selection -----------------------------------------------------------------------


@dataclass(frozen=True)
class Selection:
    """flake8's select/ignore decision: the longer matching prefix wins; MPR9xx only when named.

    A default-off code (the MPR9 band) is enabled only by a select entry at least as long as
    ``MPR9``, never by a bare ``MPR``, exactly as the flake8 plugin does.
    """

    select: tuple[str, ...] = (PREFIX,)
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        chosen = max((s for s in self.select if code.startswith(s)), key=len, default=None)
        if chosen is None:
            return False
        if code.startswith(DEFAULT_OFF_BAND) and not default_off_enabled(code, frozenset(self.select)):
            return False
        ignored = max((i for i in self.ignore if code.startswith(i)), key=len, default="")
        return len(chosen) > len(ignored) if ignored else True


def _code_list(value, option: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value))
    codes = tuple(str(item).strip() for item in items if str(item).strip())
    for code in codes:
        if not VALID_CODE.match(code):
            raise UsageError(f"{option}: {code!r} is not a code or code prefix (like MPR002 or MPR9)")
    return codes


def _name_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


# --- noqa, exactly as flake8 ---------------------------------------------------------


def noqa_line_mapping(text: str) -> dict[int, str]:
    """Line number -> the logical line flake8 searches for ``# noqa`` (a multi-line statement
    or string is one unit); empty when the file does not tokenize, as in flake8."""
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


# --- reading -------------------------------------------------------------------------


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


# --- discovery -----------------------------------------------------------------------


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


# --- project-wide class resolution ---------------------------------------------------


@dataclass
class FileIndex:
    """What the project index needs from one file: its classes' bases and its imports."""

    path: str  # absolute
    classes: dict[str, list[str]] = field(default_factory=dict)  # name -> dotted bases
    imports: dict[str, tuple[str, int, str | None]] = field(default_factory=dict)  # local -> (module, level, name)
    torch_modules: set[str] = field(default_factory=set)  # classes with a torch Module base


def _qualify(dotted: str, imports: dict[str, tuple[str, int, str | None]]) -> str | None:
    head, _, rest = dotted.partition(".")
    ref = imports.get(head)
    if ref is None or ref[1]:
        return None
    module, _, name = ref
    qualified = f"{module}.{name}" if name is not None else module
    return f"{qualified}.{rest}" if rest else qualified


# One pass over the line starts finds class headers, imports and module-level aliases.
_INDEX_LINE = re.compile(
    r"^(?:[ \t]*class[ \t]+(?P<cls>\w+)[ \t]*(?:\((?P<bases>[^)]*)\))?[ \t]*:"
    r"|[ \t]*from[ \t]+(?P<dots>\.*)(?P<module>[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]+)"
    r"|[ \t]*import[ \t]+(?P<imported>[^\n#;]+)"
    r"|(?P<alias>\w+)[ \t]*=[ \t]*(?P<target>[A-Za-z_][\w.]*)[ \t]*(?:#.*)?$)",
    re.M,
)
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


def _import_names(text: str) -> list[tuple[str, str | None]]:
    """``a, b as c`` -> [(a, None), (b, c)]; comments inside parenthesised lists are dropped."""
    text = re.sub(r"#[^\n]*", "", text).replace("\\\n", " ")
    names = []
    for part in text.strip("() \t\n").split(","):
        words = part.split()
        if len(words) == 1:
            names.append((words[0], None))
        elif len(words) == 3 and words[1] == "as":
            names.append((words[0], words[2]))
    return names


def index_text(path: str, text: str, extra_bases: frozenset[str]) -> FileIndex:
    """The project index's view of one file, read from its text without parsing it.

    Parsing every file twice (once to index, once to lint) would double the command's cost; class
    headers and imports are regular enough to read with a few patterns. A stray match (say, inside a
    docstring) only adds a name the resolution never asks about.
    """
    index = FileIndex(os.path.abspath(path))
    extra_last = {b.rsplit(".", 1)[-1] for b in extra_bases}
    classes, alias_targets = [], []
    for match in _INDEX_LINE.finditer(text):
        if match["cls"]:
            classes.append((match["cls"], match["bases"] or ""))
        elif match["imported"]:
            for name, asname in _import_names(match["imported"]):
                if asname:
                    index.imports[asname] = (name, 0, None)
                else:
                    head = name.split(".", 1)[0]
                    index.imports[head] = (head, 0, None)
        elif match["names"]:
            for name, asname in _import_names(match["names"]):
                if name != "*":
                    index.imports[asname or name] = (match["module"], len(match["dots"]), name)
        elif match["alias"]:
            alias_targets.append((match["alias"], match["target"]))
    aliases = {alias for alias, target in alias_targets if is_torch_module_name(_qualify(target, index.imports))}
    for name, bases_text in classes:
        bases = []
        for part in re.sub(r"#[^\n]*", "", bases_text).split(","):
            part = part.strip().split("[", 1)[0].strip()
            if "=" not in part and _DOTTED.fullmatch(part):
                bases.append(part)
        index.classes.setdefault(name, []).extend(bases)
        for base in bases:
            qualified = _qualify(base, index.imports)
            if (
                base in aliases
                or is_torch_module_name(qualified)
                or base.rsplit(".", 1)[-1] in extra_last
                or qualified in extra_bases
            ):
                index.torch_modules.add(name)
    return index


class ProjectIndex:
    """Resolves base classes across the linted files (absolute and relative imports, re-exports)."""

    def __init__(self, files: Iterable[FileIndex]) -> None:
        self.files = {f.path: f for f in files}
        self.by_module: dict[str, list[str]] = {}
        for path in self.files:
            parts = os.path.splitext(path)[0].split(os.sep)[1:]
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            for i in range(len(parts)):
                self.by_module.setdefault(".".join(parts[i:]), []).append(path)
        self._module_memo: dict[tuple[str, str], bool] = {}

    def _module_files(self, from_path: str, module: str, level: int) -> list[str]:
        if level == 0:
            return self.by_module.get(module, []) if module else []
        base = os.path.dirname(from_path)
        for _ in range(level - 1):
            base = os.path.dirname(base)
        target = os.path.join(base, *module.split(".")) if module else base
        return [p for p in (target + ".py", os.path.join(target, "__init__.py")) if p in self.files]

    def _lookup(self, paths: Iterable[str], name: str, seen: set) -> list[tuple[str, str]]:
        found = []
        for path in paths:
            if (path, name) in seen:
                continue
            seen.add((path, name))
            info = self.files[path]
            if name in info.classes:
                found.append((path, name))
            elif name in info.imports:
                found.extend(self._follow(path, info.imports[name], [], seen))
        return found

    def _follow(self, path: str, ref, rest: list[str], seen: set) -> list[tuple[str, str]]:
        module, level, name = ref
        if name is not None:
            if not rest:
                found = self._lookup(self._module_files(path, module, level), name, seen)
                if found:
                    return found
                return []
            module = f"{module}.{name}" if module else name
        if not rest:
            return []
        submodule = ".".join([module, *rest[:-1]]) if module else ".".join(rest[:-1])
        return self._lookup(self._module_files(path, submodule, level), rest[-1], seen)

    def resolve(self, path: str, dotted: str) -> list[tuple[str, str]]:
        """The project classes that ``dotted`` (a base as written in ``path``) may refer to."""
        info = self.files[path]
        head, *rest = dotted.split(".")
        if not rest and head in info.classes:
            return [(path, head)]
        ref = info.imports.get(head)
        if ref is None:
            return []
        return self._follow(path, ref, rest, set())

    def is_module(self, path: str, name: str, stack: frozenset = frozenset()) -> bool:
        key = (path, name)
        if key in self._module_memo:
            return self._module_memo[key]
        if key in stack:
            return False
        info = self.files[path]
        result = name in info.torch_modules or any(
            self.is_module(p, n, stack | {key})
            for base in info.classes.get(name, ())
            for p, n in self.resolve(path, base)
        )
        self._module_memo[key] = result
        return result

    def extra_bases_for(self, path: str) -> frozenset[str]:
        """Base names used in ``path`` that resolve to Module classes of the project."""
        info = self.files.get(os.path.abspath(path))
        if info is None:
            return frozenset()
        names = set()
        for bases in info.classes.values():
            for base in bases:
                if base in info.classes:
                    continue  # defined in the same file: the engine resolves it without help
                if any(self.is_module(p, n) for p, n in self.resolve(info.path, base)):
                    names.add(base.rsplit(".", 1)[-1])
        # Imported Module classes of the project: ``[Block(c) for c in cfgs]`` is a list of modules.
        for local, (module, level, name) in info.imports.items():
            if name is not None and local not in names and local[:1].isupper():
                if any(self.is_module(p, n) for p, n in self.resolve(info.path, local)):
                    names.add(local)
        return frozenset(names)


# --- per-file work -------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    selection: Selection
    module_bases: frozenset[str]
    buffer_style: str
    mode: str  # "lint", "diff", "fix"
    disable_noqa: bool = False


@dataclass
class FileReport:
    display: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    diff: str = ""
    fixed: int = 0
    new_text: str | None = None  # fixed source, for stdin
    notes: list[str] = field(default_factory=list)


def _index_worker(args) -> tuple[str, FileIndex | None, str | None]:
    path, module_bases = args
    try:
        source = read_source(path)
    except AnalysisError as exc:
        return path, None, str(exc)
    return path, index_text(path, source.text, module_bases), None


_INTERRUPTED = False


def _on_sigint(signum, frame):
    global _INTERRUPTED
    _INTERRUPTED = True
    raise KeyboardInterrupt


def _raise_if_interrupted() -> None:
    if _INTERRUPTED:
        raise KeyboardInterrupt


def _internal_error(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return "internal error " + (text if len(text) <= 200 else text[:197] + "...")


def _ignore_sigint() -> None:
    """Pool workers leave Ctrl-C to the parent, which stops them: no traceback from every worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def check_source(source: SourceFile, extra_bases: frozenset[str], settings: Settings) -> FileReport:
    """Lint one file (every file is parsed, so syntax errors are reported) and, in diff/fix mode, fix it."""
    report = FileReport(source.display)
    try:
        tree = parse_source(source)
        findings = analyze(tree, source.text, extra_bases | settings.module_bases)
        if not findings:
            return report
        lines = source.text.splitlines(keepends=True)
        if not settings.disable_noqa and "flake8" in source.text and file_is_noqa(lines):
            return report
    except AnalysisError as exc:
        report.errors.append(f"{source.display}: {exc}")
        return report
    except RecursionError:
        report.errors.append(f"{source.display}: cannot analyse: RecursionError: nesting too deep")
        return report
    except Exception as exc:  # noqa: BLE001 - an engine bug in one file must not stop the others
        _raise_if_interrupted()
        report.errors.append(f"{source.display}: cannot analyse: {_internal_error(exc)}")
        return report
    findings = [f for f in findings if settings.selection.enabled(f.code)]
    if findings and not settings.disable_noqa:
        mapping = noqa_line_mapping(source.text)
        findings = [
            f
            for f in findings
            if not is_noqa(f.code, mapping.get(f.line) or (lines[f.line - 1] if 0 < f.line <= len(lines) else ""))
        ]
    report.findings = findings
    if settings.mode == "lint" or not any(f.fix for f in findings):
        return report
    from .fix import FileChangedError, ReadOnlyError, apply_fixes, write_atomically

    try:
        result = apply_fixes(source.text, findings, settings.buffer_style)
    except Exception as exc:  # noqa: BLE001 - report, never a traceback
        _raise_if_interrupted()  # Ctrl-C inside libcst can surface as another exception
        report.errors.append(f"{source.display}: cannot fix: {_internal_error(exc)}")
        return report
    unparsable = {reason for _, reason in result.skipped if reason.startswith("libcst cannot parse")}
    if unparsable:
        report.errors.append(f"{source.display}: cannot fix: {sorted(unparsable)[0]}")
    if not result.changed:
        return report
    if settings.mode == "diff":
        name = os.path.normpath(source.display).replace(os.sep, "/")
        old_name, new_name = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
        report.diff = "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in difflib.unified_diff(
                source.text.splitlines(keepends=True),
                result.source.splitlines(keepends=True),
                old_name,
                new_name,
            )
        )
        return report
    new_data = result.source.encode(source.encoding)
    if source.path is None:
        report.new_text = result.source
    else:
        try:
            write_atomically(source.path, source.data, new_data)
        except (FileChangedError, ReadOnlyError) as exc:
            report.errors.append(f"{source.display}: not fixed: {exc}")
            return report
        except OSError as exc:
            report.errors.append(f"{source.display}: not fixed: cannot write: {exc.strerror or exc}")
            return report
    applied = set(id(f) for f in result.applied)
    report.fixed = len(applied)
    report.findings = [f for f in findings if id(f) not in applied]
    return report


def _check_worker(args) -> FileReport:
    path, display, extra_bases, settings = args
    try:
        source = read_source(path, display)
    except AnalysisError as exc:
        return FileReport(display, errors=[f"{display}: {exc}"])
    return check_source(source, extra_bases, settings)  # parsed here once: syntax errors are reported


# --- output --------------------------------------------------------------------------


def _github_escape(text: str, property_value: bool = False) -> str:
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        text = text.replace(":", "%3A").replace(",", "%2C")
    return text


def _rows(reports: Sequence[FileReport]) -> list[tuple[str, Finding]]:
    rows = [(r.display, f) for r in reports for f in r.findings]
    rows.sort(key=lambda row: (row[0], row[1].line, row[1].col, row[1].code))
    return rows


def format_text(rows) -> str:
    return "".join(f"{path}:{f.line}:{f.col + 1}: {f.message}\n" for path, f in rows)


def format_json(rows) -> str:
    items = [
        {
            "path": path,
            "line": f.line,
            "column": f.col + 1,
            "end_line": f.end_line or f.line,
            "code": f.code,
            "message": f.message,
            "fixable": f.fix is not None,
        }
        for path, f in rows
    ]
    return json.dumps(items, indent=2) + "\n"


def format_github(rows) -> str:
    return "".join(
        f"::warning file={_github_escape(path, True)},line={f.line},col={f.col + 1},"
        f"title={_github_escape(f.code, True)}::{_github_escape(f.message)}\n"
        for path, f in rows
    )


def _sarif_artifact(path: str) -> dict:
    """A percent-encoded URI reference: relative to the checkout root, or a file: URI when absolute."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    return {"uri": urllib.parse.quote(path.replace(os.sep, "/")), "uriBaseId": "%SRCROOT%"}


def sarif_log(rows) -> dict:
    rule_index = {rule.code: i for i, rule in enumerate(RULES)}
    rules = [
        {
            "id": rule.code,
            "name": rule.name,
            "shortDescription": {"text": rule.message.split(";")[0].format_map(_Blank())},
            "fullDescription": {"text": rule.what},
            "help": {"text": rule.why + (f" Fix: {rule.fix}" if rule.fix else "")},
            "defaultConfiguration": {"level": "warning", "enabled": rule.default_on},
            "properties": {"fixable": bool(rule.fix)},
        }
        for rule in RULES
    ]
    results = []
    for path, f in rows:
        result = {
            "ruleId": f.code,
            "level": "warning",
            "message": {"text": f.message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": _sarif_artifact(path),
                        "region": {"startLine": f.line, "startColumn": f.col + 1, "endLine": f.end_line or f.line},
                    }
                }
            ],
        }
        if f.code in rule_index:
            result["ruleIndex"] = rule_index[f.code]
        results.append(result)
    return {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "flake8-nnparam",
                        "version": __version__,
                        "informationUri": "https://pypi.org/project/flake8-nnparam/",
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return "<attr>" if key == "attr" else ""


def format_sarif(rows) -> str:
    return json.dumps(sarif_log(rows), indent=2) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github, "sarif": format_sarif}


# --- configuration -------------------------------------------------------------------


def find_config(start: str) -> str | None:
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str) -> dict:
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10
        try:
            import tomli as tomllib  # type: ignore[no-redef]
        except ModuleNotFoundError:
            raise UsageError(f"{path}: reading pyproject.toml needs Python 3.11+ or the tomli package") from None
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read configuration: {exc}") from None
    section = data.get("tool", {}).get(CONFIG_SECTION, {})
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [tool.{CONFIG_SECTION}] must be a table")
    unknown = sorted(set(section) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(f"{path}: unknown keys in [tool.{CONFIG_SECTION}]: {', '.join(unknown)}")
    return section


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flake8-nnparam",
        description="Find tensors, sub-modules and Parameters that a torch.nn.Module never registers; "
        "show or apply the fixes.",
    )
    parser.add_argument("paths", nargs="*", help="files or directories to lint ('-' reads stdin)")
    parser.add_argument("--select", help="comma-separated codes or prefixes to report (default: MPR; "
                        "MPR9xx codes only when named by MPR9 or longer)")
    parser.add_argument("--ignore", help="comma-separated codes or prefixes to skip")
    parser.add_argument("--exclude", help="comma-separated glob patterns of files or directories to skip")
    parser.add_argument("--module-bases", help="comma-separated extra base classes to treat as nn.Module")
    parser.add_argument("--buffer-style", choices=BUFFER_STYLES, help="how buffer fixes are written "
                        "(default register_buffer; nn.Buffer needs PyTorch 2.5+)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff of the fixes; write nothing")
    mode.add_argument("--fix", action="store_true", help="apply the fixes in place")
    parser.add_argument("--stdin-filename", help="the name to report for '-' (stdin)")
    parser.add_argument("-j", "--jobs", default="auto", help="parallel processes, or 'auto' (default)")
    parser.add_argument("--disable-noqa", action="store_true", help="report findings on '# noqa' lines too")
    parser.add_argument("--config", help="pyproject.toml to read instead of searching upwards")
    parser.add_argument("--no-config", action="store_true", help="ignore pyproject.toml")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def _jobs(value: str, n_files: int) -> int:
    if value == "auto":
        return min(os.cpu_count() or 1, 8) if n_files >= 50 else 1
    try:
        jobs = int(value)
    except ValueError:
        raise UsageError(f"-j: {value!r} is not a number or 'auto'") from None
    if jobs < 1:
        raise UsageError("-j: must be at least 1")
    return jobs


def _settings(args, config: dict, config_dir: str) -> tuple[Settings, Excludes]:
    def pick(flag, key):
        return flag if flag is not None else config.get(key)

    select = _code_list(pick(args.select, "select"), "select") or (PREFIX,)
    ignore = _code_list(pick(args.ignore, "ignore"), "ignore")
    bases = frozenset(_name_list(pick(args.module_bases, "module-bases")))
    style = pick(args.buffer_style, "buffer-style") or "register_buffer"
    if style not in BUFFER_STYLES:
        raise UsageError(f"buffer-style: must be one of {', '.join(BUFFER_STYLES)}, not {style!r}")
    if args.exclude is not None:
        excludes = Excludes.build(_name_list(args.exclude), os.getcwd())
    else:
        excludes = Excludes.build(_name_list(config.get("exclude")), config_dir)
    mode = "diff" if args.diff else "fix" if args.fix else "lint"
    return Settings(Selection(select, ignore), bases, style, mode, args.disable_noqa), excludes


class _Progress:
    def __init__(self, total: int, label: str) -> None:
        self.total, self.label, self.done = total, label, 0
        self.active = total >= _PROGRESS_MIN_FILES and sys.stderr.isatty()

    def step(self) -> None:
        self.done += 1
        if self.active:
            sys.stderr.write(f"\rflake8-nnparam: {self.label} {self.done}/{self.total} files")
            sys.stderr.flush()

    def close(self) -> None:
        if self.active:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()


def _map(func, items: list, jobs: int, progress: _Progress) -> list:
    if jobs <= 1 or len(items) <= 1:
        results = []
        for item in items:
            results.append(func(item))
            progress.step()
        return results
    import multiprocessing

    pool = multiprocessing.Pool(min(jobs, len(items)), initializer=_ignore_sigint)
    try:
        results = []
        for result in pool.imap(func, items, chunksize=max(1, len(items) // (jobs * 8))):
            results.append(result)
            progress.step()
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
    return results


def run(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not args.paths:
        parser.print_usage(sys.stderr)
        print("flake8-nnparam: error: give at least one path, or '-' for stdin", file=sys.stderr)
        return EXIT_ERROR
    if "-" in args.paths and len(args.paths) > 1:
        raise UsageError("'-' (stdin) cannot be combined with other paths")
    if args.stdin_filename and "-" not in args.paths:
        raise UsageError("--stdin-filename needs '-' among the paths")

    config: dict = {}
    config_dir = os.getcwd()
    if not args.no_config:
        if args.config:
            config_path = args.config
        else:
            first = args.stdin_filename if args.paths == ["-"] and args.stdin_filename else args.paths[0]
            config_path = find_config(first if first != "-" and os.path.exists(first) else os.getcwd())
            config_path = config_path or find_config(os.getcwd())
        if config_path:
            config = load_config(config_path)
            config_dir = os.path.dirname(os.path.abspath(config_path))
    settings, excludes = _settings(args, config, config_dir)

    errors: list[str] = []
    if args.paths == ["-"]:
        display = args.stdin_filename or "stdin"
        data = sys.stdin.buffer.read()
        source = None
        try:
            text, encoding = decode_source(data)
            source = SourceFile(display, None, data, text, encoding)
            extra: frozenset[str] = frozenset()
            reports = [check_source(source, extra, settings)]
        except AnalysisError as exc:
            reports = [FileReport(display, errors=[f"{display}: {exc}"])]
        files: list[str] = []
    else:
        files, errors = discover(args.paths, excludes)
        jobs = _jobs(args.jobs, len(files))
        progress = _Progress(len(files) * 2, "checking")
        # Index every file from its text (cheap), then parse and lint each once, knowing which of its
        # bases are Module classes defined in other linted files.
        indexed = _map(_index_worker, [(f, settings.module_bases) for f in files], jobs, progress)
        failed = {path: reason for path, _, reason in indexed if reason}
        errors.extend(f"{path}: {reason}" for path, reason in failed.items())
        project = ProjectIndex(index for _, index, _ in indexed if index is not None)
        tasks = [(f, f, project.extra_bases_for(f), settings) for f in files if f not in failed]
        reports = _map(_check_worker, tasks, jobs, progress)
        progress.close()

    for report in reports:
        errors.extend(report.errors)
    rows = _rows(reports)
    out = sys.stdout
    if settings.mode != "lint":
        from .fix import STATE_DICT_NOTE
    if settings.mode == "diff":
        diffs = [r.diff for r in sorted(reports, key=lambda r: r.display) if r.diff]
        if diffs:
            out.write("".join(f"# {line}\n" for line in _wrap(STATE_DICT_NOTE)))
            out.write("".join(diffs))
    elif settings.mode == "fix" and args.paths == ["-"]:
        report = reports[0]
        if report.new_text is not None:
            out.write(report.new_text)
        elif source is not None:
            out.write(source.text)  # unfixable or unanalysable: the input passes through unchanged
        else:
            out.flush()
            sys.stdout.buffer.write(data)  # undecodable: pass the bytes through
        if rows:
            sys.stderr.write(FORMATTERS["text"](rows))
    else:
        out.write(FORMATTERS[args.format](rows) if rows or args.format in ("json", "sarif") else "")
    if settings.mode == "fix":
        fixed = sum(r.fixed for r in reports)
        if fixed:
            changed = sum(1 for r in reports if r.fixed)
            print(f"flake8-nnparam: fixed {fixed} finding(s) in {changed} file(s). {STATE_DICT_NOTE}", file=sys.stderr)
    for error in errors:
        print(error, file=sys.stderr)
    out.flush()
    if errors:
        return EXIT_ERROR
    if settings.mode == "diff":
        return EXIT_FINDINGS if rows else EXIT_CLEAN
    return EXIT_FINDINGS if rows else EXIT_CLEAN


def _wrap(text: str, width: int = 96) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def main(argv: Sequence[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, _on_sigint)
    try:
        return run(argv)
    except UsageError as exc:
        print(f"flake8-nnparam: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("flake8-nnparam: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
