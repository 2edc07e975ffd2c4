"""The runtime audit (``flake8_nnparam.audit``) with real torch.

It must report every leak the fixtures label, nothing on correct code, everything the linter reports
(the static findings are a subset of the audit's, computed from the engine at test time), and nothing
on torch's own modules and mechanisms or on real architectures.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from flake8_nnparam.detection import RULES_BY_CODE
from flake8_nnparam.detection.tables import FRAMEWORK_PLAIN_ATTRIBUTES

from .conftest import ROOT, clean_env, expectations, fixture_files
from .test_runtime import _classes, _instance_attrs, analysed, builders, needs_torch, nn, torch, unregistered_state

if torch is not None:
    from torch.nn.utils import parametrizations, parametrize, prune

    from flake8_nnparam.audit import MESSAGE_FIELDS, AuditFinding, AuditWarning, assert_registered, find_unregistered

pytestmark = needs_torch

TENSOR_CODES = {"MPR001", "MPR002"}  # the runtime sees requires_grad, not intent: one family


def test_importing_the_package_plugin_or_audit_imports_no_torch():
    code = (
        "import sys, flake8_nnparam, flake8_nnparam.plugin, flake8_nnparam.audit\n"
        "leaked = sorted(m for m in sys.modules if m == 'torch' or m.startswith('torch.'))\n"
        "assert not leaked, leaked\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=clean_env())
    assert result.returncode == 0, result.stderr


def test_torch_is_not_a_dependency():
    from importlib.metadata import requires

    assert not [r for r in requires("flake8-nnparam") or [] if r.split()[0].lower().startswith("torch")]


def paths(model, **kwargs) -> dict[str, str]:
    return {f.path: f.code for f in find_unregistered(model, **kwargs)}


# --- the fixtures: labels, the static cross-check, and an independent runtime oracle -----------------


def _labelled_attrs(path: Path, line: int) -> list[str]:
    """The attribute names the statement on ``line`` binds (``self.x = ...``, ``setattr(self, f"l{i}", ...)``)."""
    stmt = next(n for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.stmt) and n.lineno == line)

    def targets(node):
        if isinstance(node, ast.Attribute):
            yield node.attr
        elif isinstance(node, (ast.Tuple, ast.List)):
            for elt in node.elts:
                yield from targets(elt)
        elif isinstance(node, ast.Starred):
            yield from targets(node.value)

    if isinstance(stmt, ast.Assign):
        return [name for target in stmt.targets for name in targets(target)]
    if isinstance(stmt, ast.AnnAssign):
        return list(targets(stmt.target))
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    if isinstance(call, ast.Call):
        name = call.args[1] if ast.unparse(call.func) == "setattr" else call.args[0]
        if isinstance(name, ast.Constant):
            return [name.value]
        return ["".join(v.value if isinstance(v, ast.Constant) else "{}" for v in name.values)]
    raise AssertionError(f"{path.name}:{line}: no binding found on the labelled line")


def _reports(model, findings, attr: str) -> list:
    """The audit's findings on the instance attribute(s) ``attr`` names (the attribute itself or inside it)."""
    names = _instance_attrs(model, attr)
    return [f for f in findings if any(f.path == n or f.path.startswith(n + ".") for n in names)]


def _compatible(static_code: str, audit_code: str) -> bool:
    return static_code == audit_code or {static_code, audit_code} <= TENSOR_CODES


def _label_cases():
    return [
        pytest.param(path, line, code, id=f"{path.name}:{line}:{code}")
        for path in fixture_files("positive")
        for line, code in sorted(expectations(path))
        if RULES_BY_CODE[code].default_on
    ]


