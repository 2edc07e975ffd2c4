"""Turn findings into libcst edits, and write the result back safely.

Each fixable finding names the first line and column of an assignment to ``self.<attr>``; the
rewriter finds that statement by position and replaces only its value (or, for the
``register_buffer`` style, the statement). Every other byte of the file is left as libcst read it,
so comments, formatting, line endings and the encoding survive. A statement the rewriter cannot
change safely is reported back as skipped, with the reason, and left alone.
"""

from __future__ import annotations

import ast
import os
import tempfile
from dataclasses import dataclass, field
from typing import Sequence

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import MetadataWrapper, PositionProvider

from . import BUFFER_STYLES
from .detection import Finding
from .detection.imports import ImportTable


STATE_DICT_NOTE = (
    "Note: these fixes register Parameters, buffers and sub-modules, which adds keys to state_dict(): "
    "old checkpoints loaded with load_state_dict(..., strict=True) will miss them (load with strict=False "
    "or re-save), and new Parameters join model.parameters() and so the optimizer."
)

# Where a name can be imported from, besides ``torch.nn`` itself.
_NN_SUBMODULES = {
    "Parameter": ("torch.nn", "torch.nn.parameter"),
    "Buffer": ("torch.nn", "torch.nn.parameter"),
    "ModuleList": ("torch.nn", "torch.nn.modules.container"),
    "ModuleDict": ("torch.nn", "torch.nn.modules.container"),
    "ParameterList": ("torch.nn", "torch.nn.modules.container"),
    "ParameterDict": ("torch.nn", "torch.nn.modules.container"),
}


@dataclass
class FixResult:
    source: str
    applied: list[Finding] = field(default_factory=list)
    skipped: list[tuple[Finding, str]] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def _has_none_branch(value) -> bool:
    value = _strip_parens(value)
    if isinstance(value, cst.IfExp):
        return any(
            (isinstance(branch, cst.Name) and branch.value == "None") or _has_none_branch(branch)
            for branch in (value.body, value.orelse)
        )
    return False


class ReadOnlyError(Exception):
    """The file has no write permission bits: a fix is reported, never forced."""


class FileChangedError(Exception):
    """The file on disk is no longer what was read, so the fix was not written."""


class NNSpelling:
    """How this file can spell ``torch.nn.<Name>``, asked of the engine's import resolver.

    Preference: a directly imported name (``from torch.nn import Parameter``), then an alias of
    ``torch.nn`` (``nn``, ``tnn``), then ``<torch>.nn``; otherwise ``from torch import nn`` is added.
    Only module-level statements count (an import inside a function is not in scope everywhere).
    """

    def __init__(self, source: str) -> None:
        try:
            body = ast.parse(source).body
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            body = []
        statements = [s for s in body if isinstance(s, (ast.Import, ast.ImportFrom, ast.Assign))]
        imports = ImportTable(statements, body, assume_conventional=False)
        self.direct: dict[str, str] = {}
        for name, modules in _NN_SUBMODULES.items():
            for module in modules:
                found = imports.spellings_of(f"{module}.{name}")
                if found:
                    self.direct.setdefault(name, found[0])
        self.nn_alias: str | None = next(iter(imports.spellings_of("torch.nn")), None)
        self.torch_alias: str | None = next(iter(imports.spellings_of("torch")), None)
        self.bound: set[str] = set(imports.names) | set(imports.refs)
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.bound.add(stmt.name)
            elif isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                for target in stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]:
                    if isinstance(target, ast.Name):
                        self.bound.add(target.id)
        self.needs_import: str | None = None  # "nn" or "torch" once a spelling required an import

    def spell(self, name: str) -> str | None:
        """Source text for ``torch.nn.<name>``; None when no spelling and no safe import exists."""
        if name in self.direct:
            return self.direct[name]
        if self.nn_alias:
            return f"{self.nn_alias}.{name}"
        if self.torch_alias:
            return f"{self.torch_alias}.nn.{name}"
        if "nn" not in self.bound:
            self.needs_import = "nn"
            self.nn_alias = "nn"
            return f"nn.{name}"
        if "torch" not in self.bound:
            self.needs_import = "torch"
            self.torch_alias = "torch"
            return f"torch.nn.{name}"
        return None


def _first_param(func: cst.FunctionDef) -> str | None:
    params = list(func.params.posonly_params) + list(func.params.params)
    if not params:
        return None
    for deco in func.decorators:
        if isinstance(deco.decorator, cst.Name) and deco.decorator.value in ("staticmethod", "classmethod"):
            return None
    return params[0].name.value


