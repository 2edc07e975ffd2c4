"""Walk what a Module's construction runs and turn unregistered state into findings.

``analyze(tree, source)`` is the engine's single entry point; it knows nothing of flake8.
"""

from __future__ import annotations

import ast
import bisect
import copy
import re
import sys
from dataclasses import dataclass, replace

from . import tables
from .imports import ImportTable, all_nodes, dotted_name, function_statements, is_property, is_torch_name, iter_statements, mentions_self_attr, registration
from .imports import first_param as _first_param
from .imports import self_attr as _self_attr
from .call_rules import LAYER_NAMES, built_at_call, built_lazily
from .module_classes import ClassInfo, ModuleClassIndex, is_torch_module_name
from .prefilter import DEFAULT_OFF_BAND, could_hold_findings
from .container_rules import decide_container
from .fix_edits import ClassCode, FixBuilder, Target, fix_suffix, no_fix_reason
from .instances import InstanceFacts
from .rule import Decision, Fix, silence
from .rules import RULES_BY_CODE
from .tensor_rules import decide_lazy_state, decide_tensor
from .tensors import ExpressionInference, is_number, known_type, zero_dim_literal
from .arguments import (
    compared_with_numbers, is_device_call, is_device_helper_call, is_device_name, isinstance_test, isinstance_tested,
    moved_operands, moved_parameters, none_test, placed_per_device, registered_elements, type_branch,
)
from .imports import cached_on_node as _cached
from .imports import walk_once as _walk
from .uses import AttrUses, ClassView, Use, collect_uses, first_use_draw, guard_text, is_in_place, lazy_updates
from .values import CONTAINER, DEVICE as DEVICE_KIND, MODULE, NUMBER, PARAM, REGISTERED, TENSOR, Value, merge

_FunctionNode = (ast.FunctionDef, ast.AsyncFunctionDef)
# Tensors the instance holds that break after a move or are lost on save: nothing when no instance is kept.
_HELD_STATE_CODES = frozenset({"MPR002", "MPR007", "MPR008"})
_MAX_CALL_DEPTH = 8
_STDLIB = frozenset(sys.stdlib_module_names) - {"__future__"}
BUFFER_ALIAS = "buffer"  # _InFileCallers: a caller passes a buffer it registers itself
MIXED_STATE = "mixed"  # _InFileCallers: a caller's attribute that is a Parameter or a buffer, by branch


@dataclass(frozen=True)
class Finding:
    line: int  # 1-based first line of the statement
    col: int  # 0-based
    code: str
    message: str  # starts with the code
    attr: str
    end_line: int = 0
    fix: Fix | None = None  # complete: its edits are what --fix writes
    evidence: str = ""  # the consequence and where it shows, or why the candidate is only default-off
    use_line: int = 0  # the line of the use that breaks, when there is one
    no_fix: str = ""  # why a default-on finding has no fix


@dataclass
class Binding:
    attr: str
    value: Value
    stmt: ast.stmt
    reportable: bool  # first binding on its path (later ones update it)
    computed_name: bool = False
    via_setattr: bool = False
    function: ast.AST | None = None  # the function that binds it (a method, or a helper given the module)
    receiver: str | None = None  # that function's name for the module (``self``)


def _base_self_attr(node: ast.AST, self_name: str) -> str | None:
    """``self.x`` for ``self.x``, ``self.x[0]``, ``self.x.data``, ``self.x.to(d).float()``."""
    while True:
        attr = _self_attr(node, self_name)
        if attr is not None:
            return attr
        if isinstance(node, (ast.Attribute, ast.Subscript, ast.Starred)):
            node = node.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = _self_attr(node.func, self_name)
            if method is not None:
                return method  # self._build(...): the helper's name
            node = node.func.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
            "list", "tuple", "enumerate", "zip", "reversed", "sorted", "iter",
        ) and node.args:
            node = node.args[0]
        else:
            return None


def _name_pattern(node: ast.AST) -> str:
    """``f"level{i}"`` -> ``level{i}``: how a computed attribute name reads in a message."""
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif isinstance(value, ast.FormattedValue):
                parts.append("{" + ast.unparse(value.value) + "}")
        return "".join(parts)
    return "{" + ast.unparse(node) + "}"