@pytest.mark.parametrize("path, line, code", _label_cases())
def test_audit_reports_every_labelled_leak(path, line, code):
    attrs = _labelled_attrs(path, line)
    qualname = analysed(path).class_at(line)
    available = builders(path)
    if qualname is not None and qualname not in available:
        pytest.skip(f"{qualname} is neither a module-level class nor built by a zero-argument factory")
    candidates = [available[qualname]] if qualname else list(available.values())
    for attr in attrs:
        hits = []
        for build in candidates:
            model = build()
            if _instance_attrs(model, attr):
                found = _reports(model, find_unregistered(model), attr)
                assert found, f"{type(model).__name__}.{attr} (# expect: {code}) is not reported by the audit"
                hits += found
        assert hits, f"no class in {path.name} has {attr!r} after construction"
        assert any(_compatible(code, f.code) for f in hits), (attr, code, [f.code for f in hits])


def _static_findings_for(path: Path, model) -> list:
    """The engine's findings (now, not a stored list) that apply to ``model``'s class and its in-file bases."""
    info = analysed(path)
    owners = {cls.__qualname__ for cls in type(model).__mro__}
    applicable = []
    for finding in info.findings:
        owner = info.class_at(finding.line)
        if owner in owners or (owner is None and _instance_attrs(model, finding.attr)):
            applicable.append(finding)
    return applicable


def _build_or_skip(path: Path, qualname: str):
    available = builders(path)
    if qualname not in available:
        pytest.skip(f"{qualname} is not a torch.nn.Module, or needs constructor arguments")
    return available[qualname]()


def _all_classes():
    return [case for kind in ("positive", "negative", "deliberate") for case in _classes(kind)]


def _zero_dim(value) -> bool:
    return isinstance(value, torch.Tensor) and value.dim() == 0


@pytest.mark.parametrize("path, qualname", _all_classes())
def test_static_findings_are_a_subset_of_the_audit(path, qualname):
    """Whatever the linter reports on a class (except MPR902 scalars and placeholders), the audit reports."""
    model = _build_or_skip(path, qualname)
    audit = find_unregistered(model)
    for finding in _static_findings_for(path, model):
        if finding.code in ("MPR902", "MPR999") or _zero_dim(getattr(model, finding.attr, None)):
            continue  # the audit leaves 0-dim tensors to the default-off band, as the linter's MPR902 does
        assert _instance_attrs(model, finding.attr), f"{qualname} has no {finding.attr!r} after construction"
        found = _reports(model, audit, finding.attr)
        assert found, f"static {finding.code} on {qualname}.{finding.attr} (line {finding.line}) is missing from the audit"
        if RULES_BY_CODE[finding.code].default_on:
            assert any(_compatible(finding.code, f.code) for f in found), (finding.code, [f.code for f in found])


@pytest.mark.parametrize("path, qualname", _classes("negative"))
def test_audit_is_silent_on_negative_fixtures(path, qualname):
    assert find_unregistered(_build_or_skip(path, qualname)) == []


def _scalar_or_empty(value) -> bool:
    if isinstance(value, torch.Tensor):
        return not value.requires_grad and (value.dim() == 0 or value.numel() == 0)
    if isinstance(value, (list, tuple, dict)):
        items = list(value.values() if isinstance(value, dict) else value)
        return bool(items) and all(_scalar_or_empty(v) for v in items)
    return False


@pytest.mark.parametrize("path, qualname", _all_classes())
def test_audit_agrees_with_the_independent_runtime_oracle(path, qualname):
    """test_runtime's own check of a built instance names the same top-level attributes (minus 0-dim/empty tensors)."""
    model = _build_or_skip(path, qualname)
    registered = {id(t) for t in [*model.parameters(), *model.buffers()]}
    oracle = {
        # the audit walks the module tree: a sub-module's own plain state shows under its top-level name,
        # unless it is an alias of a tensor the model registers elsewhere (a child given its owner's buffer)
        name.split(".")[0] or attr
        for name, module in model.named_modules()
        for attr, _ in unregistered_state(module)
        if not _scalar_or_empty(getattr(module, attr)) and attr not in FRAMEWORK_PLAIN_ATTRIBUTES
        and not (name and id(getattr(module, attr)) in registered)
    }
    audit = {f.path.split(".")[0] for f in find_unregistered(model)}
    assert audit == oracle


