"""The command's arguments and configuration: the parser, ``[tool.flake8-nnparam]``, the selection."""

from __future__ import annotations

import argparse
import os
import re
import sys
from dataclasses import dataclass

from .. import BUFFER_STYLES, __version__
from ..detection import DEFAULT_OFF_BAND, PREFIX, RULES
from ..detection.rules import matches_no_code
from ..detection.prefilter import default_off_enabled
from .files import Excludes

FORMATS = ("text", "json", "github", "sarif")
VALID_CODE = re.compile(r"^[A-Z]{1,3}[0-9]{0,3}$")
CONFIG_SECTION = "flake8-nnparam"
CONFIG_KEYS = ("select", "ignore", "module-bases", "exclude", "buffer-style", "respect-gitignore", "cache")


class UsageError(Exception):
    pass


@dataclass(frozen=True)
class Selection:
    """flake8's select/ignore decision: the longer matching prefix wins; MPR9xx only when named.

    A default-off code (the MPR9 band) is enabled only by a select entry at least as long as
    ``MPR9``, never by a bare ``MPR``, exactly as the flake8 plugin does.
    """

    select: tuple[str, ...] = (PREFIX,)
    ignore: tuple[str, ...] = ()

    def enabled(self, code: str) -> bool:
        chosen = max((s for s in self.select if code.startswith(s)), key=len, default=None)
        if chosen is None:
            return False
        if code.startswith(DEFAULT_OFF_BAND) and not default_off_enabled(code, frozenset(self.select)):
            return False
        ignored = max((i for i in self.ignore if code.startswith(i)), key=len, default="")
        return len(chosen) > len(ignored) if ignored else True


def _code_list(value, option: str) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else re.split(r"[,\s]+", str(value))
    codes = tuple(str(item).strip() for item in items if str(item).strip())
    for code in codes:
        if not VALID_CODE.match(code):
            raise UsageError(f"{option}: {code!r} is not a code or code prefix (like MPR002 or MPR9)")
    return codes


def _name_list(value) -> tuple[str, ...]:
    if value is None:
        return ()
    items = value if isinstance(value, (list, tuple)) else str(value).split(",")
    return tuple(str(item).strip() for item in items if str(item).strip())


@dataclass(frozen=True)
class Settings:
    selection: Selection
    module_bases: frozenset[str]
    buffer_style: str
    mode: str  # "lint", "diff", "fix", "explain"
    disable_noqa: bool = False
    use_cache: bool = True  # .nnparam_cache/ at the project root
    unsafe_fixes: bool = False  # also apply (or show) fixes that add state_dict() keys or Parameters