def _str_const(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _attrs_read(func) -> set[str]:
    """The ``self`` attributes a method reads (once per method)."""

    def compute(f):
        self_name = _first_param(f)
        return {a for n in _walk(f) if isinstance(n, ast.Attribute) and (a := _self_attr(n, self_name))}

    return _cached(func, "_nnparam_attrs_read", compute)


def _joined_self_attrs(node: ast.AST, self_name: str) -> set[str]:
    """The attributes an argument is made of: ``self.blocks``, ``self.a + self.b``, ``[*self.a, self.c]``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _joined_self_attrs(node.left, self_name) | _joined_self_attrs(node.right, self_name)
    if isinstance(node, (ast.List, ast.Tuple)):
        return set().union(*(_joined_self_attrs(e, self_name) for e in node.elts))
    if isinstance(node, ast.Starred):
        return _joined_self_attrs(node.value, self_name)
    attr = _base_self_attr(node, self_name)
    return {attr} if attr else set()


def _replaces_moves(name: str, func) -> bool:
    """An ``_apply`` (or ``to``/``cuda``) override that never hands on to ``super()``: ``.to()`` moves only what
    the class moves itself (a history kept on the CPU on purpose), so no attribute is left behind by it."""
    if name not in ("_apply", "to", "cuda"):
        return False
    self_name = _first_param(func)
    return not any(
        isinstance(node, ast.Attribute) and node.attr == name and not _self_attr(node, self_name) for node in _walk(func)
    )


def _reads_generically(func) -> bool:
    """``vars(self)``, ``self.__dict__``, ``getattr(self, name)``: an override that walks every attribute."""

    def compute(f):
        self_name = _first_param(f)
        for node in _walk(f):
            if isinstance(node, ast.Attribute) and node.attr == "__dict__" and _self_attr(node, self_name):
                return True
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("vars", "getattr", "setattr")
                and node.args
                and isinstance(node.args[0], ast.Name)
                and node.args[0].id == self_name
                and (node.func.id == "vars" or _str_const(node.args[1] if len(node.args) > 1 else None) is None)
            ):
                return True
        return False

    return _cached(func, "_nnparam_generic_reads", lambda f: [compute(f)])[0]


def _installs_module(func: ast.AST) -> bool:
    """``set_module_by_path(net, path, m)``, ``replace_module(...)``: m is installed into another Module."""
    name = (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")).lower()
    return any(word in name for word in ("set_module", "set_submodule", "replace_module", "install", "setattr"))


class _Evidence:
    """What the whole class (and its in-file bases) says about each attribute, from every method."""

    def __init__(self, info: ClassInfo, construction: set[ast.AST], imports: ImportTable, module_functions: dict,
                 bound_at_construction: frozenset[str] = frozenset()):
        self._module_functions = module_functions
        self._bound_at_construction = bound_at_construction  # plain tensors construction binds
        self.registered: set[str] = set()
        self.dynamic_registration = False
        self.parameter_attrs: set[str] = set()
        self._local_scope = None  # the construction method being scanned, for _locals_of
        self._local_attrs: dict[str, set[str]] | None = None  # its locals made of self attributes, once asked
        self.device_aware: set[str] = set()
        self.learn_hints_grad: set[str] = set()  # .requires_grad_(), .requires_grad = True
        self.learn_hints_init: set[str] = set()  # nn.init.*(self.w), self.w.data.uniform_() during construction
        self.frozen: set[str] = set()
        self.wrapped: set[str] = set()
        # given to the class's own optimizer or torch.autograd.grad: attr -> (optimizer, method, line) of the first
        self.self_trained: dict[str, tuple[str, str, int]] = {}
        self._method_name = ""  # the method _scan reads now
        self.elements_registered: set[str] = set()
        self.self_managed: str | None = None
        self._managers: dict[str, ast.AST] = {}  # overrides of _apply / state_dict / ... by name
        self._hooks: dict[str, ast.AST] = {}  # state-dict hooks the class registers, by method name
        self.owner_managed: set[str] = set()  # attributes an owning model's _apply override moves
        self.runtime_functions: list[tuple[ast.AST, str, bool]] = []  # (function, self name, is a hook)
        self.periodic = False  # the class calls torch.sin/cos after construction (set from the use scan)
        self.seeded = any(  # torch.manual_seed(...) during construction: random draws are reproducible
            isinstance(n, ast.Call) and isinstance(n.func, (ast.Attribute, ast.Name))
            and (n.func.attr if isinstance(n.func, ast.Attribute) else n.func.id) in ("manual_seed", "seed")
            for m in construction for n in _walk(m)
        )
        self.read_at_runtime: set[str] = set()
        self.read_at_construction: set[str] = set()
        self.handed_over: set[str] = set()  # given at construction to a sub-module it builds: Block(A=self.A)
        self.dynamic_device_aware = False
        self.reads_everything = False  # getattr(self, name) / vars(self) outside construction
        self.has_runtime_methods = False
        init = info.methods.get("__init__")
        # class M(nn.Module) whose __init__ never calls nn.Module.__init__(): .to() and state_dict() raise on it,
        # and register_buffer too, so it is used as a plain object and a finding's consequence cannot happen
        self.plain_object = (
            init is not None and bool(info.bases) and not info.node.keywords
            and all(imports.qualify(b) == "torch.nn.Module" for b in info.bases)
            and not any(isinstance(n, ast.Attribute) and n.attr == "__init__" for n in _walk(init))
        )
        self._info = info
        self.class_node = info.node
        self._construction = construction
        self._imports = imports
        self._project = None  # set by the caller: a project.FileView for bases in other files
        runtime = self._runtime_methods(info, construction)
        for cls in info.mro():
            for name in cls.methods:
                if name in tables.SELF_MANAGED_METHODS:
                    self._managers.setdefault(name, cls.methods[name])
                    if self.self_managed is None:
                        self.self_managed = name
            for method in cls.methods.values():
                self_name = _first_param(method)
                if self_name is None:
                    continue
                at_construction = method in construction and method not in runtime
                self.has_runtime_methods |= not at_construction
                self._scan(method, self_name, at_construction, imports)
                if not at_construction:
                    if method.name not in tables.NON_COMPUTING_METHODS:  # __eq__(self, other), __repr__: no forward path
                        self.runtime_functions.append((method, self_name, False))
                else:  # hooks and closures created during construction run later
                    for node in _walk(method):
                        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)) and node is not method:
                            self.runtime_functions.append((node, self_name, True))
                    self._scan_module_hooks(method, module_functions)

    def parameter_guard(self, attr: str) -> str | None:
        """The test under which construction makes ``attr`` an nn.Parameter (``spinor``, ``not bias``)."""
        for method in self._construction:
            for node in _walk(method):
                if not isinstance(node, ast.If):
                    continue
                for branch, guard in ((node.body, guard_text(node.test)), (node.orelse, "not " + guard_text(node.test))):
                    for stmt in iter_statements(branch):
                        if (
                            isinstance(stmt, ast.Assign)
                            and any(_self_attr(t, _first_param(method)) == attr for t in stmt.targets)
                            and isinstance(stmt.value, ast.Call)
                            and (self._imports.qualify(stmt.value.func) or "") in tables.PARAMETER_CLASSES
                        ):
                            return guard
        return None

    def manager_of(self, attr: str) -> str | None:
        """Who handles ``attr`` itself, if anyone, as a message reads it: the class's (or an in-file base's)
        override of ``_apply``, ``state_dict``, ..., an owning model's ``_apply``, or a base's override in
        another file of the project."""
        if attr in self.owner_managed:
            return "the owning model's _apply()"
        for name, method in self._managers.items():
            if attr in _attrs_read(method) or _reads_generically(method) or _replaces_moves(name, method):
                return f"the class's {name}()"
        for name, hook in self._hooks.items():  # a static hook gets the module as its first argument
            module = next(iter(hook.args.posonlyargs + hook.args.args), None)
            if module is not None and any(_self_attr(n, module.arg) == attr for n in _walk(hook)):
                return f"the class's state-dict hook {name}()"
        for name, touched in self._project_overrides().items():
            if name in tables.SELF_MANAGED_METHODS and any(path.split(".", 1)[0] == attr for path in touched):
                return f"the class's {name}()"
        if any("__setattr__" in cls.methods for cls in self._info.mro()) or "__setattr__" in self._project_overrides():
            # nn.Module.__setattr__ is what registers: a class that overrides it decides what registers
            # (refiners' Chain refuses module attributes and keeps sub-adapters in lists on purpose)
            return "the class's __setattr__()"
        return None

    def registered_by_project_base(self, attr: str) -> bool:
        """A base in another file registers the name (``self.register_buffer("points", t)``): assigning a
        tensor to it later updates that buffer, as ``nn.Module.__setattr__`` does."""
        return any(attr in self._project_overrides().get(method, ()) for method in tables.REGISTRATION_METHODS)

    def _project_overrides(self) -> dict[str, list[str]]:
        """Overrides of state methods in bases defined in other files (the project index reads them)."""
        cached = self.__dict__.get("_overrides")
        if cached is None:
            cached = {}
            project = self._project
            if project is not None:
                for cls in self._info.mro():
                    for base in cls.bases:
                        dotted = dotted_name(base)
                        if dotted and not is_torch_name(self._imports.qualify(base)):
                            for name, touched in project.overrides(dotted).items():
                                cached.setdefault(name, touched)
            self.__dict__["_overrides"] = cached
        return cached

    @staticmethod
    def _runtime_methods(info: ClassInfo, construction: set[ast.AST]) -> set[ast.AST]:
        """Methods that run after construction: those construction does not run, and what they call."""
        methods = {m: name for cls in info.mro() for name, m in cls.methods.items()}
        runtime = {m for m in methods if m not in construction}
        frontier = list(runtime)
        while frontier:
            method = frontier.pop()
            self_name = _first_param(method)
            for node in _walk(method):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == self_name
                ):
                    callee = info.find_method(node.func.attr)
                    if callee is not None and callee not in runtime:
                        runtime.add(callee)
                        frontier.append(callee)
        return runtime

    def _scan(self, method, self_name: str, in_construction: bool, imports: ImportTable) -> None:
        if not in_construction:
            self._scan_runtime_reads(method, self_name)
            self._scan_local_moves(method, self_name)
            self._scan_moving_calls(method, self_name, self._info)
        else:
            rebinding_reads = {
                id(n)
                for stmt in _walk(method)
                if isinstance(stmt, ast.Assign)
                and len(stmt.targets) == 1
                and (target := _self_attr(stmt.targets[0], self_name))
                for n in ast.walk(stmt.value)
                if _self_attr(n, self_name) == target
            }
            for node in _walk(method):
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and id(node) not in rebinding_reads:
                    attr = _self_attr(node, self_name)
                    if attr:
                        self.read_at_construction.add(attr)
            self.handed_over |= _handed_to_kept_calls(method, self_name)
            # Hooks and closures defined during construction run later.
            for node in _walk(method):
                if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef)) and node is not method:
                    self._scan_runtime_reads(node, self_name)
        self._method_name = getattr(method, "name", "a closure")
        # locals made of self attributes: module_list = sum(zip(self.layers, elus), ()); nn.Sequential(*module_list)
        self._local_scope = (method, self_name) if in_construction else None
        self._local_attrs = None  # made on first use (_locals_of): most methods never ask
        for node in _walk(method):
            if isinstance(node, ast.Call):
                self._scan_call(node, self_name, in_construction, imports)
            elif isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    self._scan_target(node, target, self_name, in_construction, imports)
            elif isinstance(node, ast.For):
                self._scan_loop(node, self_name, in_construction)
            elif isinstance(node, (ast.ListComp, ast.GeneratorExp, ast.DictComp, ast.SetComp)):
                if not in_construction and any(is_device_call(n) for n in ast.walk(node)):
                    for gen in node.generators:
                        attr = _base_self_attr(gen.iter, self_name)
                        if attr:
                            self.device_aware.add(attr)

    def _registering_helper(self, call: ast.Call, helper, self_name: str, bound: bool) -> None:
        """``self.register_modules(self.conv_list, "Conv2d")``: a helper of the class or file that registers
        each element of what it is given on this module (``arguments.registered_elements``)."""
        registers = registered_elements(helper) if helper is not None else {}
        if not registers:
            return
        names = [a.arg for a in helper.args.posonlyargs + helper.args.args]
        given = [ast.Name(id=self_name)] * bound + list(call.args)
        passed = {n: v for n, v in zip(names, given)} | {k.arg: k.value for k in call.keywords if k.arg}
        for param, receiver in registers.items():
            holder, value = passed.get(receiver), passed.get(param)
            attr = _self_attr(value, self_name) if value is not None else None
            if attr and isinstance(holder, ast.Name) and holder.id == self_name:
                self.elements_registered.add(attr)

    def read_outside(self, attr: str, method_name: str) -> bool:
        """Does a method that runs after construction, other than ``method_name``, read ``self.<attr>``?"""
        return any(
            getattr(func, "name", "") != method_name and attr in _attrs_read(func)
            for func, _, _ in self.runtime_functions
        )

    def unused_after_construction(self, attr: str, tensor: bool = False) -> bool:
        """The class's methods never read it after construction (and we can see those methods): whatever
        it is, no use shows a consequence (a value only construction reads, or one nothing reads at all).
        A tensor handed to a sub-module construction keeps (``Block(A=self.A)``) is read by that block; a
        container handed over (``MultiLoss(self.losses)``) is the receiver's to register."""
        return (
            self.has_runtime_methods and not self.reads_everything and attr not in self.read_at_runtime
            and not (tensor and attr in self.handed_over)
        )

    def _scan_module_hooks(self, method, module_functions: dict) -> None:
        """``self.register_forward_hook(scale_output)`` with a module-level function: it gets the module as
        its first argument, so what it reads of it (``module.gain``) is read after construction."""
        for node in _walk(method):
            if (
                isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in tables.MODULE_HOOK_REGISTRATIONS and node.args and isinstance(node.args[0], ast.Name)
            ):
                hook = module_functions.get(node.args[0].id)
                module = next(iter(hook.args.posonlyargs + hook.args.args), None) if hook is not None else None
                if module is not None:
                    self._scan_runtime_reads(hook, module.arg)

    def _scan_runtime_reads(self, node, self_name: str) -> None:
        for sub in _walk(node):
            read = sub.target if isinstance(sub, ast.AugAssign) else sub  # self.n += 1 reads it
            if isinstance(read, ast.Attribute) and (read is not sub or isinstance(read.ctx, ast.Load)):
                attr = _self_attr(read, self_name)
                if attr:
                    self.read_at_runtime.add(attr)
            elif isinstance(sub, ast.Call) and isinstance(sub.func, ast.Name):
                if sub.func.id in ("getattr", "vars") and sub.args:
                    first = sub.args[0]
                    if isinstance(first, ast.Name) and first.id == self_name:
                        name = _str_const(sub.args[1]) if len(sub.args) > 1 else None
                        if name is None:
                            self.reads_everything = True
                        else:
                            self.read_at_runtime.add(name)

    def _scan_moving_calls(self, method, self_name: str, info: ClassInfo) -> None:
        """``self._srp(x, doas=self.doas)`` or ``update(x, self.f)`` where the callee moves that parameter."""
        for node in _walk(method):
            if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
                continue
            owner = node.func.value
            if not (isinstance(owner, ast.Name) and (owner.id == self_name or owner.id == info.node.name)):
                continue
            callee = info.find_method(node.func.attr)
            if callee is None:
                continue
            self._note_moved_arguments(node, callee, self_name, bound_method=owner.id == self_name)
        for node in _walk(method):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
                callee = self._module_functions.get(node.func.id)
                if callee is not None:
                    self._note_moved_arguments(node, callee, self_name, bound_method=False)

    def _note_moved_arguments(self, node: ast.Call, callee, self_name: str, bound_method: bool) -> None:
        moved = moved_parameters(callee, self._module_functions)
        if not moved:
            return
        params = [a.arg for a in callee.args.posonlyargs + callee.args.args]
        if bound_method and _first_param(callee) is not None:
            params = params[1:]
        pairs = list(zip(params, node.args)) + [(kw.arg, kw.value) for kw in node.keywords]
        for param, arg in pairs:
            attr = _self_attr(arg, self_name)
            if attr and param in moved:
                self.device_aware.add(attr)

    def _scan_local_moves(self, method, self_name: str) -> None:
        """``coef = self.betas * k; coef = coef.to(x.device)``: a local derived from an attribute is moved."""
        derived: dict[str, set[str]] = {}
        for node in _walk(method):
            if isinstance(node, ast.Assign):
                sources: set[str] = set()
                for sub in ast.walk(node.value):
                    attr = _self_attr(sub, self_name)
                    if attr:
                        sources.add(attr)
                        callee = self._info.find_method(attr) if isinstance(sub.ctx, ast.Load) else None
                        if callee is not None:  # self._grid(...) computes from the attributes it reads
                            sources |= _attrs_read(callee)
                    elif isinstance(sub, ast.Name) and sub.id in derived:
                        sources |= derived[sub.id]
                if sources:
                    for target in node.targets:
                        for name in ast.walk(target):
                            if isinstance(name, ast.Name):
                                derived.setdefault(name.id, set()).update(sources)
        if not derived:
            return
        for node in _walk(method):
            if not is_device_call(node):
                continue
            for candidate in moved_operands(node):
                while isinstance(candidate, (ast.Subscript, ast.Attribute, ast.Call)):
                    if isinstance(candidate, ast.Call):
                        if not isinstance(candidate.func, ast.Attribute):
                            break
                        candidate = candidate.func.value
                    else:
                        candidate = candidate.value
                if isinstance(candidate, ast.Name) and candidate.id in derived:
                    self.device_aware |= derived[candidate.id]

    def _scan_call(self, call: ast.Call, self_name: str, in_construction: bool, imports: ImportTable) -> None:
        func = call.func
        if isinstance(func, ast.Name) and func.id in self._module_functions:  # register_all(self, self.blocks)
            self._registering_helper(call, self._module_functions[func.id], self_name, bound=False)
        if isinstance(func, ast.Attribute):
            receiver_attr = _self_attr(func.value, self_name)
            if isinstance(func.value, ast.Name) and func.value.id == self_name:
                if func.attr in tables.STATE_DICT_HOOK_REGISTRATIONS and call.args:
                    hook = _self_attr(call.args[0], self_name)
                    method = self._info.find_method(hook) if hook else None
                    if method is not None:  # self.register_state_dict_pre_hook(self._pre_state_dict_hook)
                        self._hooks.setdefault(hook, method)
                    return
                self._registering_helper(call, self._info.find_method(func.attr), self_name, bound=True)
                registered = registration(call, self_name)
                if registered is not None:
                    name = registered[1]
                    if name is None:
                        self.dynamic_registration = True
                    elif in_construction or name not in self._bound_at_construction:
                        self.registered.add(name)
                    # else: a name construction binds plainly, registered by a later method (an export path,
                    # cache_anchors()): until that runs it is plain, and register_buffer raises if it is still
                    # there. Its uses decide.
                    if len(call.args) >= 2 and isinstance(call.args[1], ast.Subscript):
                        owner = _base_self_attr(call.args[1], self_name)
                        if owner:
                            self.elements_registered.add(owner)  # add_module(f"cnn_{i}", self.cnns[i])
                return
            if (
                not in_construction
                and is_device_call(call)
                and isinstance(func.value, ast.Call)
                and isinstance(func.value.func, ast.Name)
                and func.value.func.id == "getattr"
                and len(func.value.args) >= 2
                and isinstance(func.value.args[0], ast.Name)
                and func.value.args[0].id == self_name
                and _str_const(func.value.args[1]) is None
            ):
                self.dynamic_device_aware = True  # getattr(self, f"pos_embed{i}").to(x.device)
            base_attr = _base_self_attr(func.value, self_name)
            if base_attr is not None:
                if is_device_call(call) and not in_construction:
                    self.device_aware.add(base_attr)
                    helper = self._info.find_method(base_attr)
                    if helper is not None:  # self._build(...).to(x.device): what _build reads is moved
                        self.device_aware |= _attrs_read(helper)
                if receiver_attr is not None:
                    if func.attr == "requires_grad_":
                        flag = call.args[0] if call.args else None
                        if isinstance(flag, ast.Constant) and not flag.value:
                            self.frozen.add(receiver_attr)
                        else:
                            self.learn_hints_grad.add(receiver_attr)
                    elif func.attr in tables.INIT_METHODS and in_construction:
                        self.learn_hints_init.add(receiver_attr)
                elif func.attr in tables.INIT_METHODS and in_construction:
                    self.learn_hints_init.add(base_attr)  # self.weight.data.uniform_(-s, s)
        qualified = imports.qualify(func)
        if qualified:
            if qualified.startswith("torch.nn.init."):
                for arg in call.args[:1]:
                    attr = _base_self_attr(arg, self_name)
                    if attr:
                        self.learn_hints_init.add(attr)
            elif qualified.rsplit(".", 1)[-1] in tables.REGISTERING_CONTAINERS or (
                qualified.startswith("torch.nn.") and not qualified.startswith("torch.nn.functional.")
            ):  # nn.ModuleList(self.blocks), nn.Parameter(self.w); F.conv1d(x, self.w) only computes with it
                for arg in call.args:
                    self.wrapped |= _joined_self_attrs(arg, self_name)
                    local = arg.value if isinstance(arg, ast.Starred) else arg
                    if isinstance(local, ast.Name) and qualified.rsplit(".", 1)[-1] in tables.REGISTERING_CONTAINERS:
                        self.wrapped |= self._locals_of(local.id)
            if qualified.startswith("torch.optim.") and qualified.rsplit(".", 1)[-1][:1].isupper() or (
                qualified == "torch.autograd.grad"
            ):  # optim.Adam(self.weights + self.biases), torch.autograd.grad(loss, self.weights)
                trainer = (qualified.rsplit(".", 1)[-1], self._method_name, call.lineno)
                for arg in call.args[:2] + [kw.value for kw in call.keywords if kw.arg in ("params", "inputs")]:
                    for attr in _joined_self_attrs(arg, self_name):
                        self.self_trained.setdefault(attr, trainer)
        if not in_construction and any(kw.arg == "device" for kw in call.keywords):
            for arg in call.args:
                attr = _base_self_attr(arg, self_name)
                if attr:
                    self.device_aware.add(attr)

    def _scan_target(self, stmt, target, self_name: str, in_construction: bool, imports: ImportTable) -> None:
        attr = _self_attr(target, self_name)
        value = getattr(stmt, "value", None)
        if attr is not None:
            if isinstance(value, ast.Call) and (imports.qualify(value.func) or "") in tables.PARAMETER_CLASSES:
                self.parameter_attrs.add(attr)
            if isinstance(value, ast.Call) and (imports.qualify(value.func) or "") in tables.BUFFER_CLASSES:
                self.registered.add(attr)
            if not in_construction and not isinstance(stmt, ast.AugAssign) and value is not None and any(
                is_device_call(n) or is_device_helper_call(n) for n in ast.walk(value)
            ):
                self.device_aware.add(attr)
            return
        if isinstance(target, ast.Attribute) and target.attr == "requires_grad":
            owner = _self_attr(target.value, self_name)
            if owner is not None and isinstance(value, ast.Constant):
                (self.learn_hints_grad if value.value else self.frozen).add(owner)

    def _loop_names(self, source: ast.AST, self_name: str) -> list[str] | None:
        """``("a", "b")``, or ``self._buffer_names`` / ``Cls._buffer_names`` set to one in a class body."""
        if isinstance(source, (ast.Tuple, ast.List)):
            names = [_str_const(e) for e in source.elts]
            return names if names and all(names) else None
        attr = _self_attr(source, self_name) if isinstance(source, ast.Attribute) else None
        if attr is None and isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name):
            attr = source.attr
        if attr is None:
            return None
        for cls in self._info.mro():
            for stmt in cls.node.body:
                targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target] if isinstance(stmt, ast.AnnAssign) else []
                if any(isinstance(t, ast.Name) and t.id == attr for t in targets) and stmt.value is not None:
                    return self._loop_names(stmt.value, self_name)
        return None

    def _locals_of(self, name: str) -> set[str]:
        """The self attributes a local of the construction method being scanned is made of, over every binding
        (``layer_params = (self.fcells[i]...)`` and ``(self.bcells[i]...)``; ``module_list = sum(zip(self.layers,
        elus), ())``)."""
        if self._local_scope is None:
            return set()
        if self._local_attrs is None:
            method, self_name = self._local_scope
            self._local_attrs = {}
            for node in _walk(method):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            self._local_attrs.setdefault(target.id, set()).update(
                                a for n in ast.walk(node.value) if (a := _self_attr(n, self_name))
                            )
        return self._local_attrs.get(name, set())

    def _scan_loop(self, loop: ast.For, self_name: str, in_construction: bool) -> None:
        if isinstance(loop.target, ast.Name):
            names = None
            for node in ast.walk(loop):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in tables.REGISTRATION_METHODS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == self_name
                    and node.args
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id == loop.target.id
                ):
                    names = names if names is not None else self._loop_names(loop.iter, self_name) or []
                    self.registered.update(names)  # for key in self._buffer_names: self.register_buffer(key, None)
        source_attr = _base_self_attr(loop.iter, self_name)
        if source_attr is None:
            # for name, param in zip(names, layer_params), with layer_params = (self.fcells[i].weight_ih, ...):
            # nn.RNNBase-style registration of the elements' Parameters under names of the class (hanlp)
            loop_names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
            if any(
                isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "setattr" and len(n.args) == 3
                and isinstance(n.args[0], ast.Name) and n.args[0].id == self_name
                and isinstance(n.args[2], ast.Name) and n.args[2].id in loop_names
                for n in ast.walk(loop)
            ):
                self.elements_registered |= {
                    a for n in ast.walk(loop.iter) if isinstance(n, ast.Name) for a in self._locals_of(n.id)
                }
            return
        loop_names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        for node in ast.walk(loop):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            if (
                not in_construction
                and is_device_call(node)
                and isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id in loop_names
            ):
                self.device_aware.add(source_attr)  # for m in self.pqmf: m.to(x).analysis(x)
            registers = (
                isinstance(func, ast.Attribute)
                and func.attr in tables.REGISTRATION_METHODS
                and isinstance(func.value, ast.Name)
                and func.value.id == self_name
            ) or (isinstance(func, ast.Name) and func.id == "setattr")
            if registers and any(
                isinstance(n, ast.Name) and n.id in loop_names for a in node.args[1:] for n in ast.walk(a)
            ):
                self.elements_registered.add(source_attr)


