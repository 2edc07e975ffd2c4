"""The flake8 adapter: hands flake8's tree and lines to the detection engine, yields its findings.

It never lets an exception escape (that would abort the user's whole flake8 run), and it imports the
engine only when a file passes the text prefilter, so flake8 runs on projects without PyTorch code pay
next to nothing for having it installed.
"""

from __future__ import annotations

import ast
from typing import Any, Iterator

from . import __version__
from .detection.prefilter import DEFAULT_OFF_BAND, default_off_enabled, may_contain_findings


class NNParamChecker:
    name = "flake8-nnparam"
    version = __version__

    extra_bases: frozenset[str] = frozenset()
    # Default-off codes are reported only when a select names them (MPR9, MPR90, MPR901), never for a
    # bare ``--select MPR``: flake8 would otherwise let that explicit select override the default ignore.
    selected: frozenset[str] = frozenset()

    def __init__(self, tree: ast.AST, lines: list[str]) -> None:
        # flake8 classifies a plugin by its parameters: asking for ``tree`` makes this an AST plugin
        # that flake8 calls once per file with the tree it already parsed.
        self.tree = tree
        self.lines = lines

    @classmethod
    def add_options(cls, option_manager: Any) -> None:
        option_manager.add_option(
            "--nnparam-module-bases",
            default="",
            parse_from_config=True,
            comma_separated_list=True,
            help="Extra base classes to treat as torch.nn.Module subclasses, e.g. my_pkg.layers.BaseBlock "
            "(matched by qualified or plain name).",
        )
        option_manager.extend_default_ignore([DEFAULT_OFF_BAND])

    @classmethod
    def parse_options(cls, options: Any) -> None:
        bases = getattr(options, "nnparam_module_bases", None) or []
        if isinstance(bases, str):
            bases = [b.strip() for b in bases.split(",")]
        cls.extra_bases = frozenset(b for b in bases if b)
        cls.selected = frozenset(
            [*(getattr(options, "select", None) or []), *(getattr(options, "extend_select", None) or [])]
        )

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        if not may_contain_findings("".join(self.lines), self.extra_bases):
            return
        from .detection.analyzer import analyze, not_analysed

        try:
            findings = analyze(self.tree, None, self.extra_bases)
        except RecursionError:
            findings = [not_analysed("nesting too deep")]
        except Exception as exc:  # noqa: BLE001 - an escaping exception would abort flake8 for everyone
            findings = [not_analysed(f"internal error {type(exc).__name__}: {exc}")]
        for finding in findings:
            if finding.code.startswith(DEFAULT_OFF_BAND) and not default_off_enabled(finding.code, self.selected):
                continue
            yield finding.line, finding.col, finding.message, type(self)
