import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
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