def _element_kinds(value: Value) -> set[str]:
    """What putting ``value`` into a container adds: its kind, or a nested container's elements."""
    if value.alias and value.kind in (MODULE, PARAM, REGISTERED):
        return set()
    return set(value.elements) if value.kind == CONTAINER else {value.kind}


def _type_branch(test: ast.AST, env) -> bool | None:
    """``isinstance(x, float)`` (or ``not ...``) where ``x`` is known to be a number or a tensor: whether the
    body runs."""
    return type_branch(test, lambda name: known_type(env.get(name)))


def _numbers_tested(test: ast.AST, env) -> dict[str, Value]:
    """``isinstance(w, (int, float))`` of a name whose type is not known: a number where the test holds
    (torchlensmaker's ``to_tensor(wavelength)`` in that branch is 0-dim)."""
    tested = isinstance_test(test)
    if tested is None or tested[2] or not isinstance(tested[0], ast.Name) or env.get(tested[0].id) is not None:
        return {}
    names = tested[1]
    return {tested[0].id: Value(NUMBER)} if names and all(n in tables.NUMBER_TYPES for n in names) else {}


def _leaves_by_type(stmt: ast.stmt, env) -> bool:
    """An ``if isinstance(x, ...)`` chain whose branch for the known type of ``x`` returns or raises."""
    if not isinstance(stmt, ast.If) or (taken := _type_branch(stmt.test, env)) is None:
        return False
    branch = stmt.body if taken else stmt.orelse
    return bool(branch) and (isinstance(branch[-1], _LEAVING) or _leaves_by_type(branch[-1], env))


def _number_or_tensor(annotation) -> bool:
    """``Union[float, Tensor]``, ``float | torch.Tensor`` (and ``int``): a number or a tensor."""
    if isinstance(annotation, ast.Subscript) and (dotted_name(annotation.value) or "").endswith("Union"):
        parts = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
    elif isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        parts = [annotation.left, annotation.right]
    else:
        return False
    names = {(dotted_name(p) or "").rsplit(".", 1)[-1] for p in parts}
    return "Tensor" in names and bool(names & {"int", "float"}) and names <= {"Tensor", "int", "float"}


def _seed_parameters(func, imports: ImportTable, constructor: bool = False, dispatched=None) -> dict[str, Value | None]:
    """Parameters with a numeric default or an int/float annotation are numbers. ``dispatched`` (a callable
    giving the attributes the class tests with ``isinstance(self.x, ...)``) lets a constructor argument
    annotated as a number or a tensor be a tensor when the class branches on its type."""
    env: dict[str, Value | None] = {}
    polymorphic = isinstance_tested(func)
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults)) + list(zip(args.kwonlyargs, args.kw_defaults))
    for arg, default in pairs:
        annotation = arg.annotation
        numeric_default = (
            isinstance(default, ast.Constant)
            and isinstance(default.value, (int, float))
            and not isinstance(default.value, bool)
        )
        if arg.arg in polymorphic:
            if isinstance(annotation, ast.Name) and annotation.id in ("int", "float"):
                # average_power: float, with a branch for a tensor passed anyway: the declared type's branch runs
                env[arg.arg] = Value(NUMBER)
            continue  # isinstance(alpha, float) ... else: alpha is a list
        if constructor and dispatched is not None and _number_or_tensor(annotation) and arg.arg in dispatched():
            # alpha: Union[float, Tensor] = 1.0, and forward: if isinstance(self.alpha, float): ... else:
            # self.alpha.gather(0, target): a tensor is an input the class expects (torchium's focal loss, set Y)
            env[arg.arg] = Value(TENSOR, from_argument=True, number_alternative=True)
        elif numeric_default or _number_annotation(annotation) or (
            annotation is None and default is None and arg.arg in compared_with_numbers(func)
        ):  # if not 0 <= p <= 1: raise: a number, so to_tensor(p) is 0-dim
            env[arg.arg] = Value(NUMBER)
        elif constructor and is_device_name(arg.arg) and isinstance(default, ast.Constant) and (
            default.value is None
        ):
            # device=None: PyTorch's factory-argument convention (nn.Linear(..., device=None)), where the module
            # is built on the default device unless told and then moved with .to(): nothing is placed on purpose
            env[arg.arg] = Value(DEVICE_KIND, pinned=False)
        elif _numbers_sequence(annotation, default):
            env[arg.arg] = Value(CONTAINER, container="list", one_dim=True)  # point_cloud_range: List[float]
        elif annotation is not None and is_torch_module_name(imports.qualify(annotation)):
            env[arg.arg] = Value(MODULE, alias=True)  # passed in: already owned elsewhere
        elif _tensor_default(default, imports):  # exponent: Tensor = torch.tensor(2.718): 0-dim unless told
            env[arg.arg] = Value(TENSOR, from_argument=True, scalar=zero_dim_literal(default, imports))
        elif _tensor_annotation(annotation):
            env[arg.arg] = Value(TENSOR, from_argument=True)  # weight: Tensor, stored as given
    return env


def _handed_to_kept_calls(method, self_name: str) -> set[str]:
    """Attributes passed whole (``Block(A=self.A)``, not ``self.A.size(0)``) to a class construction
    (a CapWords callee) whose result construction keeps on ``self``: bound to an attribute (inside a list
    or ``nn.ModuleList`` too) or appended to one. The object built holds the tensor and reads it later."""
    handed: set[str] = set()
    for stmt in function_statements(method):
        if isinstance(stmt, (ast.Assign, ast.AnnAssign)) and stmt.value is not None:
            targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
            kept = [stmt.value] if any(_self_attr(t, self_name) for t in targets) else []
        elif isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) and isinstance(stmt.value.func, ast.Attribute) and (
            stmt.value.func.attr in ("append", "extend", "insert") and _base_self_attr(stmt.value.func.value, self_name)
        ):
            kept = stmt.value.args
        else:
            continue
        for node in (n for k in kept for n in all_nodes(k)):
            name = dotted_name(node.func) if isinstance(node, ast.Call) else None
            if name and name.rsplit(".", 1)[-1][:1].isupper():
                for arg in [*node.args, *(k.value for k in node.keywords)]:
                    attr = _self_attr(arg, self_name)
                    if attr:
                        handed.add(attr)
    return handed


def _bound_before(func, name: str, stmt: ast.stmt) -> bool:
    """Is ``name`` assigned in ``func`` before ``stmt`` (``weight = weight.t()``): then it is no longer the
    argument as the caller passed it."""
    if func is None:
        return True
    return any(
        isinstance(node, ast.Name) and node.id == name and isinstance(node.ctx, ast.Store)
        and (node.lineno, node.col_offset) < (stmt.lineno, stmt.col_offset)
        for node in _walk(func)
    )


def _none_test_name(test: ast.AST) -> str | None:
    """``x`` for the test ``x is None``."""
    tested = none_test(test)
    return tested[0] if tested is not None and tested[1] else None


def _binds_self_attribute(func) -> bool:
    """Does ``func`` assign ``self.<attr>`` (its first parameter's attribute) anywhere?"""
    self_name = _first_param(func)
    return self_name is not None and any(
        isinstance(node, (ast.Assign, ast.AnnAssign))
        and any(_self_attr(t, self_name) for t in (node.targets if isinstance(node, ast.Assign) else [node.target]))
        for node in function_statements(func)
    )


def _untyped_arguments(func, env: dict[str, Value | None]) -> frozenset[str]:
    """The constructor's arguments with no annotation and no default but None: their type is open."""
    args = func.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    pairs = list(zip(positional, defaults))[1:] + list(zip(args.kwonlyargs, args.kw_defaults))
    return frozenset(
        arg.arg for arg, default in pairs
        if arg.annotation is None and env.get(arg.arg) is None
        and (default is None or (isinstance(default, ast.Constant) and default.value is None))
    )


def _loss_weight_attrs(info: ClassInfo, imports: ImportTable) -> frozenset[str]:
    """``self.<attr>`` handed to a torch loss as ``weight=`` / ``pos_weight=`` by a method other than
    ``__init__`` (a loss built in ``__init__`` registers the weight itself): ``nn.CrossEntropyLoss(weight=
    self.w)`` in forward, ``F.binary_cross_entropy_with_logits(x, y, pos_weight=self.pw)``."""
    found: set[str] = set()
    for cls in info.mro():
        for method in cls.methods.values():
            self_name = _first_param(method)
            if method.name == "__init__" or self_name is None:
                continue
            for node in all_nodes(method):
                if not (isinstance(node, ast.Call) and node.keywords):
                    continue
                for keyword in node.keywords:
                    value = keyword.value
                    while isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
                        value = value.func.value  # weight=self.w.to(x.device): still the tensor self.w
                    attr = _self_attr(value, self_name) if keyword.arg in tables.WEIGHTED_LOSS_KEYWORDS else None
                    if attr is not None and imports.qualify(node.func) in tables.WEIGHTED_LOSSES:
                        found.add(attr)
    return frozenset(found)


def _numbers_sequence(annotation, default) -> bool:
    """An argument that holds a flat sequence of numbers: ``List[float]``, ``Sequence[int]``,
    ``Tuple[float, ...]``, or a default like ``[0, -40, -3, 70.4, 40, 1]`` (``torch.tensor`` of it is 1-D)."""
    if isinstance(default, (ast.List, ast.Tuple)) and default.elts and all(is_number(e) for e in default.elts):
        return True
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)):
        outer = annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
        members = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        members = [m for m in members if not (isinstance(m, ast.Constant) and m.value is Ellipsis)]
        return outer in ("List", "list", "Sequence", "Tuple", "tuple") and bool(members) and all(
            isinstance(m, ast.Name) and m.id in ("int", "float") for m in members
        )
    return False


def _number_annotation(annotation) -> bool:
    """``int``, ``float``, and unions that admit a bare number: ``Union[Tensor, float]``, ``float | Tensor``,
    ``Optional[Union[float, Tensor]]`` (the author means a scalar; ``torch.as_tensor`` of it is 0-dim).
    Not ``List[float]`` or ``Tuple[float, ...]``: those make a 1-D tensor."""
    if isinstance(annotation, ast.Name):
        return annotation.id in ("int", "float")
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)):
        outer = annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
        members = annotation.slice.elts if isinstance(annotation.slice, ast.Tuple) else [annotation.slice]
        return outer in ("Union", "Optional") and any(_number_annotation(m) for m in members)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _number_annotation(annotation.left) or _number_annotation(annotation.right)
    return False


def _tensor_annotation(annotation) -> bool:
    """``Tensor``, ``torch.Tensor``, ``Optional[Tensor]``, ``Tensor | None``: exactly a tensor (or None).

    Not ``Union[float, Tensor]`` (often a number), not containers or callables, not ``nn.Parameter``.
    """
    if annotation is None:
        return False
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return False
    if isinstance(annotation, (ast.Name, ast.Attribute)):
        name = annotation.id if isinstance(annotation, ast.Name) else annotation.attr
        return name in tables.TENSOR_CLASS_NAMES  # not a project's CompressionTargetTensor (an Enum)
    if isinstance(annotation, ast.Subscript) and isinstance(annotation.value, (ast.Name, ast.Attribute)):
        outer = annotation.value.id if isinstance(annotation.value, ast.Name) else annotation.value.attr
        return outer == "Optional" and _tensor_annotation(annotation.slice)
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        sides = (annotation.left, annotation.right)
        return any(_tensor_annotation(s) for s in sides) and all(
            _tensor_annotation(s) or (isinstance(s, ast.Constant) and s.value is None) for s in sides
        )
    return False


def _tensor_default(default, imports: ImportTable) -> bool:
    """``weight=torch.ones(3)``: a tensor default."""
    if not isinstance(default, ast.Call):
        return False
    qualified = imports.qualify(default.func) or ""
    return qualified.startswith("torch.") and qualified.rsplit(".", 1)[-1] in tables.TENSOR_FACTORIES | {"tensor"}