def _class_defines(cls: cst.ClassDef, attr: str) -> bool:
    """A class-level attribute or method of that name makes register_* raise "already exists"."""
    body = cls.body.body if isinstance(cls.body, cst.IndentedBlock) else cls.body.body
    for stmt in body:
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)) and stmt.name.value == attr:
            return True
        if isinstance(stmt, (cst.SimpleStatementLine, cst.SimpleStatementSuite)):
            for small in stmt.body:
                if isinstance(small, cst.Assign) and any(
                    isinstance(t.target, cst.Name) and t.target.value == attr for t in small.targets
                ):
                    return True
                if (
                    isinstance(small, cst.AnnAssign)
                    and small.value is not None
                    and isinstance(small.target, cst.Name)
                    and small.target.value == attr
                ):
                    return True
    return False


class _InitCallFinder(cst.CSTVisitor):
    """Lines of ``super().__init__(...)`` / ``Base.__init__(self, ...)`` calls in a function."""

    def __init__(self, positions) -> None:
        self.positions = positions
        self.lines: list[int] = []

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value == "__init__":
            self.lines.append(self.positions[node].start.line)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions do not run here


_NOT_IN_PLACE = frozenset({"requires_grad_", "share_memory_", "retain_grad"})


class _InPlaceFinder(cst.CSTVisitor):
    """Attributes a class modifies in place outside ``torch.no_grad()``: on a Parameter (a leaf that
    requires grad) such an operation raises, so those attributes are not wrapped in nn.Parameter."""

    def __init__(self) -> None:
        self.attrs: set[str] = set()
        self._no_grad = 0

    @staticmethod
    def _self_attr(node) -> str | None:
        if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            return node.attr.value
        return None

    def visit_With(self, node: cst.With) -> None:
        if any("no_grad" in cst.Module([]).code_for_node(item.item) for item in node.items):
            self._no_grad += 1

    def leave_With(self, node: cst.With) -> None:
        if any("no_grad" in cst.Module([]).code_for_node(item.item) for item in node.items):
            self._no_grad -= 1

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if self._no_grad or not isinstance(func, cst.Attribute):
            return
        name = func.attr.value
        if name.endswith("_") and not name.startswith("_") and name not in _NOT_IN_PLACE:
            attr = self._self_attr(func.value)
            if attr:
                self.attrs.add(attr)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        attr = self._self_attr(node.target)
        if attr and not self._no_grad:
            self.attrs.add(attr)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        if isinstance(node.target, cst.Subscript) and not self._no_grad:
            attr = self._self_attr(node.target.value)
            if attr:
                self.attrs.add(attr)


def _non_string_key(element: cst.BaseDictElement) -> bool:
    """ModuleDict / ParameterDict need string keys; a literal number, tuple or constant would fail."""
    if not isinstance(element, cst.DictElement):
        return False
    key = element.key
    if isinstance(key, cst.Name):
        return key.value in ("True", "False", "None")
    return isinstance(key, (cst.Integer, cst.Float, cst.Imaginary, cst.Tuple, cst.UnaryOperation))


def _strip_parens(value: cst.BaseExpression) -> cst.BaseExpression:
    """Drop redundant outer parentheses; keep (or add) those a tuple needs inside a call."""
    if isinstance(value, cst.Tuple):
        if not value.lpar:
            return value.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        return value
    lpar, rpar = getattr(value, "lpar", ()), getattr(value, "rpar", ())
    if len(lpar) == 1 and not isinstance(value, (cst.Yield, cst.GeneratorExp)):
        blank = cst.SimpleWhitespace("")
        if lpar[0].whitespace_after == blank and rpar[0].whitespace_before == blank:
            return value.with_changes(lpar=[], rpar=[])
    return value


