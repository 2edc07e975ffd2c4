"""Find the classes of a file that are ``torch.nn.Module`` subclasses."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Iterable

from . import tables
from .imports import ImportTable, dotted_name


def is_torch_module_name(qualified: str | None) -> bool:
    """True for qualified names of classes that are Modules (``torch.nn.Linear``, ``lightning.LightningModule``)."""
    if not qualified:
        return False
    if qualified in tables.KNOWN_MODULE_BASES:
        return True
    if qualified.startswith(tables.NN_NON_MODULE_NAMESPACES):
        return False
    if qualified.startswith(tables.MODULE_NAMESPACES):
        last = qualified.rsplit(".", 1)[-1]
        stripped = last.lstrip("_")
        return bool(stripped) and stripped[0].isupper() and last not in tables.NN_NON_MODULE_NAMES
    return _transformers_model(qualified) or _torchmetrics_metric(qualified) or _library_layer(qualified)


def _library_layer(qualified: str) -> bool:
    """A CapWords class of a PyTorch library's layer namespace (``torch_geometric.nn.GCNConv``,
    ``MessagePassing``, ``dgl.nn.pytorch.GraphConv``, ``torchaudio.transforms.MelSpectrogram``): an
    ``nn.Module``, as a base or when built; not the records and enums those namespaces also export
    (``SelectOutput``, ``ResNet50_Weights``)."""
    if not qualified.startswith(tables.LIBRARY_LAYER_NAMESPACES):
        return False
    last = qualified.rsplit(".", 1)[-1]
    return last[:1].isupper() and not last.endswith(tables.LIBRARY_NON_LAYER_SUFFIXES)


def _torchmetrics_metric(qualified: str) -> bool:
    """A torchmetrics class used as a base (``Metric``, ``MeanSquaredError``, ``WrapperMetric``): every one is
    an ``nn.Module``, whose ``add_state`` states move with ``.to()`` and whose plain tensors do not."""
    if not qualified.startswith("torchmetrics.") or qualified.startswith(("torchmetrics.functional.", "torchmetrics.utilities.")):
        return False
    return qualified.rsplit(".", 1)[-1][:1].isupper()


def _transformers_model(qualified: str) -> bool:
    """A Hugging Face model class used as a base: ``transformers.BertPreTrainedModel``, ``BertModel``,
    ``RobertaForSequenceClassification``, or any CapWords class of a ``modeling_*`` module (``BertLayer``).
    Not ``AutoModel*`` (factories), ``TF*`` / ``Flax*`` (other frameworks), outputs or configs."""
    if not qualified.startswith("transformers."):
        return False
    module, _, last = qualified.rpartition(".")
    if not last[:1].isupper() or last.startswith(("Auto", "TF", "Flax")) or last.endswith(_NOT_MODELS):
        return False
    in_modeling = module.rsplit(".", 1)[-1].startswith("modeling_") and not module.rsplit(".", 1)[-1].startswith(
        ("modeling_tf_", "modeling_flax_")
    )
    return in_modeling or last.endswith(("PreTrainedModel", "Model")) or "For" in last[1:]


_NOT_MODELS = ("Output", "Config", "Tokenizer", "TokenizerFast", "Processor", "Mixin", "Args", "Cache")


@dataclass(eq=False)
class ClassInfo:
    node: ast.ClassDef
    bases: list[ast.expr]
    # True when a base is a torch layer other than Module (it registers weight/bias itself).
    extends_torch_layer: bool = False
    in_file_bases: list["ClassInfo"] = field(default_factory=list)
    methods: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = field(default_factory=dict)
    direct: bool = False  # a base is a torch Module class, or a configured one
    # Bases defined in other files, as written: the project index is asked about them on first need
    # (``is_module``), so a class that could hold no finding never makes it read another file.
    project_bases: list[str] = field(default_factory=list)
    project: object = field(default=None, repr=False)
    _module: bool | None = field(default=None, repr=False)

    @property
    def is_module(self) -> bool:
        """A Module: directly, through a project base, or through an in-file base that is one."""
        if self._module is None:
            self._module = self._derives(set())
        return self._module

    @is_module.setter
    def is_module(self, value: bool) -> None:
        self._module = value

    def _derives(self, visiting: set[int]) -> bool:
        if self._module is not None:
            return self._module
        if id(self) in visiting:
            return False
        visiting.add(id(self))
        if self.direct or any(self.project.is_module(dotted) for dotted in self.project_bases):
            self._module = True  # True holds whatever else is found; False only once all is explored
            return True
        if any(base._derives(visiting) for base in self.in_file_bases):
            self._module = True
            return True
        return False

    def may_be_module(self, visiting: set[int] | None = None) -> bool:
        """Without asking the project index: a Module, or a class only the index can tell."""
        visiting = set() if visiting is None else visiting
        if self._module is not None or self.direct or self.project_bases:
            return self._module is not False
        if id(self) in visiting:
            return False
        visiting.add(id(self))
        return any(base.may_be_module(visiting) for base in self.in_file_bases)

    def mro(self) -> list["ClassInfo"]:
        """This class then its in-file bases, breadth first, each once (the bases computed once; the
        cache leaves out the class itself, which would make it a cycle that only the collector frees)."""
        cached = self.__dict__.get("_mro_bases")
        if cached is not None:
            return [self, *cached]
        order: list[ClassInfo] = []
        seen: set[int] = set()
        queue = [self]
        while queue:
            info = queue.pop(0)
            if id(info) in seen:
                continue
            seen.add(id(info))
            order.append(info)
            queue.extend(info.in_file_bases)
        self.__dict__["_mro_bases"] = order[1:]
        return order

    def find_method(self, name: str):
        for info in self.mro():
            if name in info.methods:
                return info.methods[name]
        return None


class ModuleClassIndex:
    """Every class of a file, with whether it is a Module (directly, by alias, or via in-file bases)."""

    def __init__(
        self,
        statements: Iterable[ast.stmt],
        imports: ImportTable,
        extra_bases: frozenset[str] = frozenset(),
        project=None,
    ):
        """``project``: a ``project.FileView`` that answers for names defined in other files, or None."""
        self.imports = imports
        self.project = project
        self._states: dict[str, str] = {}  # state_of, per class name
        if project is not None and hasattr(project, "adopt") and isinstance(statements, list):
            project.adopt(statements, imports)  # the project index summarises this file from them
        self.classes: list[ClassInfo] = []
        by_name: dict[str, list[ClassInfo]] = {}
        extra_last = {name.rsplit(".", 1)[-1] for name in extra_bases}
        self.extra_names = extra_last  # configured or project-wide Module classes, by plain name
        for node in statements:
            if isinstance(node, ast.ClassDef):
                info = ClassInfo(node=node, bases=list(node.bases))
                for stmt in node.body:
                    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        info.methods[stmt.name] = stmt
                self.classes.append(info)
                by_name.setdefault(node.name, []).append(info)
        self.by_name = by_name
        for info in self.classes:
            for base in info.bases:
                if isinstance(base, ast.Subscript):  # Generic[...] style bases
                    base = base.value
                qualified = imports.qualify(base)
                resolved = True
                if is_torch_module_name(qualified):
                    info.direct = True
                    if not qualified.endswith(".Module") and qualified.startswith(tables.MODULE_NAMESPACES):
                        info.extends_torch_layer = True
                elif qualified is None and isinstance(base, ast.Name) and base.id in by_name:
                    info.in_file_bases.extend(c for c in by_name[base.id] if c is not info)
                else:
                    resolved = False
                last = base.attr if isinstance(base, ast.Attribute) else getattr(base, "id", None)
                if last and (last in extra_last or (qualified and qualified in extra_bases)):
                    info.direct = True
                elif project is not None and not resolved and not info.direct:
                    dotted = dotted_name(base)  # defined in another file: the project index knows
                    if dotted:
                        info.project_bases.append(dotted)
                        info.project = project
        changed = True
        while changed:
            changed = False
            for info in self.classes:
                if not info.extends_torch_layer and any(b.extends_torch_layer for b in info.in_file_bases):
                    info.extends_torch_layer = True
                    changed = True

    def module_classes(self) -> list[ClassInfo]:
        return [c for c in self.classes if c.is_module]

    def possible_module_classes(self) -> list[ClassInfo]:
        """The Modules, and the classes whose bases only the project index can tell (``is_module`` asks)."""
        return [c for c in self.classes if c.may_be_module()]

    def state_of(self, name: str) -> str:
        """What an instance of the Module class ``name`` holds: "stateless" (nothing ``parameters()`` or
        ``state_dict()`` would see, no train/eval behaviour), "mode" (only Dropout-like sub-modules) or
        "stateful" (also whenever the class, a base or a value it keeps cannot be told)."""
        infos = self.by_name.get(name, [])
        if not infos and self.project is not None and name[:1].isupper():
            return self.project.module_state(name) or "stateful"  # a class of another project file
        if len(infos) != 1:
            return "stateful"
        if name not in self._states:
            self._states[name] = "stateful"  # while it is being decided: a class that keeps itself is state
            self._states[name] = _class_state(infos[0], self.imports, set(), self._in_file_state)
        return self._states[name]

    def _in_file_state(self, name: str) -> str | None:
        """The state of the in-file Module class ``name`` an instance keeps, or None (not one of this file)."""
        infos = self.by_name.get(name, [])
        return self.state_of(name) if len(infos) == 1 and infos[0].is_module else None

    def is_module_class_name(self, name: str) -> bool:
        """A class of this file that is a Module, or a configured / project-wide Module class."""
        if name in self.by_name:
            return any(c.is_module for c in self.by_name[name])
        if name in self.extra_names:
            return True
        return self.project is not None and name[:1].isupper() and self.project.is_module(name)


_STATE_CALLS = frozenset({"register_buffer", "register_parameter", "add_module", "register_module"})


def _class_state(info: ClassInfo, imports: ImportTable, seen: set[int], resolve=None) -> str:
    """``state_of`` for one class: its own methods and its in-file bases; any other base but nn.Module is unknown.
    ``resolve(name)``: the state of an in-file class an instance keeps (``self.avg = MovingAvg(k)``), or None."""
    if id(info) in seen:
        return "stateful"
    seen.add(id(info))
    for base in info.bases:
        qualified = imports.qualify(base.value if isinstance(base, ast.Subscript) else base)
        if qualified in ("torch.nn.Module", "torch.nn.modules.module.Module"):
            continue
        if not (isinstance(base, ast.Name) and any(b.node.name == base.id for b in info.in_file_bases)):
            return "stateful"
    states = {own_state(info.methods, imports, resolve)}
    if "stateful" in states:
        return "stateful"
    for base in info.in_file_bases:
        states.add(_class_state(base, imports, seen, resolve))
        if "stateful" in states:
            return "stateful"
    return combined_state(states)


def own_state(methods: dict, imports: ImportTable, resolve=None) -> str:
    """What a class's own methods (``name -> FunctionDef``) give its instances, bases aside: "stateful",
    "mode" or "stateless" (see ``ModuleClassIndex.state_of``); ``resolve`` as for ``_class_state``."""
    state = "stateless"
    init = methods.get("__init__")
    arguments: set[str] = set()  # attributes given a constructor argument as it is: looked at last, if ever
    for func in [init] * (init is not None) + [f for f in methods.values() if f is not init]:
        kept = _method_state(func, imports, arguments, resolve)  # __init__ first: most classes show a weight there
        if kept == "stateful":
            return "stateful"
        if kept == "mode":
            state = "mode"
    if arguments:  # only now, and only for such classes, is every method walked (walked for every class, it added over a third to a cold run)
        objects, numbers = _uses(methods.values())
        if not arguments <= numbers - objects:
            return "stateful"
    return state


def combined_state(states) -> str:
    """The state of a class from its own and its bases' (any "stateful" wins, then "mode")."""
    states = set(states)
    return "stateful" if "stateful" in states else "mode" if "mode" in states else "stateless"


