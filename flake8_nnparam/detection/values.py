"""What the engine knows about a value: is it a tensor, a Parameter, a Module, a container of those."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

TENSOR = "tensor"
PARAM = "param"  # nn.Parameter / nn.Buffer, or an existing Parameter (weight tying)
MODULE = "module"
CONTAINER = "container"  # Python list/tuple/dict/set
REGISTERED = "registered"  # nn.ModuleList, nn.ParameterDict, ...
FUNCTION = "function"
NUMBER = "number"  # a Python int or float
DEVICE = "device"  # a device expression (``device``, ``self.device``, ``torch.device(...)``); see ``pinned``


@dataclass
class Value:
    kind: str
    requires_grad: bool = False
    frozen: bool = False  # ends in .requires_grad_(False)
    complex: bool = False
    integral: bool = False
    scalar: bool = False  # 0-dim
    one_dim: bool = False  # 1-D: torch.arange(n), torch.tensor([0., -40.]) or of a flat list of numbers; t[0] is 0-dim
    placeholder: bool = False  # empty: torch.empty(0), torch.tensor([])
    random: bool = False  # drawn at random: cannot be recomputed, so it must be saved
    random_init: bool = False  # drawn like a weight initialisation (randn, rand, normal)
    uninitialised: bool = False
    initialised: bool = False  # filled by normal_/uniform_/nn.init
    simple_factory: bool = False  # zeros/ones/full/randn/empty/Tensor: a fresh, not computed, tensor
    param_alternative: bool = False  # another branch of the same expression is an nn.Parameter
    alias: bool = False  # read back from an attribute already bound on self (a reference, not new state)
    filled: bool = False  # a local tensor written into by index assignment (computed, not a fresh weight)
    # Placed at construction on a device the class is configured with (``device=device``, ``.to(self.device)``,
    # ``device=pkg.device``), not the default device, not one read off a tensor, not a hard-coded "cuda".
    # A container: every tensor it holds was placed so.
    pinned: bool = False
    on_cpu: bool = False  # made on the CPU on purpose: device="cpu", torch.device("cpu"), pin_memory=True, .to("cpu")
    # Containers (mutable: filling a container after binding updates the one object).
    container: str | None = None  # "list", "tuple", "dict", "set"; "distribution": a torch.distributions object
    distribution: str = ""  # the distribution's class (Normal) when ``container == "distribution"``
    elements: set[str] = field(default_factory=set)
    elements_registered: bool = False
    non_modules: bool = False  # also holds numbers, strings or functions ([nn.ReLU(), F.relu, 0.5]): ModuleList raises
    per_device: bool = False  # one element per device or rank, placed there on purpose (device=f"cuda:{i}")
    # Modules: "stateful" (weights or buffers), "mode" (no state, but train()/eval() change it: Dropout),
    # "stateless" (ReLU, a loss without weight=). Containers: the states of the modules they hold.
    module_state: str = "stateful"
    module_states: set[str] = field(default_factory=set)
    from_argument: bool = False  # a tensor passed to the constructor (annotated Tensor or a tensor default)
    number_alternative: bool = False  # annotated Union[float, Tensor]: a number by default (no buffer fix)
    buffer_alias: bool = False  # passed in by an in-file caller as a buffer it registers (its owner saves it)
    lazy: bool = False  # None at construction; a later method makes it a tensor (running state made lazily)
    moved_parameter: str = ""  # nn.Parameter(t).cuda(): the method that turned the Parameter into a plain copy
    # nn.Parameter(t, requires_grad=False).to(device): a registration the author wrote and the move dropped
    dropped_registration: bool = False
    computed_parameter: bool = False  # nn.Parameter(t) * 0.01, nn.Parameter(g).sigmoid(): computed from a new one
    float_width: str = ""  # a float dtype other than float32 it was made with (float64, float16, bfloat16)
    function: object = None
    items: tuple | None = None  # a tuple literal's values by position, for unpacking

    def but(self, **changes) -> "Value":
        return replace(self, **changes)


def tensor(**flags) -> Value:
    return Value(TENSOR, **flags)


def merge(a: Value | None, b: Value | None) -> Value | None:
    """The value of ``a if cond else b``: what matters for a finding survives."""
    if a is None:
        return b
    if b is None:
        return a
    if a.kind == b.kind:
        if a.kind == DEVICE:
            return a.but(pinned=a.pinned and b.pinned)
        if a.kind == TENSOR:
            return a.but(
                requires_grad=a.requires_grad or b.requires_grad,
                complex=a.complex or b.complex,
                integral=a.integral and b.integral,
                scalar=a.scalar and b.scalar,
                placeholder=a.placeholder and b.placeholder,
                random=a.random or b.random,
                param_alternative=a.param_alternative or b.param_alternative,
                number_alternative=a.number_alternative or b.number_alternative,
                pinned=a.pinned and b.pinned,
            )
        return a
    kinds = {a.kind, b.kind}
    if kinds == {TENSOR, PARAM}:
        t = a if a.kind == TENSOR else b
        return t.but(param_alternative=True)
    for preferred in (TENSOR, CONTAINER, MODULE, PARAM, REGISTERED):
        if preferred in kinds:
            return a if a.kind == preferred else b
    return a
