"""Infer what an expression evaluates to: a tensor (with what properties), a Module, a container..."""

from __future__ import annotations

import ast
from typing import Callable

from . import tables
from .arguments import device_type, is_device_name, placed_per_device, type_branch
from .imports import ImportTable, is_torch_name
from .module_classes import ModuleClassIndex, combined_state, is_torch_module_name, torch_module_state
from .values import CONTAINER, DEVICE, MODULE, NUMBER, PARAM, REGISTERED, TENSOR, Value, merge, tensor

Env = dict  # local name -> Value

_NUMERIC_OPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.MatMult)


_MATH_MODULES = ("math", "np", "numpy")  # their functions of numbers return numbers (math.sqrt(d))
_NUMBER_MODULES = _MATH_MODULES + ("torch",)  # their named constants are numbers (torch.inf)
_NUMBER_CONSTANTS = frozenset({"inf", "nan", "pi", "e", "tau", "infty", "NINF", "PINF", "NAN", "NaN", "Inf"})


def is_number(node: ast.AST) -> bool:
    """``3``, ``-0.5``, ``-np.inf``, ``math.pi``: a number literal (not a bool) or a named constant of
    ``math`` / numpy."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, (int, float, complex)) and not isinstance(node.value, bool)
    if isinstance(node, ast.UnaryOp):
        return is_number(node.operand)
    return (
        isinstance(node, ast.Attribute) and node.attr in _NUMBER_CONSTANTS
        and isinstance(node.value, ast.Name) and node.value.id in _NUMBER_MODULES
    )


def _fresh_parameter(value: Value) -> bool:
    """An ``nn.Parameter(...)`` made here (not an existing one, ``self.fc.weight``): an operation on it at
    construction returns a plain tensor and drops the Parameter."""
    return value.kind == PARAM and not value.alias and not value.frozen


def _placed_on(call: ast.AST) -> str | None:
    """Where a call places its result, as source text: ``t.to(device)``, ``t.cuda()``, ``torch.zeros(n,
    device=d)``; None when it names no device, or also a dtype (a cast is no mere move)."""
    if not isinstance(call, ast.Call):
        return None
    device = next((k.value for k in call.keywords if k.arg == "device"), None)
    if isinstance(call.func, ast.Attribute) and call.func.attr in ("to", "cuda"):
        if call.func.attr == "cuda":
            return "cuda" if not call.args and not call.keywords else None
        if any(k.arg != "device" for k in call.keywords) or len(call.args) > 1:
            return None
        device = call.args[0] if call.args else device
    if device is None or (isinstance(device, ast.Attribute) and device.attr in tables.FLOAT_DTYPES):
        return None
    return ast.dump(device)


def _moved_where_it_is(call: ast.Call) -> bool:
    """``nn.Parameter(data.to(d)).to(d)``: the Parameter's data is already on the device the move names."""
    parameter = call.func.value if isinstance(call.func, ast.Attribute) else None
    target = _placed_on(call)
    return target is not None and isinstance(parameter, ast.Call) and bool(parameter.args) and (
        _placed_on(parameter.args[0]) == target
    )


def _int_literals_only(node: ast.AST) -> bool:
    """A (nested) list/tuple literal of ints, or bools."""
    if isinstance(node, (ast.List, ast.Tuple)):
        return bool(node.elts) and all(_int_literals_only(e) for e in node.elts)
    if isinstance(node, ast.UnaryOp):
        return _int_literals_only(node.operand)
    return isinstance(node, ast.Constant) and isinstance(node.value, int)


def _looks_scalar(node: ast.AST) -> bool:
    """Argument of torch.tensor(...) that makes a 0-dim tensor: a number or arithmetic on numbers."""
    if is_number(node):
        return True
    if isinstance(node, ast.BinOp) and isinstance(node.op, _NUMERIC_OPS):
        return not any(isinstance(n, (ast.List, ast.Tuple, ast.ListComp)) for n in ast.walk(node))
    if isinstance(node, ast.Call):
        func = node.func
        if isinstance(func, ast.Name):
            return func.id in ("len", "int", "float", "round")  # torch.tensor(len(vocab))
        if isinstance(func, ast.Attribute) and func.attr in _NUMBER_METHODS:
            return func.attr != "size" or len(node.args) + len(node.keywords) == 1  # w.size(0), not w.size()
        return isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in _MATH_MODULES and func.attr in ("log", "sqrt", "exp")
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute) and node.value.attr == "shape":
        return not isinstance(node.slice, ast.Slice)  # torch.tensor(x.shape[-1])
    return False


def known_type(value: Value | None) -> str | None:
    """"number", "tensor", "list", "tuple" or "dict" when an ``isinstance`` test of this value has a known
    answer (see ``arguments.type_branch``)."""
    if value is None:
        return None
    if value.kind == CONTAINER:
        return value.container if value.container in tables.CONTAINER_TYPES else None
    return "number" if value.kind == NUMBER else "tensor" if value.kind == TENSOR else None


def zero_dim_literal(node: ast.AST, imports: ImportTable) -> bool:
    """``torch.tensor(0.)``, ``torch.tensor(-np.inf)``: a 0-dim tensor of one number, read from the syntax alone
    (no inference, so no helper is walked): a registered buffer's value, a constructor argument's default."""
    return (
        isinstance(node, ast.Call) and len(node.args) == 1 and not node.keywords
        and (imports.qualify(node.func) or "") == "torch.tensor" and is_number(node.args[0])
    )


def _grad_flag(call: ast.Call) -> bool:
    """The flag of ``t.requires_grad_(...)``: True unless given a constant false, positionally or by keyword."""
    given = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "requires_grad"), None)
    return not (isinstance(given, ast.Constant) and not given.value)