def _is_dataclass(node: ast.ClassDef) -> bool:
    """``@dataclass`` / ``@dataclasses.dataclass(eq=False)``: the generated ``__init__`` calls ``__post_init__``."""
    for deco in node.decorator_list:
        target = deco.func if isinstance(deco, ast.Call) else deco
        if (dotted_name(target) or "").rsplit(".", 1)[-1] == "dataclass":
            return True
    return False


def _stores_argument_device(func, self_name: str | None, tensor_args: set[str]) -> bool:
    """Construction keeps, as a device, the device of a tensor it was given (``self.device = weight.device``,
    ``self.dargs = {"device": p.device, ...}``, ``self.kw = dict(device=p.device)``): the class is built to
    live where the caller's tensors are and makes its own on that device; the tensors it was given are
    placed there, not moved by ``.to()`` (MPR908). Not a tensor made on that device
    (``self.buf = torch.zeros(n, device=weight.device)``), and not the device of a module argument."""

    def of_argument(node: ast.AST | None) -> bool:
        return (
            isinstance(node, ast.Attribute) and node.attr == "device"
            and isinstance(node.value, ast.Name) and node.value.id in tensor_args
        )

    for stmt in function_statements(func):
        if not isinstance(stmt, (ast.Assign, ast.AnnAssign)) or stmt.value is None:
            continue
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        if not any(_self_attr(t, self_name) for t in targets):
            continue
        value = stmt.value
        if of_argument(value):
            return True
        if isinstance(value, ast.Dict) and any(
            isinstance(k, ast.Constant) and k.value == "device" and of_argument(v) for k, v in zip(value.keys, value.values)
        ):
            return True
        if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "dict" and any(
            k.arg == "device" and of_argument(k.value) for k in value.keywords
        ):
            return True
    return False


def _buffer_registered(stmt: ast.stmt, self_name: str | None) -> str | None:
    """The name a ``self.register_buffer("name", ...)`` statement registers, else None."""
    registered = registration(stmt.value, self_name) if isinstance(stmt, ast.Expr) else None
    return registered[1] if registered is not None and registered[0] == "register_buffer" else None


class _InFileCallers:
    """The calls of this file's classes, indexed on the first question (most files never ask): what a
    caller in this file passes for each constructor argument, when it is registered state of its own.
    Assigned to a Module attribute, a Parameter registers itself (``self.pos_embed = pos_embed``): that is
    no plain tensor, and registering it as a buffer would stop its training (issue 9: "not when it is an
    nn.Parameter"). A buffer the caller registers (``RecurrentOneToOne(self.V)``) is a tensor, and a plain
    alias of it goes stale: ``model.to()`` replaces the owner's buffer with a moved copy and leaves the
    alias where it was."""

    def __init__(self, body: list[ast.stmt], imports: ImportTable, class_names: set[str]) -> None:
        self._body, self._imports, self._class_names = body, imports, class_names
        self._calls: dict[str, list[tuple[ast.Call, dict[str, str]]]] | None = None
        self._buffers: bool | None = None

    def _is_parameter_call(self, node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and self._imports.qualify(node.func) in tables.PARAMETER_CLASSES

    def _holders(self, func, owned: dict[str, str]) -> dict[str, str]:
        """What holds registered state in ``func``: locals bound to ``nn.Parameter(...)`` and ``self.<attr>``
        for the class's Parameters and buffers, each with its kind ("param" or "buffer")."""
        holders = {
            target.id: PARAM
            for stmt in function_statements(func)
            if isinstance(stmt, ast.Assign) and self._is_parameter_call(stmt.value)
            for target in stmt.targets
            if isinstance(target, ast.Name)
        }
        self_name = _first_param(func)
        if self_name:
            holders.update({f"{self_name}.{attr}": kind for attr, kind in owned.items()})
        return holders

    def _owned(self, methods: list) -> dict[str, str]:
        """The attributes a class's methods make Parameters (``self.w = nn.Parameter(...)``) or buffers
        (``self.register_buffer("V", ...)``)."""
        owned: dict[str, str] = {}
        for method in methods:
            self_name = _first_param(method)
            for node in function_statements(method):
                if isinstance(node, ast.Assign) and self._is_parameter_call(node.value):
                    for target in node.targets:
                        if attr := _self_attr(target, self_name):
                            owned[attr] = PARAM if owned.get(attr, PARAM) == PARAM else MIXED_STATE
                elif (name := _buffer_registered(node, self_name)) is not None:
                    owned[name] = BUFFER_ALIAS if owned.get(name, BUFFER_ALIAS) == BUFFER_ALIAS else MIXED_STATE
        return owned

    def _index(self) -> dict[str, list[tuple[ast.Call, dict[str, str]]]]:
        calls: dict[str, list[tuple[ast.Call, dict[str, str]]]] = {}

        def visit(func, owned: dict[str, str]) -> None:
            holders = None
            for node in all_nodes(func):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in self._class_names:
                    if holders is None:
                        holders = self._holders(func, owned)
                    calls.setdefault(node.func.id, []).append((node, holders))

        for stmt in self._body:
            if isinstance(stmt, _FunctionNode):
                visit(stmt, {})
            elif isinstance(stmt, ast.ClassDef):
                methods = [m for m in stmt.body if isinstance(m, _FunctionNode)]
                owned = self._owned(methods)
                for method in methods:
                    visit(method, owned)
        return calls

    def registers_buffers(self) -> bool:
        """Does any class of the file call ``self.register_buffer`` as a statement? (Without one, no caller
        here can pass a buffer of its own: an unannotated argument needs no index.)"""
        if self._buffers is None:
            self._buffers = any(
                _buffer_registered(node, _first_param(method)) is not None
                for stmt in self._body if isinstance(stmt, ast.ClassDef)
                for method in stmt.body if isinstance(method, _FunctionNode)
                for node in function_statements(method)
            )
        return self._buffers

    def passed_state(self, class_name: str, init) -> dict[str, str]:
        """``{argument: kind}`` of ``init``'s arguments some call of ``class_name`` here passes registered
        state: "param" (a Parameter: it registers itself) wins over "buffer" (a buffer of the caller's);
        "mixed" is a caller's attribute that is a Parameter on one branch and a buffer on another."""
        if self._calls is None:
            self._calls = self._index()
        params = [a.arg for a in init.args.posonlyargs + init.args.args][1:]
        found: dict[str, str] = {}
        for call, holders in self._calls.get(class_name, ()):
            given = list(zip(params, call.args)) + [(k.arg, k.value) for k in call.keywords if k.arg]
            for name, value in given:
                if isinstance(value, ast.Starred):
                    break
                kind = PARAM if self._is_parameter_call(value) else holders.get(dotted_name(value) or "")
                if kind is not None and found.get(name) != PARAM:
                    found[name] = kind
        return found


class _RegisteredLocals:
    """The local names a function registers elsewhere, computed on first question (most never ask)."""

    def __init__(self, func, self_name: str | None):
        self._func, self._self_name, self._names = func, self_name, None

    def __contains__(self, name: str) -> bool:
        if self._names is None:
            self._names = _ClassWalker._names_registered_in(self._func, self._self_name)
        return name in self._names

    def add(self, name: str) -> None:
        """``self.layers.append(m)`` into a registered container: ``m`` is registered from here on."""
        if name not in self:
            self._names.add(name)


_LEAVING = (ast.Raise, ast.Return, ast.Continue, ast.Break)


def _never_true(test: ast.AST) -> bool:
    """``if False:``, ``if 0:``, ``if cond and False:``: a test that is false whatever runs."""
    if isinstance(test, ast.Constant):
        return not test.value and test.value is not ...
    return isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) and any(_never_true(v) for v in test.values)


def _by_name(loop: ast.For, self_name: str | None, function) -> list[list[ast.stmt]] | None:
    """The body of ``for name in ("a", "b"): ...`` once per name, with ``self.__dict__[name]``,
    ``getattr(self, name)`` and ``setattr(self, name, v)`` spelled ``self.a`` (``self.a = v``): a class that
    moves or re-binds its tensors by name (a hand-written ``to()``) does to each what the spelled-out
    statement does. Only a loop that re-binds each attribute from itself (a move or a cast of what is
    there), over a literal list of names (or a local bound once to one): a loop that binds new values by
    name would make one shared line the binding of several attributes, where no fix can be written.
    None otherwise."""
    if self_name is None or not isinstance(loop.target, ast.Name) or loop.orelse:
        return None
    var = loop.target.id
    names = _literal_names(loop.iter, function)
    if not names or not _rebinds_by_name_from_itself(loop, self_name, var):
        return None

    class Spell(ast.NodeTransformer):
        def __init__(self, name: str) -> None:
            self.name = name

        def _attr(self, node, ctx):
            return ast.copy_location(ast.Attribute(ast.Name(self_name, ast.Load()), self.name, ctx), node)

        def visit_Subscript(self, node):
            if _by_name_access(node, self_name, var):
                return self._attr(node, node.ctx)
            return self.generic_visit(node)

        def visit_Call(self, node):
            if _by_name_access(node, self_name, var) and node.func.id == "getattr":
                return self._attr(node, ast.Load())
            return self.generic_visit(node)

        def visit_Expr(self, node):
            call = node.value
            if _by_name_access(call, self_name, var) and call.func.id == "setattr" and len(call.args) == 3:
                value = self.visit(call.args[2])
                return ast.copy_location(ast.Assign([self._attr(node, ast.Store())], value), node)
            return self.generic_visit(node)

        def visit_Name(self, node):
            return ast.copy_location(ast.Constant(self.name), node) if node.id == var else node

    return [[Spell(name).visit(copy.deepcopy(stmt)) for stmt in loop.body] for name in names]


def _rebinds_by_name_from_itself(loop: ast.For, self_name: str, var: str) -> bool:
    """Every by-name store in the loop (``self.__dict__[n] = v``, ``setattr(self, n, v)``) has a value that reads
    the same attribute by name, there is at least one, and the loop variable is never re-bound."""
    stores = 0
    for node in ast.walk(loop):
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == var for t in targets):
                return False
            if any(_by_name_access(t, self_name, var) for t in targets):
                if not isinstance(node, ast.Assign) or not _reads_by_name(node.value, self_name, var):
                    return False
                stores += 1
        elif isinstance(node, ast.Call) and _by_name_access(node, self_name, var) and node.func.id == "setattr":
            if len(node.args) != 3 or not _reads_by_name(node.args[2], self_name, var):
                return False
            stores += 1
    return stores > 0


def _reads_by_name(value: ast.AST, self_name: str, var: str) -> bool:
    return any(
        _by_name_access(n, self_name, var) and not (isinstance(n, ast.Call) and n.func.id == "setattr")
        for n in ast.walk(value)
    )


def _by_name_access(node: ast.AST, self_name: str, var: str) -> bool:
    """``self.__dict__[var]``, ``getattr(self, var)`` or ``setattr(self, var, ...)``."""
    if isinstance(node, ast.Subscript):
        owner = node.value
        return (
            isinstance(owner, ast.Attribute) and owner.attr == "__dict__" and isinstance(owner.value, ast.Name)
            and owner.value.id == self_name and isinstance(node.slice, ast.Name) and node.slice.id == var
        )
    return (
        isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("getattr", "setattr")
        and len(node.args) >= 2 and isinstance(node.args[0], ast.Name) and node.args[0].id == self_name
        and isinstance(node.args[1], ast.Name) and node.args[1].id == var
    )


def _literal_names(node: ast.AST, function) -> list[str] | None:
    """``("a", "b")``, or a local of ``function`` bound once to such a literal."""
    if isinstance(node, ast.Name) and function is not None:
        bindings = [
            stmt for stmt in function_statements(function)
            if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == node.id for t in stmt.targets)
        ]
        node = bindings[0].value if len(bindings) == 1 else None
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)) or not node.elts:
        return None
    if not all(isinstance(e, ast.Constant) and isinstance(e.value, str) and e.value.isidentifier() for e in node.elts):
        return None
    return [e.value for e in node.elts]


def _device_is_a_property(info: ClassInfo, imports: ImportTable) -> bool:
    """A class (or an in-file base) deriving from a framework base whose ``device`` is a property
    (``tables.DEVICE_PROPERTY_BASES``: a LightningModule) and binding no ``self.device`` of its own."""
    chain = info.mro()
    if not any(
        (imports.qualify(base.value if isinstance(base, ast.Subscript) else base) or "") in tables.DEVICE_PROPERTY_BASES
        for c in chain for base in c.bases
    ):
        return False
    return not any(
        isinstance(node, ast.Attribute) and node.attr == "device" and isinstance(node.ctx, ast.Store)
        for c in chain for method in c.methods.values() for node in _walk(method)
    )


