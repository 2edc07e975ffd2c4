"""Complete a finding's fix: the edits that register what it leaked, or the reason there are none.

The rules decide *what* to write (``Fix.kind``); this module writes it, once, as text edits on the
source the engine read: a span and its replacement, plus an import edit when the file has no
spelling of ``torch.nn``. Every edit copies the source text of the value it wraps, so comments,
formatting and line endings inside and around it survive, and no concrete syntax tree is needed
(lint never pays for one; the fixer only applies edits and never decides again).

Forms: ``self.x = v`` (also annotated and inside one-line suites), chained targets (one registration
per name), tuple targets (locals, then a registration each), ``setattr(self, name, v)`` with the same
name expression, a binding before ``super().__init__()`` (a local there, registered right after
the call), a helper that receives the module, and values with a ``None`` branch.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, replace

from . import tables
from .imports import BLOCK_FIELDS, all_nodes, dotted_name
from .imports import self_attr as _self_attr
from .rule import STEPPED_ALTERNATIVE, Decision, Edit, Fix

_NN_HOMES = {
    "Parameter": ("torch.nn", "torch.nn.parameter"),
    "Buffer": ("torch.nn", "torch.nn.parameter"),
    "ModuleList": ("torch.nn", "torch.nn.modules.container"),
    "ModuleDict": ("torch.nn", "torch.nn.modules.container"),
    "ParameterList": ("torch.nn", "torch.nn.modules.container"),
    "ParameterDict": ("torch.nn", "torch.nn.modules.container"),
}
_NOT_IN_PLACE = frozenset({"requires_grad_", "share_memory_", "retain_grad"})
_NO_GRAD = re.compile(r"\b(no_grad|inference_mode)\b")


class NoFix(Exception):
    """Raised while building a fix: the statement cannot be rewritten, for the reason given."""


# --------------------------------------------------------------------------- source text
class SourceText:
    """The analysed source by lines, with ``ast``'s byte columns turned into character columns."""

    def __init__(self, source: str) -> None:
        self.source = source
        self.lines = source.splitlines(keepends=True) or [""]

    def col(self, line: int, byte_col: int) -> int:
        if not 0 < line <= len(self.lines):
            return byte_col
        text = self.lines[line - 1]
        if text.isascii():
            return byte_col
        return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))

    def start(self, node: ast.AST) -> tuple[int, int]:
        return node.lineno, self.col(node.lineno, node.col_offset)

    def end(self, node: ast.AST) -> tuple[int, int]:
        return node.end_lineno, self.col(node.end_lineno, node.end_col_offset)

    def text(self, start: tuple[int, int], end: tuple[int, int]) -> str:
        (l1, c1), (l2, c2) = start, end
        if l1 == l2:
            return self.lines[l1 - 1][c1:c2]
        return self.lines[l1 - 1][c1:] + "".join(self.lines[l1:l2 - 1]) + self.lines[l2 - 1][:c2]

    def segment(self, node: ast.AST) -> str:
        return self.text(self.start(node), self.end(node))

    def newline(self, line: int) -> str:
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else "\n"
        return "\r\n" if text.endswith("\r\n") else "\r" if text.endswith("\r") else "\n"

    def indent(self, node: ast.stmt) -> str | None:
        """The statement's indentation when it starts its line, else ``None`` (``if c: self.x = v``)."""
        line, col = self.start(node)
        prefix = self.lines[line - 1][:col]
        return prefix if not prefix.strip() else None

    def separator(self, node: ast.stmt) -> str:
        """What joins the statements of a rewrite: a new line at the same indentation, or ``; ``."""
        indent = self.indent(node)
        return "; " if indent is None else self.newline(node.lineno) + indent


def _edit(src: SourceText, start: tuple[int, int], end: tuple[int, int], text: str) -> Edit:
    return Edit(start[0], start[1], end[0], end[1], text)


def _as_argument(text: str) -> str:
    """Source text that can be a call's single argument (a bare tuple ``a, b`` gets parentheses)."""
    try:
        call = ast.parse(f"f(\n{text}\n)", mode="eval").body
    except SyntaxError:
        return f"({text})"
    if len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], ast.Starred):
        return text
    return f"({text})"


