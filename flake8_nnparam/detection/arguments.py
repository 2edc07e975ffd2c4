"""What a function does with each of its arguments, read from its body alone.

One definition of each question the use evaluation and the project index ask of a callee: does it move a
parameter to a device (``p.to(x.device)``, ``to_device(p, d)``, a helper of the same file that does), and
are a parameter's reads inert (only an index into another tensor, metadata, a None test) or reached only
when it requires grad (``if bias.requires_grad:``). The answers are kept on the function node.
"""

from __future__ import annotations

import ast
import re

from . import tables
from .imports import all_nodes, cached_on_node, dotted_name, function_statements, walk_once


def device_type(node: ast.AST | None) -> str | None:
    """``"cpu"``, ``"cuda:0"``, ``torch.device("cuda")``: the device type a literal names, else None."""
    if isinstance(node, ast.Call) and node.args and isinstance(node.func, ast.Attribute) and node.func.attr == "device":
        node = node.args[0]
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value.split(":")[0]
    return None


def is_device_name(name: str) -> bool:
    """``device``, ``dev``, ``target_device``: a name that conventionally holds a device."""
    lowered = name.lower()
    return lowered in ("device", "dev") or lowered.endswith("_device")


_PER_DEVICE_COUNT = re.compile(r"^(n_?|num_?)?(gpus?|devices?|ranks?)$|device_count|world_size", re.IGNORECASE)


def placed_per_device(element: ast.AST, loops: list[tuple[ast.AST, ast.AST]]) -> bool:
    """One element per device or rank, placed there on purpose: the loop runs over the devices or ranks
    (``range(torch.cuda.device_count())``, ``range(world_size)``, ``for d in devices``), or the element is
    built on a device that depends on the loop variable (``device=f"cuda:{i}"``, ``.to(devices[i])``,
    ``.cuda(i)``). ``loops`` are the (target, iterable) pairs around the element, innermost last."""
    names = set()
    for target, iterable in loops:
        names |= {n.id for n in ast.walk(target) if isinstance(n, ast.Name)}
        for node in ast.walk(iterable):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
            if name and _PER_DEVICE_COUNT.search(name):
                return True
    if not names:
        return False
    for node in ast.walk(element):
        if not isinstance(node, ast.Call):
            continue
        places = [kw.value for kw in node.keywords if kw.arg == "device"]
        if isinstance(node.func, ast.Attribute) and node.func.attr in ("to", "cuda"):
            places += node.args
        if any(isinstance(n, ast.Name) and n.id in names for place in places for n in ast.walk(place)):
            return True
    return False


def is_device_helper_name(name: str) -> bool:
    """``to_device``, ``move_to``, ``cuda_if_available``: a project helper that places a tensor."""
    lowered = name.lower()
    return "device" in lowered or "cuda" in lowered or lowered.startswith(("move", "to_"))


def is_device_helper_call(node: ast.AST) -> bool:
    """``to_device(x, self.t)``, ``move_to(self.t, dev)``: a project helper that places a tensor."""
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    return is_device_helper_name(func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", ""))


def is_dtype_expression(node: ast.AST) -> bool:
    """``torch.float16``, ``x.dtype``, ``self.dtype``, ``dtype``: a cast target, not a device."""
    if isinstance(node, ast.Attribute):
        return node.attr == "dtype" or node.attr in tables.INTEGRAL_DTYPES | tables.FLOAT_DTYPES | tables.COMPLEX_DTYPES
    return isinstance(node, ast.Name) and "dtype" in node.id.lower()


def is_device_call(node: ast.AST) -> bool:
    """A call that places a tensor on a device (``.to(dtype)`` alone only casts)."""
    if not isinstance(node, ast.Call):
        return False
    if any(kw.arg == "device" for kw in node.keywords):
        return True
    if not (isinstance(node.func, ast.Attribute) and node.func.attr in tables.DEVICE_METHODS):
        return False
    if node.func.attr != "to":
        return True
    return any(not is_dtype_expression(a) for a in node.args)


def moved_operands(call: ast.Call) -> list[ast.AST]:
    """What a device call moves: its receiver (``t.to(d)``), or its arguments when it takes ``device=``."""
    operands = [call.func.value] if isinstance(call.func, ast.Attribute) else []
    if any(kw.arg == "device" for kw in call.keywords):
        operands += list(call.args)
    return operands


def isinstance_test(test: ast.AST) -> tuple[ast.expr, set[str | None], bool] | None:
    """``isinstance(x, (float, int))`` or ``not isinstance(x, torch.Tensor)``: (what is tested, the type names
    as spelled, negated), or None for any other test."""
    negated = isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not)
    call = test.operand if negated else test
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "isinstance"
            and len(call.args) == 2):
        return None
    kinds = call.args[1].elts if isinstance(call.args[1], ast.Tuple) else [call.args[1]]
    return call.args[0], {dotted_name(k) for k in kinds}, negated


