"""Run the independent evaluation sets (evaluation/cases, evaluation/holdout) through the real flake8.

The thresholds are issue 9's targets: recall >= 0.95 and precision >= 0.99 on both sets.
"""
import json
import subprocess

import pytest
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT / "evaluation" / "score.py"
CASES = ROOT / "evaluation" / "cases"
HOLDOUT = ROOT / "evaluation" / "holdout"


def _score(cases=CASES):
    proc = subprocess.run([sys.executable, str(SCORER), str(cases), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def _failures(result):
    return "\n".join(
        f"{c['file']}: FN={[i['line'] for i in c['fn']]} FP={[i['line'] for i in c['fp']]} "
        f"mismatch={[(i['line'], i['got']) for i in c['mismatch']]}"
        for c in result["cases"] if not c["ok"]
    )


def test_evaluation_set_is_substantial():
    result = _score()
    summary = result["summary"]
    assert summary["cases"] >= 120
    assert summary["clean_cases"] >= 0.3 * summary["cases"]
    assert summary["expected"] > 0


@pytest.mark.parametrize("cases", [CASES, HOLDOUT], ids=["cases", "holdout"])
def test_recall_and_precision_on_evaluation_set(cases):
    result = _score(cases)
    summary = result["summary"]
    failures = _failures(result)
    assert summary["recall"] >= 0.95, f"recall={summary['recall']:.3f}\n{failures}"  # issue 9's targets
    assert summary["precision"] >= 0.99, f"precision={summary['precision']:.3f}\n{failures}"