class _ClassWalker:
    """Symbolically runs ``__init__`` and what it calls, recording every binding of ``self.<attr>``."""

    def __init__(self, info: ClassInfo, inference: ExpressionInference, module_functions: dict,
                 callers: _InFileCallers | None = None):
        self.info = info
        self.inference = inference
        self.module_functions = module_functions
        self.callers = callers
        self.attrs: dict[str, Value] = {}
        self.bindings: list[Binding] = []
        self.construction: set[ast.AST] = set()
        self._stack: list[ast.AST] = []
        self._returns: dict[ast.AST, Value | None] = {}
        self._registered_locals: list[_RegisteredLocals] = []
        self._loops: list[tuple[ast.AST, ast.AST]] = []  # (target, iterable) of the for loops being walked
        self._blocks: list[list[ast.stmt]] = []  # the statement lists being walked, innermost last
        self._bound_in: dict[str, ast.AST | None] = {}  # attr -> function of its first binding
        self._untyped: frozenset[str] = frozenset()  # the constructor's unannotated arguments (default None or none)
        self._dispatched: set[str] | None = None  # see _dispatched_attrs
        self._loss_weights: frozenset[str] | None = None  # attrs a method hands to a torch loss as weight=
        self._passed: dict[str, str] | None = None  # constructor arguments in-file callers pass registered state
        self._bound_call: ast.Call | None = None  # the call of the latest ``self.x = call(...)`` statement

    def run(self) -> None:
        self.inference.registered_tensors = {}
        self.inference.current_device_property = _device_is_a_property(self.info, self.inference.imports)
        init = self.info.find_method("__init__")
        if init is None and _is_dataclass(self.info.node):
            init = self.info.find_method("__post_init__")  # @dataclass(eq=False) Modules build state there
        self.inference.call_hook = self._call_hook
        if init is None:
            self._run_project_init_hooks()  # the __init__ of a base in another file runs, and with it its hooks
            return
        self._run_function(init, _first_param(init))

    # --- functions -----------------------------------------------------------------
    def _run_function(self, func, self_name: str | None, seeds: dict[str, Value] | None = None) -> Value | None:
        """Run ``func`` (memoised); ``seeds``, the values of the parameters it dispatches on with
        ``isinstance`` (``to_tensor(0.5)``), make a run of its own for those values."""
        if func in self._stack or len(self._stack) >= _MAX_CALL_DEPTH:
            return self._returns.get(func)
        if not seeds and func in self._returns and (self_name is None or func in self.construction):
            return self._returns[func]
        if self_name is not None:
            self.construction.add(func)
        self._stack.append(func)
        self._registered_locals.append(_RegisteredLocals(func, self_name))
        self.inference.registered_locals = self._registered_locals[-1]
        env = _seed_parameters(func, self.inference.imports, constructor=not self._stack[:-1],
                               dispatched=self._dispatched_attrs)
        env.update(seeds or {})
        if not self._stack[:-1]:
            self._untyped = _untyped_arguments(func, env)
        if not self._stack[:-1] and any(v and v.from_argument for v in env.values()):  # the constructor's tensors
            passed = self._passed_state()
            located = _stores_argument_device(func, self_name, {n for n, v in env.items() if v and v.from_argument})
            for name, value in list(env.items()):
                if value is None or not value.from_argument:
                    continue
                if passed.get(name) == PARAM:  # Foo(w=nn.Parameter(...)) in this file: a Parameter registers itself
                    env[name] = Value(PARAM, alias=True)
                elif passed.get(name) in (BUFFER_ALIAS, MIXED_STATE):  # Child(self.V), V a buffer of the caller's
                    env[name] = value.but(buffer_alias=True, param_alternative=passed[name] == MIXED_STATE)
                elif located:  # self.device = weight.device: the class lives where the caller's tensors are
                    env[name] = value.but(pinned=True)
        returns: list[Value | None] = []
        try:
            self._block(func.body, env, set(), self_name, returns)
        finally:
            self._stack.pop()
            self._registered_locals.pop()
            self.inference.registered_locals = self._registered_locals[-1] if self._registered_locals else set()
        result = None
        for r in returns:
            result = merge(result, r)
        if not seeds:
            self._returns[func] = result
        return result

    def _held_seeds(self, func, call: ast.Call, env, self_name) -> dict[str, Value] | None:
        """The lists and dicts of modules or Parameters a subclass hands to its in-file base's ``__init__``
        (``super().__init__([DiagonalGaussian(...) for ...])``): the base that keeps the argument plainly keeps
        them (torchflows' ``Mixture.components``, set ZE)."""
        params = [a.arg for a in func.args.posonlyargs + func.args.args][1:]
        given = list(zip(params, call.args)) + [(k.arg, k.value) for k in call.keywords if k.arg]
        seeds = {}
        for name, arg in given:
            if isinstance(arg, ast.Starred):
                break
            value = self._infer(arg, env, self_name)
            if value is not None and value.kind == CONTAINER and value.elements & {MODULE, PARAM}:
                seeds[name] = value
        return seeds or None

    def _number_seeds(self, func, call: ast.Call, env, self_name, bound: bool = False) -> dict[str, Value] | None:
        """The parameters ``func`` dispatches on with ``isinstance`` that this call gives a number:
        ``to_tensor(data_min)`` with ``data_min: float`` runs the helper's number branch only; ``bound``: a
        method called on ``self`` (``self.inverse(min_value)``), whose first parameter is the receiver."""
        polymorphic = isinstance_tested(func)
        if not polymorphic:
            return None
        params = [a.arg for a in func.args.posonlyargs + func.args.args][1 if bound else 0:]
        given = dict(zip(params, call.args))
        given.update({k.arg: k.value for k in call.keywords if k.arg})
        seeds = {}
        for name in polymorphic & given.keys():
            value = self._infer(given[name], env, self_name)
            if value is not None and value.kind == NUMBER:
                seeds[name] = Value(NUMBER)
        return seeds or None

    def _passed_through(self, func, call: ast.Call, env, self_name: str | None, bound: bool) -> Value | None:
        """``normalize(torch.randn(...))`` where ``normalize`` ends ``return W`` with ``W`` its parameter
        (changed in place or not): the call's value is that argument's."""
        params = [a.arg for a in func.args.posonlyargs + func.args.args][1 if bound else 0:]
        returned = {
            node.value.id if isinstance(node.value, ast.Name) else None
            for node in function_statements(func)
            if isinstance(node, ast.Return)
        }
        if len(returned) != 1 or None in returned:
            return None
        name = returned.pop()
        positional = [a for a in call.args if not isinstance(a, ast.Starred)]
        arg = dict(zip(params, positional)).get(name) or next((k.value for k in call.keywords if k.arg == name), None)
        return self._infer(arg, env, self_name) if arg is not None else None

    @staticmethod
    def _names_registered_in(func, self_name: str | None) -> set[str]:
        """Local names passed to add_module/setattr(self, ...): such elements are registered already."""
        names: set[str] = set()
        if self_name is None:
            return names
        for stmt in function_statements(func):  # registrations are statements: no need to walk expressions
            if (
                isinstance(stmt, ast.Assign)
                and isinstance(stmt.value, ast.Name)
                and any(_self_attr(t, self_name) for t in stmt.targets)
            ):
                names.add(stmt.value.id)  # self.conv1 = conv1: registered under its own name
                continue
            node = stmt.value if isinstance(stmt, (ast.Expr, ast.Assign)) else None
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            func_node = node.func
            if (
                isinstance(func_node, ast.Attribute)
                and func_node.attr in tables.REGISTRATION_METHODS
                and isinstance(func_node.value, ast.Name)
                and func_node.value.id == self_name
            ):
                value = node.args[1]
            elif isinstance(func_node, ast.Name) and func_node.id == "setattr" and len(node.args) >= 3:
                value = node.args[2]
            elif _installs_module(func_node):
                value = node.args[-1]
            else:
                continue
            if isinstance(value, ast.Name):
                names.add(value.id)
        return names

    def _super_method(self, name: str):
        """``super().name``: the method of the next in-file class after the one now running."""
        current = self._stack[-1] if self._stack else None
        mro = self.info.mro()
        owner = next((i for i, cls in enumerate(mro) if current in cls.methods.values()), None)
        if owner is None:
            return None
        for cls in mro[owner + 1:]:
            if name in cls.methods:
                return cls.methods[name]
        return None

    def _run_project_init_hooks(self) -> None:
        """``super().__init__()`` into a base of another file whose ``__init__`` calls ``self.populate()``:
        this file's override of ``populate`` runs as construction (nerfstudio's ``populate_modules``)."""
        project = self.info.project
        current = self._stack[-1] if self._stack else None
        mro = self.info.mro()
        owner = next((i for i, cls in enumerate(mro) if current in cls.methods.values()), None) if current else 0
        if project is None or owner is None:
            return
        binders = {  # only a method that binds state can matter: most classes have none, and ask nothing
            name for cls in mro for name, method in cls.methods.items()
            if name != "__init__" and _binds_self_attribute(method)
        }
        if not binders:
            return
        for cls in mro[owner:]:
            for dotted in cls.project_bases:
                for name in project.init_calls(dotted):
                    method = self.info.find_method(name)
                    if name in binders and method is not None:
                        self._run_function(method, _first_param(method))

    def _call_hook(self, call: ast.Call, env, self_name: str | None) -> Value | None:
        func = call.func
        if (
            self_name is not None
            and isinstance(func, ast.Attribute)
            and isinstance(func.value, ast.Call)
            and isinstance(func.value.func, ast.Name)
            and func.value.func.id == "super"
        ):
            method = self._super_method(func.attr)  # super().__init__(n) runs the in-file base's __init__
            if method is not None and _first_param(method) is not None:
                params = [a.arg for a in method.args.posonlyargs + method.args.args]
                return self._run_function(method, params[0], self._held_seeds(method, call, env, self_name))
            if method is None and func.attr == "__init__":
                self._run_project_init_hooks()
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == self_name:
            method = self.info.find_method(func.attr)
            if method is not None:
                seeds = self._number_seeds(method, call, env, self_name, bound=True) if call.args or call.keywords else None
                result = self._run_function(method, _first_param(method), seeds)
                bound = _first_param(method) is not None
                return result if result is not None else self._passed_through(method, call, env, self_name, bound)
            module = self.attrs.get(func.attr)
            if module is not None and module.kind == MODULE and call.args:
                first = self._infer(call.args[0], env, self_name)
                if first is not None and first.kind == TENSOR:  # self.drop(torch.ones(n)): a module's output
                    return first.but(random=first.random or module.module_state == "mode")
            return None
        if isinstance(func, ast.Name):
            target = env.get(func.id)
            node = target.function if target is not None and target.function is not None else None
            if node is None and func.id not in env:
                node = self.module_functions.get(func.id)
            if node is None:
                return self._project_return(func, call, env, self_name) if func.id not in env else None
            mapped_self = None
            if self_name is not None:
                params = [a.arg for a in node.args.posonlyargs + node.args.args]
                for i, arg in enumerate(call.args):
                    if isinstance(arg, ast.Name) and arg.id == self_name and i < len(params):
                        mapped_self = params[i]
            if mapped_self is not None:
                return self._run_function(node, mapped_self)
            if _number_annotation(node.returns) and call.args and all(
                (v := self._infer(arg, env, self_name)) is not None and v.kind == NUMBER for arg in call.args
            ):  # def inv_softplus(b: float | Tensor) -> float | Tensor, called with a number: a number
                return Value(NUMBER)
            result = self._run_function(node, None, self._number_seeds(node, call, env, self_name))
            return result if result is not None else self._passed_through(node, call, env, self_name, False)
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id not in env:
            method = self._class_function(func, call, self_name)
            if method is not None:  # Mixin.__init__(self, n): an in-file class's code runs on this instance
                return self._run_function(method, _first_param(method))
            return self._project_return(func, call, env, self_name)  # helpers.make_table(n), with helpers a module of the project
        return None

    def _class_function(self, func: ast.Attribute, call: ast.Call, self_name: str | None):
        """The method ``Cls.name`` of a class of this file, when the call hands it ``self`` first
        (``_PartialConvNd.__init__(self)``, a helper class that is no Module and no base; or a mixin's
        ``__init__`` called by name)."""
        if self_name is None or not call.args or not (isinstance(call.args[0], ast.Name) and call.args[0].id == self_name):
            return None
        classes = self.inference.index.by_name.get(func.value.id)
        method = classes[-1].methods.get(func.attr) if classes else None
        return method if method is not None and _first_param(method) is not None else None

    def _project_return(self, func: ast.AST, call: ast.Call | None = None, env=None, self_name=None) -> Value | None:
        """What a helper defined in another file of the project returns (the project index reads it); a
        number given to a parameter it dispatches on runs that branch only (``to_tensor(0.5)``: 0-dim)."""
        project = self.inference.index.project
        if project is None:
            return None
        if call is not None and call is self._bound_call and (dotted_name(func) or "").rsplit(".", 1)[-1][:1].isupper():
            # self.block = Block(...): a class of another file bound straight to self is a sub-module or a plain
            # object, and neither is a candidate: no file needs reading to tell which
            return None
        imports = self.inference.imports
        dotted = dotted_name(func)
        head = dotted.split(".", 1)[0] if dotted else None
        if head is None or (head not in imports.refs and not imports.star):  # only imported names live elsewhere
            return None
        qualified = imports.qualify(func) or ""
        if is_torch_name(qualified) or qualified.split(".", 1)[0] in _STDLIB:
            return None  # functools.partial, warnings.warn, pathlib.Path: never a project helper
        kind = project.return_kind(dotted)
        if kind == "tensor" and call is not None and env is not None:  # a number may take another branch
            positional = [(i, a) for i, a in enumerate(call.args) if not isinstance(a, ast.Starred)]
            for which, arg in positional + [(k.arg, k.value) for k in call.keywords if k.arg]:
                value = self._infer(arg, env, self_name)
                if value is not None and value.kind == NUMBER and (
                    number := project.number_return(dotted, which)
                ):
                    if number == "container":
                        return None  # repeat(n_terms, dim) -> [n_terms] * dim: a list, no tensor
                    return Value(TENSOR, scalar=True) if number == "scalar" else Value(NUMBER)
        if kind == "tensor":
            return Value(TENSOR)
        if kind == "module":
            return Value(MODULE)
        if kind == "parameter":
            return Value(PARAM)
        return None

    # --- statements ----------------------------------------------------------------
    def _infer(self, node, env, self_name):
        return self.inference.infer(node, env, self_name, self.attrs)

    def _block(self, stmts, env, bound: set[str], self_name, returns) -> None:
        self._blocks.append(stmts)
        try:
            for stmt in stmts:
                leaves = _leaves_by_type(stmt, env)  # before the statement changes env
                self._stmt(stmt, env, bound, self_name, returns)
                if leaves:
                    break  # elif isinstance(x, numbers.Number): return torch.tensor(x): nothing after it runs
        finally:
            self._blocks.pop()

    def _branches(self, branches, env, bound, self_name, returns, narrowed=None) -> None:
        """Each body from the same state, then their merge; ``narrowed``, per body, what its test tells of a
        name (``if isinstance(w, float):``: a number in the body), which does not outlive the body."""
        envs, bounds = [], []
        for i, body in enumerate(branches):
            e, b = dict(env), set(bound)
            told = narrowed[i] if narrowed else {}
            e.update(told)
            self._block(body, e, b, self_name, returns)
            for name, value in told.items():
                if e.get(name) is value:  # not re-bound in the body: back to what the test did not know
                    if name in env:
                        e[name] = env[name]
                    else:
                        del e[name]
            envs.append(e)
            bounds.append(b)
        merged: dict = {}
        for e in envs:
            for k, v in e.items():
                merged[k] = merge(merged.get(k), v) if k in merged else v
        env.clear()
        env.update(merged)
        # A branch that leaves (if/elif ... else: raise ValueError(...)) binds nothing for what follows.
        through = [b for body, b in zip(branches, bounds) if not (body and isinstance(body[-1], _LEAVING))]
        new_bound = set.intersection(*through) if through else set.intersection(*bounds) if bounds else set(bound)
        bound.clear()
        bound.update(new_bound)

    def _stmt(self, stmt, env, bound, self_name, returns) -> None:
        if isinstance(stmt, ast.Assign):
            if isinstance(stmt.value, ast.Call) and all(_self_attr(t, self_name) for t in stmt.targets):
                self._bound_call = stmt.value  # self.block = Block(...): see _project_return
            value = self._infer(stmt.value, env, self_name)
            for target in stmt.targets:
                self._assign(target, value, stmt, env, bound, self_name)
        elif isinstance(stmt, ast.AnnAssign):
            if stmt.value is not None:
                self._assign(stmt.target, self._infer(stmt.value, env, self_name), stmt, env, bound, self_name)
        elif isinstance(stmt, ast.AugAssign):
            value = self._infer(stmt.value, env, self_name)
            attr = _self_attr(stmt.target, self_name)
            current = self.attrs.get(attr) if attr else env.get(getattr(stmt.target, "id", None))
            if current is not None and current.kind == CONTAINER and value is not None and value.kind == CONTAINER:
                self._fill(current, value, extend=True)
        elif isinstance(stmt, ast.Expr):
            self._expr_stmt(stmt, env, bound, self_name)
        elif isinstance(stmt, ast.Return):
            value = self._infer(stmt.value, env, self_name)
            if (
                value is not None
                and value.kind in (PARAM, MODULE, TENSOR)
                and isinstance(stmt.value, ast.Name)
                and self._registered_locals
                and stmt.value.id in self._registered_locals[-1]
            ):
                # p = nn.Parameter(t); self.register_parameter(name, p); return p (a Keras-style add_weight):
                # the caller gets a name already registered, not new state
                value = value.but(alias=True)
            returns.append(value)
        elif isinstance(stmt, ast.If) and _never_true(stmt.test):
            self._block(stmt.orelse, env, bound, self_name, returns)  # if ... and False: dead code binds nothing
        elif isinstance(stmt, ast.If) and (taken := _type_branch(stmt.test, env)) is not None:
            # if isinstance(x, numbers.Number): in a run for a number x, only that branch runs
            self._block(stmt.body if taken else stmt.orelse, env, bound, self_name, returns)
        elif isinstance(stmt, ast.If):
            self._infer(stmt.test, env, self_name)
            defaulted = _none_test_name(stmt.test) if not stmt.orelse else None
            given = env.get(defaulted) if defaulted else None
            start = len(self.bindings)
            self._branches([stmt.body, stmt.orelse], env, bound, self_name, returns, [_numbers_tested(stmt.test, env), {}])
            if stmt.orelse:
                self._registered_in_every_branch(stmt, self.bindings[start:])
            after = env.get(defaulted) if given is not None else None
            if given is not None and given.kind == TENSOR and given.from_argument and not given.param_alternative and (
                not given.buffer_alias  # an in-file caller passes a buffer of its own: a plain alias
            ) and after is not None and after.kind == TENSOR and after.param_alternative and not _bound_before(
                self._stack[-1] if self._stack else None, defaulted, stmt
            ):
                # if weight is None: weight = nn.Linear(d, k).weight: a caller passes the Parameter it ties (an
                # embedding's weight), so the argument stands for what its default makes, and registers itself
                env[defaulted] = Value(PARAM)
        elif isinstance(stmt, ast.For) and (unrolled := _by_name(stmt, self_name, self._stack[-1] if self._stack else None)):
            for body in unrolled:  # for name in ("a", "b"): setattr(self, name, getattr(self, name).to(device))
                self._block(body, env, bound, self_name, returns)
        elif isinstance(stmt, (ast.For, ast.AsyncFor, ast.While)):
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                self._mark_registered_elements(stmt, env, self_name)
                for n in ast.walk(stmt.target):
                    if isinstance(n, ast.Name):
                        env[n.id] = None
                self._loops.append((stmt.target, stmt.iter))
            try:
                self._branches([stmt.body + stmt.orelse, []], env, bound, self_name, returns)
            finally:
                if isinstance(stmt, (ast.For, ast.AsyncFor)):
                    self._loops.pop()
        elif isinstance(stmt, (ast.With, ast.AsyncWith)):
            self._block(stmt.body, env, bound, self_name, returns)
        elif isinstance(stmt, ast.Try) or type(stmt).__name__ == "TryStar":
            self._block(stmt.body, env, bound, self_name, returns)
            self._branches([h.body for h in stmt.handlers] + [stmt.orelse], env, bound, self_name, returns)
            self._block(stmt.finalbody, env, bound, self_name, returns)
        elif type(stmt).__name__ == "Match":
            self._branches([c.body for c in stmt.cases], env, bound, self_name, returns)
        elif isinstance(stmt, _FunctionNode):
            env[stmt.name] = Value("function", function=stmt)

    def _mark_registered_elements(self, loop, env, self_name) -> None:
        """``for layer in layers: self.add_module(..., layer)``: the local list's elements are registered."""
        source = loop.iter
        while isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.args:
            source = source.args[0]
        if not isinstance(source, ast.Name):
            return
        container = env.get(source.id)
        if container is None or container.kind != CONTAINER:
            return
        loop_names = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
        if loop_names & self._names_registered_in(loop, self_name):
            container.elements_registered = True

    def _assign(self, target, value, stmt, env, bound, self_name) -> None:
        attr = _self_attr(target, self_name)
        if attr is not None:
            if value is None:
                value = self._stored_argument(attr, getattr(stmt, "value", None), env)
            self._bind(attr, value, stmt, bound, receiver=self_name)
            source = getattr(stmt, "value", None)
            if value is not None and value.kind == PARAM and isinstance(source, ast.Name) and source.id in env:
                # w = nn.Parameter(...); self.w = w: registered now, so w.t() is derived from a registered
                # Parameter (stale state), not a Parameter dropped by the operation
                env[source.id] = value.but(alias=True)
        elif isinstance(target, ast.Name):
            env[target.id] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            source = getattr(stmt, "value", None)
            if isinstance(source, (ast.Tuple, ast.List)) and len(source.elts) == len(target.elts):
                values = [self._infer(s, env, self_name) for s in source.elts]  # all before any (a, b = b, a)
                for t, v in zip(target.elts, values):
                    self._assign(t, v, stmt, env, bound, self_name)
            else:
                items = value.items if value is not None and value.kind == CONTAINER else None
                if items is not None and len(items) == len(target.elts) and not any(
                    isinstance(t, ast.Starred) for t in target.elts
                ):
                    for t, item in zip(target.elts, items):
                        self._assign(t, item, stmt, env, bound, self_name)
                    return
                element = value if value is not None and value.kind == TENSOR else None
                if value is not None and value.kind == CONTAINER and value.elements == {TENSOR}:
                    element = Value(TENSOR)
                for t in target.elts:
                    if isinstance(t, ast.Starred):  # first, *rest = ...: rest is a list
                        rest = Value(CONTAINER, container="list", elements={TENSOR}) if element else None
                        self._assign(t.value, rest, stmt, env, bound, self_name)
                    else:
                        self._assign(t, element, stmt, env, bound, self_name)
        elif isinstance(target, ast.Subscript):
            owner_attr = _self_attr(target.value, self_name)
            owner = self.attrs.get(owner_attr) if owner_attr else (
                env.get(target.value.id) if isinstance(target.value, ast.Name) else None
            )
            if owner is not None and owner.kind == CONTAINER and value is not None:
                self._fill(owner, value, target_value=getattr(stmt, "value", None))
            elif owner is not None and owner.kind == TENSOR and isinstance(target.value, ast.Name):
                env[target.value.id] = owner.but(filled=True)
            elif owner is not None and owner.kind == TENSOR and not owner.random and self._random_item(
                target.slice, value, env, self_name
            ):
                # self.inverse[self.perm[i]] = i with a random perm: construction leaves a random draw
                self.attrs[owner_attr] = owner.but(random=True)
                self._mark_first(owner_attr, random=True)
        elif isinstance(target, ast.Attribute) and target.attr == "requires_grad":
            owner_attr = _self_attr(target.value, self_name)
            owner = env.get(target.value.id) if isinstance(target.value, ast.Name) else None
            if owner is not None and owner.kind == TENSOR and isinstance(getattr(stmt, "value", None), ast.Constant):
                env[target.value.id] = owner.but(requires_grad=bool(stmt.value.value))

    def _mark_first(self, attr: str, **flags) -> None:
        """A later statement of construction changes what the attribute's reported bindings hold (each
        branch's: if reverse: self.perm = ...; else: self.perm = ...; then a helper shuffles it)."""
        for earlier in self.bindings:
            if earlier.attr == attr and earlier.reportable and earlier.value.kind == TENSOR:
                earlier.value = earlier.value.but(**flags)

    def _drawn_in_place(self, call: ast.Call, env, self_name) -> bool:
        """``t.bernoulli_(p)``, ``t.random_(0, k)``, ``t.normal_()`` (unseeded), or ``t.copy_(<a draw>)``."""
        method = call.func.attr
        if method in tables.RANDOM_FILL_METHODS:
            return not any(k.arg == "generator" for k in call.keywords)
        if method == "copy_" and call.args:
            source = self._infer(call.args[0], env, self_name)
            return source is not None and source.kind == TENSOR and source.random
        return False

    def _random_item(self, index, value, env, self_name) -> bool:
        """An item assignment that writes a random draw, or writes at positions drawn at random."""
        if value is not None and value.kind == TENSOR and value.random:
            return True
        if isinstance(index, ast.Slice):
            return False
        drawn = self._infer(index, env, self_name)
        return drawn is not None and drawn.kind == TENSOR and drawn.random

    def _bind(self, attr, value, stmt, bound, computed: bool = False, via_setattr: bool = False,
              receiver: str | None = None) -> None:
        if value is None:
            self.attrs[attr] = None
            return
        self.attrs[attr] = value
        function = self._stack[-1] if self._stack else None
        first_function = self._bound_in.get(attr)
        # Later bindings on the same path update the first; a helper re-binding it is not news either.
        reportable = attr not in bound and (first_function is None or first_function is function)
        if value.kind in (TENSOR, CONTAINER, PARAM, REGISTERED, MODULE):
            bound.add(attr)
            self._bound_in.setdefault(attr, function)
        if not reportable and value.kind == TENSOR and value.random:
            # self.indices = torch.arange(n), then a helper __init__ calls shuffles it (self.indices =
            # self.indices[torch.randperm(n)]): construction leaves a random draw, whatever it bound first
            self._mark_first(attr, random=True)
        if not reportable and value.kind == TENSOR and value.pinned and mentions_self_attr(
            getattr(stmt, "value", None), attr, receiver
        ):
            # self.t = self.t.to(device), also under `if device is not None:`: placed on the configured device
            self._mark_first(attr, pinned=True)
        if self._blocks and value.kind in (PARAM, MODULE, REGISTERED):
            # A registering binding on the block's own path overwrites what the statements before it in the
            # block bound: self.v = 2 * torch.rand(n) - 1; self.v = nn.Parameter(self.v) is a Parameter, not a
            # plain tensor; so is every binding in an if (with or without else) or loop before it (if not
            # isinstance(b, Tensor): self.b = torch.tensor(b), then self.b = nn.Parameter(self.b)), unless that
            # statement may return first. (A plain tensor re-bound there stays reported at its first binding,
            # where the fix can register it: later assignments then update the buffer.)
            self._supersede(attr, stmt)
        self.bindings.append(Binding(attr, value, stmt, reportable, computed, via_setattr, function, receiver))

    def _supersede(self, attr: str, stmt: ast.stmt) -> None:
        """``stmt`` registers ``attr`` on the block's own path: the plain bindings of it in the statements before
        ``stmt`` in its block (also nested in an if or a loop) do not survive construction, unless that statement
        may return first (``if frozen: self.s = ...; return``)."""
        earlier = [b for b in self.bindings if b.attr == attr and b.reportable and b.value.kind in (TENSOR, CONTAINER)]
        if not earlier:  # most bindings are the attribute's first
            return
        preceding = set()
        for sibling in self._blocks[-1]:
            if sibling is stmt:
                break
            nested = [] if isinstance(sibling, _FunctionNode) else list(iter_statements([sibling]))
            if not any(isinstance(s, ast.Return) for s in nested):  # a path that raises keeps nothing
                preceding.update(map(id, nested))
        for binding in earlier:
            if id(binding.stmt) in preceding:
                binding.reportable = False

    def _registered_in_every_branch(self, stmt: ast.If, made: list) -> None:
        """``self.logvar = torch.full(...)``, then ``if learn: self.logvar = nn.Parameter(self.logvar, ...)``
        ``else: self.logvar = nn.Parameter(self.logvar, requires_grad=False)``: every path re-binds it to a
        Parameter (or module), so the plain binding before the ``if`` does not survive construction (audiosr's
        latent diffusion). With one branch only, the plain tensor survives on the other path and stays."""
        if not self._blocks:
            return
        registering = {PARAM, MODULE, REGISTERED}
        for attr in {b.attr for b in made if b.value.kind in registering}:
            if not all(
                any(b.attr == attr and b.value.kind in registering and b.stmt in body for b in made)
                for body in (stmt.body, stmt.orelse)
            ):
                continue
            self._supersede(attr, stmt)

    def _dispatched_attrs(self) -> set[str]:
        """Attributes the class (or an in-file base) tests with ``isinstance(self.x, ...)``; walked once, and
        only when a constructor argument could be a number or a tensor."""
        if self._dispatched is None:
            self._dispatched = {
                node.args[0].attr
                for cls in self.info.mro() for method in cls.methods.values() for node in _walk(method)
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "isinstance"
                and len(node.args) == 2 and isinstance(node.args[0], ast.Attribute)
                and isinstance(node.args[0].value, ast.Name) and node.args[0].value.id == _first_param(method)
            }
        return self._dispatched

    def _passed_state(self) -> dict[str, str]:
        if self._passed is None:
            init = self._stack[0] if self._stack else None
            self._passed = self.callers.passed_state(self.info.node.name, init) if self.callers and init else {}
        return self._passed

    def _stored_argument(self, attr: str, source, env) -> Value | None:
        """``self.V = V``, an unannotated constructor argument stored as given, is a tensor when the class
        shows it is one (issue 9: "or is used as a tensor"): an in-file caller passes a buffer of its own
        (``RecurrentOneToOne(self.V)``), or a method hands it to a torch loss as ``weight=`` /
        ``pos_weight=``, where only a tensor (or None) fits. Otherwise its type stays open: no candidate."""
        if not (isinstance(source, ast.Name) and source.id in self._untyped and env.get(source.id) is None):
            return None
        if len(self._stack) != 1:
            return None  # only the constructor's own arguments, not a helper's
        passed = self._passed_state().get(source.id) if self.callers and self.callers.registers_buffers() else None
        if passed in (BUFFER_ALIAS, MIXED_STATE):  # mixed: registering it as a buffer would break the Parameter
            return Value(TENSOR, from_argument=True, buffer_alias=True, param_alternative=passed == MIXED_STATE)
        if passed == PARAM:
            return None  # a Parameter registers itself
        if self._loss_weights is None:
            self._loss_weights = _loss_weight_attrs(self.info, self.inference.imports)
        return Value(TENSOR, from_argument=True) if attr in self._loss_weights else None

    def _fill(self, container: Value, value: Value, target_value=None, extend: bool = False) -> None:
        """``container.append(value)`` (or ``extend``/``+=`` with a container value)."""
        registered = self._registered_locals[-1] if self._registered_locals else set()
        if isinstance(target_value, ast.Name) and target_value.id in registered:
            return
        if target_value is not None and self._loops and placed_per_device(target_value, self._loops):
            container.per_device = True
        kinds = value.elements if extend else _element_kinds(value)
        if TENSOR in kinds:  # a container is pinned while every tensor put in it was (self.r[k] = torch.tensor(v, device=device))
            container.pinned = value.pinned and (container.pinned or TENSOR not in container.elements)
            # factors.append(nn.Parameter(w).to(device)): a Parameter the move lost, meant to be learned (a tensor
            # only made to require grad, as DARTS keeps its architecture weights for their own optimizer, is not)
            container.requires_grad = container.requires_grad or bool(value.moved_parameter)
        for kind in kinds:
            if kind == CONTAINER:
                continue
            if kind == REGISTERED:
                container.elements.add(MODULE)
                container.module_states.add("stateful")
            elif kind in (TENSOR, PARAM, MODULE):
                container.elements.add(kind)
        if MODULE in kinds:
            container.module_states |= value.module_states if value.kind == CONTAINER else {value.module_state}

    def _expr_stmt(self, stmt: ast.Expr, env, bound, self_name) -> None:
        call = stmt.value
        if not isinstance(call, ast.Call):
            self._infer(call, env, self_name)
            return
        func = call.func
        if (
            isinstance(func, ast.Attribute)
            and func.attr == "__setattr__"
            and isinstance(func.value, ast.Name)
            and func.value.id == self_name
            and len(call.args) >= 2
        ):
            call = ast.Call(func=ast.Name("setattr", ast.Load()), args=[func.value, *call.args[:2]], keywords=[])
            func = call.func
        if isinstance(func, ast.Name) and func.id == "setattr" and len(call.args) >= 3:
            obj, name_node, value_node = call.args[:3]
            if isinstance(obj, ast.Name) and obj.id == self_name:
                name = _str_const(name_node)
                value = self._infer(value_node, env, self_name)
                if name is not None:
                    self._bind(name, value, stmt, bound, via_setattr=True, receiver=self_name)
                elif value is not None:
                    display = _name_pattern(name_node)
                    function = self._stack[-1] if self._stack else None
                    self.bindings.append(
                        Binding(display, value, stmt, True, True, True, function=function, receiver=self_name)
                    )
                return
        registered = registration(call, self_name)
        if registered is not None and registered[1] is not None and len(call.args) >= 2:
            # register_buffer("loc", loc): a tensor (None aside); its shape is known when it is a local's.
            # Not inferred from the expression: that would walk the helpers it calls a second time.
            given = call.args[1]
            local = env.get(given.id) if isinstance(given, ast.Name) else None
            if local is None or local.kind != TENSOR:
                local = Value(TENSOR, scalar=zero_dim_literal(given, self.inference.imports))  # read, not walked
            if not (isinstance(given, ast.Constant) and given.value is None):
                self.inference.registered_tensors[registered[1]] = local
        if isinstance(func, ast.Attribute):
            owner_attr = _self_attr(func.value, self_name)
            owner = self.attrs.get(owner_attr) if owner_attr else (
                env.get(func.value.id) if isinstance(func.value, ast.Name) else None
            )
            if owner is not None and owner.kind in (MODULE, REGISTERED) and owner_attr and not owner.alias and (
                func.attr in ("append", "insert", "extend") and self._registered_locals
            ):
                # self.layers = nn.ModuleList(); self.layers.append(m): m is registered, and a plain dict that
                # also holds it (self.by_name[n] = m, an index by name) only aliases it
                for arg in call.args[-1:]:
                    for name in ([arg] if isinstance(arg, ast.Name) else getattr(arg, "elts", [])):
                        if isinstance(name, ast.Name):
                            self._registered_locals[-1].add(name.id)
            if owner is not None and owner.kind == CONTAINER and func.attr in tables.CONTAINER_FILL_METHODS:
                for arg in list(call.args[-1:]) + [kw.value for kw in call.keywords]:
                    value = self._infer(arg, env, self_name)
                    if value is None:
                        continue
                    if func.attr in ("extend", "update") and value.kind == CONTAINER:
                        self._fill(owner, value, extend=True)
                    else:
                        self._fill(owner, value, target_value=arg)
                return
            if owner is not None and owner.kind == TENSOR and owner_attr and not owner.random and self._drawn_in_place(
                call, env, self_name
            ):
                # self.mask = torch.zeros(n); self.mask.bernoulli_(0.5) (or .copy_(torch.randperm(n))): a draw
                self.attrs[owner_attr] = owner.but(random=True)
                self._mark_first(owner_attr, random=True)
            if owner is not None and owner.kind == TENSOR and isinstance(func.value, ast.Name):
                if func.attr == "requires_grad_":
                    flag = not (call.args and isinstance(call.args[0], ast.Constant) and not call.args[0].value)
                    env[func.value.id] = owner.but(requires_grad=flag, frozen=not flag)
                elif func.attr in tables.INIT_METHODS:
                    env[func.value.id] = owner.but(initialised=True)
                elif is_in_place(func.attr):
                    env[func.value.id] = owner.but(filled=True)
            if isinstance(func.value, ast.Name) and func.value.id == self_name and func.attr in ("add_module", "register_module"):
                return
            if isinstance(func.value, ast.Name) and func.value.id == "object" and func.attr == "__setattr__":
                return
        qualified = self.inference.imports.qualify(func)
        if qualified and qualified.startswith("torch.nn.init.") and call.args and isinstance(call.args[0], ast.Name):
            local = env.get(call.args[0].id)
            if local is not None and local.kind == TENSOR:
                env[call.args[0].id] = local.but(initialised=True)
        self._infer(call, env, self_name)


