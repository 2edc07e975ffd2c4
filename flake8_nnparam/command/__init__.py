"""The standalone command: lint, show the diff of the fixes, or apply them.

Same engine, codes and messages as the flake8 plugin. Exit status: 0 clean, 1 findings,
2 usage errors or files that could not be analysed (reported on stderr; the others go on).

``args`` reads the arguments and configuration, ``files`` finds and reads the files, ``runner`` lints
(and fixes) each file with the engine's project index (names from other files, and the cache),
``notebooks`` does it for the code cells of ``.ipynb`` files, ``formats`` prints.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from typing import Sequence

from .args import UsageError, build_parser, find_config, load_config, settings as build_settings
from .files import discover, source_from_bytes
from .formats import FORMATTERS, explain_rows, format_explain, sorted_rows
from .notebooks import check_notebook, is_notebook
from .runner import (
    Progress,
    _with_project,
    check_source,
    check_worker,
    map_files,
    on_sigint,
    parse_jobs,
    project_for,
    write_cache_packs,
)

__all__ = ["main", "run"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    settings, excludes = build_settings(args, config, config_dir)

    errors: list[str] = []
    if args.paths == ["-"]:
        display = args.stdin_filename or "stdin"
        data = sys.stdin.buffer.read()
        source = source_from_bytes(display, None, data)
        project = project_for(display, settings) if args.stdin_filename else None
        if is_notebook(display):
            source.encoding = "utf-8"  # the notebook's JSON text, BOM included, is what --fix prints
            reports = [check_notebook(None, display, data, frozenset(), settings, _with_project(project))]
        else:
            reports = [check_source(source, frozenset(), settings, project)]
        if project is not None:  # the summaries of the other files it read
            reports[0].cache_entries = project.take_cache_entries()
            write_cache_packs(reports)
        files: list[str] = []
    else:
        files, errors = discover(args.paths, excludes)
        jobs = parse_jobs(args.jobs, len(files))
        progress = Progress(len(files), "checking")
        # Each file is parsed once; a name it imports from another file of the project is resolved by
        # the project index, which reads that file (or its cached summary) on first need.
        reports = []
        try:
            map_files(check_worker, [(f, f, settings) for f in files], jobs, progress, reports)
        finally:  # also when interrupted: what was done is kept for the next run
            write_cache_packs(reports)
        progress.close()

    for report in reports:
        errors.extend(report.errors)
    if settings.mode == "explain":
        if args.format not in ("text", "json"):
            raise UsageError("--explain prints text or json")
        sys.stdout.write(format_explain(explain_rows(reports, settings.selection), args.format == "json"))
        for error in errors:
            print(error, file=sys.stderr)
        return EXIT_ERROR if errors else EXIT_CLEAN
    rows = sorted_rows(reports)
    out = sys.stdout
    held_back = sum(len(r.held_back) for r in reports)
    if settings.mode == "diff":
        diffs = [r for r in sorted(reports, key=lambda r: r.display) if r.diff]
        if diffs:
            notes = [n for r in diffs for n in r.checkpoint_notes]
            if notes:
                out.write("# What these unsafe fixes mean for checkpoints saved before them:\n")
                out.write("".join(f"# {line}\n" for note in notes for line in _wrap(note)))
            out.write("".join(r.diff for r in diffs))
        if held_back:
            out.write("".join(f"# {line}\n" for line in _wrap(_held_back_text(held_back))))
    elif settings.mode == "fix" and args.paths == ["-"]:
        report = reports[0]
        out.flush()
        if report.new_text is not None:
            sys.stdout.buffer.write(report.new_text.encode(source.encoding))
        else:
            sys.stdout.buffer.write(data)  # unfixable or unanalysable: the input passes through byte for byte
        if rows:
            sys.stderr.write(FORMATTERS["text"](rows))
    else:
        out.write(FORMATTERS[args.format](rows) if rows or args.format in ("json", "sarif") else "")
    for report in reports:
        for note in report.notes:
            print(note, file=sys.stderr)
    if settings.mode == "fix":
        fixed = sum(r.fixed for r in reports)
        if fixed:
            changed = sum(1 for r in reports if r.fixed)
            safe = sum(r.safe_fixed for r in reports)
            print(f"flake8-nnparam: fixed {fixed} finding(s) in {changed} file(s): {safe} safe, {fixed - safe} unsafe.",
                  file=sys.stderr)
            for note in (n for r in reports for n in r.checkpoint_notes):
                print(f"  unsafe: {note}", file=sys.stderr)
    if held_back and settings.mode == "fix":
        print(f"flake8-nnparam: {_held_back_text(held_back)}", file=sys.stderr)
    for error in errors:
        print(error, file=sys.stderr)
    out.flush()
    if errors:
        return EXIT_ERROR
    if settings.mode == "diff":
        return EXIT_FINDINGS if rows else EXIT_CLEAN
    return EXIT_FINDINGS if rows else EXIT_CLEAN


def _held_back_text(count: int) -> str:
    return (
        f"{count} unsafe fix(es) held back: they add state_dict() keys or Parameters, so a checkpoint saved before "
        "them no longer loads strictly and the new state starts from a fresh initialisation; "
        "show them with --diff --unsafe-fixes, apply them with --fix --unsafe-fixes."
    )


def _wrap(text: str, width: int = 96) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def main(argv: Sequence[str] | None = None) -> int:
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGINT, on_sigint)
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

