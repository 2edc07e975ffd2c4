"""Do the plugin and the command report the same findings? Run from each library's root.

    python benchmarks/faces.py DIR [DIR ...]            # each DIR is one library (its root)
    python benchmarks/faces.py --each PARENT            # every directory inside PARENT

For each library: ``flake8 --isolated --select MPR -j J .`` (the plugin, cross-file on and, with
``--baseline``, off) and ``python -m flake8_nnparam -j J .`` (the command), from the library's root with
``--no-cache``-equivalents so both start cold. Prints default-on findings per face and every finding
only one face reports; exits 1 when the plugin and the command differ anywhere.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

PY = sys.executable


def rows(output: str) -> set[tuple[str, int, str]]:
    found = set()
    for line in output.splitlines():
        parts = line.split(":", 3)
        if len(parts) == 4 and parts[3].strip().startswith("MPR0"):
            found.add((os.path.normpath(parts[0]), int(parts[1]), parts[3].split()[0]))
    return found


def run(cmd: list[str], cwd: str) -> tuple[set, float, str]:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return rows(proc.stdout), time.perf_counter() - start, proc.stderr


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("dirs", nargs="*")
    parser.add_argument("--each", action="append", default=[])
    parser.add_argument("-j", "--jobs", default="2")
    parser.add_argument("--baseline", action="store_true", help="also the plugin with --nnparam-cross-file false")
    args = parser.parse_args()
    libraries = list(args.dirs)
    for parent in args.each:
        libraries += sorted(os.path.join(parent, d) for d in os.listdir(parent) if os.path.isdir(os.path.join(parent, d)))
    from flake8_nnparam.detection.project import SKIPPED_DIRS

    # The command skips virtualenvs and build directories; give flake8 the same files.
    skipped = ",".join(sorted(SKIPPED_DIRS | {"*.egg-info"}))
    flake8 = [PY, "-m", "flake8", "--isolated", "--select", "MPR", "-j", args.jobs, "--nnparam-no-cache",
              "--extend-exclude", skipped]
    command = [PY, "-m", "flake8_nnparam", "-j", args.jobs, "--no-cache"]
    totals = {"plugin": 0, "command": 0, "baseline": 0}
    differ = 0
    print(f"{'library':40} {'plugin':>7} {'command':>8} {'one-file':>9}  differences")
    for lib in libraries:
        plugin, _, perr = run([*flake8, "."], lib)
        cmd, _, cerr = run([*command, "."], lib)
        if "unrecognized arguments: --no-cache" in cerr:
            command.remove("--no-cache")
            cmd, _, cerr = run([*command, "."], lib)
        base = run([*flake8, "--nnparam-cross-file", "false", "."], lib)[0] if args.baseline else set()
        totals["plugin"] += len(plugin)
        totals["command"] += len(cmd)
        totals["baseline"] += len(base)
        only = sorted((plugin - cmd) | (cmd - plugin))
        differ += bool(only)
        shown = "; ".join(f"{'P' if r in plugin else 'C'} {r[0]}:{r[1]} {r[2]}" for r in only[:4])
        print(f"{os.path.basename(lib)[:40]:40} {len(plugin):7} {len(cmd):8} {len(base) if args.baseline else '-':>9}  {shown}")
        for err in (perr, cerr):
            if "Traceback" in err:
                print(err[-1500:], file=sys.stderr)
    print(f"{'total':40} {totals['plugin']:7} {totals['command']:8} {totals['baseline'] if args.baseline else '-':>9}")
    print(f"libraries where the faces differ: {differ} of {len(libraries)}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
