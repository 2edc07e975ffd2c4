"""The per-file work (lint, diff, fix), the worker pool behind ``-j``, Ctrl-C and progress."""

from __future__ import annotations

import difflib
import os
import signal
import sys
from dataclasses import dataclass, field

from ..detection import Finding, analyze
from ..detection.cache import Cache
from ..detection.parsing import collector_paused, parse_module
from ..detection.prefilter import could_hold_findings
from .args import Settings, UsageError
from .files import AnalysisError, SourceFile, parse_source, read_source
from .noqa import file_is_noqa, is_noqa, noqa_line_mapping
from ..detection.project import ProjectIndex
from .notebooks import is_notebook

_PROGRESS_MIN_FILES = 10


@dataclass
class FileReport:
    display: str
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    diff: str = ""
    fixed: int = 0
    new_text: str | None = None  # fixed source, for stdin
    notes: list[str] = field(default_factory=list)  # fixable findings left unfixed, with the reason
    held_back: list[Finding] = field(default_factory=list)  # unsafe fixes not applied (no --unsafe-fixes)
    checkpoint_notes: list[str] = field(default_factory=list)  # what each applied unsafe fix means
    safe_fixed: int = 0
    candidates: list = field(default_factory=list)  # --explain: every candidate with its decision
    cache_entries: dict = field(default_factory=dict)  # cache directory -> entries this file's run wrote


_INTERRUPTED = False


def on_sigint(signum, frame):
    global _INTERRUPTED
    _INTERRUPTED = True
    raise KeyboardInterrupt


def _raise_if_interrupted() -> None:
    if _INTERRUPTED:
        raise KeyboardInterrupt