# --------------------------------------------------------------------------- torch.nn spelling
class NNSpelling:
    """How this file spells ``torch.nn.<Name>``, from its module-level imports, and the import edit
    it needs when it has none: a directly imported name, then an alias of ``torch.nn``, then
    ``<torch>.nn``; otherwise ``nn`` joins a ``from torch import ...`` or a new import is added."""

    def __init__(self, body: list[ast.stmt], src: SourceText) -> None:
        self.src = src
        self.direct: dict[str, str] = {}
        self.nn_alias: str | None = None
        self.torch_alias: str | None = None
        self.bound: set[str] = set()
        self.last_import: ast.stmt | None = None
        self.after_header: ast.stmt | None = None  # docstring or __future__ import
        self.from_torch: ast.ImportFrom | None = None
        for i, stmt in enumerate(body):
            if isinstance(stmt, ast.Import):
                self.last_import = stmt
                for alias in stmt.names:
                    if alias.asname:
                        self.bound.add(alias.asname)
                        if alias.name == "torch":
                            self.torch_alias = self.torch_alias or alias.asname
                        elif alias.name == "torch.nn":
                            self.nn_alias = self.nn_alias or alias.asname
                    else:
                        head = alias.name.split(".", 1)[0]
                        self.bound.add(head)
                        if head == "torch":
                            self.torch_alias = self.torch_alias or "torch"
            elif isinstance(stmt, ast.ImportFrom):
                self.last_import = stmt
                if stmt.module == "__future__":
                    self.after_header = stmt
                if stmt.level or stmt.module is None or any(a.name == "*" for a in stmt.names):
                    continue
                if stmt.module == "torch" and self.from_torch is None:
                    self.from_torch = stmt
                for alias in stmt.names:
                    local = alias.asname or alias.name
                    self.bound.add(local)
                    if stmt.module == "torch" and alias.name == "nn":
                        self.nn_alias = self.nn_alias or local
                    elif stmt.module in _NN_HOMES.get(alias.name, ()):
                        self.direct.setdefault(alias.name, local)
            elif isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bound.add(stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                self.bound.update(n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name))
            if i == 0 and isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) and isinstance(
                stmt.value.value, str
            ):
                self.after_header = stmt

    def spell(self, name: str) -> tuple[str, tuple[Edit, ...]]:
        """(source text for ``torch.nn.<name>``, the import edits it needs); raises NoFix."""
        if name in self.direct:
            return self.direct[name], ()
        if self.nn_alias:
            return f"{self.nn_alias}.{name}", ()
        if self.torch_alias:
            return f"{self.torch_alias}.nn.{name}", ()
        if "nn" not in self.bound:
            return f"nn.{name}", (self._import_nn(),)
        if "torch" not in self.bound:
            return f"torch.nn.{name}", (self._insert_line("import torch"),)
        raise NoFix("the file has no spelling of torch.nn and both nn and torch are taken: write it by hand")

    def _import_nn(self) -> Edit:
        stmt = self.from_torch
        if stmt is not None and all(a.asname is None for a in stmt.names) and stmt.names[0].lineno == stmt.names[-1].lineno:
            # ``from torch import ones, zeros`` -> ``from torch import nn, ones, zeros`` (names kept in order)
            later = [a for a in stmt.names if a.name > "nn"]
            if later:
                return _edit(self.src, self.src.start(later[0]), self.src.start(later[0]), "nn, ")
            return _edit(self.src, self.src.end(stmt.names[-1]), self.src.end(stmt.names[-1]), ", nn")
        return self._insert_line("from torch import nn")

    def _insert_line(self, text: str) -> Edit:
        anchor = self.last_import or self.after_header
        if anchor is None:
            return Edit(1, 0, 1, 0, text + self.src.newline(1))
        end = self.src.end(anchor)
        return _edit(self.src, end, end, self.src.newline(anchor.end_lineno) + text)


# --------------------------------------------------------------------------- the class's code
def _parents(func: ast.AST) -> dict[ast.AST, ast.AST | None]:
    """Child -> parent for every node below ``func``, cached on ``func``; the children of ``func`` itself map
    to None (the cache must not hold the node it lives on: see ``imports.walk_once``)."""
    cached = func.__dict__.get("_nnparam_parents")
    if cached is None:
        cached = {child: (node if node is not func else None) for node in ast.walk(func) for child in ast.iter_child_nodes(node)}
        func.__dict__["_nnparam_parents"] = cached
    return cached


def _arms(node: ast.AST, parents: dict) -> dict[ast.AST, str]:
    """For each statement above ``node``: which of its blocks (body, orelse, handler 2, ...) holds it."""
    out: dict[ast.AST, str] = {}
    while node in parents and parents[node] is not None:
        parent = parents[node]
        for field in BLOCK_FIELDS:
            block = getattr(parent, field, None)
            if isinstance(block, list):
                index = next((i for i, child in enumerate(block) if child is node), None)
                if index is not None:
                    out[parent] = field if field in ("body", "orelse", "finalbody") else f"{field}{index}"
                    break
        node = parent
    return out


def _exclusive(first: ast.AST, second: ast.AST, parents: dict) -> bool:
    """``first`` and ``second`` sit in different branches of one ``if`` or ``match``, so one never runs
    before the other. Not the blocks of a ``try`` (its body can run up to a raise, then a handler; its
    ``else`` and ``finally`` run after the body) nor a loop and its ``else``: both may run."""
    arms = _arms(first, parents)
    for parent, arm in _arms(second, parents).items():
        if parent in arms:
            return isinstance(parent, (ast.If, ast.Match)) and arms[parent] != arm
    return False


