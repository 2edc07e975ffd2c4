"""MPR009: a layer built where it is used, after construction. The engine's finding, and real torch showing
the consequence its message names (a dropout that model.eval() never reaches, weights that are new at each
call and never in parameters(), a batch norm that keeps batch statistics at evaluation)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from flake8_nnparam.detection import analyze

SOURCE = textwrap.dedent(
    """
    import torch
    from torch import nn

    class DropInForward(nn.Module):
        def __init__(self, d=8, p=0.5):
            super().__init__()
            self.proj = nn.Linear(d, d)
            self.p = p

        def forward(self, x):
            return self.proj(nn.Dropout(self.p)(x))

    class HeadInForward(nn.Module):
        def __init__(self, d=8):
            super().__init__()
            self.d = d

        def forward(self, x):
            head = nn.Linear(self.d, 1).to(x.device)
            return head(x)

    class NormLambda(nn.Module):
        def __init__(self, d=8):
            super().__init__()
            self.proj = nn.Linear(d, d)
            self.norm = lambda x: nn.BatchNorm1d(d)(x)

        def forward(self, x):
            return self.norm(self.proj(x))

    class NormInForward(nn.Module):
        def __init__(self, d=8):
            super().__init__()
            self.proj = nn.Linear(d, d)
            self.d = d

        def forward(self, x):
            return nn.LayerNorm(self.d)(self.proj(x))

    class NormsThatHoldNothingWrong(nn.Module):
        def __init__(self, d=8):
            super().__init__()
            self.proj = nn.Linear(d, d)
            self.d = d

        def forward(self, x):
            x = nn.LayerNorm(self.d, elementwise_affine=False)(self.proj(x))
            return nn.GroupNorm(2, self.d).to(x)(x)

    class Fine(nn.Module):
        def __init__(self, d=8, p=0.5):
            super().__init__()
            self.drop = nn.Dropout(p)
            self.proj = nn.Linear(d, d)
            self.width = nn.Linear(d, 3)(torch.zeros(1, d)).shape[-1]  # a dummy call at construction

        def forward(self, x):
            x = nn.ReLU()(self.drop(x))
            return nn.Dropout(0.5).eval()(x)

        def build(self, x):  # not run by forward: a step the caller takes before making the optimizer
            self.head = nn.Linear(x.size(-1), 2)
            return x

    class LazyHead(nn.Module):
        def __init__(self, d=2):
            super().__init__()
            self.d = d
            self.out = None

        def forward(self, x):
            return self.project(x)

        def project(self, x):
            if self.out is None:
                self.out = nn.Linear(x.size(-1), self.d)
            return self.out(x)

    class LazyScale(nn.Module):
        def forward(self, x):
            if not hasattr(self, "gamma"):
                self.gamma = nn.Parameter(torch.ones(x.size(-1))).to(x.device)
            return x * self.gamma

    class RebuiltHead(nn.Module):
        def forward(self, x):
            self.out = nn.Linear(x.size(-1), 2)
            return self.out(x)

    class ShapeCache(nn.Module):
        def __init__(self):
            super().__init__()
            self.shape = None

        def forward(self, x):
            if self.shape != x.shape:  # remade when the input changes: a cache, not state built once
                self.shape = x.shape
                self.grid = nn.Parameter(torch.linspace(-1, 1, x.size(-1)))
            return x + self.grid

    class KerasBuild(nn.Module):  # set ZD's mlgb: weights made by a build() step at the first forward
        def __init__(self, n=2):
            super().__init__()
            self.n = n
            self.built = False

        def build(self, x):
            if not self.built:
                self.w_list = [nn.init.xavier_normal_(nn.Parameter(torch.empty(x.size(-1), x.size(-1))))
                               for _ in range(self.n)]
                self.built = True

        def forward(self, x):
            self.build(x)
            for w in self.w_list:
                x = x @ w
            return x

    class FrozenKernel(nn.Module):
        def forward(self, x):
            self.kernel = nn.Parameter(torch.ones(x.size(-1)).to(x.device), requires_grad=False)
            return x * self.kernel
    """
)


def _findings():
    return {(f.line, f.attr): f for f in analyze(ast.parse(SOURCE), SOURCE) if f.code == "MPR009"}


def _line(text: str) -> int:
    return next(i for i, line in enumerate(SOURCE.splitlines(), 1) if text in line)


def test_layers_built_where_they_are_used_are_reported_with_their_consequence():
    found = {key: f for key, f in _findings().items() if " self." not in f.message}  # not stored on self
    assert set(found) == {
        (_line("nn.Dropout(self.p)(x)"), "nn.Dropout"),
        (_line("head = nn.Linear"), "nn.Linear"),
        (_line("nn.BatchNorm1d(d)(x)"), "nn.BatchNorm1d"),
        (_line("nn.LayerNorm(self.d)(self.proj(x))"), "nn.LayerNorm"),
    }, sorted(found)
    drop = found[(_line("nn.Dropout(self.p)(x)"), "nn.Dropout")].message
    assert "model.eval() never reaches it" in drop and "training=self.training" in drop
    head = found[(_line("head = nn.Linear"), "nn.Linear")].message
    assert "never trained" in head and "stay on the CPU" not in head  # moved with .to(x.device)
    norm = found[(_line("nn.BatchNorm1d(d)(x)"), "nn.BatchNorm1d")].message
    assert "a lambda made in __init__" in norm and "batch's statistics" in norm
    assert all("[no fix:" in f.message for f in found.values())


def test_state_that_forward_stores_on_self_is_reported_with_its_consequence():
    """Stored on self by forward (or a method it runs), guarded or not; not by a method forward does not run."""
    found = {line: f for (line, _), f in _findings().items()}
    lazy = found[_line("self.out = nn.Linear(x.size(-1), self.d)")].message
    assert "in project (line" in lazy and "stored on self.out only when that call first runs" in lazy
    assert "unexpected keys" in lazy and "a .to() before that call leaves it on the CPU" in lazy
    scale = found[_line("self.gamma = nn.Parameter")].message
    assert scale.startswith("MPR009 nn.Parameter(...)") and "stored on self.gamma only when" in scale
    assert "leaves it on the CPU" not in scale  # moved with .to(x.device)
    rebuilt = found[_line("self.out = nn.Linear(x.size(-1), 2)")].message
    assert "a new one replaces self.out at every call" in rebuilt
    assert _line("self.head = nn.Linear") not in found
    assert _line("self.grid = nn.Parameter") not in found and _line("self.kernel = nn.Parameter") not in found
    listed = found[_line("self.w_list = [nn.init.xavier_normal_")].message  # a build-once flag, a plain list
    assert "stored in a plain list on self.w_list" in listed and "nn.ParameterList" in listed


def test_torch_shows_a_plain_list_built_at_the_first_call_is_never_registered():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(SOURCE, "<built_at_call>", "exec"), namespace)
    model = namespace["KerasBuild"]()
    x = torch.randn(3, 4)
    model(x)
    assert len(model.w_list) == 2 and list(model.parameters()) == [] and model.state_dict() == {}
    with pytest.raises(ValueError, match="empty parameter list"):  # nothing for an optimizer to train
        torch.optim.SGD(model.parameters(), lr=0.1)


def test_torch_shows_what_lazily_stored_state_misses():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(SOURCE, "<built_at_call>", "exec"), namespace)
    x = torch.randn(4, 3)
    for name in ("LazyHead", "LazyScale"):
        model = namespace[name]()
        assert list(model.parameters()) == []  # an optimizer made now gets nothing to train
        model(x)
        trained = model.state_dict()
        assert trained  # registered at the first call
        with pytest.raises(RuntimeError, match="Unexpected key"):
            namespace[name]().load_state_dict(trained)  # a new model cannot take the checkpoint
    moved = namespace["LazyHead"]().to("meta")
    with pytest.raises(RuntimeError, match="device"):
        moved(torch.randn(4, 3, device="meta"))  # built on the CPU at the first call, after the move
    rebuilt = namespace["RebuiltHead"]()
    first = rebuilt(x)
    assert not torch.equal(first, rebuilt(x))  # a new layer, with new weights, at every call


def test_torch_shows_each_consequence():
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(SOURCE, "<built_at_call>", "exec"), namespace)
    torch.manual_seed(0)
    x = torch.randn(16, 8)

    dropping = namespace["DropInForward"]().eval()
    assert not torch.equal(dropping(x), dropping(x))  # evaluation is not deterministic: dropout still runs

    head = namespace["HeadInForward"]()
    assert list(head.parameters()) == []  # the optimizer has nothing to train
    assert not torch.equal(head(x), head(x))  # new random weights at every call

    norm = namespace["NormLambda"]().eval()
    out = norm(x)
    assert torch.allclose(out.mean(0), torch.zeros(8), atol=1e-5)  # batch statistics, even in eval mode
    registered = torch.nn.Sequential(norm.proj, torch.nn.BatchNorm1d(8)).eval()
    assert not torch.allclose(registered(x).mean(0), torch.zeros(8), atol=1e-3)  # running statistics instead

    fine = namespace["Fine"]().eval()
    assert torch.equal(fine(x), fine(x))

    layer_norm = namespace["NormInForward"]()
    assert [n for n, _ in layer_norm.named_parameters()] == ["proj.weight", "proj.bias"]  # its weights are not there
    with pytest.raises(RuntimeError):  # made on the CPU at every call: a moved model fails in forward
        layer_norm.to("meta")(x.to("meta"))
    with pytest.raises(RuntimeError):  # and in float32: a cast model fails too
        namespace["NormInForward"]().double()(x.double())
    namespace["NormsThatHoldNothingWrong"]().to("meta")(x.to("meta"))  # no weights, or moved where made
    namespace["NormsThatHoldNothingWrong"]().double()(x.double())


def test_every_reported_layer_is_found_by_the_text_scan():
    """The engine walks only functions whose text holds a name of LAYER_NAMES (prefixes, as a word start)."""
    from flake8_nnparam.detection.call_rules import _REPORTED, LAYER_NAMES

    assert all(any(name.startswith(prefix) for prefix in LAYER_NAMES) for name in _REPORTED)
