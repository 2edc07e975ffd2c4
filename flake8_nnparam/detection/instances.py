"""Facts about where a class's instances live, which the class itself cannot show.

A consequence needs something to happen to an instance: a move (``model.to('cuda')``), a cast
(``.double()``), a save (``state_dict()``) or training (``parameters()`` handed to an optimizer). For a
library's classes that something is done by users the linter cannot see, so the class's own uses decide.
A class defined in test code is different: the tests in its file are its users. When the file never moves,
casts, saves or trains a module, a plain tensor in its test models is exported, traced or compared as it is,
and nothing can go wrong with it (set T's executorch: 66 findings in test models that are only exported on
the CPU; tuned sets: torchrl's test mocks and torchao's test utilities).
"""

from __future__ import annotations

import ast
import os
import re

from . import tables
from .arguments import device_type

# A path component that holds tests or benchmarks, which drive their own models. Exact names only: the
# directory flake8 runs in may sit above the project (a checkout named test_repo/, a tmp_path test_x0/).
_TEST_DIRS = frozenset(
    {"test", "tests", "testing", "unittest", "unittests", "unit_tests", "test_utils", "benchmark", "benchmarks"}
)
_TEST_FILE = re.compile(r"^(test_.*|.*_test|tests?|conftest)\.py$")

# Module methods whose call on an instance is a move, a cast, a save or training.
_CONSEQUENCE_METHODS = frozenset(
    "cuda xpu mps ipu double half bfloat16 to_empty state_dict load_state_dict parameters named_parameters "
    "buffers named_buffers share_memory".split()
)
# DataParallel(model): the file replicates a module (torch.save and optimizers: see moves_a_module)
_CONSEQUENCE_CALLEES = frozenset({"DataParallel", "DistributedDataParallel"})


def is_test_path(filename: str | None) -> bool:
    """``tests/test_ops.py``, ``foo_test.py``, ``conftest.py``, ``pkg/testing/utils.py``,
    ``benchmarks/bench_attn.py``: test code. Directories count from the project root down (a project
    kept in ``~/tests/myproj/`` is not test code)."""
    if not filename:
        return False
    parts = os.path.normpath(_project_relative(filename)).replace("\\", "/").split("/")
    return _TEST_FILE.match(parts[-1]) is not None or any(part.lower() in _TEST_DIRS for part in parts[:-1])


def _project_relative(filename: str) -> str:
    """The path from the file's project root (``project.find_root``), or as given when it is outside."""
    from .project import find_root

    try:
        real = os.path.realpath(os.path.abspath(filename))
        relative = os.path.relpath(real, find_root(filename))
    except (OSError, ValueError):
        return filename
    return filename if relative.startswith("..") else relative


def _dtype_only(call: ast.Call) -> bool:
    """``x.to(torch.float16)``, ``x.to(dtype=d)``: a cast that names only a dtype (of an input, in tests)."""
    if any(k.arg not in ("dtype", "non_blocking", "copy", "memory_format") for k in call.keywords if k.arg):
        return False
    for arg in call.args:
        root = arg.value if isinstance(arg, ast.Subscript) else arg  # self.dtype[i]
        if isinstance(root, ast.Attribute) and (root.attr in tables.DTYPE_NAMES or "dtype" in root.attr.lower()):
            continue
        if isinstance(root, ast.Name) and "dtype" in root.id.lower():
            continue
        return False
    return True


def _to_the_cpu(call: ast.Call) -> bool:
    """``m.to("cpu")``, ``m.to(torch.device("cpu"))``, ``m.to(device="cpu")``: the CPU a test runs on anyway."""
    if len(call.args) > 1 or any(k.arg not in ("device", "non_blocking", "copy") for k in call.keywords):
        return False  # .to("cpu", torch.float64): a cast too
    target = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "device"), None)
    return device_type(target) == "cpu"


def _copies_weights(call: ast.Call) -> bool:
    """``ref.load_state_dict(model.state_dict())``: one test model takes another's weights, in memory."""
    return (
        isinstance(call.func, ast.Attribute) and call.func.attr == "load_state_dict" and bool(call.args)
        and isinstance(call.args[0], ast.Call) and isinstance(call.args[0].func, ast.Attribute)
        and call.args[0].func.attr == "state_dict"
    )


def _layout_only(call: ast.Call) -> bool:
    """``m.to(memory_format=torch.channels_last)``: no device and no dtype, only a layout."""
    return not call.args and bool(call.keywords) and all(k.arg in ("memory_format", "non_blocking", "copy") for k in call.keywords)