def find_config(start: str) -> str | None:
    directory = os.path.abspath(start if os.path.isdir(start) else os.path.dirname(start) or ".")
    while True:
        candidate = os.path.join(directory, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(directory)
        if parent == directory:
            return None
        directory = parent


def load_config(path: str) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # declared as a dependency for Python 3.10
        import tomli as tomllib
    try:
        with open(path, "rb") as handle:
            data = tomllib.load(handle)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UsageError(f"{path}: cannot read configuration: {exc}") from None
    section = data.get("tool", {}).get(CONFIG_SECTION, {})
    if not isinstance(section, dict):
        raise UsageError(f"{path}: [tool.{CONFIG_SECTION}] must be a table")
    unknown = sorted(set(section) - set(CONFIG_KEYS))
    if unknown:
        raise UsageError(f"{path}: unknown keys in [tool.{CONFIG_SECTION}]: {', '.join(unknown)}")
    return section


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="flake8-nnparam",
        description="Find tensors, sub-modules and Parameters that a torch.nn.Module never registers; "
        "show or apply the fixes.",
    )
    parser.add_argument("paths", nargs="*", help="files or directories to lint ('-' reads stdin)")
    parser.add_argument("--select", help="comma-separated codes or prefixes to report (default: MPR; "
                        "MPR9xx codes only when named by MPR9 or longer)")
    parser.add_argument("--ignore", help="comma-separated codes or prefixes to skip")
    parser.add_argument("--exclude", help="comma-separated glob patterns of files or directories to skip")
    parser.add_argument("--respect-gitignore", action=argparse.BooleanOptionalAction, default=None,
                        help="skip files ignored by .gitignore files from the project root down (default: yes; "
                        "files named on the command line are always linted)")
    parser.add_argument("--module-bases", help="comma-separated extra base classes to treat as nn.Module")
    parser.add_argument("--buffer-style", choices=BUFFER_STYLES, help="how buffer fixes are written "
                        "(default register_buffer; nn.Buffer needs PyTorch 2.5+)")
    parser.add_argument("--format", choices=FORMATS, default="text", help="output format (default text)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--diff", action="store_true", help="print a unified diff of the fixes; write nothing")
    mode.add_argument("--fix", action="store_true", help="apply the safe fixes in place (those that change "
                      "neither state_dict() keys nor parameters())")
    parser.add_argument("--unsafe-fixes", action="store_true", help="with --fix or --diff, also the unsafe fixes: "
                        "they add state_dict() keys or Parameters, so checkpoints saved before them load only "
                        "with strict=False")
    mode.add_argument("--explain", action="store_true", help="print every candidate the rules weighed, with its "
                      "decision and evidence (the use that breaks, or why it stays silent)")
    parser.add_argument("--stdin-filename", help="the name to report for '-' (stdin)")
    parser.add_argument("-j", "--jobs", default="auto", help="parallel processes, or 'auto' (default)")
    parser.add_argument("--disable-noqa", action="store_true", help="report findings on '# noqa' lines too")
    parser.add_argument("--no-cache", action="store_true", help="neither read nor write .nnparam_cache/ "
                        "(per-file results and project summaries, at the project root)")
    parser.add_argument("--config", help="pyproject.toml to read instead of searching upwards")
    parser.add_argument("--no-config", action="store_true", help="ignore pyproject.toml")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    return parser


def settings(args, config: dict, config_dir: str) -> tuple[Settings, Excludes]:
    def pick(flag, key):
        return flag if flag is not None else config.get(key)

    select = _code_list(pick(args.select, "select"), "select") or (PREFIX,)
    ignore = _code_list(pick(args.ignore, "ignore"), "ignore")
    for option, entries in (("select", select), ("ignore", ignore)):
        unknown = [entry for entry in entries if matches_no_code(entry)]
        if unknown:  # a typo would otherwise check nothing (select) or hide nothing (ignore), silently
            raise UsageError(
                f"{option}: {', '.join(map(repr, unknown))} {'match' if len(unknown) > 1 else 'matches'} no "
                f"flake8-nnparam code; valid codes are "
                f"{', '.join(rule.code for rule in RULES)}, or a prefix of them such as {PREFIX}, {PREFIX}0, {DEFAULT_OFF_BAND}"
            )
    bases = frozenset(_name_list(pick(args.module_bases, "module-bases")))
    style = pick(args.buffer_style, "buffer-style") or "register_buffer"
    if style not in BUFFER_STYLES:
        raise UsageError(f"buffer-style: must be one of {', '.join(BUFFER_STYLES)}, not {style!r}")
    gitignore = pick(args.respect_gitignore, "respect-gitignore")
    gitignore = True if gitignore is None else gitignore
    if not isinstance(gitignore, bool):
        raise UsageError(f"respect-gitignore: must be true or false, not {gitignore!r}")
    if args.exclude is not None:
        excludes = Excludes.build(_name_list(args.exclude), os.getcwd(), gitignore)
    else:
        excludes = Excludes.build(_name_list(config.get("exclude")), config_dir, gitignore)
    mode = "diff" if args.diff else "fix" if args.fix else "explain" if args.explain else "lint"
    cache = config.get("cache", True)
    if not isinstance(cache, bool):
        raise UsageError(f"cache: must be true or false, not {cache!r}")
    use_cache = cache and not args.no_cache
    return Settings(Selection(select, ignore), bases, style, mode, args.disable_noqa, use_cache, args.unsafe_fixes), excludes