def isinstance_tested(func) -> frozenset[str]:
    """Names ``func`` branches on with ``if isinstance(x, ...)`` (an assert only confirms the type); once per
    function (every run of it seeds its parameters, and every call of a helper asks)."""
    return cached_on_node(func, "_nnparam_isinstance_tested", _isinstance_names)


def _isinstance_names(func) -> frozenset[str]:
    return frozenset({
        n.args[0].id
        for stmt in function_statements(func)
        if isinstance(stmt, (ast.If, ast.While))
        for n in all_nodes(stmt.test)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Name)
        and n.func.id == "isinstance"
        and n.args
        and isinstance(n.args[0], ast.Name)
    })


def type_branch(test: ast.AST, kind_of) -> bool | None:
    """``isinstance(x, float)`` or ``isinstance(x, torch.Tensor)`` (or ``not ...``) where ``kind_of(x)`` is
    "number", "tensor", "list", "tuple" or "dict": whether the body runs (None when the test is another one,
    or the type of ``x`` is not known). A plain tensor is no ``nn.Parameter`` and may or may not be a
    ``torch.FloatTensor``."""
    tested = isinstance_test(test)
    if tested is None or not isinstance(tested[0], ast.Name):
        return None
    kind = kind_of(tested[0].id)
    _, names, negated = tested
    if kind in tables.CONTAINER_TYPES:  # isinstance(f, typing.Tuple) of the tuple a subclass hands its base
        if names & tables.CONTAINER_TYPES[kind]:
            return not negated
        if all(n in tables.NUMBER_TYPES | tables.TENSOR_TYPES | {"str", "bytes", "nn.Module", "torch.nn.Module"} for n in names):
            return negated
        return None
    if kind not in ("number", "tensor"):
        return None
    if kind == "number" and names & tables.NUMBER_TYPES or kind == "tensor" and names & tables.PLAIN_TENSOR_TYPES:
        taken = True
    elif kind == "number" and all(n in tables.TENSOR_TYPES | tables.OTHER_TYPES for n in names):
        taken = False
    elif kind == "tensor" and all(n in tables.NUMBER_TYPES | tables.OTHER_TYPES for n in names):
        taken = False
    else:
        return None
    return taken != negated


_ORDER_OPS = (ast.Lt, ast.LtE, ast.Gt, ast.GtE)


def compared_with_numbers(func) -> frozenset[str]:
    """Names ``func`` orders against a number literal in the test of an ``if``, ``while`` or ``assert``
    (``if not 0 <= p <= 1: raise``, ``assert eps > 0``): such a value is a Python number (a list raises
    TypeError there, a tensor of several elements raises in the boolean test), so whatever a helper makes of
    it is 0-dim. Names also tested with ``isinstance`` are left to their branches."""
    return cached_on_node(func, "_nnparam_compared_with_numbers", _compared_names)


def _compared_names(func) -> frozenset[str]:
    found = set()
    for stmt in function_statements(func):
        if not isinstance(stmt, (ast.If, ast.While, ast.Assert)):
            continue
        for n in all_nodes(stmt.test):
            if not isinstance(n, ast.Compare) or not all(isinstance(op, _ORDER_OPS) for op in n.ops):
                continue
            operands = [n.left, *n.comparators]
            if any(_number_literal(o) for o in operands):
                found.update(o.id for o in operands if isinstance(o, ast.Name))
    return frozenset(found - isinstance_tested(func))