class _Rewriter(cst.CSTTransformer):
    METADATA_DEPENDENCIES = (PositionProvider,)

    def __init__(self, targets: dict[tuple[int, int], Finding], spelling: NNSpelling, buffer_style: str) -> None:
        super().__init__()
        self.targets = targets
        self.spelling = spelling
        self.buffer_style = buffer_style
        self.scopes: list[cst.CSTNode] = []
        self.applied: list[Finding] = []
        self.skipped: list[tuple[Finding, str]] = []
        self._init_lines: dict[cst.FunctionDef, list[int]] = {}
        self._in_place: dict[cst.ClassDef, set[str]] = {}

    # --- scope tracking -----------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        self.scopes.append(node)

    def leave_ClassDef(self, original, updated):
        self.scopes.pop()
        return updated

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.scopes.append(node)

    def leave_FunctionDef(self, original, updated):
        self.scopes.pop()
        return updated

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self.scopes.append(node)

    def leave_Lambda(self, original, updated):
        self.scopes.pop()
        return updated

    # --- statements ---------------------------------------------------------------
    def leave_SimpleStatementLine(self, original, updated):
        return self._leave_statements(original, updated, own_line=True)

    def leave_SimpleStatementSuite(self, original, updated):
        return self._leave_statements(original, updated, own_line=False)

    def _leave_statements(self, original, updated, own_line: bool):
        new_body: list[cst.BaseSmallStatement] = []
        annotation_line: cst.AnnAssign | None = None
        changed = False
        for orig_small, new_small in zip(original.body, updated.body):
            pos = self.get_metadata(PositionProvider, orig_small).start
            finding = self.targets.pop((pos.line, pos.column), None)
            if finding is None:
                new_body.append(new_small)
                continue
            result = self._rewrite(new_small, finding, pos.line, sole=own_line and len(original.body) == 1)
            if isinstance(result, str):
                self.skipped.append((finding, result))
                new_body.append(new_small)
                continue
            replacement, annotation = result
            if annotation is not None:
                annotation_line = annotation
            new_body.append(replacement.with_changes(semicolon=new_small.semicolon))
            self.applied.append(finding)
            changed = True
        if not changed:
            return updated
        rewritten = updated.with_changes(body=new_body)
        if annotation_line is None:
            return rewritten
        declaration = cst.SimpleStatementLine(body=[annotation_line], leading_lines=updated.leading_lines)
        return cst.FlattenSentinel([declaration, rewritten.with_changes(leading_lines=[])])

    def _method_receiver(self) -> str | None:
        """The ``self`` name when the statement sits directly in a method of a class."""
        if len(self.scopes) < 2:
            return None
        func, cls = self.scopes[-1], self.scopes[-2]
        if not isinstance(func, cst.FunctionDef) or not isinstance(cls, cst.ClassDef):
            return None
        return _first_param(func)

    def _before_module_init(self, line: int) -> bool:
        func = self.scopes[-1]
        if not isinstance(func, cst.FunctionDef) or func.name.value != "__init__":
            return False
        if func not in self._init_lines:
            finder = _InitCallFinder(self._positions)
            func.body.visit(finder)
            self._init_lines[func] = finder.lines
        return any(init_line > line for init_line in self._init_lines[func])

    def _in_place_attrs(self, cls: cst.ClassDef) -> set[str]:
        if cls not in self._in_place:
            finder = _InPlaceFinder()
            cls.visit(finder)
            self._in_place[cls] = finder.attrs
        return self._in_place[cls]

    @property
    def _positions(self):
        return self.metadata[PositionProvider]

    def _rewrite(self, small, finding: Finding, line: int, sole: bool):
        """(new small statement, annotation-only statement or None), or the reason it cannot be done."""
        if finding.fix is None:
            return "no fix for this finding"
        if isinstance(small, cst.Assign):
            if len(small.targets) != 1:
                return "chained assignment"
            target, annotation, value = small.targets[0].target, None, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, annotation, value = small.target, small.annotation, small.value
        else:
            return "not a plain assignment"
        if not (isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name)):
            return "target is not self.<attr>"
        receiver = self._method_receiver()
        if receiver is None or target.value.value != receiver:
            return "assignment outside the class's own methods"
        if target.attr.value != finding.attr:
            return "target does not match the finding"
        if _class_defines(self.scopes[-2], finding.attr):
            return f"the class itself defines {finding.attr}"
        if self._before_module_init(line):
            return "assigned before Module.__init__() runs"
        fix = finding.fix
        if _has_none_branch(value) and not (fix.kind == "buffer" and self.buffer_style != "nn.Buffer"):
            # nn.Parameter(None) is an empty Parameter, not None: `if self.w is None` would break.
            return "one branch of the value is None; wrap the other branch by hand"
        if fix.kind == "parameter":
            if finding.attr in self._in_place_attrs(self.scopes[-2]):
                return "modified in place later, which a Parameter does not allow outside torch.no_grad()"
            return self._wrap(small, "Parameter", value)
        if fix.kind == "container":
            if isinstance(value, cst.Dict) and any(_non_string_key(el) for el in value.elements):
                return "dict keys that are not strings"
            if fix.container not in _NN_SUBMODULES:
                return f"unknown container {fix.container}"
            empty = (isinstance(value, cst.List) and not value.elements) or (
                isinstance(value, cst.Dict) and not value.elements
            )
            return self._wrap(small, fix.container, None if empty else value)
        if fix.kind == "buffer":
            extra = [] if fix.persistent else [_keyword("persistent", cst.Name("False"))]
            if self.buffer_style == "nn.Buffer":
                return self._wrap(small, "Buffer", value, extra)
            call = cst.Call(
                func=cst.Attribute(value=cst.Name(receiver), attr=cst.Name("register_buffer")),
                args=[
                    cst.Arg(cst.SimpleString(f'"{finding.attr}"'), comma=_COMMA),
                    cst.Arg(_strip_parens(value), comma=_COMMA if extra else cst.MaybeSentinel.DEFAULT),
                    *extra,
                ],
            )
            statement = cst.Expr(call)
            if annotation is None:
                return statement, None
            if not sole:
                return "annotated assignment sharing its line with other statements"
            return statement, cst.AnnAssign(target=target, annotation=annotation, value=None)
        return f"unknown fix kind {fix.kind}"

    def _wrap(self, small, name: str, value, extra: Sequence[cst.Arg] = ()):
        spelled = self.spelling.spell(name)
        if spelled is None:
            return "no usable spelling of torch.nn and no free name to import it as"
        args: list[cst.Arg] = []
        if value is not None:
            args.append(cst.Arg(_strip_parens(value), comma=_COMMA if extra else cst.MaybeSentinel.DEFAULT))
        args.extend(extra)
        return small.with_changes(value=cst.Call(func=cst.parse_expression(spelled), args=args)), None


