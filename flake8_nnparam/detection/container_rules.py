"""Python lists, tuples and dicts bound to ``self``: the codes, and the decision for each candidate.

What a container loses follows what it holds: modules with weights or buffers are missed by
``parameters()``, ``state_dict()`` and ``.to()``; Dropout-like modules keep training behaviour after
``model.eval()``; parameter-free modules (activations, unweighted losses) lose nothing. Parameters are
never trained. Tensors are judged by their uses, exactly like plain tensor attributes.
"""

from __future__ import annotations

import ast

from .rule import HEADER, Decision, Fix, Rule, silence
from .tensor_rules import CONFIGURED_DEVICE, LOST_CONSEQUENCE, RANDOM_CONSEQUENCE, device_consequence, drawn_again_on_load
from .uses import AttrUses, effective_breaks
from .values import MODULE, PARAM, TENSOR

WEIGHTS_CONSEQUENCE = "parameters(), state_dict() and .to() miss their weights, and .eval() never reaches them"
PLACED_WEIGHTS_CONSEQUENCE = (
    "parameters() and state_dict() miss their weights (the class moves each module itself, but an optimizer built "
    "from parameters() never trains them and a checkpoint drops them), and .eval() never reaches them"
)
MODE_CONSEQUENCE = "model.eval() never reaches them, so they keep their training behaviour (dropout stays active)"
NEVER_TRAINED = "parameters() and the optimizer never see them, so they are never trained, and state_dict() and .to() skip them"

