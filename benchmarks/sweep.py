"""Sweep: lint every .py file of the standard library, of this interpreter's site-packages and of the
benchmark corpus (benchmarks/.corpus/src, when fetched), in-process, and count what goes wrong.

Per file, each under its own try/except so one failure never hides the next:

- decode as the interpreter does and ``ast.parse`` (files Python itself rejects are counted apart);
- the engine: ``analyze(tree, text)``; an exception escaping it is a bug (the adapters would
  degrade it to "could not analyse", so it is counted here before they can);
- the flake8 plugin (``NNParamChecker(tree, lines).run()`` with MPR999 on) and the command's
  ``check_source`` in lint mode: their "internal error" reports are counted too;
- ``libcst.parse_module``: every file libcst rejects although Python accepts it is listed with the
  reason (for reference: neither the engine nor the fixes need libcst any more);
- for files with fixable findings, ``apply_fixes``: exceptions, output that does not parse, and
  a second fix that is not a no-op.

Run by hand, never as a unit test (about ten minutes on two cores):

    python benchmarks/sweep.py                  # summary table
    python benchmarks/sweep.py --json out.json  # and every rejected / failing file with the reason
"""

from __future__ import annotations

import argparse
import ast
import json
import multiprocessing
import os
import sys
import sysconfig
import time
import traceback
import warnings
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / ".corpus" / "src"


def _py_files(root: str) -> list[str]:
    found = []
    for directory, dirs, names in os.walk(root):
        dirs.sort()
        found.extend(os.path.join(directory, n) for n in sorted(names) if n.endswith(".py"))
    return found


def collect() -> dict[str, list[str]]:
    """Source groups -> files; a file reachable from two groups counts in the first only."""
    paths = sysconfig.get_paths()
    stdlib = {paths["stdlib"], paths["platstdlib"]}
    site = {paths["purelib"], paths["platlib"]}
    groups = {
        "stdlib": [f for root in sorted(stdlib) for f in _py_files(root) if "site-packages" not in f],
        "site-packages": [f for root in sorted(site) for f in _py_files(root)],
        "corpus": _py_files(str(CORPUS)) if CORPUS.is_dir() else [],
    }
    seen: set[str] = set()
    for name, files in groups.items():
        unique = []
        for f in files:
            real = os.path.realpath(f)
            if real not in seen and os.path.isfile(real):
                seen.add(real)
                unique.append(f)
        groups[name] = unique
    return groups


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text[:160]}"


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "flake8_nnparam" in f.filename] or frames
    last = ours[-1] if ours else None
    return f"{os.path.basename(last.filename)}:{last.lineno}" if last else "?"


