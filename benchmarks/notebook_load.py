"""How long reading a notebook takes: the standard ``json`` module vs ``nbformat`` (issue: notebooks).

``python benchmarks/notebook_load.py`` builds a long research notebook (``make_notebooks.large``:
many cells, image outputs, widget metadata) and the fixture ``model_split.ipynb``, and times, best of
N runs: ``json.loads``; ``nbformat.reads(..., as_version=4)`` (what nbformat-based tools do: parse and
validate against the schema); and this command's whole load (``notebooks.load`` + building the
virtual module). nbformat is not a dependency: install it to see its row.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.make_notebooks import OUT, large  # noqa: E402
from flake8_nnparam.command.notebooks import VirtualModule, load  # noqa: E402


def best(func, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    cases = {"large (generated)": large(), "model_split.ipynb": (OUT / "model_split.ipynb").read_text(encoding="utf-8")}
    try:
        import nbformat
    except ImportError:
        nbformat = None
    for name, text in cases.items():
        data = text.encode("utf-8")
        repeat = 20 if len(text) < 100_000 else 5
        n_cells = len(json.loads(text)["cells"])
        rows = [("json.loads", best(lambda: json.loads(text), repeat))]
        if nbformat is not None:
            rows.append((f"nbformat {nbformat.__version__} reads", best(lambda: nbformat.reads(text, as_version=4), repeat)))
        rows.append(("flake8-nnparam load (json + checks)", best(lambda: load(data), repeat)))
        rows.append(("  + virtual module (magics masked)", best(lambda: VirtualModule.build(load(data)[1]), repeat)))
        print(f"{name}: {len(data) / 1e6:.2f} MB, {n_cells} cells")
        for label, seconds in rows:
            print(f"  {label:40s} {seconds * 1000:9.2f} ms  ({seconds / rows[0][1]:.1f}x json.loads)")


if __name__ == "__main__":
    main()