@dataclass(frozen=True)
class Candidate:
    """One binding the rules weighed, with their decision: what ``--explain`` prints."""

    attr: str
    line: int
    col: int
    class_name: str
    decision: Decision
    end_line: int = 0


def _is_property(info: ClassInfo, attr: str) -> bool:
    """``@property`` / ``@x.setter`` named ``attr`` in the class or an in-file base."""
    return any(is_property(cls.methods.get(attr)) for cls in info.mro())


def _class_view(info: ClassInfo, walker: "_ClassWalker", evidence: _Evidence, candidates: set[str]) -> ClassView:
    following = set(evidence.registered) | evidence.parameter_attrs
    stateless = set()
    for attr, value in walker.attrs.items():
        if value is not None and value.kind in (PARAM, MODULE, REGISTERED) and not value.alias or (
            value is not None and value.kind in (PARAM, REGISTERED)
        ):
            following.add(attr)
        if value is not None and value.kind == MODULE:
            following.add(attr)
            if value.module_state != "stateful":
                stateless.add(attr)
    if info.extends_torch_layer:
        following |= {"weight", "bias"}
    methods = {name for cls in info.mro() for name in cls.methods}
    saved = {
        attr
        for attr, value in walker.attrs.items()
        if "device" in attr.lower() and attr not in methods and (value is None or value.kind not in (TENSOR, MODULE, PARAM))
    }
    one_dim = {b.attr for b in walker.bindings if b.attr in candidates and b.value.one_dim}
    tensors = {b.attr for b in walker.bindings if b.attr in candidates and b.value.kind == TENSOR}
    return ClassView(
        tensors=tensors,
        candidates=candidates,
        following=following - candidates,
        stateless_modules=stateless,
        saved_devices=saved,
        one_dim=one_dim,
        methods=methods,
        find_method=info.find_method,
        class_names={cls.node.name for cls in info.mro()},
    )


