"""Resolve local spellings (``nn.Linear``, ``T.zeros``, ``Base``) to qualified names.

An import-alias table built from the file's own imports answers every question the
rules ask about ``torch`` names, at a fraction of the cost of whole-file name
resolution.
"""

from __future__ import annotations

import ast
from typing import Iterable

from . import tables

_TORCH_ROOTS = ("torch", "lightning", "pytorch_lightning")


class ImportTable:
    """Maps names bound by imports (and simple aliases such as ``Base = nn.Module``).

    ``names`` holds what resolves without the project (absolute imports, torch aliases); ``refs`` holds
    every import as written, relative ones too, as ``local -> (module, level, name)`` (``name`` is None
    for ``import a.b``), and ``star`` the ``from m import *`` modules: the project index follows those.
    """

    # Conventional spellings assumed in snippets that use torch without importing it (forum-post style).
    CONVENTIONAL = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}

    def __init__(
        self, statements: Iterable[ast.stmt], module_body: list[ast.stmt], assume_conventional: bool = True
    ) -> None:
        self.names: dict[str, str] = {}
        self.refs: dict[str, tuple[str, int, str | None]] = {}
        self.star: list[tuple[str, int]] = []
        for node in statements:
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names[alias.asname] = alias.name
                        self.refs[alias.asname] = (alias.name, 0, None)
                    else:
                        head = alias.name.split(".", 1)[0]
                        self.names.setdefault(head, head)
                        self.refs.setdefault(head, (head, 0, None))
            elif isinstance(node, ast.ImportFrom):
                module = node.module or ""
                # ``from mlgb.torch.configs import torch, nn``: a project module re-exporting torch. A name
                # ``torch`` imported from anywhere is the torch package; ``nn`` and ``F`` are torch's when the
                # same statement brings ``torch`` (not ``from dgl import nn`` alone).
                reexports = module.split(".", 1)[0] not in _TORCH_ROOTS and any(a.name == "torch" for a in node.names)
                for alias in node.names:
                    if alias.name == "*":
                        self.star.append((module, node.level))
                        continue
                    self.refs[alias.asname or alias.name] = (module, node.level, alias.name)
                    if reexports and alias.name in self.CONVENTIONAL:
                        self.names[alias.asname or alias.name] = self.CONVENTIONAL[alias.name]
                    elif module and not node.level:
                        self.names[alias.asname or alias.name] = f"{module}.{alias.name}"
        if assume_conventional and not self.mentions_torch():
            for name, qualified in self.CONVENTIONAL.items():
                self.names.setdefault(name, qualified)
        # Module-level aliases: ``Base = nn.Module``, ``Linear = torch.nn.Linear``.
        for stmt in module_body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, (ast.Attribute, ast.Name))
            ):
                qualified = self.qualify(stmt.value)
                if qualified and qualified.split(".", 1)[0] in _TORCH_ROOTS:
                    self.names[stmt.targets[0].id] = qualified

    def qualify(self, node: ast.AST) -> str | None:
        """Qualified dotted name of a Name/Attribute chain, or None if it is not imported."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.names.get(node.id)
        if base is None:
            return None
        parts.append(base)
        return ".".join(reversed(parts))

    def mentions_torch(self) -> bool:
        return any(v.split(".", 1)[0] in _TORCH_ROOTS for v in self.names.values())


# The fields of compound statements that hold blocks of statements (``if``/``for``/``try``/``match``/...).
BLOCK_FIELDS = ("body", "orelse", "finalbody", "handlers", "cases")


_BLOCK_FIELDS_OF: dict[type, tuple[str, ...]] = {}  # node class -> the BLOCK_FIELDS it has (most have none)


def iter_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Every statement, at any depth of compound statements, without descending into expressions.

    A list built in one loop, not a generator: the analysis scans every file's statements and most
    functions' several times, and only compound statements are asked for their blocks."""
    found: list[ast.stmt] = []
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        found.append(stmt)
        fields = _BLOCK_FIELDS_OF.get(type(stmt))
        if fields is None:
            fields = _BLOCK_FIELDS_OF[type(stmt)] = tuple(f for f in BLOCK_FIELDS if f in getattr(type(stmt), "_fields", ()))
        for field in fields:
            children = getattr(stmt, field, None)
            if children:
                stack.extend(reversed(children))
    return found


