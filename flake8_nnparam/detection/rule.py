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
    shown: tuple[tuple[str, str], ...] = ()  # (field, text) that the rule reference shows for a field

    @property
    def documented_message(self) -> str:
        """The message as the rule reference shows it: fields the decision fills in are described."""
        message = self.message
        for name, text in self.shown:
            message = message.replace("{" + name + "}", text)
        return message

    @property
    def default_on(self) -> bool:
        return not self.code.startswith(DEFAULT_OFF_BAND)

    def format(self, attr: str, **fields: str) -> str:
        """The one-line message; a field's value may itself name ``{attr}`` (a remedy: ``self.{attr} = ...``)."""
        fields = {k: v.replace("{attr}", attr) if isinstance(v, str) else v for k, v in fields.items()}
        return f"{self.code} " + self.message.format(attr=attr, **fields)


@dataclass(frozen=True)
class Edit:
    """Replace the source from (``line``, ``col``) to (``end_line``, ``end_col``) with ``text``.

    Lines are 1-based, columns 0-based and counted in characters (not UTF-8 bytes, as ``ast`` counts
    them); an insertion has an empty span.
    """

    line: int
    col: int
    end_line: int
    end_col: int
    text: str


@dataclass(frozen=True)
class Fix:
    """A finding's fix. A rule's decision names what to write (``kind``: parameter, buffer, container);
    the engine completes it (``detection.fix_edits``) with the edits and their safety, so that the
    fixer only applies edits and never decides again.

    ``safe``, as in ruff: the fix changes neither ``state_dict()`` keys nor ``parameters()`` (a
    ``persistent=False`` buffer). An unsafe fix adds checkpoint keys or Parameters; ``checkpoint``
    says what that means for checkpoints saved before it.
    """

    kind: str
    persistent: bool = True  # a buffer in state_dict(); a container whose modules hold Parameters or buffers
    container: str = ""  # ModuleList, ModuleDict, ParameterList, ParameterDict
    edits: tuple[Edit, ...] = ()
    safe: bool = False
    description: str = ""  # what the fix writes, for messages and SARIF
    checkpoint: str = ""  # what an unsafe fix means for existing checkpoints
    new_keys: tuple[str, ...] = ()  # state_dict() keys the fix adds (``name.*`` for a container)
    unsafe_because: str = ""  # one line: what makes it unsafe

    @property
    def complete(self) -> bool:
        return bool(self.edits)

    @property
    def applicability(self) -> str:
        return "safe" if self.safe else "unsafe"


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
    no_fix: str = ""  # why a default-on finding has no fix (set by the engine when it completes fixes)

    @property
    def reported_by_default(self) -> bool:
        return self.code is not None and not self.code.startswith(DEFAULT_OFF_BAND)


def silence(reason: str, code: str | None = None, **fields) -> Decision:
    """Not a default-on finding: ``code`` is the default-off code that may still speak, or ``None``."""
    return Decision(code, reason, dict(fields))


HEADER = "import torch\nfrom torch import nn\n\n"
# What an optimizer steps must stay the tensor it holds: .to() replaces a buffer with a copy, a Parameter in place
# (MPR002 for a tensor the class trains itself: the remedy in its message, and why no fix is written).
STEPPED_ALTERNATIVE = (
    "; since an optimizer steps it, rather self.{attr} = nn.Parameter(..., requires_grad=False), which .to() "
    "moves in place (no autofix)"
)
