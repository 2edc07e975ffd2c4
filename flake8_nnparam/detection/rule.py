"""What a rule is (its code, message and documentation) and what deciding one produces.

The rule entries live beside their decisions, one file per family: ``tensor_rules.py`` (plain tensors)
and ``container_rules.py`` (lists, tuples and dicts); ``rules.py`` gathers them into the code table.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .prefilter import DEFAULT_OFF_BAND


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    message: str  # str.format template; fields: attr, plus rule-specific ones
    what: str
    why: str
    fix: str  # what the autofix writes, or "" when there is none
    invalid: tuple[str, ...] = ()
    valid: tuple[str, ...] = ()
    extra_fields: tuple[str, ...] = field(default=())

    @property
    def default_on(self) -> bool:
        return not self.code.startswith(DEFAULT_OFF_BAND)

    def format(self, attr: str, **fields: str) -> str:
        return f"{self.code} " + self.message.format(attr=attr, **fields)


@dataclass(frozen=True)
class Fix:
    """What the fixer should write for a finding; ``kind`` is one of parameter, buffer, container."""

    kind: str
    persistent: bool = True
    container: str = ""  # ModuleList, ModuleDict, ParameterList, ParameterDict


@dataclass(frozen=True)
class Decision:
    """The outcome for one candidate: the code it gets (``None``: not reported at all) and why.

    ``evidence`` is the consequence and where it shows (a default-on code), or the reason the candidate
    stays out of the default codes; ``use_line`` is the line of the use that breaks, when there is one.
    """

    code: str | None
    evidence: str
    fields: dict = field(default_factory=dict)
    fix: Fix | None = None
    use_line: int = 0

    @property
    def reported_by_default(self) -> bool:
        return self.code is not None and not self.code.startswith(DEFAULT_OFF_BAND)


def silence(reason: str, code: str | None = None, **fields) -> Decision:
    """Not a default-on finding: ``code`` is the default-off code that may still speak, or ``None``."""
    return Decision(code, reason, dict(fields))


HEADER = "import torch\nfrom torch import nn\n\n"