def _decide(binding: Binding, evidence: _Evidence, uses: dict[str, AttrUses], lazy: dict[str, Use]) -> Decision | None:
    kind = binding.value.kind
    if binding.value.lazy:
        return decide_lazy_state(binding, evidence, lazy[binding.attr])
    if kind == TENSOR:
        return decide_tensor(binding, evidence, uses.get(binding.attr) or AttrUses())
    if kind == CONTAINER:
        return decide_container(binding, evidence, uses.get(binding.attr))
    return None


def _none_by_default(func, value: ast.AST) -> bool:
    """``self.perm = perm`` for a parameter ``perm=None``: None unless the caller passes one."""
    if not isinstance(value, ast.Name) or value.id not in _cached(func, "_nnparam_none_defaults", _none_defaults):
        return False
    return value.id not in _cached(func, "_nnparam_rebound", _rebound_names)


def _none_defaults(func) -> frozenset[str]:
    """Parameters that default to None."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    pairs = [*zip(positional[len(positional) - len(args.defaults):], args.defaults),
             *zip(args.kwonlyargs, args.kw_defaults)]
    return frozenset(a.arg for a, d in pairs if isinstance(d, ast.Constant) and d.value is None)


def _rebound_names(func) -> frozenset[str]:
    """Names the function binds anywhere in its body (``if perm is None: perm = torch.randperm(n)`` makes
    the stored value a draw at construction, not a None). Walked only for a None-default parameter stored
    as given: most construction functions never need it."""
    return frozenset(n.id for n in _walk(func) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store))


def _lazy_state(info: ClassInfo, walker: "_ClassWalker") -> dict[str, tuple[Binding, Use]]:
    """Attributes construction binds only to ``None`` and a later method keeps as running state
    (``uses.lazy_updates``) or draws at random once (``uses.first_use_draw``): a binding for each, with
    the update that makes it state."""
    nones: dict[str, Binding] = {}
    defaulted: set[str] = set()  # bound to a parameter that defaults to None (self.perm = perm)
    bound: set[str] = set()  # bound at construction to anything but None: not made lazily
    for func in walker.construction:
        receiver = _first_param(func)
        for node in function_statements(func) if receiver is not None else ():
            if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
                continue
            by_default = _none_by_default(func, node.value)
            is_none = by_default or isinstance(node.value, ast.Constant) and node.value.value is None
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                for element in target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]:
                    attr = _self_attr(element, receiver)
                    if attr is None:
                        continue
                    if not is_none:
                        bound.add(attr)
                    elif attr not in nones:
                        nones[attr] = Binding(attr, Value(TENSOR, lazy=True), node, True, function=func, receiver=receiver)
                    if by_default:
                        defaulted.add(attr)
    nones = {attr: binding for attr, binding in nones.items() if attr not in bound}
    if not nones:
        return {}
    runtime = [
        (method, self_name, False)
        for cls in info.mro() for method in cls.methods.values()
        if method not in walker.construction and (self_name := _first_param(method)) is not None
        and method.name not in tables.NON_COMPUTING_METHODS
    ]
    # Drawn at random once: whatever the caller passes (perm: Optional[Tensor] = None, a candidate of its own
    # otherwise), None draws one and keeps it. Running state only from a None the class itself writes.
    found = {attr: (binding, use) for attr, binding in nones.items() if (use := first_use_draw(attr, runtime))}
    running = {
        attr: binding for attr, binding in nones.items()
        if attr not in found and attr not in defaulted and walker.attrs.get(attr) is None
    }
    found.update((attr, (nones[attr], use)) for attr, use in lazy_updates(running, runtime).items())
    return found


def _class_candidates(
    info: ClassInfo, inference: ExpressionInference, module_functions, owner_managed: set[str],
    fixes: FixBuilder | None = None, classes: list[ClassInfo] = (), callers: _InFileCallers | None = None,
    instances: InstanceFacts | None = None, marks: _TextMarks | None = None,
) -> list[Candidate]:
    """Every binding construction makes that could be unregistered state, each with its decision."""
    walker = _ClassWalker(info, inference, module_functions, callers)
    walker.run()
    built = _built_at_call(info, walker, inference.imports, marks)
    lazy = _lazy_state(info, walker)
    # The whole-class evidence scan is the costly part: only pay for it when a binding could be a finding.
    if not lazy and not any(
        b.reportable and (b.value.kind == TENSOR or (b.value.kind == CONTAINER and b.value.elements))
        for b in walker.bindings
    ):
        return built if built and info.is_module else []
    if not info.is_module:  # a class only the project index could tell, asked now: not a Module
        return []
    plain = frozenset(b.attr for b in walker.bindings if b.value.kind == TENSOR)
    evidence = _Evidence(info, walker.construction, inference.imports, module_functions, plain)
    evidence.owner_managed = owner_managed
    evidence._project = inference.index.project
    candidates: list[Candidate] = []
    considered: list[Binding] = []
    for binding in [*(b for b in walker.bindings if b.attr not in lazy), *(binding for binding, _ in lazy.values())]:
        if not binding.reportable or binding.value.kind not in (TENSOR, CONTAINER):
            continue
        attr = binding.attr
        if attr in evidence.registered:
            reason = "registered by name elsewhere in the class"
        elif evidence.registered_by_project_base(attr):
            reason = "registered by name in a base class in another file"
        elif binding.computed_name and evidence.dynamic_registration:
            reason = "the class registers computed names"
        elif info.extends_torch_layer and attr.startswith(tables.LAYER_REGISTERED_ATTRIBUTE_PREFIXES):
            reason = "the torch layer this class extends registers it"
        elif attr in tables.FRAMEWORK_PLAIN_ATTRIBUTES:
            reason = "the framework reads it as a plain tensor on purpose"
        elif _is_property(info, attr):
            reason = "a property of the class: assigning it runs the setter"
        else:
            considered.append(binding)
            continue
        candidates.append(_candidate(info, binding, Decision(None, reason)))
    tensor_attrs = {  # containers of modules and Parameters too: is their construction value ever used?
        b.attr for b in considered
        if not b.value.lazy and (b.value.kind == TENSOR or b.value.elements & {TENSOR, PARAM, MODULE})
    }
    view = _class_view(info, walker, evidence, tensor_attrs)
    view.computed = {b.attr for b in considered if b.computed_name and b.attr in tensor_attrs}
    view.dicts = {b.attr for b in considered if b.value.kind == CONTAINER and b.value.container == "dict"}
    view.project = inference.index.project
    needs_grad = {b.attr for b in considered if b.value.requires_grad} | evidence.learn_hints_grad
    view.grad_free = {b.attr for b in considered if b.value.kind == TENSOR and b.attr not in needs_grad}
    uses = collect_uses(view, evidence.runtime_functions, inference.imports, module_functions)
    evidence.periodic = view.periodic
    updates = {attr: use for attr, (_, use) in lazy.items()}
    decided = [(b, d) for b in considered if (d := _decide(b, evidence, uses, updates)) is not None]
    unmoved = instances.never_moved(info.node) if instances is not None and any(
        d.reported_by_default for _, d in decided) else None
    if unmoved:
        decided = [(b, silence(unmoved, "MPR907", evidence=unmoved) if d.reported_by_default else d)
                   for b, d in decided]
    per_call = instances.built_per_call(info.node) if instances is not None and any(
        d.code in _HELD_STATE_CODES for _, d in decided) else None
    if per_call:  # a Parameter or module list it builds is still never trained (MPR001, MPR003..006)
        decided = [(b, silence(per_call, "MPR907", evidence=per_call) if d.code in _HELD_STATE_CODES else d)
                   for b, d in decided]
    numbers = {b.attr: b.stmt.lineno for b in walker.bindings if b.value is not None and b.value.kind == NUMBER}
    decided = [  # self.qmin = 0 on another path: register_buffer's attribute then refuses that int (TypeError)
        (b, replace(d, fix=None, fields={**d.fields, "number_binding": numbers[b.attr]}))
        if d.fix is not None and d.fix.kind == "buffer" and b.attr in numbers else (b, d)
        for b, d in decided
    ]
    for binding, decision in _complete_fixes(decided, info, walker, fixes, classes):
        candidates.append(_candidate(info, binding, decision))
    return candidates + built


class _TextMarks:
    """The lines of a file's source where a layer may be called (a name of ``LAYER_NAMES``) and where
    ``lambda`` is written: found with ``str.find`` (a regex over the whole text cost a tenth of the engine),
    so that MPR009 walks only the functions that could hold one."""

    def __init__(self, source: str | None):
        self.layers = self._lines(source, LAYER_NAMES) if source is not None else None
        self.lambdas = self._lines(source, ["lambda"]) if source is not None and self.layers else []

    @staticmethod
    def _lines(source: str, words: list[str]) -> list[int]:
        positions = []
        for word in words:
            at = source.find(word)
            while at >= 0:
                before = source[at - 1] if at else " "
                if not (before.isalnum() or before == "_"):  # Linear, not VisionTransformer
                    positions.append(at)
                at = source.find(word, at + len(word))
        found, line, last = [], 1, 0
        for at in sorted(positions):
            line += source.count("\n", last, at)
            last = at
            found.append(line)
        return found

    @staticmethod
    def within(lines: list[int] | None, node: ast.AST) -> bool:
        if lines is None:
            return True  # no source text: walk
        at = bisect.bisect_left(lines, node.lineno)
        return at < len(lines) and lines[at] <= (node.end_lineno or node.lineno)


def _built_at_call(info: ClassInfo, walker: "_ClassWalker", imports: ImportTable,
                   marks: _TextMarks | None = None) -> list[Candidate]:
    """MPR009 for the class's own code that runs after construction: its methods construction does not run,
    and the lambdas construction makes (``self.norm = lambda x: nn.BatchNorm1d(d)(x)``). With the file's
    text ``marks``, a function whose text calls none of the layers is not walked."""
    marks = marks or _TextMarks(None)
    own = [node for node in info.node.body if isinstance(node, _FunctionNode) and marks.within(marks.layers, node)]
    runtime = [(f, f.name) for f in own if f not in walker.construction]
    for f in own:
        if f in walker.construction and marks.within(marks.lambdas, f):
            runtime += [(node, f"a lambda made in {f.name}") for node in _walk(f) if isinstance(node, ast.Lambda)]
    bound = {attr for attr, value in walker.attrs.items() if value is not None and value.kind in (MODULE, PARAM, REGISTERED)}
    stored_by = {  # stores in the methods construction does not run: walked for reachability only if any
        f: found for f in own if f not in walker.construction and (receiver := _first_param(f))
        and (found := built_lazily([(f, receiver, f.name)], imports, bound))
    }
    stored = []
    if stored_by:
        methods = [node for node in info.node.body if isinstance(node, _FunctionNode)]
        stored = [found for f, _, _ in _run_by_forward(methods, walker.construction) for found in stored_by.get(f, ())]
    return [
        Candidate(spelled, node.lineno, node.col_offset, info.node.name, decision, node.end_lineno or node.lineno)
        for node, spelled, decision in [*built_at_call(runtime, imports), *stored]
    ]


def _run_by_forward(methods: list, construction: set) -> list[tuple[ast.AST, str, str]]:
    """(method, its receiver, its name) for ``forward`` (or ``__call__``) and the methods of ``methods`` it calls
    on ``self``, at any depth; none that construction runs (a dummy forward in ``__init__`` builds its state
    then)."""
    by_name = {f.name: f for f in methods}
    todo = [f for name, f in by_name.items() if name in ("forward", "__call__")]
    found: dict[ast.AST, str] = {}
    while todo:
        func = todo.pop()
        receiver = _first_param(func)
        if func in found or func in construction or receiver is None:
            continue
        found[func] = receiver
        for node in _walk(func):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in by_name
                    and isinstance(node.func.value, ast.Name) and node.func.value.id == receiver):
                todo.append(by_name[node.func.attr])
    return [(func, receiver, func.name) for func, receiver in found.items()]


def _complete_fixes(decided: list[tuple[Binding, Decision]], info: ClassInfo, walker: "_ClassWalker",
                    fixes: FixBuilder | None, classes: list[ClassInfo] = ()) -> list[tuple[Binding, Decision]]:
    """Give each default-on decision its complete fix, or the reason it has none: the one place where
    fixability is decided. The findings of one statement (chained or tuple targets) share one fix."""
    by_stmt: dict[int, list[tuple[Binding, Decision]]] = {}
    for binding, decision in decided:
        if decision.reported_by_default and decision.fix is not None:
            by_stmt.setdefault(id(binding.stmt), []).append((binding, decision))
    subclasses = [c for c in classes if c is not info and info in c.mro()] if by_stmt else []
    code = ClassCode(  # a subclass's methods too: one that re-binds the attribute runs on the same instance
        [c.node for c in info.mro()],
        [(m, r) for c in [*info.mro(), *subclasses] for m in c.methods.values() if (r := _first_param(m))],
        walker.construction,
    )
    completed: dict[int, tuple[Fix | None, str]] = {}
    for key, group in by_stmt.items():
        if fixes is None:
            completed[key] = (None, "the engine was not given the source text")
            continue
        binding = group[0][0]
        targets = [Target(b.attr, d.fix, d.code) for b, d in group]
        completed[key] = fixes.complete(binding.stmt, binding.function, binding.receiver, True, targets, code)
    out = []
    for binding, decision in decided:
        if not decision.reported_by_default:
            out.append((binding, replace(decision, fix=None)))
        elif decision.fix is None:
            out.append((binding, replace(decision, no_fix=no_fix_reason(decision))))
        else:
            fix, reason = completed[id(binding.stmt)]
            out.append((binding, replace(decision, fix=fix, no_fix=reason)))
    return out


def _candidate(info: ClassInfo, binding: Binding, decision: Decision) -> Candidate:
    stmt = binding.stmt
    end = getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno
    return Candidate(binding.attr, stmt.lineno, stmt.col_offset, info.node.name, decision, end)


_REGISTER_BUFFER = re.compile(r'self\.register_buffer\("(?P<attr>[^"]*)", (?P<args>\.\.\.[^)]*)\)')


def _finding(candidate: Candidate, buffer_style: str = "register_buffer") -> Finding:
    decision = candidate.decision
    message = RULES_BY_CODE[decision.code].format(candidate.attr, **decision.fields)
    if buffer_style == "nn.Buffer":  # messages follow the style the fixes are written in
        message = _REGISTER_BUFFER.sub(lambda m: f"self.{m['attr']} = nn.Buffer({m['args']})", message)
    if decision.reported_by_default:
        message += fix_suffix(decision.fix, decision.no_fix)
    return Finding(
        candidate.line, candidate.col, decision.code, message, candidate.attr, candidate.end_line,
        decision.fix, decision.evidence, decision.use_line, decision.no_fix,
    )


def not_analysed(reason: str) -> Finding:
    """The finding that stands for "this file could not be analysed" (default-off MPR999)."""
    reason = " ".join(reason.split())[:200]
    return Finding(1, 0, "MPR999", RULES_BY_CODE["MPR999"].format("", reason=reason), "")


def _owner_managed(module_classes: list[ClassInfo]) -> set[str]:
    """Attributes of sub-modules that an owning model's ``_apply`` override moves (``fn(self.head.stride)``)."""
    names: set[str] = set()
    for info in module_classes:
        method = info.methods.get("_apply")
        if method is None:
            continue
        self_name = _first_param(method) or ""
        submodules = {  # m = self.model[-1]: a local that holds a sub-module
            target.id
            for node in _walk(method)
            if isinstance(node, ast.Assign) and _base_self_attr(node.value, self_name) is not None
            for target in node.targets
            if isinstance(target, ast.Name) and target.id != self_name
        }
        for node in _walk(method):
            if isinstance(node, ast.Attribute) and not (isinstance(node.value, ast.Name) and node.value.id == self_name):
                if _base_self_attr(node.value, self_name) is not None or (
                    isinstance(node.value, ast.Name) and node.value.id in submodules
                ):
                    names.add(node.attr)  # fn(self.head.stride), m.grid = list(map(fn, m.grid))
    return names


