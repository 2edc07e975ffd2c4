"""The flake8 adapter: hands flake8's tree and lines to the detection engine, yields its findings.

It never lets an exception escape (that would abort the user's whole flake8 run), and it imports the
engine only when a file passes the text prefilter, so flake8 runs on projects without PyTorch code pay
next to nothing for having it installed.

Names the file imports from its own project (a Module base, a helper) are answered by the engine's
project index, found from flake8's ``filename`` (the ``--stdin-display-name`` for stdin and editors)
and built lazily, once per process, from the files on disk; the linted file itself is always the tree
flake8 hands over, so an unsaved buffer is linted as it is. A file whose text is exactly what is on disk
has its findings kept in the project's cache, and a re-run reads them back while the file and every
cross-file answer they used are unchanged.
"""

from __future__ import annotations

import ast
import sys
from typing import Any, Iterator

from . import __version__
from .detection.prefilter import DEFAULT_OFF_BAND, could_hold_findings, default_off_enabled

_NO_FILE = ("stdin", "-", "")
_FALSE = ("0", "false", "no", "off")

_warned_unknown_codes = False


def _warn_unknown_codes(options: Any) -> None:
    """Say once, on stderr, that an ``MPR`` entry of select/ignore matches no code (``MPR01``).

    flake8 shows a plugin's ``LOG.warning`` only with ``-v``, and a typo there means a CI run that
    checks nothing while passing. Entries of other plugins are theirs to judge; a worker process
    (flake8 -j with spawn) re-parses the options and stays quiet.
    """
    global _warned_unknown_codes
    entries = [
        (name.replace("_", "-"), entry)
        for name in ("select", "extend_select", "ignore", "extend_ignore")
        for entry in getattr(options, name, None) or ()
        if isinstance(entry, str) and entry.startswith("MPR")
    ]
    if not entries or _warned_unknown_codes:
        return
    import multiprocessing

    from .detection.rules import RULES, matches_no_code

    unknown = [(name, entry) for name, entry in entries if matches_no_code(entry)]
    if unknown and multiprocessing.parent_process() is None:
        _warned_unknown_codes = True
        named = ", ".join(f"{entry!r} ({name})" for name, entry in unknown)
        codes = ", ".join(rule.code for rule in RULES)
        verb = "match" if len(unknown) > 1 else "matches"
        sys.stderr.write(f"flake8-nnparam: warning: {named} {verb} no flake8-nnparam code; valid codes are {codes}\n")


class _LazyView:
    """A ``project.FileView`` created on its first question (most files never ask one)."""

    def __init__(self, checker: "NNParamChecker") -> None:
        self._checker = checker
        self._view = None
        self._adopted = None

    def _get(self):
        if self._view is None:
            from .detection.project import ProjectIndex

            checker = self._checker
            index = ProjectIndex.for_file(checker.filename, extra_bases=checker.extra_bases, use_cache=checker.use_cache)
            self._view = index.view(checker.filename, checker.tree)
            if self._adopted is not None:
                self._view.adopt(*self._adopted)
        return self._view

    def adopt(self, statements, imports) -> None:
        self._adopted = (statements, imports)

    def release(self) -> None:
        """flake8's tree goes back to flake8 when the file is done: the index would otherwise keep it alive
        until the next file that asks a question (in an editor, until the next lint) and free it inside
        that file's run, where it counted as the plugin's time."""
        if self._view is not None:
            self._view.index.release(self._view.path)

    @property
    def asked(self):
        """The ``FileView`` if a question was asked (its answers are what a cached result depends on)."""
        return self._view

    def is_module(self, dotted: str) -> bool:
        return self._get().is_module(dotted)

    def module_state(self, dotted: str):
        return self._get().module_state(dotted)

    def return_kind(self, dotted: str):
        return self._get().return_kind(dotted)

    def argument_fate(self, dotted: str, which: int | str) -> str | None:
        return self._get().argument_fate(dotted, which)

    def number_return(self, dotted: str, which: int | str) -> str | None:
        return self._get().number_return(dotted, which)

    def overrides(self, dotted: str):
        return self._get().overrides(dotted)

    def init_calls(self, dotted: str) -> list[str]:
        return self._get().init_calls(dotted)