def test_deliberate_fixtures_pass_once_their_paths_are_ignored():
    """Deliberate designs are real unregistered state: the audit names them, and ``ignore`` is the opt-out."""
    reported = 0
    for path in fixture_files("deliberate"):
        for qualname, build in builders(path).items():
            findings = find_unregistered(build())
            reported += len(findings)
            if findings:
                with pytest.raises(AssertionError):
                    assert_registered(build())
            assert_registered(build(), ignore=[f.path for f in findings])
    assert reported >= 10


# --- codes, paths, messages ---------------------------------------------------------------------


class Attention(nn.Module):
    def __init__(self, n=4):
        super().__init__()
        self.proj = nn.Linear(n, n)
        self.mask = torch.tril(torch.ones(n, n))

    def forward(self, x):
        return self.proj(x).masked_fill(self.mask == 0, 0.0)


class Encoder(nn.Module):
    def __init__(self, n=4, depth=2):
        super().__init__()
        self.layers = nn.ModuleList(nn.Sequential() for _ in range(depth))
        for layer in self.layers:
            layer.attn = Attention(n)

    def forward(self, x):
        for layer in self.layers:
            x = layer.attn(x)
        return x


class EveryCode(nn.Module):
    def __init__(self, n=3):
        super().__init__()
        self.w = torch.randn(n, n, requires_grad=True)
        self.mask = torch.ones(n, n)
        self.blocks = [nn.Linear(n, n), nn.Dropout()]
        self.heads = {"a": nn.Linear(n, 1)}
        self.scales = (nn.Parameter(torch.ones(n)),)
        self.gates = {"g": nn.Parameter(torch.ones(n))}
        self.anchors = [torch.ones(2), torch.zeros(2)]
        self.idx = torch.arange(n)


