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

    class Fine(nn.Module):
        def __init__(self, d=8, p=0.5):
            super().__init__()
            self.drop = nn.Dropout(p)
            self.proj = nn.Linear(d, d)
            self.width = nn.Linear(d, 3)(torch.zeros(1, d)).shape[-1]  # a dummy call at construction

        def forward(self, x):
            x = nn.ReLU()(self.drop(x))
            x = nn.Dropout(0.5).eval()(x)
            return self.build(x)

        def build(self, x):
            if not hasattr(self, "out"):  # built lazily once and stored on self: registered, not this rule's
                self.out = nn.Linear(x.size(-1), 2)
            return self.out(x)
    """
)


def _findings():
    return {(f.line, f.attr): f for f in analyze(ast.parse(SOURCE), SOURCE) if f.code == "MPR009"}


def _line(text: str) -> int:
    return next(i for i, line in enumerate(SOURCE.splitlines(), 1) if text in line)


def test_layers_built_where_they_are_used_are_reported_with_their_consequence():
    found = _findings()
    assert set(found) == {
        (_line("nn.Dropout(self.p)(x)"), "nn.Dropout"),
        (_line("head = nn.Linear"), "nn.Linear"),
        (_line("nn.BatchNorm1d(d)(x)"), "nn.BatchNorm1d"),
    }, sorted(found)
    drop = found[(_line("nn.Dropout(self.p)(x)"), "nn.Dropout")].message
    assert "model.eval() never reaches it" in drop and "training=self.training" in drop
    head = found[(_line("head = nn.Linear"), "nn.Linear")].message
    assert "never trained" in head and "stay on the CPU" not in head  # moved with .to(x.device)
    norm = found[(_line("nn.BatchNorm1d(d)(x)"), "nn.BatchNorm1d")].message
    assert "a lambda made in __init__" in norm and "batch's statistics" in norm
    assert all("[no fix:" in f.message for f in found.values())


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


def test_every_reported_layer_is_found_by_the_text_scan():
    """The engine walks only functions whose text holds a name of LAYER_NAMES (prefixes, as a word start)."""
    from flake8_nnparam.detection.call_rules import _REPORTED, LAYER_NAMES

    assert all(any(name.startswith(prefix) for prefix in LAYER_NAMES) for name in _REPORTED)