# numpy functions that make an array from numbers (np.arange(0, 1, 0.01) is a 100-point grid, not a number)
_NUMPY_ARRAY_FACTORIES = frozenset(
    "arange linspace logspace geomspace zeros ones full empty eye identity array asarray tile repeat meshgrid "
    "diag tri triu tril hanning hamming blackman bartlett kaiser".split()
)
_NUMBER_METHODS = frozenset({"size", "dim", "numel", "nelement", "ndimension", "item"})  # of a tensor: Python numbers


_SCALAR_NAMES = frozenset(
    "n d k dim d_k d_model d_head head_dim size scale temperature temp tau eps epsilon margin "
    "step steps num count value init_value stride padding dilation groups factor ratio rate dropout p "
    "thresh threshold".split()
)


def _scalar_name(name: str) -> bool:
    """Names that conventionally hold one number (``torch.tensor(d_k)`` is 0-dim)."""
    lowered = name.lower()
    return (
        lowered in _SCALAR_NAMES
        or lowered.startswith(("n_", "num_"))
        or lowered.endswith(("_dim", "_size", "_scale", "_temperature", "_eps", "_stride", "_thresh", "_threshold"))
    )


def _count_name(name: str) -> bool:
    """Names that conventionally hold a count (``torch.ones(num_classes)`` is 1-D); not ``size`` or ``shape``,
    which often hold a tuple."""
    lowered = name.lower()
    return lowered in _COUNT_NAMES or lowered.startswith(("n_", "num_")) or lowered.endswith(_COUNT_SUFFIXES)


_COUNT_NAMES = frozenset("n k d dim num count classes nclasses num_classes channels bins tasks".split())
_COUNT_SUFFIXES = ("_dim", "_classes", "_channels", "_len", "_length", "_features", "_bins", "_tasks", "_labels")


# Tensor methods that keep a 1-D table 1-D (element-wise, casts, moves).
_SHAPE_KEEPING_METHODS = (
    tables.FLOAT_METHODS | tables.INTEGRAL_METHODS | tables.COMPLEX_METHODS | tables.DEVICE_METHODS
    | frozenset("clone detach detach_ contiguous flip abs neg exp log sqrt sin cos sigmoid tanh clamp round floor ceil "
                "requires_grad_ cumsum cumprod pow mul add sub div".split())
)


def _leaf_name(node: ast.AST) -> str:
    """``n`` -> n, ``self.conv.stride[0]`` -> stride: the name a value is known by."""
    if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, int):
        node = node.value
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return ""


def _is_empty_shape(args: list[ast.expr]) -> bool:
    if len(args) == 1:
        a = args[0]
        if isinstance(a, ast.Constant) and a.value == 0:
            return True
        if isinstance(a, (ast.List, ast.Tuple)) and len(a.elts) == 1:
            e = a.elts[0]
            return isinstance(e, ast.Constant) and e.value == 0
    return False


def _is_zero_dim_shape(args: list[ast.expr]) -> bool:
    return len(args) == 1 and isinstance(args[0], (ast.Tuple, ast.List)) and not args[0].elts


def _module_tensors(source: ast.AST) -> bool:
    """``m.parameters()``, ``m.named_parameters()``, ``m.buffers()``, ``m.named_buffers()``,
    ``m.state_dict().items()`` / ``.values()``: iterating it yields a module's registered tensors (last)."""
    if not (isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute)):
        return False
    if source.func.attr in ("parameters", "named_parameters", "buffers", "named_buffers"):
        return True
    inner = source.func.value
    return (
        source.func.attr in ("items", "values")
        and isinstance(inner, ast.Call)
        and isinstance(inner.func, ast.Attribute)
        and inner.func.attr == "state_dict"
    )



def _true(node: ast.AST | None) -> bool:
    return isinstance(node, ast.Constant) and node.value is True

# Float dtypes other than float32 (the default): Parameter(t).float() of one of these is a copy.
_FLOAT_WIDTHS = {"float64": "float64", "double": "float64", "float16": "float16", "half": "float16",
                 "bfloat16": "bfloat16"}