RULES = (
    Rule(
        "MPR003",
        "module-list",
        "self.{attr} is a plain {container} of modules: {consequence}; use nn.ModuleList{keys}",
        what="A Python list or tuple of sub-modules bound to `self`, as a literal, a comprehension, "
        "`[layer] * n`, `layers + [...]`, or an empty list filled with `append`/`extend`, holding modules with "
        "weights or buffers, or modules that `train()`/`eval()` switch (Dropout). A list of parameter-free "
        "modules (activations, a loss without `weight=`) loses nothing and is not reported, nor is a list with one "
        "element per device or rank (`device=f\"cuda:{i}\"`, `range(torch.cuda.device_count())`), placed on purpose, "
        "nor one holding only modules the class also appends to a registered `nn.ModuleList` (an index by name), "
        "nor one whose elements are registered one by one (`add_module` / `setattr` in a loop, also inside a helper "
        "of the class or file the list is handed to: `self.register_modules(self.convs, \"conv\")`), where "
        "`nn.ModuleList` would save every weight under a second key.",
        why="Modules are registered only when assigned directly or held by `nn.ModuleList`/`nn.Sequential`. "
        "Their weights are not optimised or saved, `.to()` does not move them, and `model.eval()` never reaches "
        "a Dropout or BatchNorm inside the list.",
        fix="`self.blocks = nn.ModuleList([...])`",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.blocks = [nn.Linear(4, 4) for _ in range(3)]  # MPR003\n",
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.drops = [nn.Dropout(0.1), nn.Dropout(0.2)]  # MPR003\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(3)])\n",
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.acts = [nn.ReLU(), nn.GELU()]\n",
        ),
    ),
    Rule(
        "MPR004",
        "module-dict",
        "self.{attr} is a plain dict of modules: {consequence}; use nn.ModuleDict (string keys){keys}",
        what="A Python dict of sub-modules with weights, buffers or a train/eval mode, bound to `self`; not one "
        "holding only modules the class also appends to a registered `nn.ModuleList` (`self.layers.append(m); "
        "self.by_name[n] = m`: an index by name, which loses nothing).",
        why="As for lists: a plain dict hides its modules from every Module traversal.",
        fix="`self.heads = nn.ModuleDict({...})`",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.heads = {\"a\": nn.Linear(4, 2), \"b\": nn.Linear(4, 3)}  # MPR004\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.heads = nn.ModuleDict({\"a\": nn.Linear(4, 2)})\n",
        ),
    ),
    Rule(
        "MPR005",
        "parameter-list",
        "self.{attr} is a plain {container} of Parameters: " + NEVER_TRAINED + "; use nn.ParameterList",
        what="A Python list or tuple of `nn.Parameter`, or of tensors created with `requires_grad=True`, bound to "
        "`self`.",
        why="Parameters are registered only when assigned directly or held by `nn.ParameterList`/`ParameterDict`.",
        fix="`self.scales = nn.ParameterList([...])`",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = [nn.Parameter(torch.ones(4)) for _ in range(3)]  # MPR005\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = nn.ParameterList([nn.Parameter(torch.ones(4)) for _ in range(3)])\n",
        ),
    ),
    Rule(
        "MPR006",
        "parameter-dict",
        "self.{attr} is a plain dict of Parameters: " + NEVER_TRAINED + "; use nn.ParameterDict",
        what="A Python dict of `nn.Parameter`, or of tensors that require grad, bound to `self`.",
        why="As for lists of Parameters.",
        fix="`self.scales = nn.ParameterDict({...})`",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = {\"a\": nn.Parameter(torch.ones(4))}  # MPR006\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.scales = nn.ParameterDict({\"a\": nn.Parameter(torch.ones(4))})\n",
        ),
    ),
    Rule(
        "MPR007",
        "tensor-container",
        "self.{attr} is a plain {container} of tensors that {evidence}: {consequence}; register each with "
        "self.register_buffer(...) or stack them into one buffer",
        what="A Python list, tuple or dict of tensors bound to `self` during construction whose elements the class "
        "combines with tensors that follow the module, or updates in place, after construction.",
        why="Tensors inside Python containers are invisible to `state_dict()` and `.to()`, exactly like plain "
        "tensor attributes.",
        fix="",
        invalid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.anchors = [torch.ones(2) * s for s in (1, 2, 4)]  # MPR007\n"
            "    def forward(self, x):\n        return [x * a for a in self.anchors]\n",
        ),
        valid=(
            HEADER + "class M(nn.Module):\n    def __init__(self):\n        super().__init__()\n"
            "        self.register_buffer(\"anchors\", torch.stack([torch.ones(2) * s for s in (1, 2, 4)]))\n"
            "    def forward(self, x):\n        return [x * a for a in self.anchors]\n",
        ),
    ),
    Rule(
        "MPR008",
        "distribution-of-tensors",
        "self.{attr}, a distribution ({distribution}) built at construction from tensors, {evidence}: "
        + "{consequence}; register its tensors as buffers and build the distribution from them where it is used",
        what="A `torch.distributions` (or Pyro) object bound to `self` during construction and built from tensors "
        "with a shape (`Normal(torch.zeros(d), torch.ones(d))`, or from the class's own buffers: "
        "`Normal(self.loc, self.scale)`), which the class then uses with tensors that follow the module "
        "(`self.prior.log_prob(z)`, `kl_divergence(q, self.prior)`, a sample fed to a sub-module). A distribution "
        "of numbers (`Normal(0., 1.)`) holds 0-dim tensors, which mix with any device, and is not reported.",
        why="A distribution is a plain Python object: `.to()`, `.double()` and `state_dict()` never reach the "
        "tensors it holds (views of its arguments, made when it is built), and `.to()` replaces the module's "
        "buffers without telling it. After `model.to('cuda')` it keeps computing on the CPU tensors and raises "
        "a device mismatch, the PyTorch forums' \"prior on the wrong device\".",
        fix="",
        invalid=(
            HEADER + "from torch.distributions import Normal\n\n\nclass M(nn.Module):\n    def __init__(self, d):\n"
            "        super().__init__()\n        self.enc = nn.Linear(d, d)\n"
            "        self.prior = Normal(torch.zeros(d), torch.ones(d))  # MPR008\n"
            "    def forward(self, x):\n        return self.prior.log_prob(self.enc(x)).sum()\n",
        ),
        valid=(
            HEADER + "from torch.distributions import Normal\n\n\nclass M(nn.Module):\n    def __init__(self, d):\n"
            "        super().__init__()\n        self.enc = nn.Linear(d, d)\n"
            "        self.register_buffer(\"loc\", torch.zeros(d), persistent=False)\n"
            "        self.register_buffer(\"scale\", torch.ones(d), persistent=False)\n"
            "    @property\n    def prior(self):\n        return Normal(self.loc, self.scale)\n"
            "    def forward(self, x):\n        return self.prior.log_prob(self.enc(x)).sum()\n",
        ),
    ),
)

DISTRIBUTION_CONSEQUENCE = (
    "after model.to('cuda') the tensors it holds stay behind (no Module traversal reaches inside it) and this "
    "raises a device mismatch"
)