# Calls that take numbers: an attribute passed to one of them says nothing of its being an object.
_NUMBER_CALL_ROOTS = frozenset(
    "torch F nn math np numpy int float round abs min max range divmod pow str bool print".split()
)


def _uses(functions) -> tuple[set[str], set[str]]:
    """Attributes the class uses as objects (called: ``self.enc(x)``; looked into: ``self.enc.weight``,
    ``self.blocks[i]``; iterated, or handed to a function that is not a numeric one: ``run(self.layers)``)
    and those it uses as numbers (an operand of arithmetic or a comparison, an index: ``self.kernel_size - 1``,
    ``x[:, self.mask_id]``, ``F.pad(x, self.n)``, ``seq[idx] = self.mask_id``)."""
    objects: set[str] = set()
    numbers: set[str] = set()
    for func in functions:
        positional = [*func.args.posonlyargs, *func.args.args]
        receiver = positional[0].arg if positional else None

        def attrs_of(nodes):
            return {n.attr for n in nodes if isinstance(n, ast.Attribute) and isinstance(n.value, ast.Name)
                    and n.value.id == receiver}

        for node in ast.walk(func):
            if isinstance(node, ast.Call):
                objects |= attrs_of([node.func])
                args = [*node.args, *(k.value for k in node.keywords)]
                root = (dotted_name(node.func) or "").split(".", 1)[0]
                (numbers if root in _NUMBER_CALL_ROOTS else objects).update(attrs_of(args))
            elif isinstance(node, ast.Attribute):
                objects |= attrs_of([node.value])
            elif isinstance(node, ast.Subscript):
                objects |= attrs_of([node.value])
                numbers |= attrs_of(ast.walk(node.slice))
            elif isinstance(node, (ast.For, ast.comprehension)):
                objects |= attrs_of([node.iter])
            elif isinstance(node, ast.BinOp):
                numbers |= attrs_of([node.left, node.right])
            elif isinstance(node, ast.Compare):
                numbers |= attrs_of([node.left, *node.comparators])
            elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Subscript) for t in node.targets):
                numbers |= attrs_of([node.value])  # seq[i][idx] = self.mask_id: written into a tensor
    return objects, numbers