class NNParamChecker:
    name = "flake8-nnparam"
    version = __version__

    extra_bases: frozenset[str] = frozenset()
    # Default-off codes are reported only when a select names them (MPR9, MPR90, MPR901), never for a
    # bare ``--select MPR``: flake8 would otherwise let that explicit select override the default ignore.
    selected: frozenset[str] = frozenset()
    use_cache: bool = True
    cross_file: bool = True

    def __init__(self, tree: ast.AST, lines: list[str], filename: str = "stdin") -> None:
        # flake8 classifies a plugin by its parameters: asking for ``tree`` makes this an AST plugin
        # that flake8 calls once per file with the tree it already parsed. ``filename`` locates the
        # project; the file is read again only to tell whether flake8's text is the file on disk (then
        # its result may be cached), never linted from disk (stdin, editors' unsaved buffers).
        self.tree = tree
        self.lines = lines
        self.filename = filename

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
        option_manager.add_option(
            "--nnparam-cache",
            default="true",
            parse_from_config=True,
            help="Keep per-file summaries and results of the project in .nnparam_cache/ at the project root, "
            "so a re-run analyses only what changed (default true; 'nnparam-cache = false' in the config, or "
            "--nnparam-no-cache, disables it).",
        )
        option_manager.add_option(
            "--nnparam-no-cache",
            action="store_true",
            default=False,
            parse_from_config=True,
            help="Do not read or write .nnparam_cache/.",
        )
        option_manager.add_option(
            "--nnparam-cross-file",
            default="true",
            parse_from_config=True,
            help="Resolve base classes and helpers imported from other files of the project (default true).",
        )
        option_manager.extend_default_ignore([DEFAULT_OFF_BAND])

    @classmethod
    def parse_options(cls, options: Any) -> None:
        bases = getattr(options, "nnparam_module_bases", None) or []
        if isinstance(bases, str):
            bases = [b.strip() for b in bases.split(",")]
        cls.extra_bases = frozenset(b for b in bases if b)
        cls.use_cache = str(getattr(options, "nnparam_cache", "true")).strip().lower() not in _FALSE and not getattr(
            options, "nnparam_no_cache", False
        )
        cls.cross_file = str(getattr(options, "nnparam_cross_file", "true")).strip().lower() not in _FALSE
        cls.selected = frozenset(
            [*(getattr(options, "select", None) or []), *(getattr(options, "extend_select", None) or [])]
        )
        _warn_unknown_codes(options)

    def _project_view(self):
        """The project as this file sees it, or None (stdin without a display name, option off); found
        and set up on the first question, so a file that asks none costs nothing more."""
        if not self.cross_file or not self.filename or self.filename in _NO_FILE:
            return None
        return _LazyView(self)

    def _same_as_disk(self, source: str):
        """``(bytes, stat)`` of the file when flake8's text is exactly what is on disk (not an editor's
        unsaved buffer, not a CRLF or non-UTF-8 file that flake8 decoded differently): only then may a
        result be cached for it or read back. None when the cache is off or the file is not a regular
        file on disk. The stat is taken before the read, so an edit saved meanwhile is caught next run."""
        if not (self.cross_file and self.use_cache and self.filename and self.filename not in _NO_FILE):
            return None
        from .detection.project import read_regular_file

        try:
            data, st = read_regular_file(self.filename)  # never a FIFO named by --stdin-display-name
        except OSError:
            return None
        return (data, st) if data == source.encode("utf-8", "surrogatepass") else None

    def _result_key(self) -> str:
        """What a cached plugin result depends on besides the file and its cross-file answers (kept under
        its own kind: the command's results never evict the plugin's)."""
        return "plugin;bases=" + ",".join(sorted(self.extra_bases))

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        source = "".join(self.lines)
        if not could_hold_findings(source, self.extra_bases, self.cross_file):
            return
        from .detection.analyzer import analyze, not_analysed
        from .detection.parsing import collector_paused

        try:
            with collector_paused():  # the collector's passes over flake8's objects were most of our cost
                on_disk = self._same_as_disk(source)
                index = findings = None
                if on_disk is not None:  # a re-run on unchanged files reads their findings back, as the command does
                    from .detection.project import PLUGIN_RESULT_KIND, ProjectIndex

                    data, st = on_disk
                    index = ProjectIndex.for_file(self.filename, extra_bases=self.extra_bases, use_cache=True)
                    cached = index.cached_result(self.filename, self._result_key(), PLUGIN_RESULT_KIND, data)
                    findings = cached[0] if cached is not None else None
                if findings is None:
                    view = self._project_view()
                    try:
                        findings = analyze(self.tree, source, self.extra_bases, project=view, filename=self.filename)
                    finally:
                        if view is not None:
                            view.release()
                    if index is not None:
                        index.store_result(self.filename, data, st, self._result_key(), view and view.asked, findings,
                                           kind=PLUGIN_RESULT_KIND)
        except RecursionError:
            findings = [not_analysed("nesting too deep")]
        except Exception as exc:  # noqa: BLE001 - an escaping exception would abort flake8 for everyone
            findings = [not_analysed(f"internal error {type(exc).__name__}: {exc}")]
        for finding in findings:
            if finding.code.startswith(DEFAULT_OFF_BAND) and not default_off_enabled(finding.code, self.selected):
                continue
            yield finding.line, finding.col, finding.message, type(self)