def _number_literal(node: ast.AST) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, (int, float)) and not isinstance(node.value, bool)


def none_test(test: ast.AST) -> tuple[str, bool] | None:
    """``x is None`` -> ("x", True); ``x is not None`` -> ("x", False); None for any other test."""
    if (isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.ops[0], (ast.Is, ast.IsNot))
            and isinstance(test.left, ast.Name) and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None):
        return test.left.id, isinstance(test.ops[0], ast.Is)
    return None


def grad_test(test: ast.AST, probe) -> tuple[object, bool]:
    """``if X.requires_grad`` (also ``and``-ed with other tests): ``(probe(X), True)``; ``if not
    X.requires_grad``: ``(probe(X), False)``; anything else ``(None, True)``."""
    positive = True
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
        test, positive = test.operand, False
    if positive and isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
        for value in test.values:
            found, sign = grad_test(value, probe)
            if found is not None and sign:
                return found, True
        return None, True
    if isinstance(test, ast.Attribute) and test.attr == "requires_grad":
        return probe(test.value), positive
    return None, True


def moved_name(node: ast.AST) -> str | None:
    """The name a moved operand is made from: ``p`` for ``p``, ``p[None]``, ``p.float()``, ``p.data``."""
    while True:
        if isinstance(node, ast.Name):
            return node.id
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            node = node.func.value
        elif isinstance(node, (ast.Subscript, ast.Starred)) or (isinstance(node, ast.Attribute) and node.attr != "device"):
            node = node.value
        else:
            return None


def moved_parameters(func, functions: dict | None = None) -> set[str]:
    """Parameters a function moves to a device: ``p.to(...)``, ``p[None].to(dtype=..., device=...)``,
    ``p.cuda()``, ``as_tensor(p, device=...)``, ``to_device(p, x.device)``, or hands to a function of the
    same file (``functions``, by name) that moves them."""

    key = "_nnparam_moved_params_f" if functions else "_nnparam_moved_params"

    def compute(f):
        params = {a.arg for a in f.args.posonlyargs + f.args.args + f.args.kwonlyargs}
        f.__dict__[key] = set()  # a recursive helper moves nothing through itself
        moved: set[str] = set()
        for call in walk_once(f):
            if not isinstance(call, ast.Call):
                continue
            if is_device_call(call):
                operands = moved_operands(call)
            elif is_device_helper_call(call):  # to_device(p, x.device): the tensors it is given
                operands = [a for a in call.args if not names_device(a)]
            elif functions and isinstance(call.func, ast.Name) and call.func.id in functions and call.func.id not in params:
                callee = functions[call.func.id]
                inner = moved_parameters(callee, functions)
                names = [a.arg for a in callee.args.posonlyargs + callee.args.args]
                operands = [a for n, a in zip(names, call.args) if n in inner]
                operands += [k.value for k in call.keywords if k.arg in inner]
            else:
                continue
            moved |= {name for name in map(moved_name, operands) if name in params}
        return moved

    return cached_on_node(func, key, compute)