def check_file(path: str) -> dict:
    """Everything the sweep measures for one file; never raises."""
    import libcst

    from flake8_nnparam.command.args import Selection, Settings
    from flake8_nnparam.command.files import AnalysisError, SourceFile, decode_source
    from flake8_nnparam.command.runner import check_source
    from flake8_nnparam.detection import analyze
    from flake8_nnparam.fix import apply_fixes
    from flake8_nnparam.plugin import NNParamChecker

    class AllCodes(NNParamChecker):
        selected = frozenset({"MPR999"})
        extra_bases = frozenset()

    row: dict = {"path": path, "findings": 0, "fixable": 0, "problems": []}
    start = time.perf_counter()
    try:
        with open(path, "rb") as handle:
            data = handle.read()
        row["lines"] = data.count(b"\n")
        try:
            text, encoding = decode_source(data)
        except AnalysisError as exc:
            row["python_rejects"] = str(exc)
            return row
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                tree = ast.parse(text, filename=path)
        except (SyntaxError, ValueError, RecursionError, MemoryError) as exc:
            row["python_rejects"] = _short(exc)
            return row

        findings = []
        try:
            findings = analyze(tree, text)
        except RecursionError as exc:
            row["engine_recursion"] = _short(exc)  # the adapters report "nesting too deep"
        except Exception as exc:  # noqa: BLE001 - this is what the sweep counts
            row["problems"].append(("engine", f"{_short(exc)} at {_where(exc)}"))
        row["findings"] = len(findings)
        row["codes"] = dict(Counter(f.code for f in findings))
        row["fixable"] = sum(1 for f in findings if f.fix is not None)

        try:
            for _, _, message, _ in AllCodes(tree, text.splitlines(keepends=True)).run():
                if message.startswith("MPR999") and "internal error" in message:
                    row["problems"].append(("plugin", message))
        except Exception as exc:  # noqa: BLE001
            row["problems"].append(("plugin escaped", f"{_short(exc)} at {_where(exc)}"))

        try:
            source = SourceFile(path, None, data, text, encoding)
            settings = Settings(Selection(), frozenset(), "register_buffer", "lint")
            for error in check_source(source, frozenset(), settings).errors:
                if "internal error" in error:
                    row["problems"].append(("command", error))
        except Exception as exc:  # noqa: BLE001
            row["problems"].append(("command escaped", f"{_short(exc)} at {_where(exc)}"))

        try:
            libcst.parse_module(text)
        except Exception as exc:  # noqa: BLE001 - any rejection, whatever libcst raises
            row["libcst_rejects"] = _short(exc)

        if row["fixable"]:
            try:
                result = apply_fixes(text, findings)
                row["fixes_applied"] = len(result.applied)
                row["fixes_skipped"] = len(result.skipped)
                if result.applied:
                    try:
                        fixed_tree = ast.parse(result.source)
                    except SyntaxError as exc:
                        row["problems"].append(("fix output does not parse", _short(exc)))
                    else:
                        again = apply_fixes(result.source, analyze(fixed_tree, result.source))
                        if again.applied:
                            row["problems"].append(("second fix not a no-op", f"{len(again.applied)} more edits"))
            except Exception as exc:  # noqa: BLE001
                where = "fix on a file libcst rejects" if "libcst_rejects" in row else "fix"
                row["problems"].append((where, f"{_short(exc)} at {_where(exc)}"))
    except Exception as exc:  # noqa: BLE001 - the sweep itself must go on
        row["problems"].append(("sweep", _short(exc)))
    finally:
        row["seconds"] = time.perf_counter() - start
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=min(2, os.cpu_count() or 1))
    parser.add_argument("--json", help="write the summary and every listed file here")
    parser.add_argument("--limit", type=int, default=0, help="only the first N files of each group (smoke test)")
    args = parser.parse_args(argv)

    groups = collect()
    if args.limit:
        groups = {k: v[: args.limit] for k, v in groups.items()}
    started = time.time()
    summary: dict = {"python": sys.version.split()[0], "groups": {}}
    listed: dict = {"libcst_rejects": [], "python_rejects": [], "problems": [], "engine_recursion": []}
    slowest: list[tuple[float, str]] = []
    with multiprocessing.Pool(args.jobs) as pool:
        for group, files in groups.items():
            totals = Counter()
            codes = Counter()
            for row in pool.imap_unordered(check_file, files, chunksize=8):
                totals["files"] += 1
                totals["lines"] += row.get("lines", 0)
                totals["findings"] += row["findings"]
                totals["fixable"] += row["fixable"]
                totals["fixes_applied"] += row.get("fixes_applied", 0)
                totals["fixes_skipped"] += row.get("fixes_skipped", 0)
                totals["files_with_findings"] += bool(row["findings"])
                codes.update(row.get("codes", {}))
                for key in ("libcst_rejects", "python_rejects", "engine_recursion"):
                    if key in row:
                        totals[key] += 1
                        listed[key].append({"group": group, "path": row["path"], "reason": row[key]})
                totals["exceptions"] += len(row["problems"])
                for where, what in row["problems"]:
                    listed["problems"].append({"group": group, "path": row["path"], "where": where, "what": what})
                slowest.append((row["seconds"], row["path"]))
            summary["groups"][group] = {**totals, "codes": dict(sorted(codes.items()))}
            print(f"{group}: {dict(totals)}", file=sys.stderr)
    summary["seconds"] = round(time.time() - started, 1)
    summary["slowest"] = [(round(s, 2), p) for s, p in sorted(slowest, reverse=True)[:5]]

    keys = ("files", "lines", "files_with_findings", "findings", "fixable", "fixes_applied", "fixes_skipped",
            "python_rejects", "libcst_rejects", "engine_recursion", "exceptions")
    print("| group | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for group, totals in summary["groups"].items():
        print(f"| {group} | " + " | ".join(f"{totals.get(k, 0):,}" for k in keys) + " |")
    total = Counter()
    for totals in summary["groups"].values():
        total.update({k: totals.get(k, 0) for k in keys})
    print("| **all** | " + " | ".join(f"**{total[k]:,}**" for k in keys) + " |")
    print(f"\n{summary['seconds']} s with {args.jobs} processes; slowest files: {summary['slowest']}")
    print("\nlibcst rejects (Python accepts):")
    for item in listed["libcst_rejects"]:
        if item not in listed["python_rejects"]:
            print(f"  {item['path']}: {item['reason']}")
    print("\nexceptions escaping the engine, the plugin, the command or the fixer:")
    for item in listed["problems"]:
        print(f"  {item['path']}: [{item['where']}] {item['what']}")
    if not listed["problems"]:
        print("  none")
    if listed["engine_recursion"]:
        print("\nnesting too deep for the engine (reported as 'cannot analyse'):")
        for item in listed["engine_recursion"]:
            print(f"  {item['path']}")
    if args.json:
        with open(args.json, "w") as handle:
            json.dump({"summary": summary, **listed}, handle, indent=2)
    return 1 if listed["problems"] else 0


if __name__ == "__main__":
    sys.exit(main())
