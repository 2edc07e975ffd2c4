"""Project-wide class resolution: which bases, defined in other linted files, are Modules."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from typing import Iterable

from ..detection.module_classes import is_torch_module_name


@dataclass
class FileIndex:
    """What the project index needs from one file: its classes' bases and its imports."""

    path: str  # absolute
    classes: dict[str, list[str]] = field(default_factory=dict)  # name -> dotted bases
    imports: dict[str, tuple[str, int, str | None]] = field(default_factory=dict)  # local -> (module, level, name)
    torch_modules: set[str] = field(default_factory=set)  # classes with a torch Module base


def _qualify(dotted: str, imports: dict[str, tuple[str, int, str | None]]) -> str | None:
    head, _, rest = dotted.partition(".")
    ref = imports.get(head)
    if ref is None or ref[1]:
        return None
    module, _, name = ref
    qualified = f"{module}.{name}" if name is not None else module
    return f"{qualified}.{rest}" if rest else qualified


# One pass over the line starts finds class headers, imports and module-level aliases.
_INDEX_LINE = re.compile(
    r"^(?:[ \t]*class[ \t]+(?P<cls>\w+)[ \t]*(?:\((?P<bases>[^)]*)\))?[ \t]*:"
    r"|[ \t]*from[ \t]+(?P<dots>\.*)(?P<module>[\w.]*)[ \t]+import[ \t]+(?P<names>\([^)]*\)|[^\n#;]+)"
    r"|[ \t]*import[ \t]+(?P<imported>[^\n#;]+)"
    r"|(?P<alias>\w+)[ \t]*=[ \t]*(?P<target>[A-Za-z_][\w.]*)[ \t]*(?:#.*)?$)",
    re.M,
)
_DOTTED = re.compile(r"[A-Za-z_][\w.]*")


def _import_names(text: str) -> list[tuple[str, str | None]]:
    """``a, b as c`` -> [(a, None), (b, c)]; comments inside parenthesised lists are dropped."""
    text = re.sub(r"#[^\n]*", "", text).replace("\\\n", " ")
    names = []
    for part in text.strip("() \t\n").split(","):
        words = part.split()
        if len(words) == 1:
            names.append((words[0], None))
        elif len(words) == 3 and words[1] == "as":
            names.append((words[0], words[2]))
    return names


def index_text(path: str, text: str, extra_bases: frozenset[str]) -> FileIndex:
    """The project index's view of one file, read from its text without parsing it.

    Parsing every file twice (once to index, once to lint) would double the command's cost; class
    headers and imports are regular enough to read with a few patterns. A stray match (say, inside a
    docstring) only adds a name the resolution never asks about.
    """
    index = FileIndex(os.path.abspath(path))
    extra_last = {b.rsplit(".", 1)[-1] for b in extra_bases}
    classes, alias_targets = [], []
    for match in _INDEX_LINE.finditer(text):
        if match["cls"]:
            classes.append((match["cls"], match["bases"] or ""))
        elif match["imported"]:
            for name, asname in _import_names(match["imported"]):
                if asname:
                    index.imports[asname] = (name, 0, None)
                else:
                    head = name.split(".", 1)[0]
                    index.imports[head] = (head, 0, None)
        elif match["names"]:
            for name, asname in _import_names(match["names"]):
                if name != "*":
                    index.imports[asname or name] = (match["module"], len(match["dots"]), name)
        elif match["alias"]:
            alias_targets.append((match["alias"], match["target"]))
    aliases = {alias for alias, target in alias_targets if is_torch_module_name(_qualify(target, index.imports))}
    for name, bases_text in classes:
        bases = []
        for part in re.sub(r"#[^\n]*", "", bases_text).split(","):
            part = part.strip().split("[", 1)[0].strip()
            if "=" not in part and _DOTTED.fullmatch(part):
                bases.append(part)
        index.classes.setdefault(name, []).extend(bases)
        for base in bases:
            qualified = _qualify(base, index.imports)
            if (
                base in aliases
                or is_torch_module_name(qualified)
                or base.rsplit(".", 1)[-1] in extra_last
                or qualified in extra_bases
            ):
                index.torch_modules.add(name)
    return index


