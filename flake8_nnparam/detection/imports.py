"""Resolve local spellings (``nn.Linear``, ``T.zeros``, ``Base``) to qualified names.

An import-alias table built from the file's own imports answers every question the
rules ask about ``torch`` names, at a fraction of the cost of whole-file name
resolution.
"""

from __future__ import annotations

import ast


class ImportTable:
    """Maps names bound by imports (and simple aliases such as ``Base = nn.Module``)."""

    # Conventional spellings assumed for names a snippet uses without importing them.
    CONVENTIONAL = {"torch": "torch", "nn": "torch.nn", "F": "torch.nn.functional"}

    def __init__(self, tree: ast.AST) -> None:
        self.names: dict[str, str] = {}
        bound: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                if not isinstance(node.ctx, ast.Load):
                    bound.add(node.id)
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                bound.add(node.name)
            elif isinstance(node, ast.arg):
                bound.add(node.arg)
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.names[alias.asname] = alias.name
                    else:
                        head = alias.name.split(".", 1)[0]
                        self.names.setdefault(head, head)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                for alias in node.names:
                    if alias.name != "*":
                        self.names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        for name, qualified in self.CONVENTIONAL.items():
            if name not in self.names and name not in bound:
                self.names[name] = qualified
        # Module-level aliases: ``Base = nn.Module``, ``Linear = torch.nn.Linear``.
        body = getattr(tree, "body", [])
        for stmt in body:
            if (
                isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], ast.Name)
                and isinstance(stmt.value, (ast.Attribute, ast.Name))
            ):
                target = stmt.value
                qualified = self.qualify(target)
                if qualified and qualified.split(".", 1)[0] in ("torch", "lightning", "pytorch_lightning"):
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
        return any(
            v.split(".", 1)[0] in ("torch", "lightning", "pytorch_lightning")
            for v in self.names.values()
        )