def _internal_error(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return "internal error " + (text if len(text) <= 200 else text[:197] + "...")


_PARENT: int | None = None  # in a pool worker: the pid of the command that started it


def _ignore_sigint(parent: int | None = None) -> None:
    """Set up a pool worker: Ctrl-C is the parent's to handle (no traceback from every worker), and
    the worker dies with the parent (``kill -9`` of the command must not leave workers rewriting files):
    a parent-death signal on Linux, and a check of the parent before each write everywhere."""
    global _PARENT
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _PARENT = parent
    if parent is not None and sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass
        if os.getppid() != parent:  # the parent died before the signal was armed
            os._exit(1)


def write_fixed(path: str, display: str, old: bytes, new: bytes) -> str | None:
    """Write a fixed file atomically (``.py`` or notebook); the error line to report, or None."""
    from ..fix import FileChangedError, ReadOnlyError, write_atomically

    if _parent_gone():
        return f"{display}: not fixed: the command that started this worker has exited"
    try:
        write_atomically(path, old, new)
    except (FileChangedError, ReadOnlyError) as exc:
        return f"{display}: not fixed: {exc}"
    except OSError as exc:
        return f"{display}: not fixed: cannot write: {exc.strerror or exc}"
    return None


def _parent_gone() -> bool:
    return _PARENT is not None and os.getppid() != _PARENT


def _result_key(settings: Settings) -> str:
    """What a cached result depends on besides the file and the cross-file answers it recorded."""
    return "bases=" + ",".join(sorted(settings.module_bases)) + ";buffer-style=" + settings.buffer_style


def _noqa_texts(source: SourceFile, findings: list[Finding]) -> dict:
    """What the noqa test reads for each finding's line, so a cached result is filtered like a fresh one."""
    if not findings:  # nothing to filter (most files): the text is not split or searched
        return {"file_noqa": False, "lines": {}}
    lines = source.text.splitlines(keepends=True)
    mapping = noqa_line_mapping(source.text)
    return {
        "file_noqa": "flake8" in source.text and file_is_noqa(lines),
        "lines": {
            str(f.line): mapping.get(f.line) or (lines[f.line - 1] if 0 < f.line <= len(lines) else "") for f in findings
        },
    }


def _filter(findings: list[Finding], noqa: dict, settings: Settings) -> list[Finding]:
    if not settings.disable_noqa and noqa["file_noqa"]:
        return []
    findings = [f for f in findings if settings.selection.enabled(f.code)]
    if not settings.disable_noqa:
        findings = [f for f in findings if not is_noqa(f.code, noqa["lines"].get(str(f.line), ""))]
    return findings


_MAX_FIX_PASSES = 4


def check_source(
    source: SourceFile, extra_bases: frozenset[str], settings: Settings, project: ProjectIndex | None = None
) -> FileReport:
    """Lint one file and, in diff/fix mode, fix it. Every file that could hold a finding is parsed, so its
    syntax error is reported; one that could not (``prefilter.could_hold_findings``) is not even parsed.

    ``project`` resolves names defined in other files (the file is located by its path, or for stdin
    by its display name); a file read from disk has its result cached for the next run."""
    report = FileReport(source.display)
    if not could_hold_findings(source.text, extra_bases | settings.module_bases, project is not None):
        return report  # no `self`, or no torch marker nor class that could derive from a project Module
    try:
        spare = project.take_tree(source.path, source.text) if project is not None and source.path else None
        tree = spare if spare is not None else parse_source(source)  # the index may have parsed it already
        where = source.path or source.display
        view = project.view(where, tree) if project is not None else None
        if settings.mode == "explain":
            from ..detection.analyzer import analyze_candidates

            report.candidates = analyze_candidates(tree, extra_bases | settings.module_bases, view, filename=where)
            return report
        findings = analyze(tree, source.text, extra_bases | settings.module_bases, project=view,
                           buffer_style=settings.buffer_style, filename=where)
        noqa = _noqa_texts(source, findings)
        if project is not None and source.path is not None and source.fallback_reason is None:
            project.store_result(source.path, source.data, source.stat, _result_key(settings), view, findings, noqa)
        if not findings:
            return report
        findings = _filter(findings, noqa, settings)
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
    report.findings = findings
    if settings.mode == "lint" or not any(f.fix for f in findings):
        report.held_back = [f for f in findings if f.fix is not None and not f.fix.safe]
        return report
    if source.fallback_reason is not None:
        report.errors.append(
            f"{source.display}: cannot fix: not valid in its declared encoding or UTF-8 ({source.fallback_reason}); "
            "linted as latin-1 like flake8, but a rewrite could corrupt it: fix its encoding or coding cookie first"
        )
        return report
    from ..fix import apply_fixes

    def relint(text: str) -> list[Finding]:
        tree = parse_module(text)
        view = project.view(source.path or source.display, tree) if project is not None else None
        found = analyze(tree, text, extra_bases | settings.module_bases, project=view, buffer_style=settings.buffer_style,
                        filename=source.path or source.display)
        fake = SourceFile(source.display, None, b"", text, source.encoding)
        return _filter(found, _noqa_texts(fake, found), settings) if found else []

    text, applied, remaining = source.text, [], findings
    try:
        for _ in range(_MAX_FIX_PASSES):  # as ruff: fixes that overlapped apply on the next pass
            result = apply_fixes(text, remaining, settings.unsafe_fixes)
            applied += result.applied
            if not result.changed:
                break
            text = result.source
            remaining = relint(text)
            if not any(f.fix and (f.fix.safe or settings.unsafe_fixes) for f in remaining):
                break
        final = apply_fixes(text, remaining, settings.unsafe_fixes) if applied else result
    except Exception as exc:  # noqa: BLE001 - report, never a traceback
        _raise_if_interrupted()
        report.errors.append(f"{source.display}: cannot fix: {_internal_error(exc)}")
        return report
    report.held_back = final.held_back
    for finding, reason in final.skipped:
        report.notes.append(f"{source.display}:{finding.line}:{finding.col + 1}: {finding.code} not fixed: {reason}")
    report.checkpoint_notes = [
        f"{source.display}:{f.line}: {f.fix.checkpoint}" for f in applied if f.fix is not None and f.fix.checkpoint
    ]
    if not applied:
        return report
    if settings.mode == "diff":
        name = os.path.normpath(source.display).replace(os.sep, "/")
        old_name, new_name = (name, name) if os.path.isabs(name) else (f"a/{name}", f"b/{name}")
        report.diff = "".join(
            line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
            for line in difflib.unified_diff(
                source.text.splitlines(keepends=True),
                text.splitlines(keepends=True),
                old_name,
                new_name,
            )
        )
        report.fixed = len(applied)
        return report
    new_data = text.encode(source.encoding)
    if source.path is None:
        report.new_text = text
    else:
        error = write_fixed(source.path, source.display, source.data, new_data)
        if error is not None:
            report.errors.append(error)
            return report
    report.fixed = len(applied)
    report.safe_fixed = sum(1 for f in applied if f.fix is not None and f.fix.safe)
    report.findings = remaining
    return report


def project_for(path: str, settings: Settings) -> ProjectIndex:
    """The process-wide project index ``path`` belongs to (the same one the flake8 plugin builds); the
    command lints the files the index parses for summaries, so it keeps their trees to take back."""
    index = ProjectIndex.for_file(path, extra_bases=settings.module_bases, use_cache=settings.use_cache)
    index.keep_spare_trees = True
    index.batch_cache_writes = True  # written as one pack at the end of the run (write_cache_packs)
    return index


def check_worker(args) -> FileReport:
    with collector_paused(freeze=True):  # see detection/parsing.py: about half the run was the collector
        report = _check_path(*args)
        report.cache_entries = project_for(args[0], args[2]).take_cache_entries()  # the parent writes one pack
        return report


def write_cache_packs(reports: list[FileReport]) -> None:
    """Write the cache entries the run's files produced, one pack per cache directory."""
    by_directory: dict[str, dict] = {}
    for report in reports:
        for directory, entries in report.cache_entries.items():
            by_directory.setdefault(directory, {}).update(entries)
        report.cache_entries = {}
    for directory, entries in by_directory.items():
        Cache(directory).write_pack(entries)


def _check_path(path: str, display: str, settings: Settings) -> FileReport:
    project = project_for(path, settings)
    if is_notebook(path):
        return notebook_report(path, display, settings, project)
    if settings.mode == "lint":
        cached = project.cached_result(path, _result_key(settings))
        if cached is not None:  # unchanged, and so is every cross-file answer it used: nothing is read
            findings, noqa = cached
            return FileReport(display, findings=_filter(findings, noqa, settings))
    try:
        source = read_source(path, display)
    except AnalysisError as exc:
        return FileReport(display, errors=[f"{display}: {exc}"])
    return check_source(source, frozenset(), settings, project)  # parsed here once: syntax errors are reported


def parse_jobs(value: str, n_files: int) -> int:
    if value == "auto":
        return min(os.cpu_count() or 1, 8) if n_files >= 50 else 1
    try:
        jobs = int(value)
    except ValueError:
        raise UsageError(f"-j: {value!r} is not a number or 'auto'") from None
    if jobs < 1:
        raise UsageError("-j: must be at least 1")
    return jobs


class Progress:
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


def map_files(func, items: list, jobs: int, progress: Progress, results: list | None = None) -> list:
    """``func`` over ``items`` in order, in ``jobs`` processes; ``results`` (if given) receives each result as
    it arrives, so a caller still holds what was done when the run is interrupted."""
    results = [] if results is None else results
    if jobs <= 1 or len(items) <= 1:
        for item in items:
            results.append(func(item))
            progress.step()
        return results
    import multiprocessing

    pool = multiprocessing.Pool(min(jobs, len(items)), initializer=_ignore_sigint, initargs=(os.getpid(),))
    try:
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


def notebook_report(path: str, display: str, settings: Settings, project: ProjectIndex | None) -> FileReport:
    """A ``.ipynb`` file: its code cells go through ``check_source`` as one module (see ``notebooks``)."""
    from .files import read_bytes
    from .notebooks import check_notebook

    try:
        data = read_bytes(path)
    except AnalysisError as exc:
        return FileReport(display, errors=[f"{display}: {exc}"])
    return check_notebook(path, display, data, frozenset(), settings, _with_project(project))


def _with_project(project: ProjectIndex | None):
    """``check_source`` with the project index bound, as the notebook checker calls it."""
    return lambda source, extra_bases, settings: check_source(source, extra_bases, settings, project)