def test_path_is_dotted_from_the_root():
    class Root(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = Encoder()

    assert paths(Root()) == {"encoder.layers.0.attn.mask": "MPR002", "encoder.layers.1.attn.mask": "MPR002"}


def test_each_code_with_its_registration_and_the_linters_message():
    findings = {f.path: f for f in find_unregistered(EveryCode())}
    expected = {
        "w": ("MPR001", "nn.Parameter"),
        "mask": ("MPR002", "register_buffer"),
        "blocks": ("MPR003", "nn.ModuleList"),
        "heads": ("MPR004", "nn.ModuleDict"),
        "scales": ("MPR005", "nn.ParameterList"),
        "gates": ("MPR006", "nn.ParameterDict"),
        "anchors": ("MPR007", "register_buffer (each tensor, or one stacked tensor)"),
        "idx": ("MPR002", "register_buffer"),
    }
    assert {p: (f.code, f.registration) for p, f in findings.items()} == expected
    assert findings["blocks"].message.startswith("blocks: MPR003 self.blocks is a plain list of modules")
    assert "use nn.ModuleList" in findings["blocks"].message
    assert findings["scales"].message.startswith("scales: MPR005 self.scales is a plain tuple of Parameters")
    assert findings["w"].summary == "Tensor float32 (3, 3) cpu, requires_grad"
    assert findings["idx"].summary == "Tensor int64 (3,) cpu"
    assert findings["blocks"].summary == "list of 2 unregistered: Linear, Dropout"
    for path, finding in findings.items():
        assert "\n" not in finding.message
        fields = {**MESSAGE_FIELDS.get(finding.code, {}), "container": finding.summary.split()[0], "persistent": ""}
        linter = RULES_BY_CODE[finding.code].format(path, **fields)
        assert finding.message == f"{path}: {linter} [{finding.summary}, in EveryCode]"
        assert finding.owner == "EveryCode" and finding.via == "" and finding.failure == ""


def test_findings_are_frozen_dataclasses():
    finding = find_unregistered(EveryCode())[0]
    assert isinstance(finding, AuditFinding) and str(finding) == finding.message
    with pytest.raises(dataclasses.FrozenInstanceError):
        finding.code = "MPR002"


def test_modules_reached_only_through_a_plain_container_are_walked():
    class Heads(nn.Module):
        def __init__(self):
            super().__init__()
            self.heads = [Attention() for _ in range(3)]
            self.nested = {"x": [Attention()]}

    found = {f.path: f for f in find_unregistered(Heads())}
    assert sorted(found) == [
        "heads", "heads.0.mask", "heads.1.mask", "heads.2.mask", "nested", "nested.x.0.mask",
    ]
    assert found["heads"].code == "MPR003" and found["nested"].code == "MPR004"
    assert found["heads.2.mask"].via == "heads" and found["heads.2.mask"].owner == "Attention"
    assert "reached only through the unregistered heads" in found["heads.2.mask"].message


def test_a_module_held_by_an_unregistered_container_brings_its_own_registrations():
    """An RNN in a plain list: its _flat_weights alias its own Parameters, which the root does not register."""

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.rnns = [nn.LSTM(3, 3)]

    assert paths(M()) == {"rnns": "MPR003"}


def test_a_cycle_through_containers_terminates():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            loop = [torch.ones(2)]
            loop.append(loop)
            self.loop = loop
            self.me = [self]

    assert paths(M()) == {"loop": "MPR007"}


def test_set_and_namedtuple_containers():
    import collections

    Pair = collections.namedtuple("Pair", "a b")

    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.pair = Pair(nn.Linear(2, 2), nn.ReLU())
            self.group = {nn.Linear(2, 2)}

    findings = {f.path: f for f in find_unregistered(M())}
    assert {p: f.code for p, f in findings.items()} == {"pair": "MPR003", "group": "MPR003"}
    assert "plain set of modules" in findings["group"].message


# --- silent where nothing is wrong ----------------------------------------------------------------


def test_aliases_of_registered_state_are_silent():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.a = nn.Linear(3, 3)
            self.b = nn.Sequential(nn.Linear(3, 3))
            self.register_buffer("table", torch.ones(4, 3))
            self.stages = [self.a, self.b[0]]
            self.params = {"w": self.a.weight, "inner": [self.b[0].bias]}
            self.tensors = (self.table,)
            object.__setattr__(self, "row", self.table[1])  # a view of a buffer
            object.__setattr__(self, "flat", self.table.view(-1))
            object.__setattr__(self, "weight_ref", self.a.weight)

    assert paths(M()) == {}


def test_a_registered_module_deep_in_the_tree_is_an_alias_at_any_level():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = Encoder()
            self.attns = [layer.attn for layer in self.encoder.layers]
            self.encoder.layers[0].attn.siblings = [self.encoder.layers[1]]

    assert set(paths(M())) == {"encoder.layers.0.attn.mask", "encoder.layers.1.attn.mask"}


def test_computed_tensors_from_registered_parameters_are_silent_others_are_not():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.scaled = self.lin.weight * 2 + self.lin.bias
            self.lost = torch.randn(3, 3, requires_grad=True) * 0.02  # its leaf is gone: learnable, unregistered

    assert torch.is_tensor(vars(M())["scaled"]) and vars(M())["scaled"].grad_fn is not None
    assert paths(M()) == {"lost": "MPR001"}


def test_zero_dim_and_empty_tensors_are_silent_unless_learnable():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.tensor(0.125)
            self.cache = torch.empty(0)
            self.pyramid = [torch.tensor(0)]
            self.temperature = torch.tensor(1.0, requires_grad=True)

    assert paths(M()) == {"temperature": "MPR001"}


def test_object_setattr_values_are_reported_unless_ignored():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            object.__setattr__(self, "frozen_table", torch.ones(3, 3))
            object.__setattr__(self, "teacher_layers", [nn.Linear(2, 2)])

    assert paths(M()) == {"frozen_table": "MPR002", "teacher_layers": "MPR003"}
    assert paths(M(), ignore=["frozen_table", "teacher_*"]) == {}
    assert_registered(M(), ignore=["frozen_table", "teacher_layers"])


def test_ignore_takes_codes_prefixes_and_path_globs_covering_subtrees():
    assert set(paths(EveryCode(), ignore=["MPR002", "MPR00"])) == set()
    assert set(paths(EveryCode(), ignore=["mpr001"])) == set(paths(EveryCode())) - {"w"}

    class Heads(nn.Module):
        def __init__(self):
            super().__init__()
            self.hs = [Attention()]

    heads = Heads
    assert set(paths(heads())) == {"hs", "hs.0.mask"}
    assert paths(heads(), ignore=["hs"]) == {}
    assert set(paths(heads(), ignore=["*.mask"])) == {"hs"}
    assert set(paths(Encoder(), ignore=["layers.1.*"])) == {"layers.0.attn.mask"}


def test_framework_plain_attributes_are_silent():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.example_input_array = torch.randn(1, 4)

    assert paths(M()) == {}


# --- torch's own mechanisms -------------------------------------------------------------------------


def _assert_plain_tensor_in_dict(module, name):
    """The mechanism really leaves a plain tensor in __dict__: a naive audit would report it."""
    value = vars(module).get(name)
    assert isinstance(value, torch.Tensor) and not isinstance(value, nn.Parameter), name
    assert name not in module._parameters and name not in module._buffers


@pytest.mark.parametrize("cls", [nn.RNN, nn.LSTM, nn.GRU])
def test_rnn_flat_weights_are_aliases(cls):
    rnn = cls(3, 4, num_layers=2, bidirectional=True)
    assert rnn._flat_weights and all(isinstance(w, nn.Parameter) for w in rnn._flat_weights)
    assert paths(rnn) == {}
    rnn.to(torch.float64)
    assert paths(rnn) == {}


@pytest.mark.parametrize(
    "apply",
    [
        lambda m: prune.l1_unstructured(m, "weight", amount=0.3),
        lambda m: prune.random_structured(m, "weight", amount=0.5, dim=0),
        lambda m: (prune.l1_unstructured(m, "weight", amount=0.2), prune.ln_structured(m, "weight", 0.5, n=2, dim=0)),
        lambda m: prune.global_unstructured([(m, "weight"), (m, "bias")], prune.L1Unstructured, amount=0.4),
    ],
    ids=["l1_unstructured", "random_structured", "pruned_twice", "global_unstructured"],
)
def test_pruning_is_silent(apply):
    layer = nn.Linear(4, 4)
    apply(layer)
    _assert_plain_tensor_in_dict(layer, "weight")
    assert paths(layer) == {}
    model = nn.Sequential(nn.Linear(4, 4))
    with torch.no_grad():  # no grad_fn on the recomputed weight: the pruning hook is what tells
        apply(model[0])
    assert vars(model[0])["weight"].grad_fn is None
    assert paths(model) == {}
    prune.remove(model[0], "weight")
    assert paths(model) == {}


def test_weight_norm_and_spectral_norm_old_style_are_silent():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        weight_normed = nn.utils.weight_norm(nn.Linear(4, 4))
    spectral = nn.utils.spectral_norm(nn.Conv2d(2, 2, 3))
    for layer in (weight_normed, spectral):
        _assert_plain_tensor_in_dict(layer, "weight")
        assert paths(layer) == {}
        assert paths(nn.Sequential(layer)) == {}
    with torch.no_grad(), warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        quiet = nn.utils.weight_norm(nn.Linear(4, 4))
    assert vars(quiet)["weight"].grad_fn is None
    assert paths(quiet) == {}


def test_parametrizations_are_silent():
    class Symmetric(nn.Module):
        def forward(self, x):
            return x.triu() + x.triu(1).transpose(-1, -2)

    layers = [
        parametrizations.weight_norm(nn.Linear(4, 4)),
        parametrizations.spectral_norm(nn.Linear(4, 4)),
        parametrizations.orthogonal(nn.Linear(4, 4)),
        parametrize.register_parametrization(nn.Linear(4, 4), "weight", Symmetric()),
    ]
    for layer in layers:
        assert parametrize.is_parametrized(layer)
        assert paths(layer) == {}
        with parametrize.cached():
            layer.weight  # the cache holds computed weights while active
            assert paths(layer) == {}


def _constructible_torch_nn_classes():
    seen, built = set(), []
    modules = [nn.modules] + [getattr(nn.modules, n) for n in dir(nn.modules) if inspect.ismodule(getattr(nn.modules, n))]
    for namespace in modules:
        for name in dir(namespace):
            cls = getattr(namespace, name)
            if not (isinstance(cls, type) and issubclass(cls, nn.Module)) or cls in seen:
                continue
            seen.add(cls)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    built.append((cls.__name__, cls()))
            except Exception:
                continue  # needs arguments
    return built


def test_every_torch_nn_module_that_constructs_with_defaults_is_clean():
    built = _constructible_torch_nn_classes()
    assert len(built) >= 60, f"only {len(built)} torch.nn classes constructed: the sweep lost its reach"
    dirty = {name: paths(module) for name, module in built if paths(module)}
    assert dirty == {}


# --- real architectures -------------------------------------------------------------------------------


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride=1):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


