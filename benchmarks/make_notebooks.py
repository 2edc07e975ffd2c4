"""Build the fixture notebooks of ``fixtures/notebooks`` (and, with ``--large``, a benchmark notebook).

The fixtures are committed; this script says how they were made and can rebuild them:
``python benchmarks/make_notebooks.py`` rewrites them, ``--check`` fails if they differ.
Each is written the way its kind of producer writes it: nbformat/Jupyter (indent 1, sorted keys,
``ensure_ascii=False``, trailing newline), or VS Code-like (indent 2, string sources, CRLF, no
trailing newline).
"""

from __future__ import annotations

import base64
import json
import struct
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fixtures" / "notebooks"


def png(width: int, height: int, seed: int = 1) -> str:
    """A real PNG (a gradient), base64-encoded as Jupyter stores ``image/png`` outputs."""
    rows = b"".join(
        b"\x00" + bytes(((x * 7 + y * 3 + seed) % 256) for x in range(width) for _ in range(3)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    data = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b"")
    return base64.b64encode(data).decode("ascii")


def lines(text: str) -> list[str]:
    """A source as nbformat stores it: one string per line, each with its newline but the last."""
    return text.splitlines(keepends=True)


def markdown(text: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": lines(text)}


def code(text: str, count: int | None, outputs: list | None = None, metadata: dict | None = None) -> dict:
    return {
        "cell_type": "code",
        "execution_count": count,
        "metadata": metadata or {},
        "outputs": outputs or [],
        "source": lines(text),
    }


WIDGET_ID = "5f8d1c2a9b3e4f7a8c6d2e1f0a9b8c7d"
WIDGET_STATE = {
    "application/vnd.jupyter.widget-state+json": {
        "state": {
            WIDGET_ID: {
                "model_module": "@jupyter-widgets/controls",
                "model_module_version": "2.0.0",
                "model_name": "FloatProgressModel",
                "state": {"bar_style": "success", "max": 100, "value": 100, "layout": "IPY_MODEL_layout"},
            }
        },
        "version_major": 2,
        "version_minor": 0,
    }
}
KERNEL = {
    "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
    "language_info": {"name": "python", "version": "3.11.9", "mimetype": "text/x-python", "file_extension": ".py"},
}


def model_split(image: str) -> dict:
    """A model split across cells, with magics, outputs (an image, a widget) and a noqa."""
    cells = [
        markdown("# Causal attention\n\nA small model, built over several cells (é, ü: non-ASCII kept as is)."),
        code(
            "%matplotlib inline\n!pip install -q einops\nimport torch\nfrom torch import nn\n\ntorch.manual_seed(0)",
            1,
            [{"name": "stdout", "output_type": "stream", "text": ["Requirement already satisfied: einops\n"]},
             {"data": {"text/plain": ["<torch._C.Generator at 0x7f>"]}, "execution_count": 1, "metadata": {}, "output_type": "execute_result"}],
        ),
        code(
            "class Attention(nn.Module):\n"
            "    def __init__(self, n=4):\n"
            "        super().__init__()\n"
            "        self.proj = nn.Linear(n, n)\n"
            "        self.mask = torch.tril(torch.ones(n, n))\n"
            "        self.table = torch.arange(n)  # noqa: MPR002\n"
            "\n"
            "    def forward(self, x):\n"
            "        return self.proj(x) @ self.mask + self.table",
            2,
            metadata={"tags": ["model"]},
        ),
        markdown("The encoder reuses `Attention` from the cell above."),
        code(
            "class Encoder(Attention):\n"
            "    def __init__(self, n=4, depth=2):\n"
            "        super().__init__(n)\n"
            "        self.blocks = [nn.Linear(n, n) for _ in range(depth)]\n"
            "        self.scale = torch.randn(n, requires_grad=True)\n"
            "\n"
            "    def forward(self, x):\n"
            "        for block in self.blocks:\n"
            "            x = block(x)\n"
            "        return super().forward(x) * self.scale",
            3,
        ),
        code(
            "model = Encoder()\nmodel?\n%time y = model(torch.randn(2, 4))\nprint(y.shape)",
            4,
            [{"name": "stdout", "output_type": "stream", "text": ["CPU times: user 1 ms\n", "torch.Size([2, 4])\n"]}],
        ),
        code(
            "from tqdm.auto import tqdm\nfor _ in tqdm(range(100)):\n    pass",
            5,
            [{"data": {"application/vnd.jupyter.widget-view+json": {"model_id": WIDGET_ID, "version_major": 2, "version_minor": 0},
                       "text/plain": ["  0%|          | 0/100"]},
              "metadata": {}, "output_type": "display_data"}],
        ),
        code(
            "import matplotlib.pyplot as plt\nplt.imshow(model.mask)",
            6,
            [{"data": {"image/png": image, "text/plain": ["<Figure size 640x480 with 1 Axes>"]},
              "metadata": {"needs_background": "light"}, "output_type": "display_data"}],
        ),
        code("%%bash\necho self.mask = torch.ones(3)\nls -la", 7,
             [{"name": "stdout", "output_type": "stream", "text": ["self.mask = torch.ones(3)\n"]}]),
        {"cell_type": "raw", "metadata": {}, "source": ["self.w = torch.ones(3)"]},
    ]
    return {"cells": cells, "metadata": {**KERNEL, "widgets": WIDGET_STATE}, "nbformat": 4, "nbformat_minor": 5}


def syntax_error() -> dict:
    """One cell does not parse (an unfinished edit); the others still hold a bug to find."""
    cells = [
        code("import torch\nimport torch.nn as nn", 1),
        code("def broken(:\n    return 1", None,
             [{"ename": "SyntaxError", "evalue": "invalid syntax", "output_type": "error", "traceback": ["SyntaxError"]}]),
        code(
            "class Rope(nn.Module):\n"
            "    def __init__(self, dim=8):\n"
            "        super().__init__()\n"
            "        self.inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim))\n"
            "\n"
            "    def forward(self, t):\n"
            "        return torch.outer(t, self.inv_freq)",
            2,
        ),
    ]
    return {"cells": cells, "metadata": KERNEL, "nbformat": 4, "nbformat_minor": 4}


def crlf() -> dict:
    """Windows line endings inside string sources (a notebook edited on Windows and saved by another tool)."""
    source = (
        "import torch\r\n"
        "from torch import nn\r\n"
        "\r\n"
        "class Gate(nn.Module):\r\n"
        "    def __init__(self, n=3):\r\n"
        "        super().__init__()\r\n"
        "        self.weight = torch.randn(n, n, requires_grad=True)\r\n"
        "        self.bias = torch.zeros(n)\r\n"
        "\r\n"
        "    def forward(self, x):\r\n"
        "        return x @ self.weight + self.bias\r\n"
    )
    cells = [
        {"metadata": {"id": "a1"}, "cell_type": "code", "source": source, "outputs": [], "execution_count": None},
        {"metadata": {"id": "a2"}, "cell_type": "code", "source": "gate = Gate()\r\ngate(torch.ones(2, 3))", "outputs": [], "execution_count": None},
    ]
    return {"nbformat": 4, "nbformat_minor": 5, "metadata": KERNEL, "cells": cells}


def write_nbformat(nb: dict) -> str:
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def write_vscode_like(nb: dict) -> str:
    return json.dumps(nb, indent=2, ensure_ascii=False)


FIXTURES = {
    "model_split.ipynb": lambda: write_nbformat(model_split(png(48, 32))),
    "syntax_error.ipynb": lambda: write_nbformat(syntax_error()),
    "crlf.ipynb": lambda: write_vscode_like(crlf()),
}


def noise_png(size: int, seed: int) -> str:
    """An incompressible image payload of about ``size`` bytes (a plot of real data compresses little)."""
    import random

    payload = random.Random(seed).randbytes(size)
    return base64.b64encode(b"\x89PNG\r\n\x1a\n" + payload).decode("ascii")


def large(n_models: int = 40) -> str:
    """A long research notebook: 370 cells, 40 plots of about 60 kB each (3.3 MB), as a load benchmark."""
    nb = model_split(png(48, 32))
    base = nb["cells"][1:]
    for i in range(n_models):
        for cell in base:
            cell = json.loads(json.dumps(cell))
            if cell["cell_type"] == "code" and cell.get("outputs"):
                for output in cell["outputs"]:
                    if "image/png" in output.get("data", {}):
                        output["data"]["image/png"] = noise_png(60_000, seed=i)
            nb["cells"].append(cell)
    return write_nbformat(nb)


def main(argv: list[str]) -> int:
    if "--large" in argv:
        path = Path(argv[argv.index("--large") + 1])
        path.write_text(large(), encoding="utf-8")
        print(f"{path}: {path.stat().st_size / 1e6:.1f} MB")
        return 0
    stale = []
    for name, build in FIXTURES.items():
        text = build()
        path = OUT / name
        if "--check" in argv:
            if not path.exists() or path.read_bytes() != text.encode("utf-8"):
                stale.append(name)
            continue
        OUT.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
    if stale:
        print("stale:", ", ".join(stale))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