def _in_no_grad(node: ast.AST, parents: dict, src: SourceText) -> bool:
    while node in parents:
        node = parents[node]
        if isinstance(node, (ast.With, ast.AsyncWith)) and any(
            _NO_GRAD.search(ast.unparse(item.context_expr)) for item in node.items
        ):
            return True
    return False


@dataclass
class ClassCode:
    """What a fix must know about the class around the statement."""

    classes: list[ast.ClassDef]  # the class and its in-file bases
    methods: list[tuple[ast.AST, str]]  # (function, receiver) of every method
    construction: set  # functions construction runs

    def defines(self, attr: str) -> ast.stmt | None:
        """A class-level attribute or method named ``attr``: registration would raise "already exists"."""
        for cls in self.classes:
            for stmt in cls.body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and stmt.name == attr:
                    return stmt
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(
                    stmt, ast.AnnAssign) and stmt.value is not None else []
                if any(isinstance(t, ast.Name) and t.id == attr for t in targets):
                    return stmt
        return None

    def in_place(self, attr: str):
        """Places that change ``self.attr`` in place outside ``torch.no_grad()``: (node to append
        ``.data`` to, function, in construction)."""
        out = []
        for func, receiver in self.methods:
            parents = None
            for node in ast.walk(func):
                target = None
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    name = node.func.attr
                    if name.endswith("_") and not name.startswith("_") and name not in _NOT_IN_PLACE:
                        target = node.func.value
                elif isinstance(node, ast.AugAssign):
                    target = node.target
                if isinstance(node, ast.Assign):
                    for t in node.targets:
                        if isinstance(t, ast.Subscript) and _self_attr(t.value, receiver) == attr:
                            target = t.value
                if target is None or _self_attr(target, receiver) != attr:
                    continue
                parents = parents or _parents(func)
                if not _in_no_grad(node, parents, None):
                    out.append((target, func, func in self.construction))
        return out

    def earlier_binding(self, attr: str, stmt: ast.stmt, function) -> ast.stmt | None:
        """A binding of ``self.attr`` in the same function that runs before ``stmt`` on some path
        (``self.box = box`` ... ``self.box = self.box.cpu()``): the attribute then already exists when
        ``stmt`` would register it, and ``register_buffer`` raises "attribute already exists"."""
        for other, func in self.bindings_of(attr):
            if func is function and (other.lineno, other.col_offset) < (stmt.lineno, stmt.col_offset) and not _exclusive(
                other, stmt, _parents(func)
            ):
                return other
            if func is not function and func in self.construction and self._calls_after(func, function, other):
                return other  # __init__: self.probs = None; self.init_probs()  (which binds self.probs)
        return None

    def _calls_after(self, caller, callee, binding: ast.stmt) -> bool:
        """Does ``caller`` call the method ``callee`` (``self.callee(...)``) after ``binding``?"""
        name = getattr(callee, "name", None)
        receiver = next((r for f, r in self.methods if f is caller), None)
        if name is None or receiver is None:
            return False
        return any(
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == name
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == receiver
            and (node.lineno, node.col_offset) > (binding.lineno, binding.col_offset)
            for node in ast.walk(caller)
        )

    def bindings_of(self, attr: str) -> list[tuple[ast.AST, ast.AST]]:
        """Every ``self.attr = ...`` statement of the class, and ``setattr(self, "attr", v)`` call, with its function."""
        out = []
        for func, receiver in self.methods:
            for node in all_nodes(func):
                if _setattr_value(node, receiver, attr) is not None:
                    out.append((node, func))
                    continue
                targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
                    node, ast.AnnAssign) and node.value is not None else []
                for t in targets:
                    elements = t.elts if isinstance(t, (ast.Tuple, ast.List)) else [t]
                    if any(_self_attr(e, receiver) == attr for e in elements):
                        out.append((node, func))
                        break
        return out


# --------------------------------------------------------------------------- one binding
@dataclass
class Target:
    """One finding's share of a statement: which attribute, what to write, how it is named."""

    attr: str
    fix: Fix  # the rule's intent
    code: str


_SAFE_TEXT = "safe: a non-persistent buffer adds no state_dict() key and no Parameter"


def _binds_whole_value(stmt) -> bool:
    """``self.x = <value>``: one target, not unpacked from a tuple (``self.a, self.b = None, None``)."""
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return len(targets) == 1 and isinstance(targets[0], ast.Attribute) and getattr(stmt, "value", None) is not None


def _not_a_tensor(value) -> bool:
    """A NumPy array, a Python list/tuple/dict/set or a number or string: ``register_buffer`` rejects it
    (``None`` it takes: a buffer registered as None is filled later)."""
    if isinstance(value, ast.Constant):
        return value.value is not None
    if isinstance(value, (ast.List, ast.ListComp, ast.Tuple, ast.Dict, ast.DictComp, ast.Set, ast.SetComp)):
        return True
    func = value.func if isinstance(value, ast.Call) else None
    name = ast.unparse(func) if func is not None else ""
    return name.startswith(("np.", "numpy.", "onp."))


