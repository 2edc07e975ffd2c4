"""Score flake8-nnparam's default-on codes against the labelled cases.

Each case is a small ``.py`` file.  A line that should be reported carries a
trailing ``# expect: MPR00X`` comment; alternatives are written
``# expect: MPR001|MPR002``.  ``# allow: MPR00X`` marks a line where a finding
is acceptable but not required (it counts neither way).  Files without
``expect`` comments are clean cases.

The scorer runs the real flake8 (``python -m flake8 --select MPR``) on the
cases directory and matches findings per (file, line):

* TP        -- an expected line with a finding whose code is one of the
               expected alternatives;
* mismatch  -- an expected line whose findings all carry another default-on code;
* FN        -- an expected line with no default-on finding;
* FP        -- a line with a default-on finding and no expectation.

Strict recall = TP / expected lines; strict precision = TP / (TP + FP + mismatch).
Line-level scores ignore the code (mismatches count as hits).  Default-off codes
(MPR9xx) are never scored; they are listed for information only.

It always exits 0: it is a measurement, not a gate.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CASES = HERE / "cases"
EXPECT_RE = re.compile(r"#\s*expect:\s*(MPR\d{3}(?:\s*\|\s*MPR\d{3})*)")
ALLOW_RE = re.compile(r"#\s*allow:\s*(MPR\d{3}(?:\s*\|\s*MPR\d{3})*)")
FINDING_RE = re.compile(r"^(?P<path>.*?):(?P<row>\d+):(?P<col>\d+):(?P<code>MPR\d{3}):(?P<text>.*)$")


def is_default_on(code: str) -> bool:
    return not code.startswith("MPR9")


def _codes(group: str) -> frozenset[str]:
    return frozenset(c.strip() for c in group.split("|"))


def load_expectations(path: Path) -> tuple[dict[int, frozenset[str]], dict[int, frozenset[str]]]:
    expected: dict[int, frozenset[str]] = {}
    allowed: dict[int, frozenset[str]] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        m = EXPECT_RE.search(line)
        if m:
            expected[lineno] = _codes(m.group(1))
        m = ALLOW_RE.search(line)
        if m:
            allowed[lineno] = _codes(m.group(1))
    return expected, allowed


def run_flake8(cases_dir: Path) -> tuple[dict[str, dict[int, list[tuple[str, str]]]], str]:
    """Return {file name: {line: [(code, message)]}} and flake8's stderr."""
    cmd = [
        sys.executable, "-m", "flake8", "--isolated", "--select", "MPR",
        "--format", "%(path)s:%(row)d:%(col)d:%(code)s:%(text)s",
        str(cases_dir),
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    findings: dict[str, dict[int, list[tuple[str, str]]]] = defaultdict(lambda: defaultdict(list))
    for line in proc.stdout.splitlines():
        m = FINDING_RE.match(line.strip())
        if not m:
            continue
        name = Path(m.group("path")).name
        findings[name][int(m.group("row"))].append((m.group("code"), m.group("text").strip()))
    return findings, proc.stderr


def score(cases_dir: Path = DEFAULT_CASES) -> dict:
    files = sorted(cases_dir.glob("*.py"))
    findings, stderr = run_flake8(cases_dir)
    cases = []
    totals = dict(tp=0, fn=0, fp=0, mismatch=0, expected=0)
    for path in files:
        expected, allowed = load_expectations(path)
        got = findings.get(path.name, {})
        on = {ln: [(c, t) for c, t in items if is_default_on(c)] for ln, items in got.items()}
        on = {ln: items for ln, items in on.items() if items}
        off = [(ln, c, t) for ln, items in sorted(got.items()) for c, t in items if not is_default_on(c)]
        case = dict(file=path.name, kind="buggy" if expected else "clean",
                    tp=[], fn=[], fp=[], mismatch=[], default_off=[dict(line=ln, code=c, text=t) for ln, c, t in off])
        for ln, codes in sorted(expected.items()):
            reported = on.get(ln, [])
            if any(c in codes for c, _ in reported):
                case["tp"].append(dict(line=ln, expected=sorted(codes), got=[c for c, _ in reported]))
            elif reported:
                case["mismatch"].append(dict(line=ln, expected=sorted(codes), got=[c for c, _ in reported],
                                             text=reported[0][1]))
            else:
                case["fn"].append(dict(line=ln, expected=sorted(codes)))
        for ln, reported in sorted(on.items()):
            if ln in expected or ln in allowed:
                continue
            case["fp"].append(dict(line=ln, got=[c for c, _ in reported], text=reported[0][1]))
        case["ok"] = not (case["fn"] or case["fp"] or case["mismatch"])
        for key in ("tp", "fn", "fp", "mismatch"):
            totals[key] += len(case[key])
        totals["expected"] += len(expected)
        cases.append(case)

    tp, fn, fp, mm = totals["tp"], totals["fn"], totals["fp"], totals["mismatch"]

    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    summary = dict(
        cases=len(cases),
        buggy_cases=sum(c["kind"] == "buggy" for c in cases),
        clean_cases=sum(c["kind"] == "clean" for c in cases),
        cases_ok=sum(c["ok"] for c in cases),
        **totals,
        recall=ratio(tp, tp + fn + mm),
        precision=ratio(tp, tp + fp + mm),
        line_recall=ratio(tp + mm, tp + fn + mm),
        line_precision=ratio(tp + mm, tp + mm + fp),
        flake8_stderr=stderr.strip(),
    )
    return dict(summary=summary, cases=cases)


def print_report(result: dict) -> None:
    for case in result["cases"]:
        status = "ok  " if case["ok"] else "FAIL"
        detail = []
        for item in case["fn"]:
            detail.append(f"FN L{item['line']} want {'|'.join(item['expected'])}")
        for item in case["mismatch"]:
            detail.append(f"MISMATCH L{item['line']} want {'|'.join(item['expected'])} got {','.join(item['got'])}")
        for item in case["fp"]:
            detail.append(f"FP L{item['line']} got {','.join(item['got'])}: {item['text']}")
        hits = f"{len(case['tp'])} TP" if case["kind"] == "buggy" else "clean"
        print(f"{status} {case['file']:<50} {hits}" + ("" if not detail else "  " + "; ".join(detail)))
    s = result["summary"]
    print()
    print(f"cases={s['cases']} (buggy={s['buggy_cases']} clean={s['clean_cases']}) cases_ok={s['cases_ok']}")
    print(f"expected_lines={s['expected']} TP={s['tp']} FN={s['fn']} FP={s['fp']} code_mismatch={s['mismatch']}")
    print(f"line-level (code ignored): recall={s['line_recall']:.3f} precision={s['line_precision']:.3f}")
    if s["flake8_stderr"]:
        print("flake8 stderr:\n" + s["flake8_stderr"])
    print(f"recall={s['recall']:.3f} precision={s['precision']:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases_dir", nargs="?", type=Path, default=DEFAULT_CASES)
    parser.add_argument("--json", action="store_true", help="print the full result as JSON")
    args = parser.parse_args(argv)
    result = score(args.cases_dir)
    if args.json:
        json.dump(result, sys.stdout, indent=2)
        print()
    else:
        print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