class ProjectIndex:
    """Resolves base classes across the linted files (absolute and relative imports, re-exports)."""

    def __init__(self, files: Iterable[FileIndex]) -> None:
        self.files = {f.path: f for f in files}
        self.by_module: dict[str, list[str]] = {}
        for path in self.files:
            parts = os.path.splitext(path)[0].split(os.sep)[1:]
            if parts and parts[-1] == "__init__":
                parts = parts[:-1]
            for i in range(len(parts)):
                self.by_module.setdefault(".".join(parts[i:]), []).append(path)
        self._module_memo: dict[tuple[str, str], bool] = {}

    def _module_files(self, from_path: str, module: str, level: int) -> list[str]:
        if level == 0:
            return self.by_module.get(module, []) if module else []
        base = os.path.dirname(from_path)
        for _ in range(level - 1):
            base = os.path.dirname(base)
        target = os.path.join(base, *module.split(".")) if module else base
        return [p for p in (target + ".py", os.path.join(target, "__init__.py")) if p in self.files]

    def _lookup(self, paths: Iterable[str], name: str, seen: set) -> list[tuple[str, str]]:
        found = []
        for path in paths:
            if (path, name) in seen:
                continue
            seen.add((path, name))
            info = self.files[path]
            if name in info.classes:
                found.append((path, name))
            elif name in info.imports:
                found.extend(self._follow(path, info.imports[name], [], seen))
        return found

    def _follow(self, path: str, ref, rest: list[str], seen: set) -> list[tuple[str, str]]:
        module, level, name = ref
        if name is not None:
            if not rest:
                found = self._lookup(self._module_files(path, module, level), name, seen)
                if found:
                    return found
                return []
            module = f"{module}.{name}" if module else name
        if not rest:
            return []
        submodule = ".".join([module, *rest[:-1]]) if module else ".".join(rest[:-1])
        return self._lookup(self._module_files(path, submodule, level), rest[-1], seen)

    def resolve(self, path: str, dotted: str) -> list[tuple[str, str]]:
        """The project classes that ``dotted`` (a base as written in ``path``) may refer to."""
        info = self.files[path]
        head, *rest = dotted.split(".")
        if not rest and head in info.classes:
            return [(path, head)]
        ref = info.imports.get(head)
        if ref is None:
            return []
        return self._follow(path, ref, rest, set())

    def is_module(self, path: str, name: str, stack: frozenset = frozenset()) -> bool:
        key = (path, name)
        if key in self._module_memo:
            return self._module_memo[key]
        if key in stack:
            return False
        info = self.files[path]
        result = name in info.torch_modules or any(
            self.is_module(p, n, stack | {key})
            for base in info.classes.get(name, ())
            for p, n in self.resolve(path, base)
        )
        self._module_memo[key] = result
        return result

    def extra_bases_for(self, path: str) -> frozenset[str]:
        """Base names used in ``path`` that resolve to Module classes of the project."""
        info = self.files.get(os.path.abspath(path))
        if info is None:
            return frozenset()
        names = set()
        for bases in info.classes.values():
            for base in bases:
                if base in info.classes:
                    continue  # defined in the same file: the engine resolves it without help
                if any(self.is_module(p, n) for p, n in self.resolve(info.path, base)):
                    names.add(base.rsplit(".", 1)[-1])
        # Imported Module classes of the project: ``[Block(c) for c in cfgs]`` is a list of modules.
        for local, (module, level, name) in info.imports.items():
            if name is not None and local not in names and local[:1].isupper():
                if any(self.is_module(p, n) for p, n in self.resolve(info.path, local)):
                    names.add(local)
        return frozenset(names)