class ExpressionInference:
    """Infers values in the context of one file (its imports and Module classes).

    ``call_hook`` lets the caller walk a helper method or function when its result is asked for
    (that is how ``self.x = self._build()`` is both followed and typed).
    """

    def __init__(self, imports: ImportTable, index: ModuleClassIndex):
        self.imports = imports
        self.index = index
        self.registered_locals: set[str] = set()  # local names the current function registers elsewhere
        # self.<name> -> value of the tensors construction registered so far (register_buffer/_parameter):
        # Normal(self.loc, self.scale) holds views of them, which .to() leaves behind
        self.registered_tensors: dict[str, Value] = {}
        self.current_device_property = False  # self.device is a base's property (the CPU at construction)
        self.call_hook: Callable[[ast.Call, Env, str | None], Value | None] | None = None

    # --- dtype helpers -------------------------------------------------------------
    def _dtype_name(self, node: ast.AST | None) -> str | None:
        if node is None:
            return None
        q = self.imports.qualify(node)
        if q and q.startswith("torch."):
            return q[len("torch."):]
        return None

    def _apply_dtype(self, value: Value, dtype_node: ast.AST | None) -> Value:
        name = self._dtype_name(dtype_node)
        if name is None:
            return value
        return value.but(integral=name in tables.INTEGRAL_DTYPES, complex=name in tables.COMPLEX_DTYPES,
                         float_width=_FLOAT_WIDTHS.get(name, ""))

    @staticmethod
    def _kw(call: ast.Call, name: str) -> ast.expr | None:
        for kw in call.keywords:
            if kw.arg == name:
                return kw.value
        return None

    # --- devices -------------------------------------------------------------------
    def _configuration_root(self, node: ast.AST, env: Env, self_name: str | None) -> bool:
        """``self``, ``self.cfg`` or an imported module (``flair``): where a configured device is kept.

        Not a tensor or a local (``x_example.device``, ``self.weight.device`` at construction): those name
        the device some tensor happens to be on, not one the class was told to use."""
        while isinstance(node, ast.Attribute):
            if node.attr in ("weight", "bias", "data") or node.attr.endswith(("weight", "bias")):
                return False
            node = node.value
        if not isinstance(node, ast.Name) or node.id in env:
            return False
        return node.id == self_name or node.id in self.imports.refs

    def _configured_device(self, node: ast.AST | None, env: Env, self_name, attrs) -> bool:
        value = self.infer(node, env, self_name, attrs) if node is not None else None
        return value is not None and value.kind == DEVICE and value.pinned

    # --- entry point ---------------------------------------------------------------
    def infer(self, node: ast.AST | None, env: Env, self_name: str | None, attrs: dict[str, Value]) -> Value | None:
        if node is None:
            return None
        if is_number(node):
            return Value(NUMBER)
        if isinstance(node, ast.Call):
            return self._infer_call(node, env, self_name, attrs)
        if isinstance(node, ast.Name):
            if node.id not in env and is_device_name(node.id):
                return Value(DEVICE, pinned=True)  # a constructor argument or a global the code is configured with
            return env.get(node.id)
        if isinstance(node, ast.Attribute):
            if is_device_name(node.attr):
                owner = node.value  # self.inv_freq.device: where a tensor of the class happens to be, not a setting
                if self_name and isinstance(owner, ast.Attribute) and isinstance(owner.value, ast.Name) and (
                    owner.value.id == self_name
                ):
                    held = attrs.get(owner.attr)
                    if owner.attr in self.registered_tensors or (held is not None and held.kind in (TENSOR, PARAM, REGISTERED)):
                        return Value(DEVICE, pinned=False)
                if self.current_device_property and isinstance(owner, ast.Name) and owner.id == self_name:
                    return Value(DEVICE, pinned=False)  # a LightningModule's self.device: the CPU until the Trainer moves it
                return Value(DEVICE, pinned=self._configuration_root(node.value, env, self_name))
            if self_name and isinstance(node.value, ast.Name) and node.value.id == self_name:
                value = attrs.get(node.attr)
                return value.but(alias=True) if value is not None and value.kind != CONTAINER else value
            base = self.infer(node.value, env, self_name, attrs)
            if base is not None and base.kind == MODULE and node.attr in ("weight", "bias"):
                return Value(PARAM, alias=True)  # self.fc.weight: an existing Parameter
            if base is not None and base.kind in (TENSOR, PARAM):
                if node.attr in tables.TENSOR_ATTRIBUTES:
                    return tensor(
                        complex=base.complex if node.attr not in ("real", "imag") else False,
                        integral=base.integral,
                        pinned=base.pinned,
                    )
                return None
            return None
        if isinstance(node, ast.Subscript):
            base = self.infer(node.value, env, self_name, attrs)
            if base is None:
                return None
            if base.kind in (TENSOR, PARAM):
                at_integer = isinstance(node.slice, ast.Constant) and type(node.slice.value) is int or (
                    isinstance(node.slice, ast.UnaryOp) and isinstance(node.slice.operand, ast.Constant)
                    and type(node.slice.operand.value) is int
                )
                parts = [] if at_integer else node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
                indices = [self.infer(p, env, self_name, attrs) for p in parts if not isinstance(p, ast.Slice)]
                return tensor(  # t[torch.randperm(n)], t[:, perm]: a random permutation of t is a random draw too
                    complex=base.complex, integral=base.integral, pinned=base.pinned,
                    random=base.random or any(v is not None and v.kind == TENSOR and v.random for v in indices),
                    scalar=base.one_dim and at_integer,  # point_cloud_range[0] of a 1-D table: a 0-dim value
                    one_dim=base.one_dim and isinstance(node.slice, ast.Slice),  # edges[:-1] of a 1-D table
                )
            if base.kind == CONTAINER:
                if MODULE in base.elements:  # actives[name] of {"relu": nn.ReLU(), "tanh": nn.Tanh()}: stateless
                    states = base.module_states
                    state = "stateful" if not states or "stateful" in states else ("mode" if "mode" in states else "stateless")
                    return Value(MODULE, module_state=state)
                if PARAM in base.elements:
                    return Value(PARAM)
                if TENSOR in base.elements:
                    return tensor()
            return None
        if isinstance(node, ast.BinOp):
            left = self.infer(node.left, env, self_name, attrs)
            right = self.infer(node.right, env, self_name, attrs)
            if isinstance(node.op, ast.Mult):
                for seq, other in ((left, node.right), (right, node.left)):
                    if seq is not None and seq.kind == CONTAINER and seq.container in ("list", "tuple"):
                        return seq.but(elements=set(seq.elements), module_states=set(seq.module_states))
            if isinstance(node.op, ast.Add) and left and right and left.kind == right.kind == CONTAINER:
                return left.but(
                    elements=left.elements | right.elements, module_states=left.module_states | right.module_states
                )
            operands = [v for v in (left, right) if v is not None and v.kind in (TENSOR, PARAM)]
            if not operands and left is not None and right is not None and left.kind == right.kind == NUMBER:
                return Value(NUMBER)
            if operands:
                fresh = any(_fresh_parameter(v) for v in operands)
                others = [v for v in (left, right) if v is None or v.kind not in (TENSOR, PARAM)]
                return tensor(
                    # 2 ** torch.linspace(0, n - 1, n): elementwise with numbers, a 1-D tensor stays 1-D
                    one_dim=all(v.one_dim for v in operands) and all(v is not None and v.kind == NUMBER for v in others),
                    computed_parameter=fresh,
                    requires_grad=fresh or any(v.requires_grad for v in operands),
                    complex=any(v.complex for v in operands),
                    integral=all(v.integral for v in operands) and not isinstance(node.op, (ast.Div, ast.Pow)),
                    scalar=all(v.scalar for v in operands),
                    random=any(v.random for v in operands),
                    random_init=any(v.random_init for v in operands),
                    pinned=all(v.pinned for v in operands),
                    float_width=next((v.float_width for v in operands if v.float_width), ""),
                )
            return None
        if isinstance(node, ast.UnaryOp):
            v = self.infer(node.operand, env, self_name, attrs)
            if v is not None and v.kind == TENSOR:
                return v.but(integral=v.integral or isinstance(node.op, ast.Not))
            return None
        if isinstance(node, ast.Compare):
            sides = [self.infer(s, env, self_name, attrs) for s in (node.left, *node.comparators)]
            tensors = [v for v in sides if v is not None and v.kind in (TENSOR, PARAM)]
            if tensors and not any(isinstance(op, (ast.Is, ast.IsNot, ast.In, ast.NotIn)) for op in node.ops):
                # a mask of tensors placed on the configured device is on that device too; of a draw, a draw
                return tensor(integral=True, pinned=all(v.pinned for v in tensors), random=any(v.random for v in tensors))
            return None
        if isinstance(node, ast.IfExp):
            taken = type_branch(node.test, lambda name: known_type(env.get(name)))
            if taken is not None:  # num_bits.item() if isinstance(num_bits, torch.Tensor) else num_bits
                return self.infer(node.body if taken else node.orelse, env, self_name, attrs)
            return merge(
                self.infer(node.body, env, self_name, attrs),
                self.infer(node.orelse, env, self_name, attrs),
            )
        if isinstance(node, ast.BoolOp):
            result = None
            for v in node.values:
                result = merge(result, self.infer(v, env, self_name, attrs))
            return result
        if isinstance(node, ast.NamedExpr):
            value = self.infer(node.value, env, self_name, attrs)
            if isinstance(node.target, ast.Name):
                env[node.target.id] = value
            return value
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            kind = {ast.List: "list", ast.Tuple: "tuple", ast.Set: "set"}[type(node)]
            return self._container(kind, node.elts, env, self_name, attrs)
        if isinstance(node, ast.Dict):
            return self._container("dict", [v for v in node.values if v is not None], env, self_name, attrs)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp)):
            kind = "set" if isinstance(node, ast.SetComp) else "list"
            if isinstance(node, ast.GeneratorExp):
                kind = "generator"
            value = self._container(kind, [node.elt], self._comprehension_env(node, env, self_name, attrs), self_name, attrs)
            return value.but(per_device=placed_per_device(node.elt, [(g.target, g.iter) for g in node.generators]))
        if isinstance(node, ast.DictComp):
            value = self._container("dict", [node.value], self._comprehension_env(node, env, self_name, attrs), self_name, attrs)
            return value.but(per_device=placed_per_device(node.value, [(g.target, g.iter) for g in node.generators]))
        return None

    def _comprehension_env(self, node, env: Env, self_name=None, attrs=None) -> Env:
        inner = dict(env)
        for gen in node.generators:
            for target in ast.walk(gen.target):
                if isinstance(target, ast.Name):
                    inner[target.id] = None
            source = gen.iter
            last = gen.target.elts[-1] if isinstance(gen.target, ast.Tuple) and gen.target.elts else gen.target
            if not isinstance(last, ast.Name):
                continue
            if _module_tensors(source):
                # for n, p in model.named_parameters(), model.state_dict().items(): p is another module's
                # registered tensor
                inner[last.id] = Value(PARAM, alias=True)
            elif (element := self._module_element(source, gen.target, inner, self_name, attrs)) is not None:
                inner[last.id] = element
        return inner

    def _module_element(self, source, target, env: Env, self_name, attrs) -> Value | None:
        """The module each step of ``for name, m in self.metrics.items()`` (or ``.values()``, or a list bound
        to ``self``) gives when the container holds only modules: the same modules again (held by a registering
        container, they are its: an alias), so a dict built from them holds what the first one held."""
        method = source.func.attr if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) else None
        if method in ("items", "values") and not source.args:
            if (method == "items") != isinstance(target, ast.Tuple):
                return None
            source = source.func.value
        elif method is not None or isinstance(target, ast.Tuple):
            return None
        if not (isinstance(source, ast.Attribute) and isinstance(source.value, ast.Name) and source.value.id == self_name):
            return None  # [(m.name, m) for m in [elbo, kl]]: those locals may be bound to self too (registered)
        held = self.infer(source, env, self_name, attrs or {})
        if held is None:
            return None
        if held.kind == REGISTERED:
            return Value(MODULE, alias=True)
        if held.kind != CONTAINER or held.elements != {MODULE} or held.container not in ("list", "tuple", "dict"):
            return None
        if (held.container == "dict") != (method is not None):
            return None  # iterating a dict gives its keys
        return Value(MODULE, module_state=combined_state(held.module_states or {"stateful"}))

    def _not_a_module(self, elt: ast.AST, value: Value | None) -> bool:
        """``0.5``, ``"relu"``, ``lambda x: x``, ``F.relu``: an element no registering container accepts."""
        if isinstance(elt, ast.Constant):
            return elt.value is not None
        if isinstance(elt, ast.Lambda) or (value is not None and value.kind == NUMBER):
            return True
        qualified = self.imports.qualify(elt) if isinstance(elt, (ast.Name, ast.Attribute)) else None
        return bool(qualified) and qualified.startswith("torch.nn.functional.")

    def _container(self, kind: str, elts, env: Env, self_name, attrs) -> Value:
        elements: set[str] = set()
        module_states: set[str] = set()
        items = []
        tensor_flags: list[bool] = []
        pinned_flags: list[bool] = []  # each tensor element placed on the configured device (device=device)
        learnable_elements = False
        random_elements = integral_elements = non_modules = False
        for elt in elts:
            if isinstance(elt, ast.Starred):
                v = self.infer(elt.value, env, self_name, attrs)
                if v is not None and v.kind == CONTAINER:
                    elements |= v.elements
                continue
            v = self.infer(elt, env, self_name, attrs)
            if kind == "tuple":
                items.append(v)
            non_modules = non_modules or self._not_a_module(elt, v)
            if v is None or (v.alias and v.kind in (MODULE, PARAM, REGISTERED)):
                continue
            if isinstance(elt, ast.Name) and elt.id in self.registered_locals:
                continue
            if v.kind == TENSOR:
                tensor_flags.append(v.scalar or v.placeholder)
                pinned_flags.append(v.pinned)
                learnable_elements |= v.requires_grad
                random_elements |= v.random
                integral_elements = integral_elements or v.integral
            if v.kind == REGISTERED:
                elements.add(MODULE)
                module_states.add("stateful")
            elif v.kind == CONTAINER and v.container == "distribution":
                continue  # [Normal(...), ...]: register_buffer cannot hold one; not a list of tensors
            elif v.kind == CONTAINER:
                elements |= v.elements
                module_states |= v.module_states
            elif v.kind in (TENSOR, PARAM, MODULE):
                elements.add(v.kind)
                if v.kind == MODULE:
                    module_states.add(v.module_state)
        positional = tuple(items) if kind == "tuple" and len(items) == len(elts) else None
        return Value(
            CONTAINER,
            container=kind,
            elements=elements,
            module_states=module_states,
            items=positional,
            scalar=bool(tensor_flags) and all(tensor_flags),
            pinned=bool(pinned_flags) and all(pinned_flags),
            requires_grad=learnable_elements,  # [torch.randn(3, requires_grad=True), ...]
            random=random_elements,
            integral=integral_elements,
            non_modules=non_modules,
        )

    # --- calls ---------------------------------------------------------------------
    def _infer_call(self, call: ast.Call, env: Env, self_name, attrs) -> Value | None:
        func = call.func
        qualified = self.imports.qualify(func)
        if qualified is not None and qualified.startswith(tables.DISTRIBUTION_NAMESPACES) and qualified.rsplit(".", 1)[-1][:1].isupper():
            return self._distribution(qualified, call, env, self_name, attrs)
        if is_torch_name(qualified):
            return self._torch_call(qualified, call, env, self_name, attrs)
        if qualified is not None and is_torch_module_name(qualified):  # a library's: GCNConv, Rearrange, a Metric
            return Value(MODULE, module_state=torch_module_state(qualified.rsplit(".", 1)[-1], call))
        if isinstance(func, ast.Name):
            if self.index.is_module_class_name(func.id) and func.id not in env:
                return Value(MODULE, module_state=self.index.state_of(func.id))  # an in-file class: what it holds
            if func.id in ("int", "float", "len", "round", "abs", "min", "max", "sum") and func.id not in env:
                args = [self.infer(a, env, self_name, attrs) for a in call.args]
                if func.id in ("int", "float", "len", "round") or all(a is not None and a.kind == NUMBER for a in args):
                    return Value(NUMBER)
            if func.id == "getattr" and len(call.args) >= 2 and isinstance(call.args[0], ast.Name) and call.args[0].id == self_name:
                name = call.args[1]
                if isinstance(name, ast.Constant) and isinstance(name.value, str):
                    return attrs.get(name.value)
                return None
            if func.id in ("list", "tuple", "dict", "set", "sorted", "reversed", "OrderedDict") and call.args:
                inner = self.infer(call.args[0], env, self_name, attrs)
                if inner is not None and inner.kind == CONTAINER:
                    kind = func.id if func.id in ("list", "tuple", "dict", "set") else "list"
                    kind = "dict" if func.id == "OrderedDict" else kind
                    return inner.but(container=kind, elements=set(inner.elements))
                return None
            if func.id in ("list", "dict", "tuple", "set") and not call.args:
                if func.id == "dict" and call.keywords:
                    return self._container("dict", [k.value for k in call.keywords], env, self_name, attrs)
                return Value(CONTAINER, container=func.id)
        if (
            qualified is not None and qualified.startswith("numpy.") and call.args and not call.keywords
            and qualified.rsplit(".", 1)[-1] not in _NUMPY_ARRAY_FACTORIES
            and all((v := self.infer(a, env, self_name, attrs)) is not None and v.kind == NUMBER for a in call.args)
        ):
            return Value(NUMBER)  # np.radians(alpha) of a number is a number; np.arange(0, 1, 0.01) is not
        if qualified in ("collections.OrderedDict", "typing.OrderedDict") and call.args:
            inner = self.infer(call.args[0], env, self_name, attrs)  # OrderedDict([("fc", nn.Linear(...))])
            if inner is not None and inner.kind == CONTAINER:
                return inner.but(container="dict", elements=set(inner.elements), items=None)
        if isinstance(func, ast.Attribute):
            if isinstance(func.value, ast.Name) and func.value.id == "math" and "math" not in env:
                return Value(NUMBER)
            if (
                func.attr == "deepcopy"
                and isinstance(func.value, ast.Name)
                and func.value.id == "copy"
                and call.args
            ):
                v = self.infer(call.args[0], env, self_name, attrs)
                return v.but(elements=set(v.elements)) if v is not None else None
            receiver = None
            is_self_call = self_name and isinstance(func.value, ast.Name) and func.value.id == self_name
            if not is_self_call:
                receiver = self.infer(func.value, env, self_name, attrs)
            if receiver is not None and receiver.kind in (TENSOR, PARAM):
                return self._tensor_method(receiver, func.attr, call, env, self_name, attrs)
            if receiver is not None and receiver.kind == MODULE and func.attr in tables.MODULE_SELF_METHODS:
                return receiver  # nn.Linear(a, b).to(device) is still the module
            if (
                receiver is None
                and func.attr == "detach"
                and not call.args
                and isinstance(func.value, ast.Attribute)
                and func.value.attr in ("weight", "bias", "data")
            ):
                return tensor()  # model.weight.detach(): another module's Parameter, copied
            if (
                receiver is None
                and not is_self_call
                and func.attr in tables.TENSOR_ONLY_METHODS
                and not call.args
                and not call.keywords
                and isinstance(func.value, ast.Name)
                and func.value.id not in self.imports.refs
            ):
                # adj.to_sparse(): only a tensor has the method, and it returns a plain one
                made = tensor(from_argument=func.value.id not in env)
                return self._tensor_method(made, func.attr, call, env, self_name, attrs)
            if func.attr in ("sample", "rsample") and isinstance(func.value, ast.Call):
                owner = self.imports.qualify(func.value.func) or ""
                if owner.startswith("torch.distributions."):
                    return tensor(random=True)
        if self.call_hook is not None:
            return self.call_hook(call, env, self_name)
        return None

    def _distribution(self, qualified: str, call: ast.Call, env: Env, self_name, attrs) -> Value | None:
        """``Normal(torch.zeros(d), torch.ones(d))``: a distribution object that holds the tensors it is built
        from (as views: ``broadcast_all``), where no Module traversal reaches them. ``scalar`` when every
        tensor it holds is a number or 0-dim (``Normal(0., 1.)``: those mix with any device); None when
        it is no distribution class or what it holds is unknown."""
        parts = qualified.split(".")
        name = parts[-1]
        if name in tables.NON_DISTRIBUTION_CLASSES or name.endswith("Transform") or set(parts[2:-1]) & {"constraints", "transforms"}:
            return None
        held: list[Value] = []
        for node in [*call.args, *(k.value for k in call.keywords if k.arg != "validate_args")]:
            value = self.infer(node, env, self_name, attrs)
            if value is None and self_name and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) \
                    and node.value.id == self_name:
                value = self.registered_tensors.get(node.attr)
            if value is None:
                continue
            # a Parameter is held as itself, and .to() converts Parameters in place: it follows the module
            if value.kind == TENSOR or value.kind == CONTAINER and value.container == "distribution":
                held.append(value)
        if not held:
            return None
        return Value(
            CONTAINER, container="distribution", distribution=name, elements={TENSOR},
            scalar=all(v.scalar for v in held), pinned=all(v.pinned for v in held),
        )

    def _torch_call(self, qualified: str, call: ast.Call, env: Env, self_name, attrs) -> Value | None:
        if qualified == "torch.device":
            argument = call.args[0] if call.args else self._kw(call, "type")
            return Value(DEVICE, pinned=self._configured_device(argument, env, self_name, attrs))
        value = self._torch_value(qualified, call, env, self_name, attrs)
        if value is not None and value.kind == TENSOR and self._configured_device(
            self._kw(call, "device"), env, self_name, attrs
        ):
            return value.but(pinned=True)
        if value is not None and value.kind == TENSOR and (device_type(self._kw(call, "device")) == "cpu" or _true(self._kw(call, "pin_memory"))):
            return value.but(on_cpu=True)
        return value

    def _torch_value(self, qualified: str, call: ast.Call, env: Env, self_name, attrs) -> Value | None:
        if qualified in tables.PARAMETER_CLASSES or qualified in tables.BUFFER_CLASSES:
            inner = self.infer(call.args[0], env, self_name, attrs) if call.args else None
            grad = self._kw(call, "requires_grad") if len(call.args) < 2 else call.args[1]
            no_grad = qualified in tables.BUFFER_CLASSES or isinstance(grad, ast.Constant) and grad.value is False
            made = inner is not None and inner.kind == TENSOR
            return Value(PARAM, scalar=made and inner.scalar, frozen=no_grad, float_width=inner.float_width if made else "")
        parts = qualified.split(".")
        last = parts[-1]
        if last in tables.REGISTERING_CONTAINERS and qualified.startswith("torch.nn."):
            return Value(REGISTERED)
        if is_torch_module_name(qualified):
            return Value(MODULE, module_state=torch_module_state(last, call))
        requires_grad_node = self._kw(call, "requires_grad")
        requires_grad = isinstance(requires_grad_node, ast.Constant) and requires_grad_node.value is True
        dtype_node = self._kw(call, "dtype")
        if len(parts) == 2 and (last in tables.TYPED_TENSOR_CLASSES) or (
            len(parts) == 3 and parts[1] == "cuda" and last in tables.TYPED_TENSOR_CLASSES
        ):
            value = tensor(
                integral=last in tables.INTEGRAL_TYPED_TENSOR_CLASSES,
                # torch.Tensor(3, 4) allocates; torch.Tensor(alpha) may as well be data: ambiguous, so no.
                uninitialised=bool(call.args)
                and all(is_number(a) or isinstance(a, (ast.Name, ast.Attribute)) for a in call.args)
                and (len(call.args) > 1 or is_number(call.args[0])),
                simple_factory=True,
            )
            if call.args and not value.uninitialised:
                value = value.but(simple_factory=False, one_dim=self._flat_numbers(call.args[0], env, self_name, attrs))
            return value
        if qualified.startswith("torch.nn.init.") and call.args:
            inner = self.infer(call.args[0], env, self_name, attrs)
            if inner is not None and inner.kind == TENSOR:
                return inner.but(initialised=True)
            return None
        if qualified in tables.TENSOR_RETURNING_FUNCTIONS:
            return tensor()
        if qualified in tables.TENSOR_CONSTRUCTOR_NAMES:
            inner = self.infer(call.args[0], env, self_name, attrs) if call.args else None
            base = inner if inner is not None and inner.kind == TENSOR else tensor()
            return base.but(requires_grad=base.requires_grad or requires_grad)
        if len(parts) == 2 and last in tables.TENSOR_FACTORIES:
            value = tensor(
                requires_grad=requires_grad,
                # torch.randperm(n, generator=g): drawn again the same from the generator's seed
                random=last in tables.RANDOM_FACTORIES and self._kw(call, "generator") is None,
                random_init=last in tables.RANDOM_INIT_FACTORIES,
                uninitialised=last in tables.UNINITIALISED_FACTORIES,
                integral=last in tables.INTEGRAL_FACTORIES,
                complex=last in tables.COMPLEX_FACTORIES,
                simple_factory=last in ("zeros", "ones", "full", "empty", "rand", "randn", "normal"),
            )
            if last.endswith("_like") and call.args:
                src = self.infer(call.args[0], env, self_name, attrs)
                if src is not None and src.kind == TENSOR:
                    value = value.but(
                        integral=src.integral and last != "rand_like", complex=src.complex, pinned=src.pinned
                    )
            if last in ("tensor", "as_tensor", "asarray", "scalar_tensor") and call.args:
                arg = call.args[0]
                arg_value = self.infer(arg, env, self_name, attrs)
                value = value.but(
                    scalar=last == "scalar_tensor"
                    or _looks_scalar(arg)
                    or (arg_value is not None and arg_value.kind == NUMBER)
                    or (arg_value is None and _scalar_name(_leaf_name(arg))),
                    integral=_int_literals_only(arg),
                    placeholder=isinstance(arg, (ast.List, ast.Tuple)) and not arg.elts,
                    one_dim=self._flat_numbers(arg, env, self_name, attrs)
                    or (arg_value is not None and arg_value.kind == CONTAINER and arg_value.one_dim),
                )
                if arg_value is not None and arg_value.kind == TENSOR:
                    value = value.but(complex=arg_value.complex, integral=arg_value.integral, scalar=arg_value.scalar)
            if last in tables.ONE_DIM_FACTORIES:
                value = value.but(one_dim=True)
            if last in ("complex", "polar") and len(call.args) == 2:  # element-wise: 0-dim parts make a 0-dim value
                parts = [self.infer(a, env, self_name, attrs) for a in call.args]
                value = value.but(scalar=all(v is not None and (v.kind == NUMBER or v.scalar) for v in parts))
            if last == "arange" and dtype_node is None:
                value = value.but(
                    integral=not any(
                        isinstance(n, ast.Constant) and isinstance(n.value, float)
                        for a in call.args
                        for n in ast.walk(a)
                    )
                )
            if last in ("zeros", "ones", "empty", "full", "rand", "randn"):
                if _is_empty_shape(call.args):
                    value = value.but(placeholder=True)
                elif _is_zero_dim_shape(call.args):
                    value = value.but(scalar=True)
                elif self._one_size(call, last, env, self_name, attrs):
                    value = value.but(one_dim=True)  # torch.ones(n_classes): t[c] is a 0-dim value
            return self._apply_dtype(value, dtype_node)
        if qualified.startswith(tables.TENSOR_OP_NAMESPACES) or (len(parts) == 2 and last in tables.TENSOR_OPS):
            if qualified in tables.NON_TENSOR_NAMESPACE_FUNCTIONS or qualified.startswith("torch.nn.functional.") and last[0].isupper():
                return None
            operands = []
            for a in call.args:  # torch.cat([a, b]): the list's elements are the operands
                for operand in a.elts if isinstance(a, (ast.List, ast.Tuple)) else (a,):
                    operands.append(self.infer(operand, env, self_name, attrs))
            tensors = [v for v in operands if v is not None and v.kind in (TENSOR, PARAM)]
            tensors += [  # torch.stack(rows) with rows a list of tensors
                tensor(random=v.random, integral=v.integral)
                for v in operands
                if v is not None and v.kind == CONTAINER and TENSOR in v.elements
            ]
            fresh = any(_fresh_parameter(v) for v in tensors)
            value = tensor(
                computed_parameter=fresh,
                requires_grad=fresh or any(v.requires_grad for v in tensors),
                complex=any(v.complex for v in tensors) or last in tables.COMPLEX_FACTORIES,
                integral=last in tables.INTEGRAL_OPS or (bool(tensors) and all(v.integral for v in tensors) and last in ("tril", "triu", "cat", "stack", "flip", "roll", "repeat_interleave", "clone", "detach", "contiguous", "reshape", "flatten", "transpose", "permute", "where", "diag", "index_select", "gather")),
                scalar=(bool(tensors) and all(v.scalar for v in tensors)
                        and last not in ("cat", "stack", "outer", "diag", "broadcast_to", "atleast_1d", "atleast_2d",
                                         "atleast_3d", "tile"))
                or (last in tables.FULL_REDUCTIONS and len(call.args) == 1 and not call.keywords),
                random=any(v.random for v in tensors),
                random_init=any(v.random_init for v in tensors),
                pinned=bool(tensors) and all(v.pinned for v in tensors),
            )
            if last in ("view_as_real", "real", "imag", "angle", "abs"):
                value = value.but(complex=False)
            return self._apply_dtype(value, dtype_node)
        return None

    def _one_size(self, call: ast.Call, factory: str, env: Env, self_name, attrs) -> bool:
        """``torch.ones(n)``, ``torch.full((n,), v)``, ``torch.zeros(len(names))``: a single size that is a
        number, so the tensor is 1-D (not ``torch.ones(shape)`` of a tuple, nor ``torch.zeros(*dims)``)."""
        sizes = call.args[:1] if factory == "full" else call.args
        if len(sizes) == 1 and isinstance(sizes[0], (ast.Tuple, ast.List)):
            sizes = sizes[0].elts
        if len(sizes) != 1 or isinstance(sizes[0], ast.Starred):
            return False
        size = sizes[0]
        if is_number(size) or (isinstance(size, ast.Call) and isinstance(size.func, ast.Name) and size.func.id == "len"):
            return True
        value = self.infer(size, env, self_name, attrs)
        if value is not None:
            return value.kind == NUMBER
        return _count_name(_leaf_name(size))

    def _flat_numbers(self, node: ast.AST, env: Env, self_name, attrs) -> bool:
        """``[0., -40., -3.]``, ``[lo, hi]`` of numbers: a list or tuple literal of numbers, so
        ``torch.tensor`` of it is 1-D (not ``[mean, std]`` of two sequences, which is 2-D); also a list
        comprehension over ``range(...)`` of arithmetic (``[w / 2 ** s for s in range(n)]``)."""
        if isinstance(node, ast.ListComp):
            return all(
                isinstance(g.iter, ast.Call) and isinstance(g.iter.func, ast.Name) and g.iter.func.id == "range"
                for g in node.generators
            ) and (is_number(node.elt) or _looks_scalar(node.elt))
        if not isinstance(node, (ast.List, ast.Tuple)) or not node.elts:
            return False
        for elt in node.elts:
            if is_number(elt):
                continue
            value = self.infer(elt, env, self_name, attrs)
            if value is None or value.kind != NUMBER:
                return False
        return True

    def _tensor_method(self, receiver: Value, method: str, call: ast.Call, env: Env, self_name, attrs) -> Value | None:
        value = self._method_value(receiver, method, call)
        if value is None or value.kind != TENSOR:
            return value
        if method == "to":
            targets = [*call.args, *(kw.value for kw in call.keywords if kw.arg in ("device", "other"))]
            if any(device_type(t) == "cpu" for t in targets):
                return value.but(on_cpu=True, pinned=False)  # .to("cpu"): kept on the CPU on purpose
            devices = [self.infer(t, env, self_name, attrs) for t in targets]
            devices = [d for d in devices if d is not None and d.kind in (DEVICE, TENSOR, PARAM)]
            if devices or any(isinstance(t, ast.Constant) and isinstance(t.value, str) for t in targets):
                return value.but(pinned=bool(devices) and all(d.kind == DEVICE and d.pinned for d in devices))
        elif method in tables.DEVICE_METHODS and method != "type":
            return value.but(pinned=False)  # .cuda(), .cpu(): a hard-coded device
        return value

    def _method_value(self, receiver: Value, method: str, call: ast.Call) -> Value | None:
        if method in tables.NON_TENSOR_METHODS:
            return None
        base = receiver if receiver.kind == TENSOR else tensor(scalar=receiver.scalar)
        if base.one_dim and method not in _SHAPE_KEEPING_METHODS:
            base = base.but(one_dim=False)  # t.view(n, n), t.repeat(2, 1), t[None]: no longer a 1-D table
        if receiver.kind == PARAM and not receiver.alias and (
            method == "contiguous" or (method == "float" and not receiver.float_width)
        ):
            # Parameter(w, requires_grad=False).contiguous(), Parameter(masks).float(): a fresh Parameter is
            # already contiguous, and float32 unless made otherwise, so the call returns the Parameter itself
            return receiver
        if receiver.kind == PARAM and not receiver.alias and _moved_where_it_is(call):
            # nn.Parameter(torch.randn(n).to(device)).to(device): the data is already there, so the move
            # returns the Parameter itself
            return receiver
        if receiver.kind == PARAM and not receiver.alias and (
            method in tables.DEVICE_METHODS or method in tables.FLOAT_METHODS
        ):
            # nn.Parameter(t).cuda() is a plain tensor that requires grad: the intended Parameter is lost
            # (of a Parameter without grad, a plain tensor: state forward uses).
            if receiver.frozen:
                return base.but(requires_grad=False, dropped_registration=True)
            return base.but(requires_grad=True, moved_parameter=method)
        if receiver.kind == PARAM and not receiver.alias and method == "requires_grad_":
            return receiver.but(frozen=not _grad_flag(call))  # the Parameter itself, with or without grad
        if _fresh_parameter(receiver) and (method.endswith("_") or method == "contiguous"):
            return receiver  # nn.Parameter(torch.empty(n)).normal_(0, 0.02) under no_grad: in place, the Parameter
        if _fresh_parameter(receiver) and method != "detach":
            # nn.Parameter(g).sigmoid(), nn.Parameter(w).view(n, m): a plain tensor computed from it
            base = base.but(requires_grad=True, computed_parameter=True)
        if method in tables.FULL_REDUCTIONS and not call.args and not call.keywords:
            return base.but(scalar=True)
        if method in tables.DIMENSION_ADDING_METHODS:
            return base.but(scalar=False)  # t.sum().unsqueeze(0) has shape [1]: it takes part in device checks
        if method == "requires_grad_":
            flag = _grad_flag(call)
            return base.but(requires_grad=flag, frozen=not flag)
        if method in ("detach", "detach_"):
            return base.but(requires_grad=False)
        if method in tables.INTEGRAL_METHODS:
            return base.but(integral=True, complex=False)
        if method in tables.FLOAT_METHODS:
            return base.but(integral=False, complex=False, float_width=_FLOAT_WIDTHS.get(method, ""))
        if method in tables.COMPLEX_METHODS:
            return base.but(complex=True, integral=False)
        if method in tables.INIT_METHODS:
            return base.but(initialised=True, random=True, random_init=True)
        if method in ("to", "type", "new_tensor", "new_zeros", "new_ones", "new_full", "new_empty"):
            dtype = self._kw(call, "dtype")
            if dtype is None:
                for a in call.args:
                    if self._dtype_name(a) in tables.INTEGRAL_DTYPES | tables.COMPLEX_DTYPES | frozenset({"float", "float32", "float64", "float16", "bfloat16", "double", "half"}):
                        dtype = a
            result = base if method in ("to", "type") else tensor(pinned=base.pinned)
            return self._apply_dtype(result, dtype)
        if method in ("view_as_real",):
            return base.but(complex=False)
        return base.but(initialised=base.initialised)