class ResNet18Like(nn.Module):
    """torchvision's resnet18 layout (2-2-2-2 BasicBlocks), narrow so tests stay fast."""

    def __init__(self, width=8, classes=10):
        super().__init__()
        self.conv1 = nn.Conv2d(3, width, 7, 2, 3, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, cin = [], width
        for i, cout in enumerate((width, 2 * width, 4 * width, 8 * width)):
            stages.append(nn.Sequential(BasicBlock(cin, cout, 1 if i == 0 else 2), BasicBlock(cout, cout)))
            cin = cout
        self.layer1, self.layer2, self.layer3, self.layer4 = stages
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        return self.fc(torch.flatten(self.avgpool(x), 1))


class ViTLike(nn.Module):
    """torchvision's vit_b_16 layout (conv patchify, class token, learned positions, encoder, head), small."""

    def __init__(self, image=32, patch=8, dim=32, depth=2, heads=4, classes=10):
        super().__init__()
        self.conv_proj = nn.Conv2d(3, dim, patch, patch)
        self.class_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embedding = nn.Parameter(torch.empty(1, (image // patch) ** 2 + 1, dim).normal_(std=0.02))
        layer = nn.TransformerEncoderLayer(dim, heads, 2 * dim, dropout=0.0, batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth, enable_nested_tensor=False)
        self.ln = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):
        x = self.conv_proj(x).flatten(2).transpose(1, 2)
        x = torch.cat([self.class_token.expand(x.shape[0], -1, -1), x], dim=1) + self.pos_embedding
        return self.head(self.ln(self.encoder(x))[:, 0])


def _architectures():
    return [
        pytest.param(lambda: ResNet18Like(), (torch.randn(2, 3, 32, 32),), id="resnet18-like"),
        pytest.param(lambda: ViTLike(), (torch.randn(2, 3, 32, 32),), id="vit-like"),
        pytest.param(
            lambda: nn.Transformer(32, 4, 2, 2, 64, dropout=0.0, batch_first=True),
            (torch.randn(2, 5, 32), torch.randn(2, 4, 32)),
            id="nn.Transformer",
        ),
        pytest.param(
            lambda: nn.TransformerEncoder(nn.TransformerEncoderLayer(16, 2, 32), 3, enable_nested_tensor=False),
            (torch.randn(5, 2, 16),),
            id="nn.TransformerEncoder",
        ),
        pytest.param(lambda: nn.LSTM(8, 16, num_layers=2, bidirectional=True), (torch.randn(5, 2, 8),), id="nn.LSTM"),
        pytest.param(
            lambda: nn.MultiheadAttention(16, 4, kdim=8, vdim=8),
            (torch.randn(3, 2, 16), torch.randn(4, 2, 8), torch.randn(4, 2, 8)),
            id="nn.MultiheadAttention",
        ),
    ]


@pytest.mark.parametrize("build, inputs", _architectures())
def test_real_architectures_are_clean(build, inputs):
    model = build()
    assert find_unregistered(model) == []
    model.eval()
    assert find_unregistered(model) == []
    assert find_unregistered(model, example_inputs=inputs) == []


def test_a_leak_injected_deep_in_a_real_architecture_is_found():
    model = ViTLike()
    layer = model.encoder.layers[1]
    layer.rope_cache = torch.ones(4, 4)
    object.__setattr__(layer.self_attn, "extra_heads", [nn.Linear(2, 2)])
    assert paths(model) == {"encoder.layers.1.rope_cache": "MPR002", "encoder.layers.1.self_attn.extra_heads": "MPR003"}


@pytest.mark.parametrize("build, inputs", _architectures()[:3])
def test_forward_check_runs_real_architectures_and_blames_an_injected_leak(build, inputs):
    model = build()
    model(*inputs)
    object.__setattr__(model, "_innocent", torch.ones(3))  # unregistered, but forward never reads it
    with warnings.catch_warnings():
        warnings.simplefilter("error", AuditWarning)  # both copies run: registered state follows .to()
        findings = find_unregistered(model, example_inputs=inputs)
    assert [(f.path, f.failure) for f in findings] == [("_innocent", "")]
    offset = torch.zeros(1)  # one element, but not 0-dim: devices must match

    def add_offset(module, args, output):
        return output + module._offset  # a plain CPU tensor read in forward: a GPU run fails here

    object.__setattr__(model, "_offset", offset)
    model.register_forward_hook(add_offset)
    model(*inputs)  # on the CPU nothing fails
    findings = {f.path: f for f in find_unregistered(model, example_inputs=inputs)}
    assert set(findings) == {"_innocent", "_offset"}
    assert findings["_offset"].failure.startswith("forward on a meta-device copy fails: RuntimeError")
    assert findings["_innocent"].failure == ""


# --- example_inputs ---------------------------------------------------------------------------------


class CpuMask(nn.Module):
    def __init__(self, n=4):
        super().__init__()
        self.proj = nn.Linear(n, n)
        self.mask = torch.tril(torch.ones(n, n))  # breaks forward on another device
        self.unused = torch.ones(n)  # unregistered too, but forward never reads it
        self.bn = nn.BatchNorm1d(n)

    def forward(self, x):
        return self.bn(self.proj(x) * self.mask)


class Float32Weight(nn.Module):
    def __init__(self, n=4):
        super().__init__()
        self.proj = nn.Linear(n, n)
        self.w = torch.randn(n, n)

    def forward(self, x):
        return self.proj(x) @ self.w  # meta does not check devices in matmul: float64 shows it


def test_forward_failure_is_blamed_on_the_attribute_that_causes_it():
    model = CpuMask()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    findings = {f.path: f for f in find_unregistered(model, example_inputs=torch.randn(4, 4))}
    assert set(findings) == {"mask", "unused"}
    assert findings["mask"].failure.startswith("forward on a meta-device copy fails: RuntimeError")
    assert "device" in findings["mask"].failure and findings["mask"].message.endswith(findings["mask"].failure)
    assert findings["unused"].failure == ""
    # the model itself was neither run nor moved
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert model.mask.device.type == "cpu" and model.proj.weight.device.type == "cpu"


def test_float64_copy_shows_what_meta_cannot():
    findings = find_unregistered(Float32Weight(), example_inputs=(torch.randn(2, 4),))
    assert [(f.path, f.failure.split(":")[0]) for f in findings] == [("w", "forward on a float64 copy fails")]
    assert "dtype" in findings[0].failure


def test_keyword_inputs_and_a_meta_unfriendly_forward():
    class ItemThenMask(CpuMask):
        def forward(self, x, scale=None):
            factor = float(scale.sum().item())  # .item() has no meta answer: only the float64 copy runs
            return (self.proj(x) @ self.mask) * factor

    inputs = {"x": torch.randn(4, 4), "scale": torch.ones(1)}
    findings = {f.path: f for f in find_unregistered(ItemThenMask(), example_inputs=inputs)}
    assert findings["mask"].failure.startswith("forward on a float64 copy fails")


def test_an_unrelated_failure_never_breaks_the_users_test():
    model = CpuMask()
    with pytest.warns(AuditWarning, match="skipped for meta: .*; float64: "):
        findings = find_unregistered(model, example_inputs=torch.randn(3, 7))  # wrong shape
    assert [f.failure for f in findings] == ["", ""]
    with warnings.catch_warnings():
        warnings.simplefilter("error", AuditWarning)
        assert find_unregistered(ResNet18Like(), example_inputs=torch.randn(1, 3, 32, 32)) == []


def test_example_inputs_with_a_model_deepcopy_refuses():
    """A computed plain tensor (non-leaf) makes deepcopy raise: the check copies it detached instead."""

    class M(CpuMask):
        def __init__(self):
            super().__init__()
            self.lost = torch.randn(4, requires_grad=True) * 2

    with warnings.catch_warnings():
        warnings.simplefilter("error", AuditWarning)
        findings = {f.path: f for f in find_unregistered(M(), example_inputs=torch.randn(4, 4))}
    assert findings["mask"].failure and not findings["lost"].failure


# --- assert_registered --------------------------------------------------------------------------


def test_assert_registered_reports_one_line_per_finding():
    with pytest.raises(AssertionError) as raised:
        assert_registered(EveryCode())
    lines = str(raised.value).splitlines()
    assert lines[0] == "EveryCode leaves 8 attribute(s) unregistered:"
    assert sorted(line.split(":")[0].strip() for line in lines[1:-1]) == sorted(paths(EveryCode()))
    assert "ignore=" in lines[-1]


def test_assert_registered_passes_on_a_correct_model_and_rejects_non_modules():
    assert_registered(ResNet18Like())
    with pytest.raises(TypeError):
        find_unregistered(object())


def test_the_readme_shows_real_output():
    class Attention(nn.Module):
        def __init__(self, n):
            super().__init__()
            self.proj = nn.Linear(n, n)
            self.mask = torch.tril(torch.ones(n, n))

    class Encoder(nn.Module):
        def __init__(self, n=4):
            super().__init__()
            self.layers = nn.ModuleList([Attention(n)])
            self.heads = [nn.Linear(n, 2), nn.Linear(n, 3)]

    class MyModel(nn.Module):
        def __init__(self):
            super().__init__()
            self.encoder = Encoder()

    readme = (ROOT / "README.md").read_text()
    shown = readme.split("A failure names each attribute", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    with pytest.raises(AssertionError) as raised:
        assert_registered(MyModel())
    assert str(raised.value) + "\n" == shown
    assert "assert_registered(MyModel())" in readme


def test_a_value_computed_from_a_parameter_is_told_to_keep_the_parameter():
    """The audit's remedy follows the linter's: wrapping ``nn.Parameter(w) * mask`` would train it free of the mask."""

    class Masked(nn.Module):
        def __init__(self):
            super().__init__()
            self.w = nn.Parameter(torch.randn(3, 3)) * torch.ones(3, 3).tril()
            self.alpha = torch.ones(3, requires_grad=True)

    found = {f.path: f.message for f in find_unregistered(Masked())}
    assert "keep the Parameter itself: self.w = nn.Parameter(...)" in found["w"]
    assert "wrap it: self.alpha = nn.Parameter(...)" in found["alpha"]