def _short(node) -> str:
    text = ast.unparse(node)
    return text if len(text) <= 40 else text[:37] + "..."


def _checkpoint_note(kind: str, attr: str, persistent: bool, container: str, randomish: bool) -> str:
    if kind == "buffer":
        note = (
            f"adds the state_dict() key '{attr}': a checkpoint saved before this fix fails a strict load "
            f"(missing key '{attr}'); with strict=False it loads and '{attr}' keeps the value __init__ gives it"
        )
        if randomish:
            note += ", a fresh random draw, not the tensor the old model ran with (the old checkpoint never held it)"
        return note
    if kind == "parameter":
        return (
            f"adds the Parameter '{attr}' to parameters() and state_dict(): the optimizer now trains it, an optimizer "
            f"state saved before no longer matches, and a checkpoint saved before loads only with strict=False, after "
            f"which '{attr}' stays at a fresh initialisation, not the value the old model ran with (it was never saved)"
        )
    what = "sub-modules" if container.startswith("Module") else "Parameters"
    return (
        f"adds the {what} in '{attr}' to parameters() and their keys '{attr}.*' to state_dict(): a checkpoint saved "
        f"before this fix never held those weights, so after load_state_dict(strict=False) they stay at a fresh random "
        f"init without warning and the loaded model is not the one that was trained; they were also never trained "
        f"(the optimizer did not see them): retrain, or copy their values in from the old code"
    )