def moves_a_module(tree: ast.AST) -> str | None:
    """The first call in the file that moves, casts, saves or trains a module, as text; None if there is none.

    Coarse on purpose, so that it errs towards reporting: any ``.cuda()``, ``.half()``, ``.state_dict()``,
    ``.parameters()``, ``torch.save``, optimizer, or ``.to(...)`` naming more than a dtype counts, whatever
    the receiver (``x.to(device)`` of an input usually means the model is moved too). A dtype-only
    ``.to(torch.float16)`` counts only on an instance of a class of the file (``Model().to(torch.half)``,
    ``m = Model(); m.to(dtype)``): tests cast their inputs all the time. Not a move to the CPU
    (``.to("cpu")``: where the test runs anyway) nor a copy of weights from one module to another
    (``ref.load_state_dict(model.state_dict())``: nothing is saved)."""
    classes = {n.name for n in ast.walk(tree) if isinstance(n, ast.ClassDef)}
    instances: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and _constructs(node.value, classes):
            instances.update(t.id for t in node.targets if isinstance(t, ast.Name))
    copied = {id(node.args[0]) for node in ast.walk(tree) if isinstance(node, ast.Call) and _copies_weights(node)}
    placing = _placing_its_parts(tree, classes)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in copied or id(node) in placing or _copies_weights(node):
            continue
        func = node.func
        name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
        if name in _CONSEQUENCE_METHODS and isinstance(func, ast.Attribute):
            return ast.unparse(node)
        if name in _CONSEQUENCE_CALLEES or (isinstance(func, ast.Attribute) and _optimizer(func)):
            return ast.unparse(node)
        if name == "save" and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "torch":
            return ast.unparse(node)  # torch.save(...), not torch.export.save(program) or a recorder's .save()
        if name == "to" and isinstance(func, ast.Attribute) and not _layout_only(node) and not _to_the_cpu(node):
            receiver = func.value
            if not _dtype_only(node) or _constructs(receiver, classes) or (
                isinstance(receiver, ast.Name) and receiver.id in instances
            ):
                return ast.unparse(node)
    return None


def _placing_its_parts(tree: ast.AST, classes: set[str]) -> set[int]:
    """Moves a class of the file makes of its own parts (``self.w = nn.Parameter(w).to(self.device)`` in
    ``__init__``): the class under test placing what it builds, not a test moving a module. Construction
    moving the instance itself (``self.to(device)``) still counts, and so does every other method (a
    ``unittest.TestCase``'s tests and ``setUp`` move the models they test)."""
    found: set[int] = set()
    for cls in (n for n in ast.walk(tree) if isinstance(n, ast.ClassDef)):
        for func in (f for f in cls.body if isinstance(f, ast.FunctionDef) and f.name == "__init__"):
            receiver = func.args.args[0].arg if func.args.args else None
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in _PLACING_METHODS
                    and not (isinstance(node.func.value, ast.Name) and node.func.value.id == receiver)
                    and not _constructs(node.func.value, classes)  # a harness's self.model = Net().cuda()
                ):
                    found.add(id(node))
    return found


_PLACING_METHODS = frozenset({"to", "cuda", "xpu", "mps", "double", "half", "bfloat16"})