def decide_container(binding, evidence, uses: AttrUses | None) -> Decision:
    """The decision for one Python container bound during construction (see the module docstring)."""
    value, attr = binding.value, binding.attr
    if evidence.plain_object:
        reason = "the class never calls nn.Module.__init__(), so .to() and state_dict() raise on it: a plain object"
        return silence(reason, "MPR907", evidence=reason)
    if value.elements_registered or attr in evidence.elements_registered:
        return silence("its elements are registered one by one (add_module / setattr)")
    if attr in evidence.wrapped:
        return silence("wrapped in a registering container or module later")
    is_dict = value.container == "dict"
    shown = value.container if value.container in ("list", "tuple", "dict", "set") else "list"
    unused = evidence.unused_after_construction(attr)
    manager = evidence.manager_of(attr) if value.elements & {MODULE, PARAM} else None
    if manager is not None:  # a state_dict override or hook that walks self._lookups handles them itself
        return silence(f"{manager} handles it", "MPR905", method=manager)
    if value.per_device and value.elements & {MODULE, PARAM, TENSOR}:
        reason = "one element per device or rank, placed there on purpose: a single .to() is not how it moves"
        return silence(reason, "MPR907", evidence=reason)
    if uses is not None and uses.rebound is not None and not uses.read and value.elements & {MODULE, PARAM}:
        reason = f"re-bound in {uses.rebound.method} (line {uses.rebound.line}) before its construction value is used"
        return silence(reason, "MPR907", evidence=reason)  # a placeholder forward replaces: nothing of it is lost
    if value.container == "distribution":
        return _distribution(binding, evidence, uses or AttrUses(), unused)
    if MODULE in value.elements:
        if _hidden_on_purpose(binding, evidence):
            reason = ("a one-element list around a module built or given before: the known way to keep it out of "
                      "parameters(), state_dict() and DDP on purpose (a frozen backbone, a teacher)")
            return silence(reason, "MPR907", evidence=reason)
        if unused:
            return silence("never read after construction", "MPR906")
        states = value.module_states or {"stateful"}
        if states <= {"stateless"}:
            reason = "it holds only parameter-free modules: nothing is lost"
            return silence(reason, "MPR907", evidence=reason)
        stateful = "stateful" in states
        consequence = WEIGHTS_CONSEQUENCE if stateful else MODE_CONSEQUENCE
        if stateful and attr in evidence.device_aware:
            # self.encodeds[i].to(self.device)(x): moved at use, but the optimizer built from parameters() and
            # state_dict() still miss the weights (openhgnn's DHNE auto-encoder, set U)
            consequence = PLACED_WEIGHTS_CONSEQUENCE
        # [nn.Linear(...), F.relu, 0.5]: nn.ModuleList / ModuleDict raise TypeError on the non-modules
        mixed = {"mixed": True} if value.non_modules else {}
        if is_dict:
            keys = f"; state_dict gains keys {attr}.<key>.*" if stateful else ""
            return Decision("MPR004", consequence, {"consequence": consequence, "keys": keys, **mixed},
                            None if mixed else Fix("container", persistent=stateful, container="ModuleDict"))
        keys = f" (state_dict gains keys {attr}.0.*)" if stateful else ""
        return Decision("MPR003", consequence, {"container": shown, "consequence": consequence, "keys": keys, **mixed},
                        None if mixed else Fix("container", persistent=stateful, container="ModuleList"))
    if PARAM in value.elements or (TENSOR in value.elements and value.requires_grad):
        if attr in evidence.self_trained:
            reason = "the class trains them itself (its own torch.optim optimizer or torch.autograd.grad); state_dict() still omits them"
            return silence(reason, "MPR907", evidence=reason)
        if unused:
            return silence("never read after construction", "MPR906")
        if is_dict:
            return Decision("MPR006", NEVER_TRAINED, {}, Fix("container", container="ParameterDict"))
        return Decision("MPR005", NEVER_TRAINED, {"container": shown}, Fix("container", container="ParameterList"))
    if TENSOR in value.elements:
        return _tensor_container(binding, evidence, uses or AttrUses(), shown, unused)
    return silence("holds no modules, Parameters or tensors")