def analyze_candidates(
    tree: ast.AST, extra_bases: frozenset[str] = frozenset(), project=None, source: str | None = None,
    buffer_style: str = "register_buffer", filename: str | None = None,
) -> list[Candidate]:
    """Every candidate of one parsed file with its decision (reported or silenced, and why); with the
    source text, default-on decisions carry their complete fix (edits) or the reason they have none.

    ``project`` (a ``project.FileView``, or None) answers for names defined in other files of the project;
    ``filename`` (the path or display name) tells test code (``instances``).
    """
    body = getattr(tree, "body", [])
    statements = list(iter_statements(body))
    imports = ImportTable(statements, body)
    index = ModuleClassIndex(statements, imports, extra_bases, project)
    # Classes whose bases are defined in other files are included unresolved: the project index is asked
    # (and reads those files) only for a class whose construction binds something that could be a finding.
    module_classes = index.possible_module_classes()
    if not module_classes:
        return []
    inference = ExpressionInference(imports, index)
    module_functions = {stmt.name: stmt for stmt in body if isinstance(stmt, _FunctionNode)}
    owner_managed = _owner_managed([c for c in module_classes if "_apply" in c.methods and c.is_module])
    candidates: list[Candidate] = []
    fixes = FixBuilder(body, source, buffer_style) if source is not None else None
    callers = _InFileCallers(body, imports, {c.node.name for c in module_classes})
    instances = InstanceFacts(tree, filename)
    marks = _TextMarks(source)
    try:
        for info in module_classes:
            try:
                candidates += _class_candidates(
                    info, inference, module_functions, owner_managed, fixes, module_classes, callers, instances, marks
                )
            except Exception:
                if info.is_module:
                    raise
                # not a Module after all: eager resolution would never have walked it
    finally:
        # Each walker installs its bound method as the inference's hook: a cycle through which the whole
        # tree would wait for the garbage collector instead of being freed when the file is done.
        inference.call_hook = None
    return candidates


def analyze(
    tree: ast.AST, source: str | None = None, extra_bases: frozenset[str] = frozenset(), project=None,
    buffer_style: str = "register_buffer", filename: str | None = None,
) -> list[Finding]:
    """All findings for one parsed file, sorted by position. Raises only on engine bugs.

    ``project`` (a ``project.FileView``) answers for names defined in other files of the project; a
    file without a torch marker is then still analysed when a class could derive from a project Module.
    With ``source`` (the text ``tree`` was parsed from), each default-on finding carries its complete
    fix, written in ``buffer_style``, or the reason it has none.
    """
    if source is not None and not could_hold_findings(source, extra_bases, project is not None):
        return []
    findings: dict[tuple[int, int, str], Finding] = {}
    for candidate in analyze_candidates(tree, extra_bases, project, source, buffer_style, filename):
        if candidate.decision.code is None:
            continue
        finding = _finding(candidate, buffer_style)
        # A subclass re-walks its in-file base's __init__: the same statement is reported once, preferring a
        # default-on decision (the subclass's forward may show the consequence the base alone does not).
        key = (finding.line, finding.col, finding.attr)
        known = findings.get(key)
        if known is None or (known.code.startswith(DEFAULT_OFF_BAND) and not finding.code.startswith(DEFAULT_OFF_BAND)):
            findings[key] = finding
    return sorted(findings.values(), key=lambda f: (f.line, f.col, f.code))