def parameter_fates(func) -> dict[str, str]:
    """Parameters whose reads can never meet another tensor in an operation: "inert" when every read is an
    index into another tensor (``rel_pos[coords]``: a CPU index works on any device), metadata
    (``w.shape``) or a None test; "grad_only" when the other reads sit under ``if w.requires_grad:`` (a plain
    tensor, which does not require grad, never reaches them)."""

    def compute(f):
        params = {a.arg for a in f.args.posonlyargs + f.args.args + f.args.kwonlyargs}
        nodes = walk_once(f)
        reads = [n for n in nodes if isinstance(n, ast.Name) and n.id in params and isinstance(n.ctx, ast.Load)]
        if not reads:
            return {}
        harmless: set[int] = set()  # ids of Name nodes read as an index, through metadata or in a None test
        guarded: dict[int, str] = {}  # ids of Name nodes under `if <name>.requires_grad:` -> that name
        for node in nodes:
            if isinstance(node, ast.Attribute) and node.attr in _GRAD_METADATA:
                harmless.add(id(node.value))  # bias.requires_grad, bias.shape: no tensor operation
            elif isinstance(node, ast.Compare) and all(isinstance(op, (ast.Is, ast.IsNot)) for op in node.ops):
                harmless.update(id(side) for side in [node.left, *node.comparators])  # coords is not None
            elif isinstance(node, ast.Subscript):  # rel_pos[coords]: indexes another tensor
                harmless.update(id(part) for part in (node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]))
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "save_for_backward":
                harmless.update(id(arg) for arg in node.args)  # ctx.save_for_backward(x, bias): kept, not computed with
            elif isinstance(node, ast.If):
                name, positive = grad_test(node.test, lambda n: n.id if isinstance(n, ast.Name) else None)
                if name in params:
                    for stmt in node.body if positive else node.orelse:
                        for sub in ast.walk(stmt):
                            guarded.setdefault(id(sub), name)
        fates: dict[str, str] = {}
        other: set[str] = set()
        for read in reads:
            if id(read) in harmless:
                fates.setdefault(read.id, "inert")
            elif guarded.get(id(read)) == read.id:
                fates[read.id] = "grad_only"
            else:
                other.add(read.id)
        return {p: fate for p, fate in fates.items() if p not in other}

    return cached_on_node(func, "_nnparam_parameter_fates", compute)


_GRAD_METADATA = frozenset({"requires_grad", "shape", "dtype", "ndim"})


def registered_elements(func) -> dict[str, str]:
    """``{parameter: receiver}``: parameters whose elements the function registers one by one on the
    receiver parameter, a Module (``for i, m in enumerate(mods): self.add_module(f"{name}_{i}", m)``,
    ``register_module``, ``setattr(self, n, m)``). A list handed to such a helper is registered: wrapping it
    in ``nn.ModuleList`` as well would save every weight under a second key."""

    def compute(f):
        params = {a.arg for a in f.args.posonlyargs + f.args.args + f.args.kwonlyargs}
        found: dict[str, str] = {}
        for loop in walk_once(f):
            if not isinstance(loop, ast.For):
                continue
            source = loop.iter
            if isinstance(source, ast.Call) and isinstance(source.func, ast.Name) and source.func.id in ("enumerate", "zip", "reversed"):
                sources = [a.id for a in source.args if isinstance(a, ast.Name)]
            else:
                sources = [source.id] if isinstance(source, ast.Name) else []
            sources = [s for s in sources if s in params]
            targets = {n.id for n in ast.walk(loop.target) if isinstance(n, ast.Name)}
            if not sources or not targets:
                continue
            for call in (n for stmt in loop.body for n in ast.walk(stmt) if isinstance(n, ast.Call)):
                func = call.func
                if isinstance(func, ast.Attribute) and func.attr in tables.REGISTRATION_METHODS and isinstance(func.value, ast.Name):
                    receiver, given = func.value.id, call.args[1:2]
                elif isinstance(func, ast.Name) and func.id == "setattr" and len(call.args) == 3 and isinstance(call.args[0], ast.Name):
                    receiver, given = call.args[0].id, call.args[2:]
                else:
                    continue
                if receiver in params and any(isinstance(g, ast.Name) and g.id in targets for g in given):
                    found.update({s: receiver for s in sources})
        return found

    return cached_on_node(func, "_nnparam_registered_elements", compute)


def names_device(node: ast.AST) -> bool:
    """``x.device``, ``device``, ``self.device``, ``dtype``: an argument that says where (or as what), not
    what, to move."""
    text = (node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")).lower()
    return "device" in text or "dtype" in text


def call_names_device(call: ast.Call) -> bool:
    """``f(t, x.device)``, ``f(t, device=d)``: a call told where to put something."""
    return any(
        (isinstance(a, ast.Attribute) and a.attr == "device") or (isinstance(a, ast.Name) and "device" in a.id.lower())
        for a in list(call.args) + [k.value for k in call.keywords]
    )