def _hidden_on_purpose(binding, evidence) -> bool:
    """``self.backbone = [backbone]``: one module, made or given earlier, in a list the class never grows (kornia's
    DeDoDe hides its DINOv2 from DDP so). A list built with the modules it holds (``[nn.Linear(...)]``) or grown
    later is a container of layers."""
    value = getattr(binding.stmt, "value", None)
    if not isinstance(value, (ast.List, ast.Tuple)) or len(value.elts) != 1 or not isinstance(value.elts[0], ast.Name):
        return False
    attr = binding.attr
    for node in ast.walk(evidence.class_node):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in (
            "append", "extend", "insert", "__iadd__"
        ) and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == attr:
            return False
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Attribute) and node.target.attr == attr:
            return False
    return True


def _tensor_container(binding, evidence, uses: AttrUses, shown: str, unused: bool) -> Decision:
    value, attr = binding.value, binding.attr
    manager = evidence.manager_of(attr)
    if manager is not None:
        return silence(f"{manager} handles it", "MPR905", method=manager)
    if attr in evidence.device_aware:
        return silence("the class moves its elements at use", "MPR901", evidence="is moved at use")
    breaks = next(iter(effective_breaks(uses)), None)
    updated = uses.updated if uses.reset is None else None  # re-created later: transient, nothing to save
    if value.pinned and (updated is not None or breaks is not None):  # {k: torch.tensor(v, device=device)}
        return silence(f"placed on {CONFIGURED_DEVICE}", "MPR908", placement=CONFIGURED_DEVICE,
                       held=f"a plain {shown} of tensors")
    for use, consequence in ((updated, LOST_CONSEQUENCE), (breaks, device_consequence(breaks) if breaks else "")):
        if use is not None and not (value.scalar and use is breaks):
            where = use.where()
            return Decision("MPR007", where, {"container": shown, "evidence": where, "consequence": consequence},
                            None, use.line)
    if drawn_again_on_load(binding, evidence, uses):  # [torch.randint(...) for _ in dilations]: random kernels
        where = f"is drawn at random at construction and read in {uses.first_read.method} (line {uses.first_read.line})"
        return Decision("MPR007", where, {"container": shown, "evidence": where, "consequence": RANDOM_CONSEQUENCE},
                        None, uses.first_read.line)
    if value.scalar:
        return silence("0-dim or empty tensors", "MPR902", shape=f"{shown} of 0-dim or empty tensors", alternative="")
    return _no_breaking_use(uses, unused, "no use of its elements breaks after a move")


def _no_breaking_use(uses: AttrUses, unused: bool, read_reason: str) -> Decision:
    """The silences left when no use breaks: moved at use, never read, or read harmlessly."""
    if uses.moved is not None:
        return silence(uses.moved.where(), "MPR901", evidence=uses.moved.where())
    if unused:
        return silence("never read after construction", "MPR906")
    if uses.rebound is not None and not uses.read:
        reason = f"re-bound in {uses.rebound.method} (line {uses.rebound.line}) before its construction value is used"
        return silence(reason, "MPR907", evidence=reason)
    reason = read_reason if uses.read else "no method in this file reads it after construction"
    return silence(reason, "MPR907", evidence=reason)


def _distribution(binding, evidence, uses: AttrUses, unused: bool) -> Decision:
    """A torch.distributions object built from tensors at construction (MPR008): no fix is written, since
    the tensors must become buffers and the distribution be built where it is used (a property)."""
    value, attr = binding.value, binding.attr
    manager = evidence.manager_of(attr)
    if manager is not None:
        return silence(f"{manager} handles it", "MPR905", method=manager)
    if value.scalar:
        reason = "a distribution of numbers: its 0-dim tensors mix with any device"
        return silence(reason, "MPR902", shape=f"{value.distribution} distribution of numbers", alternative="")
    breaks = next(iter(effective_breaks(uses)), None)
    if breaks is None and attr in evidence.device_aware:  # one moved use does not make the others safe
        return silence("the class moves what it holds at use", "MPR901", evidence="is moved at use")
    if breaks is not None and value.pinned:  # Normal(torch.zeros(d, device=device), ...): placed on purpose
        return silence(f"placed on {CONFIGURED_DEVICE}", "MPR908", placement=CONFIGURED_DEVICE,
                       held=f"a {value.distribution} distribution of tensors")
    if breaks is not None:
        where = breaks.where()
        fields = {"distribution": value.distribution, "evidence": where, "consequence": DISTRIBUTION_CONSEQUENCE}
        return Decision("MPR008", where, fields, None, breaks.line)
    return _no_breaking_use(uses, unused, "no use of it meets tensors that follow the module")
