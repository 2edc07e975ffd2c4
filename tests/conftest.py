import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
HEADER = "import torch\nfrom torch import nn\n\n\n"  # the import block of test snippets
# The smallest real bug: a causal mask kept as a plain tensor (MPR002 on line 8, column 8).
MASK_MODEL = HEADER + (
    "class M(nn.Module):\n"
    "    def __init__(self, n=3):\n"
    "        super().__init__()\n"
    "        self.mask = torch.tril(torch.ones(n, n))\n"
    "\n"
    "    def forward(self, x):\n"
    "        return x @ self.mask\n"
)


def clean_env() -> dict[str, str]:
    """The environment minus PYTHON* variables, so a subprocess sees the installed package as users do."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


def run_command(*args, cwd=None, text=True, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    """The standalone command, for real, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "flake8_nnparam", *args],
        cwd=cwd, capture_output=True, text=text, env=clean_env(), timeout=timeout, **kwargs,
    )


def run_flake8(*args, cwd=None, timeout=120, **kwargs) -> subprocess.CompletedProcess:
    """The real flake8, with the plugin loaded through its entry point, in a subprocess."""
    return subprocess.run(
        [sys.executable, "-m", "flake8", "--no-show-source", *args],
        cwd=cwd, capture_output=True, text=True, env=clean_env(), timeout=timeout, **kwargs,
    )


# Two findings: MPR002 on line 8 and MPR001 on line 9.
MASK_AND_WEIGHT_MODEL = MASK_MODEL.replace(
    "        self.mask = torch.tril(torch.ones(n, n))\n",
    "        self.mask = torch.tril(torch.ones(n, n))\n        self.w = torch.randn(n, n, requires_grad=True)\n",
).replace("return x @ self.mask\n", "return x @ self.mask @ self.w\n")


EXPECT = re.compile(r"#\s*expect:\s*([A-Z]+[0-9]+(?:\s*,\s*[A-Z]+[0-9]+)*)")


def fixture_files(kind: str) -> list[Path]:
    return sorted((FIXTURES / kind).glob("*.py"))


def expectations(path: Path) -> set[tuple[int, str]]:
    """(line, code) pairs written as ``# expect: CODE`` trailing comments."""
    expected = set()
    for lineno, line in enumerate(path.read_text().splitlines(), start=1):
        match = EXPECT.search(line)
        if match:
            for code in match.group(1).split(","):
                expected.add((lineno, code.strip()))
    return expected


def pytest_sessionfinish(session, exitstatus):
    """A run that collected nothing must never pass (pytest's own exit 5 is easy to swallow)."""
    if session.testscollected == 0 and exitstatus == 0:
        session.exitstatus = 1