class FixBuilder:
    """Builds the complete fixes of one file's findings (one builder per analysed file)."""

    def __init__(self, body: list[ast.stmt], source: str, buffer_style: str = "register_buffer") -> None:
        self.src = SourceText(source)
        self.body = body
        self.buffer_style = buffer_style
        self._spelling: NNSpelling | None = None

    @property
    def spelling(self) -> NNSpelling:
        if self._spelling is None:
            self._spelling = NNSpelling(self.body, self.src)
        return self._spelling

    # --- entry -----------------------------------------------------------------------
    def complete(self, stmt: ast.stmt, function, receiver: str | None, in_method: bool, targets: list[Target],
                 code: ClassCode) -> tuple[Fix | None, str]:
        """One complete fix for every finding of ``stmt`` (they are applied together), or the reason."""
        try:
            if receiver is None or function is None:
                raise NoFix("bound outside a function the engine can rewrite")
            clash = next((t.attr for t in targets if t.attr in tables.MODULE_ATTRIBUTES), None)
            if clash is not None:
                # register_buffer("modules", ...) raises "attribute already exists"; an nn.ModuleList assigned
                # to self.modules goes into _modules, and self.modules is the method again
                raise NoFix(f"the name shadows nn.Module.{clash}: registered under it, the method wins or "
                            "registering raises; rename the attribute first")
            return self._build(stmt, function, receiver, in_method, targets, code), ""
        except NoFix as exc:
            return None, str(exc)
        except (RecursionError, ValueError, IndexError) as exc:  # never let a fix break lint
            return None, f"cannot rewrite this statement ({type(exc).__name__})"

    def _build(self, stmt, function, receiver, in_method, targets: list[Target], code: ClassCode) -> Fix:
        by_attr = {t.attr: t for t in targets}
        plans = {t.attr: self._plan(t, stmt, function, receiver, code) for t in targets}
        edits: list[Edit] = []
        before_init = self._before_init(stmt, function, receiver) if function.name == "__init__" else None
        if isinstance(stmt, ast.Expr):
            edits += self._setattr(stmt, receiver, by_attr, plans, before_init)
        elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Attribute):
            edits += self._plain(stmt, stmt.targets[0], receiver, by_attr, plans, before_init, function)
        elif isinstance(stmt, ast.AnnAssign):
            edits += self._plain(stmt, stmt.target, receiver, by_attr, plans, before_init, function)
        elif isinstance(stmt, ast.Assign):
            if before_init is not None:
                raise NoFix("a chained or tuple assignment before Module.__init__(): move it after that call by hand")
            edits += self._multi(stmt, receiver, by_attr, plans, function)
        else:
            raise NoFix("not an assignment the engine can rewrite")
        for plan in plans.values():
            edits += plan.extra
        imports = {e for plan in plans.values() for e in plan.imports}
        edits += sorted(imports, key=lambda e: (e.line, e.col))
        safe = all(p.safe for p in plans.values())
        keys = tuple(k for p in plans.values() for k in p.keys)
        description = "; ".join(p.description for p in plans.values())
        because = "; ".join(p.unsafe_because for p in plans.values() if p.unsafe_because)
        checkpoint = "; ".join(p.checkpoint for p in plans.values() if p.checkpoint)
        first = targets[0].fix
        return replace(first, edits=tuple(edits), safe=safe, description=description, checkpoint=checkpoint,
                       new_keys=keys, unsafe_because=because)

    # --- what one attribute becomes ----------------------------------------------------
    @dataclass
    class _Plan:
        kind: str
        wrapper: str | None  # nn.Parameter / nn.Buffer / nn.ModuleList spelling, or None for register_buffer
        persistent: bool
        safe: bool
        description: str
        checkpoint: str
        keys: tuple[str, ...]
        unsafe_because: str = ""
        imports: tuple[Edit, ...] = ()
        extra: tuple[Edit, ...] = ()  # edits elsewhere (``.data`` for in-place initialisation)

    def _plan(self, target: Target, stmt, function, receiver, code: ClassCode) -> "FixBuilder._Plan":
        fix, attr = target.fix, target.attr
        defined = code.defines(attr)
        if defined is not None:
            raise NoFix(f"the class body defines {attr} (line {defined.lineno}), so registering it raises "
                        f"'attribute already exists': remove that class attribute first")
        kind, persistent, extra = fix.kind, fix.persistent, ()
        value = getattr(stmt, "value", None)
        if kind == "parameter":
            places = code.in_place(attr)
            runtime = [p for p in places if not p[2]]
            if runtime:
                # A Parameter cannot be changed in place outside no_grad: it is state, so a buffer.
                kind, persistent = "buffer", True
            else:
                extra = tuple(_edit(self.src, self.src.end(node), self.src.end(node), ".data") for node, _, _ in places)
            self._check_rebinding(attr, stmt, code, kind)
        if kind == "container" and isinstance(value, ast.Dict) and fix.container.endswith("Dict"):
            for key in value.keys:
                if key is not None and not (isinstance(key, ast.Constant) and isinstance(key.value, str)) and (
                    isinstance(key, (ast.Constant, ast.Tuple, ast.UnaryOp))
                ):
                    raise NoFix(f"{fix.container} needs string keys and this dict has {ast.unparse(key)!r}: "
                                "convert the keys by hand")
        randomish = value is not None and any(
            isinstance(n, ast.Attribute) and n.attr.startswith(("rand", "normal", "uniform", "empty"))
            or isinstance(n, ast.Name) and n.id.startswith(("rand", "normal", "empty"))
            for n in ast.walk(value)
        )
        imports: tuple[Edit, ...] = ()
        if kind == "buffer":
            earlier = code.earlier_binding(attr, stmt, function)
            if earlier is not None and _binds_whole_value(earlier) and _not_a_tensor(earlier.value):
                raise NoFix(f"self.{attr} is first bound at line {earlier.lineno} to a value that is not a tensor "
                            f"({_short(earlier.value)}), so registering it here raises 'attribute already exists' and "
                            f"registering that value raises TypeError: build it in a local there and register the "
                            f"tensor once, here (self.register_buffer(\"{attr}\", <the tensor>))")
            if earlier is not None:
                raise NoFix(f"self.{attr} is already bound at line {earlier.lineno}, so registering it here raises "
                            f"'attribute already exists': register it at that first binding by hand "
                            f"(self.register_buffer(\"{attr}\", <that value>)); later assignments then update the buffer")
            safe = not persistent
            keyword = "" if persistent else ", persistent=False"
            if self.buffer_style == "nn.Buffer":
                wrapper, imports = self.spelling.spell("Buffer")
                description = f"self.{attr} = {wrapper}(...{keyword})"
            else:
                wrapper = None
                description = f'self.register_buffer("{attr}", ...{keyword})'
            if fix.kind == "parameter":
                description += " (a buffer, not a Parameter: the class changes it in place outside no_grad)"
            keys = () if not persistent else (attr,)
        elif kind == "parameter":
            wrapper, imports = self.spelling.spell("Parameter")
            safe, description, keys = False, f"self.{attr} = {wrapper}(...)", (attr,)
        elif kind == "container":
            if fix.container not in _NN_HOMES:
                raise NoFix(f"no rewrite to {fix.container}")
            wrapper, imports = self.spelling.spell(fix.container)
            # persistent=False: modules with no Parameters or buffers (Dropout), which add no state_dict() key
            safe, description = not fix.persistent, f"self.{attr} = {wrapper}(...)"
            keys = (f"{attr}.*",) if fix.persistent else ()
        else:
            raise NoFix(f"no rewrite for a {kind} fix")
        checkpoint = "" if safe else _checkpoint_note(kind, attr, persistent, fix.container, randomish)
        because = "" if safe else {
            "buffer": f"adds the state_dict() key '{attr}'",
            "parameter": f"adds the Parameter '{attr}' (a state_dict() key, and the optimizer trains it)",
        }.get(kind, f"adds the keys '{attr}.*' and their Parameters")
        return self._Plan(kind, wrapper, persistent, safe, description, checkpoint, keys, because, imports, extra)

    def _check_rebinding(self, attr, stmt, code: ClassCode, kind: str) -> None:
        if kind != "parameter":
            return
        for other, func in code.bindings_of(attr):
            if other is stmt or (isinstance(stmt, ast.Expr) and other is stmt.value):
                continue
            value = other.value if isinstance(other, (ast.Assign, ast.AnnAssign)) else _setattr_value(other, None, attr)
            if value is None:
                continue
            if isinstance(value, ast.Call) and getattr(value.func, "attr", getattr(value.func, "id", "")) == "Parameter":
                continue
            if other.lineno > stmt.lineno or func not in code.construction:
                raise NoFix(f"self.{attr} is bound again at line {other.lineno} to a value a Parameter does not accept "
                            "(assigning a plain tensor to a Parameter raises): wrap that binding too, by hand")

    def _registration(self, plan: "FixBuilder._Plan", receiver: str, attr: str, name: str | None, value: str) -> str:
        """One statement registering ``value`` under ``attr`` (``name``: a setattr name expression)."""
        value = _as_argument(value)
        keyword = "" if plan.persistent else ", persistent=False"
        if plan.kind == "buffer" and plan.wrapper is None:
            return f"{receiver}.register_buffer({name or repr_name(attr)}, {value}{keyword})"
        if plan.kind == "buffer":
            wrapped = f"{plan.wrapper}({value}{keyword})"
        elif plan.kind == "parameter" and name is not None:
            return f"{receiver}.register_parameter({name}, {plan.wrapper}({value}))"
        else:
            wrapped = f"{plan.wrapper}({value})" if not _empty_literal(value) else f"{plan.wrapper}()"
        if name is not None:
            return f"setattr({receiver}, {name}, {wrapped})"
        return f"{receiver}.{attr} = {wrapped}"

    # --- forms -----------------------------------------------------------------------
    def _value_text(self, stmt) -> tuple[str, tuple[int, int]]:
        """The text after ``=`` and where it starts: outer parentheses are kept when they hold comments
        or line breaks, and dropped when they only wrap the value."""
        head_end = self.src.end(stmt.annotation if isinstance(stmt, ast.AnnAssign) else stmt.targets[-1])
        rest = self.src.text(head_end, self.src.end(stmt))
        offset = rest.index("=") + 1
        offset += len(rest[offset:]) - len(rest[offset:].lstrip(" \t"))
        prefix = rest[:offset]
        if "\n" in prefix:
            start = (head_end[0] + prefix.count("\n"), len(prefix.rsplit("\n", 1)[-1]))
        else:
            start = (head_end[0], head_end[1] + offset)
        text = rest[offset:]
        inner = self.src.segment(stmt.value)
        if text == f"({inner})" and not isinstance(stmt.value, ast.Tuple):
            text = inner
        return text, start

    def _plain(self, stmt, target, receiver, by_attr, plans, before_init, function) -> list[Edit]:
        attr = _self_attr(target, receiver)
        if attr is None or attr not in plans:
            raise NoFix("the target is not an attribute of the module")
        plan = plans[attr]
        value_text, value_start = self._value_text(stmt)
        if before_init is not None:
            local = self._local_name(attr, function)
            replaced = [_edit(self.src, self.src.start(stmt), self.src.end(stmt), f"{local} = {value_text}")]
            return replaced + [self._after(before_init, self._registration(plan, receiver, attr, None, local))]
        none_branch = _none_branch(stmt.value)
        if none_branch is not None and plan.wrapper is not None:
            # nn.Parameter(None) is an empty Parameter, not None: wrap only the branch that is a tensor.
            branch = none_branch
            text = self.src.segment(branch)
            return [_edit(self.src, self.src.start(branch), self.src.end(branch),
                          self._registration(plan, receiver, attr, None, text).split(" = ", 1)[1])]
        moved = _moved_parameter(stmt.value)
        if moved is not None and plan.kind == "parameter":
            # nn.Parameter(t).cuda() -> nn.Parameter(t.cuda()): move the tensor, keep the Parameter
            parameter, first = moved
            suffix = self.src.text(self.src.end(parameter), self.src.end(stmt.value))
            if not isinstance(first, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)):
                # nn.Parameter(t * 0.02).cuda() -> nn.Parameter((t * 0.02).cuda()), not (t * 0.02.cuda())
                opening = [_edit(self.src, self.src.start(first), self.src.start(first), "(")]
                suffix = ")" + suffix
            else:
                opening = []
            return opening + [_edit(self.src, self.src.end(first), self.src.end(first), suffix),
                              _edit(self.src, self.src.end(parameter), self.src.end(stmt.value), "")]
        if plan.kind == "buffer" and plan.wrapper is None:
            line = self._registration(plan, receiver, attr, None, value_text)
            if isinstance(stmt, ast.AnnAssign):
                declaration = self.src.text(self.src.start(stmt), self.src.end(stmt.annotation))
                line = declaration + self.src.separator(stmt) + line
            return [_edit(self.src, self.src.start(stmt), self.src.end(stmt), line)]
        wrapped = self._registration(plan, receiver, attr, None, value_text).split(" = ", 1)[1]
        return [_edit(self.src, value_start, self.src.end(stmt), wrapped)]

    def _setattr(self, stmt: ast.Expr, receiver, by_attr, plans, before_init) -> list[Edit]:
        call = stmt.value
        if not isinstance(call, ast.Call):
            raise NoFix("not a setattr call")
        func = call.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(call.args) == 3:
            obj, name, value = call.args
        elif isinstance(func, ast.Attribute) and func.attr == "__setattr__" and len(call.args) == 2:
            obj, (name, value) = func.value, call.args
        else:
            raise NoFix("a setattr call the engine cannot read")
        if not (isinstance(obj, ast.Name) and obj.id == receiver) or len(plans) != 1:
            raise NoFix("setattr on another object")
        if before_init is not None:
            raise NoFix("setattr before Module.__init__(): move it after that call by hand")
        (attr, plan), = plans.items()
        text = self._registration(plan, receiver, attr, self.src.segment(name), self.src.segment(value))
        return [_edit(self.src, self.src.start(stmt), self.src.end(stmt), text)]

    def _multi(self, stmt: ast.Assign, receiver, by_attr, plans, function) -> list[Edit]:
        """Chained targets (``self.h = self.c = v``) and tuple targets (``self.cos, self.sin = f(n)``)."""
        value_text, _ = self._value_text(stmt)
        sep = self.src.separator(stmt)
        lines: list[str] = []
        if len(stmt.targets) > 1:
            if not all(isinstance(t, (ast.Attribute, ast.Name)) for t in stmt.targets):
                raise NoFix("a chained assignment with a tuple or subscript target: split it by hand")
            first = stmt.targets[0]
            first_text = self.src.segment(first)
            for i, t in enumerate(stmt.targets):
                value = value_text if i == 0 else first_text
                attr = _self_attr(t, receiver)
                if attr in plans:
                    lines.append(self._registration(plans[attr], receiver, attr, None, value))
                else:
                    lines.append(f"{self.src.segment(t)} = {value}")
            return [_edit(self.src, self.src.start(stmt), self.src.end(stmt), sep.join(lines))]
        target = stmt.targets[0]
        if not isinstance(target, (ast.Tuple, ast.List)) or any(
            isinstance(e, (ast.Starred, ast.Tuple, ast.List)) for e in target.elts
        ):
            raise NoFix("a nested or starred tuple target: unpack into locals by hand")
        names, registrations, taken = [], [], set()
        for element in target.elts:
            attr = _self_attr(element, receiver)
            if attr in plans:
                local = self._local_name(attr, function, taken)
                taken.add(local)
                names.append(local)
                registrations.append(self._registration(plans[attr], receiver, attr, None, local))
            else:
                names.append(self.src.segment(element))
        lines.append(f"{', '.join(names)} = {value_text}")
        return [_edit(self.src, self.src.start(stmt), self.src.end(stmt), sep.join(lines + registrations))]

    # --- helpers ---------------------------------------------------------------------
    def _local_name(self, attr: str, function, taken: set[str] = frozenset()) -> str:
        used = function.__dict__.get("_nnparam_names")
        if used is None:
            used = {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
            used |= {a.arg for a in ast.walk(function) if isinstance(a, ast.arg)}
            function.__dict__["_nnparam_names"] = used
        name = attr.lstrip("_") or "value"
        if not name.isidentifier() or name[0].isdigit():
            name = "value"
        while name in used or name in taken or name in ("self", "super"):
            name += "_"
        return name

    def _before_init(self, stmt, function, receiver) -> ast.stmt | None:
        """The ``super().__init__()`` statement that runs after ``stmt``, if any."""
        for top in function.body:
            if isinstance(top, ast.Expr) and isinstance(top.value, ast.Call) and isinstance(
                top.value.func, ast.Attribute
            ) and top.value.func.attr == "__init__":
                if top.lineno <= stmt.lineno:
                    return None
                if stmt not in function.body:
                    raise NoFix("bound inside a block before Module.__init__(): move it after that call by hand")
                attrs = {t for t in _bound_attrs(stmt, receiver)}
                between = function.body[function.body.index(stmt) + 1: function.body.index(top)]
                for node in (n for s in between for n in ast.walk(s)):
                    if isinstance(node, ast.Attribute) and _self_attr(node, receiver) in attrs:
                        raise NoFix(f"read before Module.__init__() (line {node.lineno}): move it by hand")
                return top
        return None

    def _after(self, anchor: ast.stmt, text: str) -> Edit:
        end = self.src.end(anchor)
        return _edit(self.src, end, end, self.src.separator(anchor) + text)


def _bound_attrs(stmt, receiver) -> set[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [getattr(stmt, "target", None)]
    return {a for t in targets if t is not None for n in ast.walk(t) if (a := _self_attr(n, receiver))}


def _setattr_value(node: ast.AST, receiver: str | None, attr: str) -> ast.expr | None:
    """The value of ``setattr(receiver, "attr", value)`` (any receiver when ``receiver`` is None), else None."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "setattr"):
        return None
    if len(node.args) != 3 or not (isinstance(node.args[1], ast.Constant) and node.args[1].value == attr):
        return None
    if receiver is not None and not (isinstance(node.args[0], ast.Name) and node.args[0].id == receiver):
        return None
    return node.args[2]


def _moved_parameter(value) -> tuple[ast.Call, ast.expr] | None:
    """``nn.Parameter(t).cuda()`` / ``.to(device)`` / ``.double()``: the Parameter call and its tensor argument."""
    if not (isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute)):
        return None
    if value.func.attr not in tables.DEVICE_METHODS and value.func.attr not in tables.FLOAT_METHODS:
        return None
    inner = value.func.value
    name = dotted_name(inner.func) if isinstance(inner, ast.Call) else None
    if name is None or name.rsplit(".", 1)[-1] != "Parameter" or not inner.args or isinstance(inner.args[0], ast.Starred):
        return None
    return inner, inner.args[0]


def _none_branch(value) -> ast.AST | None:
    """In ``t if c else None`` (either order), the branch that is not None; nested choices are not handled."""
    if not isinstance(value, ast.IfExp):
        return None
    body_none = isinstance(value.body, ast.Constant) and value.body.value is None
    else_none = isinstance(value.orelse, ast.Constant) and value.orelse.value is None
    if body_none == else_none:
        if isinstance(value.body, ast.IfExp) or isinstance(value.orelse, ast.IfExp):
            if _none_branch(value.body) or _none_branch(value.orelse):
                raise NoFix("a nested choice with a None branch: wrap the tensor branches by hand")
        return None
    return value.orelse if body_none else value.body


def _empty_literal(text: str) -> bool:
    return text.replace(" ", "") in ("[]", "{}", "()")


def repr_name(attr: str) -> str:
    return f'"{attr}"'


def no_fix_reason(decision: Decision) -> str:
    """Why a default-on decision carries no fix (the rule chose none)."""
    if decision.code == "MPR007":
        return ("torch has no container that registers tensors: register each element with register_buffer, or "
                "stack them into one buffer, and change the uses to match")
    if decision.code == "MPR008":
        return ("a distribution cannot be registered: register the tensors it is built from as buffers and build it "
                "where it is used (a property)")
    if decision.fields.get("mixed"):
        return ("it also holds functions, numbers or strings, which nn.ModuleList and nn.ModuleDict reject with "
                "TypeError: keep those apart (or wrap a function in a module) and register the modules")
    if decision.fields.get("computed"):
        return ("it is computed from a new nn.Parameter: wrapping the result would train it free of the operation "
                "(a mask or a scale applied once); keep the Parameter on self and apply the operation where it is used")
    if decision.fields.get("lazy") == "drawn":
        return ("it is None until the first call draws it: draw it in __init__ where its size is known "
                "(self.register_buffer(\"name\", torch.randperm(n))), or save it with get_extra_state()/"
                "set_extra_state(); a placeholder of zeros would never be replaced by the draw")
    if decision.fields.get("lazy"):
        return ("it is None until a method creates it: register it in __init__ with a value of its shape "
                "(register_buffer with torch.zeros(...)); registered as None, a new model's state_dict() lacks "
                "it and a checkpoint would not load strictly")
    if decision.fields.get("number_binding"):
        return (f"line {decision.fields['number_binding']} binds it to a Python number, which a buffer refuses "
                "(TypeError: cannot assign 'int' as buffer): make that value a tensor too, then register it")
    if decision.fields.get("number_branch"):
        return ("the argument may also be a number (its annotation, its default), and register_buffer raises for a "
                "number: convert it first (self.register_buffer(\"name\", torch.as_tensor(value)))")
    if decision.fields.get("param_branch"):
        return ("another branch of the same expression makes an nn.Parameter: registering the whole expression "
                "as a buffer would turn that Parameter into a buffer the optimizer never trains; register only the "
                "plain branch (an if/else with self.register_buffer in the else)")
    if decision.fields.get("alternative") == STEPPED_ALTERNATIVE:
        return ("an optimizer holds this tensor: a buffer becomes a copy after .to() or .double(), so make it "
                "nn.Parameter(..., requires_grad=False) by hand, or register it where nothing moves the module")
    if decision.fields.get("alternative"):
        return ("the engine cannot tell a learned weight from a fixed tensor: make it nn.Parameter(...) or a buffer "
                "by hand")
    return "no rewrite for this case"


def fix_suffix(fix: Fix | None, reason: str) -> str:
    """The tail of a message: which kind of fix it carries (and why it is unsafe), or why it has none."""
    if fix is not None:
        return " [safe fix]" if fix.safe else f" [unsafe fix: {fix.unsafe_because}]"
    return f" [no fix: {reason}]" if reason else ""