def _constructs(node: ast.AST, classes: set[str]) -> bool:
    """``Model(...)`` or ``Model(...).eval()``: an instance of a class of the file."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
        node = node.func.value  # Model().eval(), Model().to(...)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in classes


def _optimizer(func: ast.Attribute) -> bool:
    """``torch.optim.Adam(...)``, ``optim.SGD(...)``."""
    value = func.value
    return (isinstance(value, ast.Name) and value.id == "optim") or (
        isinstance(value, ast.Attribute) and value.attr == "optim"
    )


# Calls on an instance, or on a name bound to one, that move, cast, save or train it.
_KEEPING_METHODS = _CONSEQUENCE_METHODS | _PLACING_METHODS | {"load_state_dict", "train", "register_module", "add_module"}


class InstanceFacts:
    """Whether one file's classes are test fixtures nothing moves, or made per call (asked once per file, lazily)."""

    def __init__(self, tree: ast.AST, filename: str | None) -> None:
        self.tree = tree
        self.filename = filename
        self._test: bool | None = None
        self._mover: str | None | bool = False  # not looked for yet
        self._scope_of: dict[int, ast.AST] | None = None
        self._sites: dict[str, list[tuple[ast.AST | None, ast.Call]]] | None = None
        self._parents: dict[int, ast.AST] = {}

    def built_per_call(self, class_node: ast.ClassDef) -> str | None:
        """Why every instance of a class lives within one call, or None: the file constructs it, and only inside
        methods of its classes other than ``__init__`` that use the instance there and drop it
        (``_DiTAdapter(self.dit, cond)`` in a forward, a distribution a forward returns): nothing keeps it on a
        module, returns it from a factory, or moves, casts, saves or trains it, so what it holds meets only that
        call's values. A construction in ``__init__``, at module level, in a module-level function (a research
        file's ``test()`` or ``main()`` building the model stands for what its users do), kept on an attribute
        or returned by another function (a factory) may become a sub-module that ``.to()`` moves."""
        sites = self._constructions().get(class_node.name)
        if not sites:
            return None
        for func, call in sites:
            method = func is not None and isinstance(self._parents.get(id(func)), ast.ClassDef)
            if not method or func.name == "__init__" or not self._dropped(func, call):
                return None  # a module-level test() or main() building a model stands for its users
        func, call = sites[0]
        return (f"made per call: each construction in this file (first in {func.name}, line {call.lineno}) is used "
                "within that call and dropped, so nothing moves, casts or saves an instance")

    def _constructions(self) -> dict[str, list[tuple[ast.AST | None, ast.Call]]]:
        """Class name -> (innermost enclosing function or None, call) for every call of a bare name."""
        if self._sites is None:
            self._sites = {}
            stack: list[tuple[ast.AST, ast.AST | None]] = [(self.tree, None)]
            while stack:
                node, func = stack.pop()
                for child in ast.iter_child_nodes(node):
                    self._parents[id(child)] = node
                    inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
                    if isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id.lstrip("_")[:1].isupper():
                        self._sites.setdefault(child.func.id, []).append((func, child))
                    stack.append((child, inner))
        return self._sites

    def _dropped(self, func: ast.AST, call: ast.Call) -> bool:
        """Is the instance ``call`` makes in ``func`` used there and dropped (see ``built_per_call``)? Handed to
        another call outside a forward (``trainer.fit(model)``, ``train(model, loader)``), it may be moved there."""
        per_call = func.name in tables.FORWARD_METHODS
        node, parent = call, self._parents.get(id(call))
        while isinstance(parent, ast.Attribute) or (isinstance(parent, ast.Call) and parent.func is node):
            if isinstance(parent, ast.Attribute) and parent.attr in _KEEPING_METHODS:
                return False  # Model(...).to(device)
            node, parent = parent, self._parents.get(id(parent))
        if isinstance(parent, ast.Expr):
            return True
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            if not all(isinstance(t, ast.Name) for t in targets):
                return False  # kept on an attribute or in a container
            names = {t.id for t in targets}
            return all(self._used_and_dropped(use, per_call) for use in ast.walk(func)
                       if isinstance(use, ast.Name) and use.id in names and isinstance(use.ctx, ast.Load))
        return per_call and not isinstance(parent, (ast.Yield, ast.YieldFrom))

    def _used_and_dropped(self, use: ast.Name, per_call: bool) -> bool:
        parent = self._parents.get(id(use))
        if isinstance(parent, ast.Call) and parent.func is use:
            return True  # adapter(x)
        if isinstance(parent, ast.Attribute):
            return parent.attr not in _KEEPING_METHODS  # dist.log_prob(x), bounds.volume
        if isinstance(parent, (ast.Assign, ast.AnnAssign)) and any(
            not isinstance(t, ast.Name) for t in (parent.targets if isinstance(parent, ast.Assign) else [parent.target])
        ):
            return False  # self.head = head
        return per_call  # returned or collected by a forward: the caller's value for this call

    def never_moved(self, class_node: ast.ClassDef | None = None) -> str | None:
        """Why a class of test code is one that nothing moves, casts, saves or trains (``NEVER_MOVED``: no code
        of its file does; ``NEVER_MOVED_IN_TEST``: it is defined inside a test function that does not and hands
        nothing back, as executorch's test methods each define, export and check their own model while the
        file's other tests move theirs), or None."""
        if self._test is None:
            self._test = is_test_path(self.filename)
        if not self._test:
            return None
        if self._mover is False:
            self._mover = moves_a_module(self.tree)
        if self._mover is None:
            return NEVER_MOVED
        scope = self._scopes().get(id(class_node)) if class_node is not None else None
        if scope is None or moves_a_module(scope) is not None:
            return None
        # self._check(M()): a helper method of the test class runs in the test too
        helpers = {
            n.func.attr for n in ast.walk(scope)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and isinstance(n.func.value, ast.Name)
            and n.func.value.id == "self"
        }
        moved_by_a_helper = any(
            isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and f.name in helpers and moves_a_module(f) is not None
            for f in ast.walk(self.tree)
        )
        return None if moved_by_a_helper else NEVER_MOVED_IN_TEST

    def _scopes(self) -> dict[int, ast.AST]:
        """Class node -> the test function it is defined in (directly), when that function returns nothing."""
        if self._scope_of is None:
            self._scope_of = {}
            for func in ast.walk(self.tree):
                if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    continue
                if any(isinstance(n, ast.Return) and n.value is not None or isinstance(n, (ast.Yield, ast.YieldFrom))
                       or isinstance(n, (ast.Assign, ast.AnnAssign)) and any(
                           isinstance(t, ast.Attribute) for t in (n.targets if isinstance(n, ast.Assign) else [n.target]))
                       for n in _own_nodes(func)):
                    continue  # a factory, a fixture or a setUp keeping it on self: others may move what it makes
                for stmt in _own_nodes(func):
                    if isinstance(stmt, ast.ClassDef):
                        self._scope_of[id(stmt)] = func
        return self._scope_of


def _own_nodes(func: ast.AST):
    """The nodes of ``func`` outside its nested functions and classes (those are yielded, not entered)."""
    stack = list(ast.iter_child_nodes(func))
    while stack:
        node = stack.pop()
        yield node
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            stack.extend(ast.iter_child_nodes(node))


NEVER_MOVED = "a test module, and its test file never moves, casts, saves or trains a module"
NEVER_MOVED_IN_TEST = ("a test module defined inside a test function that never moves, casts, saves or trains it "
                       "and hands nothing back")