_COMMA = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def _keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    return cst.Arg(
        value=value,
        keyword=cst.Name(name),
        equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""), whitespace_after=cst.SimpleWhitespace("")),
    )


def _char_column(source_lines: list[str], line: int, byte_col: int) -> int:
    """ast columns count UTF-8 bytes; libcst positions count characters."""
    if not 0 < line <= len(source_lines):
        return byte_col
    text = source_lines[line - 1]
    return len(text.encode("utf-8")[:byte_col].decode("utf-8", errors="ignore"))


def apply_fixes(source: str, findings: Sequence[Finding], buffer_style: str = "register_buffer") -> FixResult:
    """Rewrite the statements of ``findings`` that carry a fix; findings without one are skipped."""
    if buffer_style not in BUFFER_STYLES:
        raise ValueError(f"buffer style must be one of {', '.join(BUFFER_STYLES)}")
    result = FixResult(source)
    fixable = [f for f in findings if f.fix is not None]
    if not fixable:
        return result
    try:
        module = cst.parse_module(source)
    except Exception as exc:  # noqa: BLE001 - libcst raises TypeError etc. on some valid Python
        reason = f"libcst cannot parse the file: {type(exc).__name__}"
        result.skipped = [(f, reason) for f in fixable]
        return result
    lines = source.splitlines(keepends=True) or [""]
    targets: dict[tuple[int, int], Finding] = {}
    for finding in fixable:
        key = (finding.line, _char_column(lines, finding.line, finding.col))
        if key in targets:
            result.skipped.append((finding, "two findings on one statement"))
            continue
        targets[key] = finding
    spelling = NNSpelling(source)
    rewriter = _Rewriter(targets, spelling, buffer_style)
    try:
        new_module = MetadataWrapper(module, unsafe_skip_copy=True).visit(rewriter)
        if rewriter.applied and spelling.needs_import:
            context = CodemodContext()
            if spelling.needs_import == "nn":
                AddImportsVisitor.add_needed_import(context, "torch", "nn")
            else:
                AddImportsVisitor.add_needed_import(context, "torch")
            new_module = new_module.visit(AddImportsVisitor(context))
    except RecursionError:
        result.skipped = [(f, "nesting too deep to rewrite") for f in fixable]
        return result
    result.applied = rewriter.applied
    result.skipped.extend(rewriter.skipped)
    result.skipped.extend((f, "statement not found") for f in rewriter.targets.values())
    if rewriter.applied:
        result.source = new_module.code
    return result


def write_atomically(path: str, original: bytes, new: bytes) -> None:
    """Replace ``path`` with ``new`` via a temporary file in the same directory and ``os.replace``.

    Keeps the file mode and writes through a symlink to its target. Raises FileChangedError, without
    writing, if the file no longer holds ``original`` (someone edited it since it was read), and
    ReadOnlyError for a file without write permission bits (even root, which could write it, leaves
    a read-only file alone).
    """
    path = os.path.realpath(path)
    if not os.stat(path).st_mode & 0o222:
        raise ReadOnlyError(f"{path} is read-only; not written")
    with open(path, "rb") as handle:
        if handle.read() != original:
            raise FileChangedError(f"{path} changed on disk since it was read; not written")
    mode = os.stat(path).st_mode
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".nnparam-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(new)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