def function_statements(func) -> list[ast.stmt]:
    """``iter_statements(func.body)``, listed once per function: a construction function's statements are
    scanned by several rules (seeded parameters, registrations, lazy state, the project's summaries)."""
    return cached_on_node(func, "_nnparam_statements", lambda f: iter_statements(f.body))


def first_param(func) -> str | None:
    """The receiver of a method (``self``), or None for a static or class method or no parameters."""
    for deco in func.decorator_list:
        if isinstance(deco, ast.Name) and deco.id in ("staticmethod", "classmethod"):
            return None
    args = func.args.posonlyargs + func.args.args
    return args[0].arg if args else None


def self_attr(node: ast.AST, self_name: str | None) -> str | None:
    """``x`` for ``self.x`` (``self`` spelled ``self_name``), else None."""
    if self_name and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == self_name:
        return node.attr
    return None


def mentions_self_attr(node: ast.AST | None, attr: str, self_name: str | None) -> bool:
    """Does ``node`` read ``self.<attr>`` anywhere (``self.t.to(d)``, ``self.avg * m + x``)?"""
    return node is not None and any(self_attr(n, self_name) == attr for n in ast.walk(node))


def registration(call: ast.AST, self_name: str | None) -> tuple[str, str | None] | None:
    """``(method, name)`` for ``self.register_buffer("name", ...)`` (any registration method; ``name=``
    as a keyword too); ``name`` is None when it is computed. None for any other call."""
    if not (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
        and call.func.attr in tables.REGISTRATION_METHODS
        and isinstance(call.func.value, ast.Name) and call.func.value.id == self_name
    ):
        return None
    name = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "name"), None)
    return call.func.attr, name.value if isinstance(name, ast.Constant) and isinstance(name.value, str) else None


def is_property(func) -> bool:
    """``@property``, ``@cached_property`` (also ``functools.``), ``@x.setter`` / ``@x.getter``: read or
    assigned as an attribute, not called."""
    return any(
        (isinstance(deco, ast.Name) and deco.id in ("property", "cached_property"))
        or (isinstance(deco, ast.Attribute) and deco.attr in ("setter", "getter", "cached_property"))
        for deco in getattr(func, "decorator_list", ())
    )


def dotted_name(node: ast.AST) -> str | None:
    """``a.b.C`` for a Name/Attribute chain (``Base[T]`` reads as ``Base``), else None."""
    if isinstance(node, ast.Subscript):
        node = node.value
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def cached_on_node(node: ast.AST, key: str, compute):
    """``compute(node)``, once per node: kept on the node for as long as the file's tree lives."""
    value = node.__dict__.get(key)
    if value is None:
        value = compute(node)
        node.__dict__[key] = value
    return value


def is_torch_name(qualified: str | None) -> bool:
    """``torch`` or a name inside it (``torch.nn.Linear``); not ``torchvision``, ``torchflows`` or ``torchpme``,
    which are other packages (a project named so is still the project)."""
    return bool(qualified) and (qualified == "torch" or qualified.startswith("torch."))


def all_nodes(node: ast.AST) -> list[ast.AST]:
    """``list(ast.walk(node))`` (``node`` first, breadth first), built in one loop over the list itself:
    about half the cost of ``ast.walk``'s generators, for the scans that visit every node anyway."""
    found = [node]
    append = found.append
    for current in found:  # the list grows while it is read: each node's children are queued behind it
        for name in current._fields:
            value = getattr(current, name, None)
            if isinstance(value, ast.AST):
                append(value)
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, ast.AST):
                        append(item)
    return found


def walk_once(node: ast.AST) -> list[ast.AST]:
    """Every node below ``node`` (``ast.walk`` order, ``node`` itself left out), computed once per node.

    A cache on a node must not hold the node itself: that cycle would keep the file's tree alive until
    the garbage collector finds it, instead of freeing it when the file is done."""
    return cached_on_node(node, "_nnparam_nodes", lambda n: all_nodes(n)[1:])