def _method_state(func, imports: ImportTable, arguments: set[str] | None = None, resolve=None) -> str:
    """Whether a method of a class can give it state: a registration, a Parameter, or a value kept on ``self``
    that could be a module (anything but numbers, strings, flags and arguments that default to them). An
    argument kept as it is goes into ``arguments`` instead, for the caller to weigh against the class's uses
    (``_uses``: one used only as a number is no module); without ``arguments`` it is state."""
    args = func.args
    positional = [*args.posonlyargs, *args.args]
    defaults = dict(zip([a.arg for a in positional[len(positional) - len(args.defaults):]], args.defaults))
    defaults.update({a.arg: d for a, d in zip(args.kwonlyargs, args.kw_defaults) if d is not None})
    simple = {
        a.arg for a in [*positional, *args.kwonlyargs]
        if (isinstance(defaults.get(a.arg), ast.Constant) and isinstance(defaults[a.arg].value, (int, float, str, bool)))
        or (isinstance(a.annotation, ast.Name) and a.annotation.id in ("int", "float", "str", "bool"))
    }
    receiver = positional[0].arg if positional else None
    state = "stateless"
    for node in ast.walk(func):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in _STATE_CALLS or (imports.qualify(node.func) or "") in tables.PARAMETER_CLASSES:
                return "stateful"
        if not isinstance(node, (ast.Assign, ast.AnnAssign)) or node.value is None:
            continue
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        kept_on = [t.attr for t in targets if isinstance(t, ast.Attribute) and isinstance(t.value, ast.Name) and t.value.id == receiver]
        if not kept_on:
            continue
        if arguments is not None and isinstance(node.value, ast.Name) and node.value.id not in simple and (
            node.value.id in {a.arg for a in [*positional, *args.kwonlyargs]}
        ):
            arguments.update(kept_on)  # self.kernel_size = kernel_size: decided by own_state
            continue
        kept = _kept_state(node.value, simple, imports, resolve)
        if kept == "stateful":
            return "stateful"
        if kept == "mode":
            state = "mode"
    return state


