"""The cheap text test run on every file flake8 sees; importing it must cost next to nothing."""

from .tables import PREFILTER_MARKERS

PREFIX = "MPR"
DEFAULT_OFF_BAND = "MPR9"


def may_contain_findings(source: str, extra_bases: frozenset[str] = frozenset()) -> bool:
    """A file without these markers cannot hold a finding."""
    if "self" not in source:
        return False
    if any(marker in source for marker in PREFILTER_MARKERS):
        return True
    return any(name.rsplit(".", 1)[-1] in source for name in extra_bases)


def may_subclass(source: str) -> bool:
    """Without a torch marker, a finding needs a class whose base is imported from the project (and,
    like every finding, a ``self``)."""
    return "self" in source and "class " in source and "import " in source


def could_hold_findings(source: str, extra_bases: frozenset[str] = frozenset(), cross_file: bool = False) -> bool:
    """The one gate every entry point takes before parsing or analysing: a file that fails it has no
    finding whatever its tree (``cross_file``: classes may derive from a Module of another project file).
    The command does not even parse it, so a syntax error in such a file is left to flake8 or ruff."""
    return may_contain_findings(source, extra_bases) or (cross_file and may_subclass(source))


def default_off_enabled(code: str, selected: frozenset[str]) -> bool:
    """Default-off codes show only when a select names them by a prefix at least as long as the band."""
    return any(len(s) >= len(DEFAULT_OFF_BAND) and code.startswith(s) for s in selected)