def _kept_state(value: ast.AST, simple: set[str], imports: ImportTable, resolve=None) -> str:
    """What a value kept on ``self`` adds: a number, string, flag or simple argument adds nothing; a torch
    activation adds nothing, a dropout a mode; an in-file class what it holds itself; anything else may be a
    module with weights."""
    if isinstance(value, ast.Constant) or (isinstance(value, ast.Name) and value.id in simple):
        return "stateless"
    if isinstance(value, (ast.BinOp, ast.UnaryOp)) and all(
        isinstance(n, (ast.Constant, ast.Name, ast.operator, ast.unaryop, ast.expr_context, ast.BinOp, ast.UnaryOp))
        and (not isinstance(n, ast.Name) or n.id in simple)
        for n in ast.walk(value)
    ):
        return "stateless"
    qualified = imports.qualify(value.func) if isinstance(value, ast.Call) else None
    if qualified in tables.DESCRIPTION_CALLS or (
        isinstance(value, ast.Attribute) and (imports.qualify(value) or "").removeprefix("torch.") in tables.DTYPE_NAMES
    ):
        return "stateless"  # self.device = torch.device(device), self.dtype = torch.float32: a description
    if qualified and qualified.startswith("torch.nn."):
        return torch_module_state(qualified.rsplit(".", 1)[-1], value)
    if resolve is not None and isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
        return resolve(value.func.id) or "stateful"  # self.moving_avg = MovingAvg(k), an AvgPool1d only
    return "stateful"


def torch_module_state(class_name: str, call: ast.Call) -> str:
    """Whether a torch.nn module made by ``call`` holds state, only a train/eval mode, or nothing."""
    if class_name in tables.MODE_MODULES or class_name in tables.LIBRARY_MODE_MODULES:
        return "mode"
    if class_name in tables.STATELESS_MODULES and not any(
        kw.arg in tables.WEIGHTED_LOSS_KEYWORDS for kw in call.keywords
    ) and not (class_name.endswith("Loss") and call.args and class_name not in ("CTCLoss", "TripletMarginLoss")):
        return "stateless"
    return "stateful"
