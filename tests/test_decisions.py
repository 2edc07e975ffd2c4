"""Each rule decides from a consequence at the use site, and every silence carries its reason.

One snippet per signal of issue 9: the decision's code and the evidence it gives (the use that breaks,
and its line, or why the candidate stays out of the default codes).
"""

import ast
import textwrap

import pytest

from flake8_nnparam.detection.analyzer import analyze, analyze_candidates

HEADER = "import torch\nimport torch.nn.functional as F\nfrom torch import nn\n\n\n"


def decisions(body: str) -> dict[str, tuple[str | None, str, int]]:
    """attr -> (code, evidence, use line) for a snippet's candidates (the last class wins)."""
    source = HEADER + textwrap.dedent(body)
    return {c.attr: (c.decision.code, c.decision.evidence, c.decision.use_line) for c in analyze_candidates(ast.parse(source))}


def line_of(body: str, text: str) -> int:
    source = HEADER + textwrap.dedent(body)
    return next(i for i, line in enumerate(source.splitlines(), 1) if text in line)


# A per-sample loss state (libauc's ranking losses, set S), read and written back at the batch's ids.
_RANK_LOSS = """
        class RankLoss(nn.Module):
            def __init__(self, n, gamma=0.9):
                super().__init__()
                self.gamma = gamma
                self.u = torch.zeros(n, 1)
            def forward(self, pred, ids):
                u = (1 - self.gamma) * {read} + self.gamma * pred.mean()
                self.u[{index}] = {kept}
                return (pred / u).mean()
"""
# A converter that dispatches on the type of what it is given (neurotorch's to_tensor, set X).
_TO_TENSOR = """
        import numbers
        import numpy as np
        def to_tensor(x, dtype=torch.float32):
            if isinstance(x, np.ndarray):
                return torch.from_numpy(x).type(dtype)
            elif isinstance(x, numbers.Number):
                return torch.tensor(x, dtype=dtype)
            return torch.as_tensor(x, dtype=dtype).reshape(-1, 1)
"""
# Shared by two cases each: one snippet, two attributes with different decisions.
_VOXELS = """
        from typing import List
        class Voxels(nn.Module):
            def __init__(self, size=0.2, point_cloud_range: List[float] = [0, -40, -3, 70.4, 40, 1]):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                point_cloud_range = torch.tensor(point_cloud_range, dtype=torch.float32)
                self.x_offset = size / 2 + point_cloud_range[0]
                self.span = point_cloud_range[3:] - point_cloud_range[:3]
            def forward(self, x):
                return self.lin(x) - x * self.x_offset + self.span
        """
_INPUT_BUILT_WITH_A_PARAMETER = """
        class Input(nn.Module):
            def __init__(self, proj: nn.Module, pos_embed: torch.Tensor, shift: torch.Tensor):
                super().__init__()
                self.proj = proj
                self.pos_embed = pos_embed
                self.shift = shift
            def forward(self, x):
                return self.proj(x) + self.pos_embed + self.shift
        def build(d):
            pos_embed = nn.Parameter(torch.zeros(1, d))
            return Input(nn.Linear(d, d), pos_embed, shift=torch.zeros(d))
        """

CASES = {
    # --- breaks after a move: MPR002 with the line of the use ---------------------------------------
    "combined with the input": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.pe = torch.zeros(n, 4)
            def forward(self, x):
                return x + self.pe[: x.size(0)]
        """,
        "pe", "MPR002", "is combined with tensors that follow the module in forward", "return x + self.pe",
    ),
    "mask of masked_fill": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.mask = torch.tril(torch.ones(n, n))
            def forward(self, x):
                T = x.size(1)
                return x.masked_fill(self.mask[:T, :T] == 0, float("-inf"))
        """,
        "mask", "MPR002", ".masked_fill()", "x.masked_fill",
    ),
    "index of index_select": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.idx = torch.tensor([2, 0, 1])
            def forward(self, x):
                return x.index_select(1, self.idx)
        """,
        "idx", "MPR002", ".index_select()", "index_select",
    ),
    "indexed by a device tensor": (
        """
        class M(nn.Module):
            def __init__(self, steps=10):
                super().__init__()
                self.alphas = torch.cumprod(torch.linspace(0.9, 0.99, steps), 0)
            def forward(self, x, t):
                return x * self.alphas[t].view(-1, 1)
        """,
        "alphas", "MPR002", "is indexed by a device tensor", "self.alphas[t]",
    ),
    "hidden state fed to the LSTM before it is re-bound": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.lstm = nn.LSTM(4, 4)
                self.hidden = (torch.zeros(1, 1, 4), torch.zeros(1, 1, 4))
            def forward(self, x):
                out, self.hidden = self.lstm(x, self.hidden)
                return out
        """,
        "hidden", "MPR007", "is passed to self.lstm", "self.lstm(x, self.hidden)",
    ),
    "a device saved at construction is no compensation": (
        """
        class M(nn.Module):
            def __init__(self, n, device=None):
                super().__init__()
                self.device = device
                self.table = torch.ones(n)
            def forward(self, x):
                return x * self.table.to(self.device)
        """,
        "table", "MPR002", "is combined with tensors that follow the module", "return x * self.table",
    ),
    "a real tensor in the branch opposite an nn.Parameter": (
        """
        class M(nn.Module):
            def __init__(self, learn=False):
                super().__init__()
                if learn:
                    self.temperature = nn.Parameter(torch.ones(1))
                else:
                    self.temperature = torch.ones(1)
            def forward(self, x):
                return x / self.temperature
        """,
        "temperature", "MPR002", "is combined with tensors that follow the module", "return x / self.temperature",
    ),
    "a tensor passed to the constructor of a loss, annotated Tensor": (
        """
        class WeightedLoss(nn.Module):
            def __init__(self, weight: torch.Tensor):
                super().__init__()
                self.weight_table = weight
            def forward(self, x):
                return x * self.weight_table
        """,
        "weight_table", "MPR002", "is combined with tensors that follow the module", "return x * self.weight_table",
    ),
    "a tensor passed to the constructor of a model that builds weights": (
        """
        class GCN(nn.Module):
            def __init__(self, adj: torch.Tensor, n):
                super().__init__()
                self.adj = adj
                self.lin = nn.Linear(n, n)
            def forward(self, x):
                return self.adj @ self.lin(x)
        """,
        "adj", "MPR002", "is multiplied (@) with tensors that follow the module", "return self.adj @ self.lin(x)",
    ),
    "a tensor made on a device read off an example tensor": (
        """
        class Cell(nn.Module):
            def __init__(self, x_example):
                super().__init__()
                self.h = torch.zeros(4, device=x_example.device)
            def forward(self, x):
                return x + self.h
        """,
        "h", "MPR002", "is combined with tensors that follow the module", "return x + self.h",
    ),
    "a tensor moved to a hard-coded device at construction": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.mask = torch.ones(n).cuda()
            def forward(self, x):
                return x * self.mask
        """,
        "mask", "MPR002", "is combined with tensors that follow the module", "return x * self.mask",
    ),
    "read in a helper that forward calls": (
        """
        def rotate(x, freqs):
            return x * freqs
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.freqs = torch.arange(n).float()
            def forward(self, x):
                return rotate(x, self.freqs)
        """,
        "freqs", "MPR002", "in rotate", "return x * freqs",
    ),
    # --- lost on save and load -------------------------------------------------------------------
    "running statistic updated in place": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.running_mean = torch.zeros(n)
            def forward(self, x):
                if self.training:
                    self.running_mean.mul_(0.9).add_(0.1 * x.mean(0))
                return x
        """,
        "running_mean", "MPR002", "is updated in place", "self.running_mean.mul_",
    ),
    "a counter stepped by forward (0-dim, still lost on save)": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.steps = torch.tensor(0)
            def forward(self, x):
                self.steps += 1
                return x
        """,
        "steps", "MPR002", "is updated in place", "self.steps += 1",
    ),
    "an unseeded random draw read after construction": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.perm = torch.randperm(n)
            def forward(self, x):
                return x[:, self.perm]
        """,
        "perm", "MPR002", "is drawn at random at construction", "x[:, self.perm]",
    ),
    # --- never trained -----------------------------------------------------------------------------
    "requires grad": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.w = torch.randn(3, 3, requires_grad=True)
            def forward(self, x):
                return x @ self.w
        """,
        "w", "MPR001", "requires grad", None,
    ),
    "uninitialised, then used as a weight": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.weight = torch.empty(n, n)
            def forward(self, x):
                return F.linear(x, self.weight)
        """,
        "weight", "MPR001", "is used as a weight", "F.linear",
    ),
    "a fixed random projection is not learned": (
        """
        class M(nn.Module):
            def __init__(self, d, k, sigma=10.0):
                super().__init__()
                self.B = torch.randn(d, k) * sigma
            def forward(self, x):
                proj = x @ self.B
                return torch.cat([torch.sin(proj), torch.cos(proj)], -1)
        """,
        "B", "MPR002", "is multiplied (@) with tensors that follow the module", "proj = x @ self.B",
    ),
    # --- silences, with their reasons ----------------------------------------------------------------
    "cache re-bound before use": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.cache = torch.empty(1, 4)
            def forward(self, x):
                if self.cache.shape != x.shape:
                    self.cache = torch.zeros_like(x)
                return x + self.cache
        """,
        "cache", "MPR907", "re-bound in forward", None,
    ),
    # Derived matrices recomputed from Parameters at every call, through a helper on each branch and a
    # cache that runs the helper as a callback (set ZC's neural-ssm REN).
    "recomputed on both branches before forward reads it": (
        """
        class M(nn.Module):
            def __init__(self, n, cached=True):
                super().__init__()
                self.X = nn.Parameter(torch.randn(n, n))
                self.cached = cached
                self.set_param()
            def set_param(self):
                if self.cached:
                    return self._eval_cached("key", self._compute)
                else:
                    return self._compute()
            def _compute(self):
                self.D = self.X @ self.X.T
                return self.D
            def forward(self, u):
                self.set_param()
                return u @ self.D
        """,
        "D", "MPR907", "re-bound in _compute", None,
    ),
    "recomputed by a callback that takes the input": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.X = nn.Parameter(torch.randn(n, n))
                self.D = torch.eye(n)
            def forward(self, u):
                u = torch.utils.checkpoint.checkpoint(self._step, u)
                return u @ self.D
            def _step(self, u):
                self.D = self.X @ self.X.T
                return u
        """,
        "D", "MPR002", "is multiplied (@) with tensors that follow the module", "return u @ self.D",
    ),
    # set ZB's torch-pme timing harness: the system's tensors handed to a calculator the caller passes in
    "handed to a method of an object forward is given, which is no tensor operation": (
        """
        class Timings(nn.Module):
            def __init__(self, charges: torch.Tensor, cell: torch.Tensor):
                super().__init__()
                self.charges = charges
                self.cell = cell
            def forward(self, calculator):
                result = calculator.forward(self.charges, self.cell)
                return result.sum().item()
        """,
        "charges", "MPR907", "read only as an index", None,
    ),
    "handed with the input to a sub-module's part: a call, not a tensor method": (
        """
        class Dec(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.mask = torch.tril(torch.ones(n, n))
                self.transformer = nn.Transformer(n, 1)
            def forward(self, x, mem):
                return self.transformer.decoder(x, mem, tgt_mask=self.mask)
        """,
        "mask", "MPR002", "is passed with tensors that follow the module to self.transformer.decoder()", "return self",
    ),
    # set W's pytorch-optimizer: the imaginary unit as a complex tensor of two 0-dim parts
    "a complex number made of 0-dim parts is 0-dim": (
        """
        class Erf(nn.Module):
            def __init__(self):
                super().__init__()
                self.i = torch.complex(torch.tensor(0.0), torch.tensor(1.0))
            def forward(self, z):
                return z * self.i
        """,
        "i", "MPR904", "a complex tensor", None,
    ),
    "a complex table combined with the input breaks after a device move": (
        """
        class Rotary(nn.Module):
            def __init__(self, n=8, d=4):
                super().__init__()
                freqs = torch.outer(torch.arange(n).float(), torch.ones(d // 2))
                self.freqs_cis = torch.polar(torch.ones_like(freqs), freqs)
            def forward(self, xc):
                return xc * self.freqs_cis[: xc.shape[1]]
        """,
        "freqs_cis", "MPR002", "is combined with tensors that follow the module", "return xc * self.freqs_cis",
    ),
    # set ZD's mlgb: a list of in-file flatten layers that keep only their torch.device
    "a list of modules that keep only a device and a dtype holds nothing": (
        """
        class Flatten(nn.Module):
            def __init__(self, device="cpu"):
                super().__init__()
                self.device = torch.device(device)
                self.dtype = torch.float32
            def forward(self, x):
                return x.reshape(x.shape[0], -1)
        class Towers(nn.Module):
            def __init__(self, n=2):
                super().__init__()
                self.flatten_fn_list = [Flatten() for _ in range(n)]
            def forward(self, x):
                return [f(x) for f in self.flatten_fn_list]
        """,
        "flatten_fn_list", "MPR907", "parameter-free modules", None,
    ),
    # set P's terratorch: what a sub-module's own method gives back follows the module
    "combined with what a sub-module's method returns": (
        """
        from torchmetrics import Metric
        from torchmetrics.wrappers.abstract import WrapperMetric
        class Weighted(WrapperMetric):
            def __init__(self, wrapped: Metric, num_var: int):
                super().__init__()
                self.wrapped_metric = wrapped
                self.weights = torch.ones(num_var)
            def compute(self):
                values = self.wrapped_metric.compute()
                return (values * self.weights).sum() / self.weights.sum()
        """,
        "weights", "MPR002", "is combined with tensors that follow the module", "return (values * self.weights)",
    ),
    # set X's actorch: a shape cache rebuilt through torch.Size of a sub-module's answer
    "handed to torch.Size with what a sub-module answers: metadata": (
        """
        class Head(nn.Module):
            def __init__(self):
                super().__init__()
                self.flow = nn.Linear(3, 3)
                self.shapes = torch.zeros(3)
            def forward(self, x):
                shape = torch.Size(self.flow.forward_shape(self.shapes))
                return x.reshape(x.shape[0], *shape[1:])
        """,
        "shapes", "MPR907", "read only as an index", None,
    ),
    # set ZE's torchflows mixture: the plain branch of a Parameter option, read through properties
    "read through a property where it breaks: not a sentinel": (
        """
        class Mixture(nn.Module):
            def __init__(self, flows, weights, trainable_weights=False):
                super().__init__()
                self.flows = nn.ModuleList(flows)
                if trainable_weights:
                    self.logit_weights = nn.Parameter(torch.log(torch.tensor(weights)))
                else:
                    self.logit_weights = torch.log(torch.tensor(weights))
            @property
            def log_weights(self):
                return torch.log_softmax(self.logit_weights, dim=0)
            def log_prob(self, x: torch.Tensor):
                return self.flows[0](x) + self.log_weights[None]
        """,
        "logit_weights", "MPR002", "is combined with tensors that follow the module",
        "return self.flows[0](x) + self.log_weights[None]",
    ),
    "used only as an index into the input": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.order = torch.arange(n).flip(0)
            def forward(self, x):
                return x[:, self.order]
        """,
        "order", "MPR907", "read only as an index", None,
    ),
    "read only through metadata and control flow": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.shape_ref = torch.zeros(n, 2)
            def forward(self, x):
                if x.shape[-1] != self.shape_ref.shape[-1]:
                    raise ValueError(f"expected {self.shape_ref.shape}")
                return x
        """,
        "shape_ref", "MPR907", "read only as an index, through metadata", None,
    ),
    "0-dim scalar": (
        """
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.scale = torch.tensor(d ** -0.5)
            def forward(self, x):
                return x * self.scale
        """,
        "scale", "MPR902", "0-dim", None,
    ),
    "moved to the input's device at use": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.pe = torch.zeros(16, 4)
            def forward(self, x):
                return x + self.pe.to(x.device)
        """,
        "pe", "MPR901", "is moved at use", None,
    ),
    "a helper re-binds it on the input's device first": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.pe = None
                self.extend(torch.zeros(1, 8))
            def extend(self, x):
                if self.pe is not None and self.pe.size(0) >= x.size(1):
                    if self.pe.device != x.device:
                        self.pe = self.pe.to(x.device)
                    return
                self.pe = torch.zeros(x.size(1), 4).to(x.device)
            def forward(self, x):
                self.extend(x)
                return x + self.pe[: x.size(1)]
        """,
        "pe", "MPR901", "check of its device", None,
    ),
    "moved on the first call, used on the later ones": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.eos = torch.LongTensor([2])
                self.lm = nn.Embedding(4, 4)
            def forward(self, state, x):
                if state is None:
                    self.eos = self.eos.to(x.device)
                    return self.lm(self.eos)
                else:
                    return self.lm(self.eos) + x
        """,
        "eos", "MPR901", "is moved at use", None,
    ),
    "never read after construction": (
        """
        class M(nn.Module):
            def __init__(self, n=3):
                super().__init__()
                self.init_table = torch.ones(n)
                self.proj = nn.Linear(n, n)
                with torch.no_grad():
                    self.proj.bias.copy_(self.init_table)
            def forward(self, x):
                return self.proj(x)
        """,
        "init_table", "MPR906", "never read after construction", None,
    ),
    # --- compensation must be real for the dtype too: a device-only move keeps the construction dtype ----
    "moved to the input's device only, then a matmul with a sub-module's output": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.dct = torch.eye(n) * 0.5
            def forward(self, x):
                return self.lin(x) @ self.dct.to(x.device)
        """,
        "dct", "MPR002", "is moved to the device but not cast, then multiplied (@)", "self.lin(x) @ self.dct",
    ),
    "moved with .cuda(), reshaped, then convolved with a sub-module's weight": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.conv = nn.Conv1d(1, 1, 3)
                self.window = torch.hann_window(n)
            def forward(self, x):
                w = self.window.cuda()
                return torch.nn.functional.conv1d(w.view(1, 1, -1).repeat(x.size(0), 1, 1), self.conv.weight)
        """,
        "window", "MPR002", "is moved to the device but not cast, then passed with", "return torch.nn.functional",
    ),
    "moved to the device only, then given to a sub-module: it may be an index (embedding ids)": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.emb = nn.Embedding(10, n)
                self.prompt = torch.tensor(tokenizer.encode("hi"))
            def forward(self, x):
                return x + self.emb(self.prompt.to(x.device)).sum(0)
        """,
        "prompt", "MPR901", "is moved at use", None,
    ),
    "cast to the input's dtype first, then moved to its device": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.dct = torch.eye(n)
            def forward(self, x):
                dtype = x.dtype
                return x @ self.dct.to(dtype=dtype).to(x.device)
        """,
        "dct", "MPR901", "is moved at use", None,
    ),
    "cast to long, then an index: never meets a float dtype": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.bucket = torch.arange(n) * 1.0
            def forward(self, x):
                ids = self.bucket.to(x.device).long()
                return self.lin(x).index_select(1, ids)
        """,
        "bucket", "MPR901", "is moved at use", None,
    ),
    "moved to the input's device only, then arithmetic: it promotes": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.offset = torch.ones(n)
            def forward(self, x):
                return x * self.offset.to(x.device)
        """,
        "offset", "MPR901", "is moved at use", None,
    ),
    "moved to the input's device and dtype": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.dct = torch.eye(n)
                self.basis = torch.eye(n)
            def forward(self, x):
                y = x @ self.dct.to(x)
                return y @ self.basis.to(x.device).to(x.dtype)
        """,
        "basis", "MPR901", "is moved at use", None,
    ),
    "moved to the device only, then a conv with an input cast to float32: both stay float32": (
        """
        class M(nn.Module):
            def __init__(self, n=2):
                super().__init__()
                self.kernel = torch.ones(n, 1, 3, 3)
                self.device = None
            def forward(self, masks):
                if self.device is None:
                    self.kernel = self.kernel.to(masks.device)
                    self.device = masks.device
                one_hot = masks.unsqueeze(1).float()
                return torch.nn.functional.conv2d(one_hot, self.kernel, padding=1)
        """,
        "kernel", "MPR901", "is moved at use", None,
    ),
    "two device-only moves meet each other: both keep float32": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.a = torch.eye(n)
                self.b = torch.ones(n, n)
            def forward(self, x):
                return x + self.a.to(x.device) @ self.b.to(x.device)
        """,
        "a", "MPR901", "is moved at use", None,
    ),
    # --- what the caller passes: a Parameter registers itself; a class placed where its data lives ----
    "a Tensor-annotated argument the file's callers pass an nn.Parameter (through a local)": (
        _INPUT_BUILT_WITH_A_PARAMETER,
        "pos_embed", None, "NOT A CANDIDATE", None,
    ),
    "the same argument, when the callers pass a plain tensor": (
        _INPUT_BUILT_WITH_A_PARAMETER,
        "shift", "MPR002", "is combined with tensors that follow the module", "return self.proj(x)",
    ),
    "a sampler given its owner's Parameter (self.weight_mu) in this file": (
        """
        class Sampler(nn.Module):
            def __init__(self, mu: torch.Tensor):
                super().__init__()
                self.mu = mu
                self.eps = torch.ones(3)
            def forward(self, x):
                return x * self.mu * self.eps
        class Owner(nn.Module):
            def __init__(self):
                super().__init__()
                self.weight_mu = nn.Parameter(torch.zeros(3))
                self.sampler = Sampler(self.weight_mu)
            def forward(self, x):
                return self.sampler(x)
        """,
        "mu", None, "NOT A CANDIDATE", None,
    ),
    "device=None in the constructor is PyTorch's factory convention, not a placement": (
        """
        class Sinusoidal(nn.Module):
            def __init__(self, width, max_len=64, device=None):
                super().__init__()
                position = torch.arange(max_len, device=device).unsqueeze(1)
                self.pe = torch.zeros(max_len, width, device=device) + position
            def forward(self, x):
                return x + self.pe[: x.size(1)]
        """,
        "pe", "MPR002", "is combined with tensors that follow the module", "return x + self.pe",
    ),
    "state its methods update from values they bring to the CPU is kept there on purpose": (
        """
        class Planner(nn.Module):
            def __init__(self, num_envs):
                super().__init__()
                self.lin = nn.Linear(2, 2)
                self.next_idx = torch.zeros(num_envs, dtype=torch.int32)
            def apply_mask(self, masks):
                self.next_idx *= masks.cpu().view(-1)
            def forward(self, x, keep):
                self.next_idx = self.next_idx[keep]
                return self.lin(x)
        """,
        "next_idx", "MPR908", "the CPU on purpose (it meets values moved to the CPU (.cpu()) in apply_mask", None,
    ),
    "a table indexed with ids brought to the CPU and written back from .cpu() values": (
        _RANK_LOSS.format(read="self.u[ids.cpu()].to(pred.device)", index="ids.cpu()", kept="u.detach().cpu()"),
        "u", "MPR908", "the CPU on purpose", None,
    ),
    "the same table written from device values is state lost on save": (
        _RANK_LOSS.format(read="self.u[ids]", index="ids", kept="u.detach()"),
        "u", "MPR002", "", None,
    ),
    "x.to('cpu') is on the CPU, not on the module's device": (
        """
        class Decoder(nn.Module):
            def __init__(self, eos):
                super().__init__()
                self.lin = nn.Linear(2, 2)
                self.eos = torch.tensor([eos])
            def forward(self, x, prompt):
                items = torch.cat([torch.tensor(prompt).to("cpu"), self.eos])
                return self.lin(x)[: len(items)]
        """,
        "eos", "MPR907", "", None,
    ),
    "a size torch takes as a number is no tensor operand (n_fft=, split sections)": (
        """
        def filter_length(freqs):
            return torch.ceil(torch.as_tensor(freqs) * 2).long()
        class CQT(nn.Module):
            def __init__(self, kernel, f_min, f_max):
                super().__init__()
                self.register_buffer("kernel", kernel)
                self.n_fft = filter_length(f_min)
                self.end_bin = filter_length(f_max)
            def forward(self, x):
                n_fft = self.n_fft
                spec = torch.stft(x, n_fft=n_fft, hop_length=n_fft // 4, return_complex=True)
                _, spec = torch.split(spec, [self.end_bin, spec.size(-2) - self.end_bin], dim=-2)
                return spec * self.kernel
        """,
        "n_fft", "MPR907", "read only as an index, through metadata", None,
    ),
    "a converter's number branch gives a 0-dim tensor": (
        _TO_TENSOR + """
        class Rate(nn.Module):
            def __init__(self, data_min: float = 0.0):
                super().__init__()
                self.data_min = to_tensor(data_min)
            def forward(self, x):
                return torch.minimum(x, self.data_min)
        """,
        "data_min", "MPR902", "0-dim", None,
    ),
    "an argument checked against numbers is a number, so the converter gives a 0-dim tensor": (
        _TO_TENSOR + """
        class Flip(nn.Module):
            def __init__(self, crossover_prob):
                super().__init__()
                if not 0 <= crossover_prob <= 1:
                    raise ValueError("a probability")
                self.crossover_prob = to_tensor(crossover_prob)
            def forward(self, x):
                return (torch.rand_like(x) < self.crossover_prob).float()
        """,
        "crossover_prob", "MPR902", "0-dim", None,
    ),
    "an argument declared float runs its number branch, not the branch for a tensor passed anyway": (
        """
        class AveragePower(nn.Module):
            def __init__(self, average_power: float):
                super().__init__()
                if isinstance(average_power, torch.Tensor):
                    self.factor = torch.sqrt(average_power.detach().clone())
                else:
                    self.factor = torch.sqrt(torch.tensor(average_power, dtype=torch.float32))
            def forward(self, x):
                return x * self.factor
        """,
        "factor", "MPR902", "0-dim", None,
    ),
    "a tensor argument's isinstance test takes its tensor branch: .item() is a number": (
        """
        class Quantizer(nn.Module):
            def __init__(self, num_bits: torch.Tensor):
                super().__init__()
                self.num_bits_int = num_bits.item() if isinstance(num_bits, torch.Tensor) else num_bits
                self.levels = torch.arange(5.0)
            def forward(self, x):
                return torch.bucketize(x, self.levels) * 2 ** self.num_bits_int
        """,
        "num_bits_int", None, "NOT A CANDIDATE", None,
    ),
    "an annotation that names a project class ending in Tensor is no tensor": (
        """
        import enum
        class TargetTensor(enum.Enum):
            WEIGHT = "weight"
        class RangeCalculator(nn.Module):
            def __init__(self, target: TargetTensor = TargetTensor.WEIGHT, weight: torch.Tensor = None):
                super().__init__()
                self.target = target
                self.weight = weight
            def forward(self, x):
                return x.amin() * self.weight, x.amax(), self.target
        """,
        "target", None, "NOT A CANDIDATE", None,
    ),
    "the integer range of fake quantization is read as an int, not an operand": (
        """
        class FakeQuant(nn.Module):
            def __init__(self, num_bits: torch.Tensor):
                super().__init__()
                self.quant_min = -(2 ** (num_bits - 1))
                self.quant_max = 2 ** (num_bits - 1) - 1
                self.scale = torch.ones(4)
            def forward(self, x):
                return torch.fake_quantize_per_channel_affine(
                    x, self.scale, torch.zeros(4, dtype=torch.int32), 1, self.quant_min, self.quant_max)
        """,
        "quant_min", "MPR907", "read only as an index, through metadata", None,
    ),
    "an argument only checked for None is not known to be a number": (
        _TO_TENSOR + """
        class Flip(nn.Module):
            def __init__(self, table):
                super().__init__()
                if table is None:
                    raise ValueError("a table")
                self.table = to_tensor(table)
            def forward(self, x):
                return (torch.rand_like(x) < self.table).float()
        """,
        "table", "MPR002", "is compared with tensors that follow the module", "return (torch.rand_like",
    ),
    "the same converter given a table keeps its tensor branch": (
        _TO_TENSOR + """
        class Rate(nn.Module):
            def __init__(self, table):
                super().__init__()
                self.table = to_tensor(table)
            def forward(self, x):
                return torch.minimum(x, self.table)
        """,
        "table", "MPR002", "is passed with tensors that follow the module to torch.minimum()", "return torch.minimum",
    ),
    "a move only for values that are not tensors does not move a tensor": (
        """
        class WeightedCE(nn.Module):
            def __init__(self, class_weights: torch.Tensor = None):
                super().__init__()
                self.class_weights = class_weights
            def forward(self, inputs, targets):
                if self.class_weights is not None and not isinstance(self.class_weights, torch.Tensor):
                    self.class_weights = torch.tensor(self.class_weights, device=inputs.device)
                return F.cross_entropy(inputs, targets, weight=self.class_weights)
        """,
        "class_weights", "MPR002", "is passed with tensors that follow the module to F.cross_entropy()",
        "return F.cross_entropy",
    ),
    "a local bound to the CPU device names the CPU, and a logger's add_scalars computes nothing": (
        """
        class Histogram(nn.Module):
            def __init__(self, lo=0.0, hi=1.0):
                super().__init__()
                self.bins = torch.linspace(lo, hi, 10)
                self.register_buffer("counts", torch.zeros(9))
            def update(self, pred):
                device = torch.device("cpu")
                self.to(device=device)
                pred = pred.squeeze().to(device=device, dtype=torch.float32)
                self.counts += torch.histogram(pred, bins=self.bins)[0]
            def log(self, module):
                module.logger.experiment.add_scalars("h", {str(b): 1 for b in self.bins})
        """,
        "bins", "MPR907", "", None,
    ),
    "a list of project modules that keep only a number argument holds nothing": (
        """
        class MovingAvg(nn.Module):
            def __init__(self, kernel_size, stride):
                super().__init__()
                self.kernel_size = kernel_size
                self.avg = nn.AvgPool1d(kernel_size=kernel_size, stride=stride)
            def forward(self, x):
                pad = x[:, :1].repeat(1, self.kernel_size - 1, 1)
                return self.avg(torch.cat([pad, x], dim=1))
        class Decomp(nn.Module):
            def __init__(self, sizes):
                super().__init__()
                self.moving_avg = [MovingAvg(k, 1) for k in sizes]
                self.layer = nn.Linear(1, len(sizes))
            def forward(self, x):
                return self.layer(torch.stack([f(x) for f in self.moving_avg], -1))
        """,
        "moving_avg", "MPR907", "parameter-free", None,
    ),
    "the same list when each element runs a module it is handed holds that module's weights": (
        """
        class Wrapped(nn.Module):
            def __init__(self, inner, scale):
                super().__init__()
                self.inner = inner
                self.scale = scale
            def forward(self, x):
                return self.inner(x) * self.scale
        class Decomp(nn.Module):
            def __init__(self, sizes):
                super().__init__()
                self.parts = [Wrapped(nn.Linear(k, k), 2.0) for k in sizes]
            def forward(self, x):
                return sum(f(x) for f in self.parts)
        """,
        "parts", "MPR003", "miss their weights", None,
    ),
    "a device the constructor requires is where the class is built to run": (
        """
        class Env(nn.Module):
            def __init__(self, n, device):
                super().__init__()
                self.state = torch.zeros(n, device=device)
            def forward(self, action):
                self.state += action
                return self.state
        """,
        "state", "MPR908", "the device the class is configured with", None,
    ),
    "construction keeps the device of the tensor it was given: placed where the caller's data is": (
        """
        class Observer(nn.Module):
            def __init__(self, weight: torch.Tensor, alpha=0.5):
                super().__init__()
                self.weight = weight
                self.device = weight.device
            def forward(self, x):
                return x @ self.weight.t()
        """,
        "weight", "MPR908", "the device the class is configured with", None,
    ),
    "an element of a 1-D table made from a list argument is 0-dim": (
        _VOXELS,
        "x_offset", "MPR902", "a 0-dim tensor", None,
    ),
    "a slice of the same 1-D table is still a tensor": (
        _VOXELS,
        "span", "MPR002", "is combined with tensors that follow the module", "return self.lin(x)",
    ),
    "a row of a 1-D table reshaped to 2-D is still a tensor": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.lin = nn.Linear(n, n)
                grid = torch.linspace(0, 1, n * n).view(n, n)
                self.row = grid[0]
            def forward(self, x):
                return self.lin(x) + self.row
        """,
        "row", "MPR002", "is combined with tensors that follow the module", "return self.lin(x) + self.row",
    ),
    "torch.tensor([mean, std]) of two sequences is 2-D: its first row is a tensor": (
        """
        class Normalize(nn.Module):
            def __init__(self, mean=(0.485, 0.456, 0.406), std=(0.229, 0.224, 0.225)):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                stats = torch.tensor([mean, std])
                self.mean = stats[0]
            def forward(self, x):
                return self.proj(x - self.mean)
        """,
        "mean", "MPR002", "is combined with tensors that follow the module", "return self.proj(x - self.mean)",
    ),
    "a tensor made on an argument's device does not place the argument": (
        """
        class Head(nn.Module):
            def __init__(self, weight: torch.Tensor):
                super().__init__()
                self.weight = weight
                self.scale = torch.ones(weight.shape[0], device=weight.device)
            def forward(self, x):
                return x @ self.weight.t()
        """,
        "weight", "MPR002", "is multiplied (@) with tensors that follow the module", "return x @ self.weight",
    ),
    "a learnable tensor read by a module-level forward hook is read after construction": (
        """
        def scale_output(module, inputs, output):
            return output * module.gain
        class Scaled(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.gain = torch.ones(n, requires_grad=True)
                self.register_forward_hook(scale_output)
            def forward(self, x):
                return self.lin(x)
        """,
        "gain", "MPR001", "requires grad", None,
    ),
    "a learnable-looking tensor nothing reads (dead state: no use shows a consequence)": (
        """
        class M(nn.Module):
            def __init__(self, radius=0.5):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                self.radius = torch.ones(1, requires_grad=True) * radius
            def forward(self, x):
                return self.proj(x)
        """,
        "radius", "MPR906", "never read after construction", None,
    ),
    "a counter a method only increments is still read (+= reads it)": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                self.steps = torch.zeros(1)
            def forward(self, x):
                self.steps += 1
                return self.proj(x)
        """,
        "steps", "MPR002", "is updated in place", None,
    ),
    "the plain branch of a Parameter is only read under the Parameter's test": (
        """
        class M(nn.Module):
            def __init__(self, spinor=False):
                super().__init__()
                self.spinor = spinor
                if spinor:
                    self.zero_kernel = nn.Parameter(torch.zeros(4), requires_grad=False)
                else:
                    self.zero_kernel = torch.zeros(4)
            def forward(self, x):
                if self.spinor:
                    return x + self.zero_kernel
                return x
        """,
        "zero_kernel", "MPR903", "disabled-parameter sentinel", None,
    ),
    "an override of _apply that handles it": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = torch.ones(4)
            def _apply(self, fn, recurse=True):
                self.table = fn(self.table)
                return super()._apply(fn, recurse)
            def forward(self, x):
                return x * self.table
        """,
        "table", "MPR905", "the class's _apply() handles it", None,
    ),
    # --- transient state: updated in place, but re-created or refilled, so there is nothing to save ----
    "an accumulator re-created in another method": (
        """
        class Decoder(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.counts = torch.zeros(n)
            def forward(self, x):
                self.counts += 1
                return self.lin(x)
            def reset(self):
                self.counts = torch.zeros(self.lin.out_features)
        """,
        "counts", "MPR907", "re-bound in reset", None,
    ),
    "scratch refilled at random each call and read for control flow": (
        """
        class Blocks(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.blocks = nn.ModuleList([nn.Linear(4, 4) for _ in range(n)])
                self.keep = torch.ones(n)
            def forward(self, x):
                self.keep.uniform_()
                for i, block in enumerate(self.blocks):
                    if self.keep[i] > 0.1:
                        x = block(x)
                return x
        """,
        "keep", "MPR907", "read only as an index", None,
    ),
    "a running histogram moved onto the device keeps its state": (
        """
        class Loss(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.hist = torch.zeros(n)
            def forward(self, x):
                self.hist = self.hist.to(x.device)
                self.hist += x.sum(0)
                return x.mean()
        """,
        "hist", "MPR002", "is updated in place (augmented assignment)", "self.hist += x.sum(0)",
    ),
    "a 0-dim tensor of a numpy function of a number": (
        """
        import numpy as np
        class AngularLoss(nn.Module):
            def __init__(self, alpha=40):
                super().__init__()
                self.alpha = torch.tensor(np.radians(alpha))
            def forward(self, x):
                return x * torch.tan(self.alpha)
        """,
        "alpha", "MPR902", "0-dim", None,
    ),
    "a reduction given back a dimension is no longer 0-dim": (
        """
        class M(nn.Module):
            def __init__(self, pos: torch.Tensor):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.potential = (pos.sum() / 2).unsqueeze(0)
            def forward(self, x):
                return self.lin(x) + self.potential
        """,
        "potential", "MPR002", "is combined with tensors that follow the module", "return self.lin(x) + self.potential",
    ),
    # --- placed on purpose: MPR908 -------------------------------------------------------------------
    "made on the device the class is configured with": (
        """
        class Env(nn.Module):
            def __init__(self, n, device):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.state = torch.zeros(n, device=device)
            def forward(self, x):
                return self.lin(x) + self.state
        """,
        "state", "MPR908", "the device the class is configured with", None,
    ),
    "moved at construction to self.device, through a local and zeros_like": (
        """
        class Env(nn.Module):
            def __init__(self, n, device):
                super().__init__()
                self.device = device
                self.lin = nn.Linear(n, n)
                first = torch.zeros(n).to(self.device)
                self.steps = torch.zeros_like(first)
            def forward(self, x):
                self.steps += 1
                return self.lin(x) * self.steps
        """,
        "steps", "MPR908", "the device the class is configured with", None,
    ),
    "made on a package's global device": (
        """
        import flair
        class Decoder(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.counts = torch.zeros(n).to(flair.device)
            def forward(self, x):
                self.counts += x.sum(0)
                return self.lin(x)
        """,
        "counts", "MPR908", "the device the class is configured with", None,
    ),
    "a mask compared from tensors placed on the configured device, returned by a helper": (
        """
        class M(nn.Module):
            def __init__(self, config, dataset):
                super().__init__()
                self.device = config["device"]
                self.emb = nn.Embedding(10, 4)
                self.lens, self.mask = self.history(dataset)
            def history(self, dataset):
                lens = dataset.lengths().to(self.device)
                steps = torch.arange(7).to(self.device)
                return lens, (steps < lens.unsqueeze(1)).float()
            def forward(self, user):
                return self.emb(user) * self.mask[user].unsqueeze(-1)
        """,
        "mask", "MPR908", "the device the class is configured with", None,
    ),
    "the caller's tensor kept by a layer that builds no weights: still moved with its model": (
        """
        class Penalty(nn.Module):
            def __init__(self, init_point: torch.Tensor):
                super().__init__()
                self.init_point = init_point
            def forward(self, x):
                return (x - self.init_point).norm()
        """,
        "init_point", "MPR002", "is combined with tensors that follow the module", "return (x - self.init_point).norm()",
    ),
    "nn.Parameter(...).requires_grad_(flag) is still a Parameter": (
        """
        class M(nn.Module):
            def __init__(self, train_scale=False):
                super().__init__()
                self.scale = nn.Parameter(torch.ones(4)).requires_grad_(train_scale)
                self.other = torch.ones(4)
            def forward(self, x):
                return x * self.scale + self.other
        """,
        "scale", None, "NOT A CANDIDATE", None,
    ),
    # --- a value that never requires grad never reaches `if t.requires_grad:` ----------------------------
    "a frozen bias read by a helper only where it requires grad": (
        """
        def linear_op(x, w, bias):
            out = x @ w
            if bias.requires_grad:
                return out + bias
            return out
        class M(nn.Module):
            def __init__(self, n, bias=True):
                super().__init__()
                self.w = nn.Parameter(torch.randn(n, n))
                if bias:
                    self.b = nn.Parameter(torch.zeros(n))
                else:
                    self.b = torch.zeros(n).requires_grad_(False)
                self.scale = torch.ones(n)
            def forward(self, x):
                return linear_op(x, self.w, self.b) * self.scale
        """,
        "b", "MPR903", "disabled-parameter sentinel", None,
    ),
    "the same helper, but the bias is also read unguarded": (
        """
        def conv_op(x, w, bias):
            if bias.requires_grad:
                x = x + bias
            return F.linear(x, w, bias=bias)
        class M(nn.Module):
            def __init__(self, n, bias=False):
                super().__init__()
                self.w = nn.Parameter(torch.randn(n, n))
                if bias:
                    self.b = nn.Parameter(torch.zeros(n))
                else:
                    self.b = torch.zeros(n).requires_grad_(False)
            def forward(self, x):
                return conv_op(x, self.w, self.b)
        """,
        "b", "MPR002", "F.linear() in conv_op", "return F.linear(x, w, bias=bias)",
    ),
    "a method that tests the attribute's requires_grad itself": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.scale = torch.ones(n)
                self.shift = torch.zeros(n)
            def forward(self, x):
                if self.scale.requires_grad and x.dim() > 1:
                    x = x * self.scale
                if not self.shift.requires_grad:
                    return x
                return x + self.shift
        """,
        "scale", "MPR907", "in control flow", None,
    ),
    "a tensor made with requires_grad=True does reach the guarded use": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.scale = torch.ones(n, requires_grad=True)
            def forward(self, x):
                if self.scale.requires_grad:
                    x = x * self.scale
                return x
        """,
        "scale", "MPR001", "", None,
    ),
    # --- a cache read through a local and rebuilt when it no longer fits the input ------------------------
    "a cache refreshed through a local when its shape no longer fits": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.__setattr__("mask", torch.zeros(1, 1))
            def forward(self, x):
                T = x.shape[0]
                mask = self.mask
                if mask.shape[-1] != T:
                    mask = torch.ones(T, T, device=x.device)
                    self.__setattr__("mask", mask)
                return x @ mask
        """,
        "mask", "MPR907", "re-bound in forward", None,
    ),
    "a local tested only for None keeps the construction tensor": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.mask = torch.zeros(4, 4)
            def forward(self, x):
                mask = self.mask
                if mask is None:
                    mask = torch.ones(4, 4, device=x.device)
                return x @ mask
        """,
        "mask", "MPR002", "is multiplied (@)", "return x @ mask",
    ),
    "setattr(self, name, value) re-binds before the first use": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.state = torch.zeros(1, n)
            def forward(self, x):
                setattr(self, "state", x.new_zeros(x.shape[0], x.shape[1]))
                return x + self.state
        """,
        "state", "MPR907", "re-bound in forward", None,
    ),
    # --- a placeholder container that forward replaces before it reads it ---------------------------------
    "a list of placeholder Parameters that forward replaces with its inputs": (
        """
        class M(nn.Module):
            def __init__(self, shapes):
                super().__init__()
                self.inputs = [nn.Parameter(torch.empty(s)) for s in shapes]
                self.net = nn.Linear(4, 4)
            def forward(self, batch):
                self.inputs = [batch[0]]
                return self.net(torch.cat(self.inputs))
        """,
        "inputs", "MPR907", "re-bound in forward", None,
    ),
    "a list of Parameters read before forward replaces it": (
        """
        class M(nn.Module):
            def __init__(self, shapes):
                super().__init__()
                self.inputs = [nn.Parameter(torch.ones(s)) for s in shapes]
            def forward(self, x):
                out = x * self.inputs[0]
                self.inputs = [x]
                return out
        """,
        "inputs", "MPR005", "", None,
    ),
    # --- logging records a value, it computes nothing with it ------------------------------------------
    "a history of rewards given to self.log_dict beside the loss": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.net = nn.Linear(4, 1)
                self.rewards = [torch.tensor([0.0])]
            def training_step(self, batch, batch_idx):
                loss = self.net(batch).mean()
                self.log_dict({"reward": self.rewards[-1], "loss": loss})
                self.logger.experiment.add_scalar("reward", self.rewards[-1] + loss)
                return loss
        """,
        "rewards", "MPR007", "is combined with tensors", "self.logger.experiment.add_scalar",
    ),
    "torch.log is a tensor operation, not a logger": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.prior = torch.ones(4) / 4
            def forward(self, x):
                return x + torch.log(self.prior)
        """,
        "prior", "MPR002", "is combined with tensors", "return x + torch.log",
    ),
    # --- an argument annotated as a number (or a number or a tensor) makes a 0-dim tensor ---------------
    "a threshold annotated Union[Tensor, float] wrapped in as_tensor": (
        """
        from typing import List, Optional, Union
        class M(nn.Module):
            def __init__(self, threshold: Optional[Union[torch.Tensor, float]] = None, keep: Optional[List[float]] = None):
                super().__init__()
                self.threshold = None if threshold is None else torch.as_tensor(threshold)
                self.keep = torch.as_tensor(keep)
            def forward(self, boxes):
                return (boxes > self.threshold) * (boxes * self.keep)
        """,
        "threshold", "MPR902", "0-dim", None,
    ),
    "the same class: a list of floats makes a 1-D tensor": (
        """
        from typing import List, Optional, Union
        class M(nn.Module):
            def __init__(self, threshold: Optional[Union[torch.Tensor, float]] = None, keep: Optional[List[float]] = None):
                super().__init__()
                self.threshold = None if threshold is None else torch.as_tensor(threshold)
                self.keep = torch.as_tensor(keep)
            def forward(self, boxes):
                return (boxes > self.threshold) * (boxes * self.keep)
        """,
        "keep", "MPR002", "is combined with tensors", "return (boxes > self.threshold)",
    ),
    # --- random state the class draws again after construction is not a model property ----------------
    "a random order re-drawn every epoch": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.n = n
                self._reshuffle()
            def _reshuffle(self):
                self.order = torch.randperm(self.n).split(4)
                self.pos = 0
            def next_indices(self):
                out = self.order[self.pos]
                self.pos += 1
                if self.pos == len(self.order):
                    self._reshuffle()
                return out
        """,
        "order", "MPR907", "re-bound in _reshuffle", None,
    ),
    "a random projection drawn once is a property of the trained model": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.proj = torch.randperm(n)
            def next_indices(self):
                return self.proj[:4]
        """,
        "proj", "MPR002", "drawn at random", None,
    ),
    "a permutation a construction helper draws, read only as an index": (
        """
        class M(nn.Module):
            def __init__(self, n, shuffle=True):
                super().__init__()
                self.n = n
                self.indices = torch.arange(n)
                if shuffle:
                    self.reset_indices()
            def reset_indices(self):
                self.indices = self.indices[torch.randperm(self.n)]
            def forward(self, x):
                return x[:, self.indices]
        """,
        "indices", "MPR002", "is drawn at random at construction", "x[:, self.indices]",
    ),
    "a table indexed by a random permutation is a random draw": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.perm = torch.arange(n)[torch.randperm(n)]
            def forward(self, x):
                return x[:, self.perm]
        """,
        "perm", "MPR002", "is drawn at random at construction", "x[:, self.perm]",
    ),
    "an inverse filled at positions drawn at random": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                perm = torch.randperm(n)
                self.inverse = torch.zeros(n, dtype=torch.long)
                self.inverse[perm] = torch.arange(n)
            def forward(self, x):
                return x[:, self.inverse]
        """,
        "inverse", "MPR002", "is drawn at random at construction", "x[:, self.inverse]",
    ),
    "a table sliced at construction is no random draw": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.order = torch.arange(n)
                self.order[: n // 2] = torch.arange(n // 2).flip(0)
            def forward(self, x):
                return x[:, self.order]
        """,
        "order", "MPR907", "read only as an index", None,
    ),
    "a permutation drawn the first time forward runs and kept": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.perm = None
            def forward(self, x):
                if self.perm is None:
                    self.perm = torch.randperm(x.shape[-1])
                return torch.index_select(x, -1, self.perm)
        """,
        "perm", "MPR002", "is drawn at random once and kept in forward", None,
    ),
    "a permutation parameter that defaults to None and is drawn on first use": (
        """
        from typing import Optional
        class M(nn.Module):
            def __init__(self, perm: Optional[torch.Tensor] = None):
                super().__init__()
                self.perm = perm
            def forward(self, x):
                if self.perm is None:
                    self.perm = torch.randperm(x.shape[-1])
                return x[..., self.perm]
        """,
        "perm", "MPR002", "is drawn at random once and kept in forward", None,
    ),
    "noise drawn on every call is no state": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.noise = None
                self.scale = torch.ones(3)
            def forward(self, x):
                self.noise = torch.randn(x.shape)
                return x * self.scale + self.noise
        """,
        "noise", None, "NOT A CANDIDATE", None,
    ),
    "a pool of noise a stochastic layer draws once and samples from again is no state": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.signs = None
                self.scale = torch.ones(3)
            def forward(self, x):
                if self.signs is None:
                    self.signs = torch.randint(0, 2, (1000,)).float()
                return x * self.scale * self.signs[: x.numel()].view_as(x)
        """,
        "signs", None, "NOT A CANDIDATE", None,
    ),
    "a pool of noise drawn with a float dtype is no state either": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.pool = None
                self.scale = torch.ones(3)
            def forward(self, x):
                if self.pool is None:
                    self.pool = torch.randint(0, 2, (1000,), dtype=torch.float32)
                return x * self.scale * self.pool[: x.numel()].view_as(x)
        """,
        "pool", None, "NOT A CANDIDATE", None,
    ),
    "a first-use draw a method sets back to None is drawn per episode": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.shift = None
                self.scale = torch.ones(3)
            def reset(self):
                self.shift = None
            def forward(self, x):
                if self.shift is None:
                    self.shift = torch.randint(-2, 3, (1,))
                return torch.roll(x, int(self.shift)) * self.scale
        """,
        "shift", None, "NOT A CANDIDATE", None,
    ),
    "a first-use draw saved by get_extra_state is managed by the class": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.perm = None
            def get_extra_state(self):
                return {"perm": self.perm}
            def set_extra_state(self, state):
                self.perm = state["perm"]
            def forward(self, x):
                if self.perm is None:
                    self.perm = torch.randperm(x.shape[-1])
                return x[..., self.perm]
        """,
        "perm", "MPR905", "get_extra_state", None,
    ),
    "a helper's shuffle from a generator is drawn again the same": (
        """
        class M(nn.Module):
            def __init__(self, n, generator: torch.Generator):
                super().__init__()
                self.n = n
                self.indices = torch.arange(n)
                self.shuffle(generator)
            def shuffle(self, generator):
                self.indices = self.indices[torch.randperm(self.n, generator=generator)]
            def forward(self, x):
                return x[:, self.indices]
        """,
        "indices", "MPR907", "read only as an index", None,
    ),
    "columns permuted at random by a tuple index": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.cols = torch.arange(n).view(1, n)[:, torch.randperm(n)]
            def forward(self, x):
                return x[:, self.cols[0]]
        """,
        "cols", "MPR002", "is drawn at random at construction", None,
    ),
    "a mask drawn by comparing a random draw": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.keep = torch.rand(n) < 0.5
            def forward(self, x):
                return x[:, self.keep]
        """,
        "keep", "MPR002", "is drawn at random at construction", None,
    ),
    "an assignment drawn in place at construction": (
        """
        class M(nn.Module):
            def __init__(self, n, k):
                super().__init__()
                self.assign = torch.zeros(n, dtype=torch.long)
                self.assign.random_(0, k)
            def forward(self, x):
                return x[:, self.assign]
        """,
        "assign", "MPR002", "is drawn at random at construction", "x[:, self.assign]",
    ),
    "a permutation copied in at construction": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.perm = torch.arange(n)
                self.perm.copy_(torch.randperm(n))
            def forward(self, x):
                return x[:, self.perm]
        """,
        "perm", "MPR002", "is drawn at random at construction", "x[:, self.perm]",
    ),
    "an in-place draw from a generator is drawn again the same": (
        """
        class M(nn.Module):
            def __init__(self, n, k, generator):
                super().__init__()
                self.assign = torch.zeros(n, dtype=torch.long)
                self.assign.random_(0, k, generator=generator)
            def forward(self, x):
                return x[:, self.assign]
        """,
        "assign", "MPR907", "read only as an index", None,
    ),
    "a first-use draw from a seeded generator is drawn again the same": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.perm = None
                self.g = torch.Generator().manual_seed(0)
                self.scale = torch.ones(3)
            def forward(self, x):
                if self.perm is None:
                    self.perm = torch.randperm(x.shape[-1], generator=self.g)
                return x[..., self.perm] * self.scale
        """,
        "perm", None, "NOT A CANDIDATE", None,
    ),
    # --- forward's input stored on self is still the input ------------------------------------------------
    "a charge combined with the input forward stored, in a method defined before forward": (
        """
        class M(nn.Module):
            def __init__(self, charge: torch.Tensor):
                super().__init__()
                self.charge = charge
                self.net = nn.Linear(3, 3)
            def energy(self):
                return (self.positions * self.charge).sum()
            def forward(self, x):
                self.positions = x.reshape(-1, 3)
                return self.net(self.positions)
        """,
        "charge", "MPR002", "in energy", "return (self.positions * self.charge).sum()",
    ),
    # --- a stored element updated in place through a loop name (the EMA pattern) -------------------------
    "an EMA list updated through zip": (
        """
        class M(nn.Module):
            def __init__(self, model: nn.Module):
                super().__init__()
                self.model = model
                self.shadow = [p.detach().clone() for p in model.parameters()]
            @torch.no_grad()
            def update(self):
                for s, p in zip(self.shadow, self.model.parameters()):
                    s.copy_(s * 0.99 + p * 0.01)
        """,
        "shadow", "MPR007", "is updated in place (copy_) in update", "s.copy_(",
    ),
    "an EMA dict updated through items()": (
        """
        class M(nn.Module):
            def __init__(self, model: nn.Module):
                super().__init__()
                self.model = model
                self.shadow = {n: p.detach().clone() for n, p in model.named_parameters()}
            @torch.no_grad()
            def update(self, decay):
                params = dict(self.model.named_parameters())
                for name, s in self.shadow.items():
                    s += (1 - decay) * (params[name] - s)
        """,
        "shadow", "MPR007", "is updated in place (augmented assignment) in update", "s += (1 - decay)",
    ),
    "a loop name re-bound to a new tensor is not the stored element": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.scales = [torch.ones(4) for _ in range(3)]
            def forward(self, x):
                for s in self.scales:
                    s = s * 2
                    s.mul_(2)
                    x = x * s
                return x
        """,
        "scales", "MPR007", "is combined with tensors that follow the module", "x = x * s",
    ),
    # --- Python computes the callee before the arguments ------------------------------------------------
    "a callee that re-computes the argument before it is read": (
        """
        class M(nn.Module):
            def __init__(self, f: nn.Module):
                super().__init__()
                self.f = f
                self.flat = torch.cat([p.flatten() for p in f.parameters()])
            def _make(self):
                self.flat = torch.cat([p.flatten() for p in self.f.parameters()])
                return self.f
            def forward(self, x):
                return self._make()(self.flat, x)
        """,
        "flat", "MPR907", "re-bound in _make", None,
    ),
    # --- running statistics kept by re-binding from their own value --------------------------------------
    "a running mean re-bound from its own value every step": (
        """
        class M(nn.Module):
            def __init__(self, n, momentum=0.1):
                super().__init__()
                self.gamma = nn.Parameter(torch.ones(n))
                self.running_mean = torch.zeros(n)
                self.momentum = momentum
            def forward(self, x):
                self.running_mean = self.running_mean.to(x.device)
                if self.training:
                    mean = x.mean(0)
                    self.running_mean = self.running_mean + self.momentum * (mean - self.running_mean)
                    return self.gamma * (x - mean)
                return self.gamma * (x - self.running_mean)
        """,
        "running_mean", "MPR002", "is updated by re-binding it from its own value in forward",
        "self.running_mean = self.running_mean + self.momentum",
    ),
    "a key-value cache that grows is not a statistic": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.kv = torch.zeros(0, n)
            def forward(self, x):
                self.kv = torch.cat([self.kv.to(x.device), x])[-8:]
                return self.kv.sum(0)
        """,
        "kv", "MPR901", "", None,
    ),
    "a helper of the file that moves its argument only when it is elsewhere": (
        """
        def may_to_device(src, device):
            if src.device != device:
                return src.to(device), src.device
            return src, src.device
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.offset = torch.tensor([3, 4])
            def forward(self, x):
                self.offset, _ = may_to_device(self.offset, x.device)
                return x + self.offset
        """,
        "offset", "MPR901", "is moved at use by may_to_device()", None,
    ),
    # --- a functional call computes with a tensor, it does not wrap it ---------------------------------
    "random kernels in a list given to F.conv1d": (
        """
        class M(nn.Module):
            def __init__(self, n=3):
                super().__init__()
                self.kernels = [torch.randn(4, 1, 9) for _ in range(n)]
            def forward(self, x):
                return F.conv1d(x, self.kernels[0]) + F.conv1d(x, self.kernels[1])
        """,
        "kernels", "MPR007", "F.conv1d()", None,
    ),
    "a helper that returns its argument changed in place keeps the argument's value": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = self.normalize(torch.rand(4, 4))
            @staticmethod
            def normalize(t):
                t -= t.mean(-1, keepdim=True)
                return t
            def forward(self, x):
                return x + self.table
        """,
        "table", "MPR002", "is combined with tensors", "return x + self.table",
    ),
    "a mask compared with another instance's in __eq__": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.mask = torch.ones(n) > 0
                self.scale = torch.ones(n)
            def __eq__(self, other):
                return isinstance(other, M) and bool((self.mask == other.mask).all())
            def forward(self, x):
                return x[..., self.mask] * self.scale[self.mask]
        """,
        "mask", "MPR907", "", None,
    ),
    "a helper that returns a float for a float, called with numbers": (
        """
        def inv_softplus(bias: float | torch.Tensor) -> float | torch.Tensor:
            if isinstance(bias, float):
                return math.log(math.expm1(bias))
            return torch.log(torch.expm1(bias))
        class M(nn.Module):
            def __init__(self, bias: float, min_val: float = 0.01):
                super().__init__()
                self.bias = inv_softplus(bias - min_val)
                self.table = inv_softplus(torch.ones(4))
            def forward(self, x):
                return F.softplus(x + self.bias) + self.table
        """,
        "bias", None, "NOT A CANDIDATE", None,
    ),
    "an owning model's _apply that moves a head's grid through a local": (
        """
        class Head(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.conv = nn.Conv2d(4, 4, 1)
                self.grid = [torch.zeros(1)] * n
                self.stride = torch.tensor([8.0, 16.0])
            def forward(self, x):
                return self.conv(x) * self.stride[0] + self.grid[0]
        class Model(nn.Module):
            def __init__(self):
                super().__init__()
                self.model = nn.Sequential(Head(2))
            def _apply(self, fn):
                self = super()._apply(fn)
                m = self.model[-1]
                m.stride = fn(m.stride)
                m.grid = list(map(fn, m.grid))
                return self
        """,
        "stride", "MPR905", "the owning model's _apply() handles it", None,
    ),
    "a name a later method registers is plain until that method runs": (
        """
        class Head(nn.Module):
            def __init__(self, n, eval_size=None):
                super().__init__()
                self.conv = nn.Conv2d(4, 2, 1)
                if eval_size:
                    self.anchor_points = torch.rand(n, 2)
            def cache_anchors(self, n):
                self.register_buffer("anchor_points", torch.rand(n, 2), persistent=False)
            def forward(self, x):
                return self.conv(x).flatten(1)[:, :2] + self.anchor_points
        """,
        "anchor_points", "MPR002", "is combined with tensors", None,
    ),
    "a name registered in a sibling branch of construction stays registered": (
        """
        class Head(nn.Module):
            def __init__(self, n, cache=True):
                super().__init__()
                self.conv = nn.Conv2d(4, 2, 1)
                self.other = torch.ones(2)
                if cache:
                    self.register_buffer("anchor_points", torch.rand(n, 2))
                else:
                    self.anchor_points = torch.rand(n, 2)
            def forward(self, x):
                return self.conv(x).flatten(1)[:, :2] + self.anchor_points + self.other
        """,
        "anchor_points", None, "registered by name elsewhere in the class", None,
    ),
    "random index sets in a list, read as indices": (
        """
        class M(nn.Module):
            def __init__(self, c_in, n=3):
                super().__init__()
                self.idx = [torch.randint(0, c_in, (2, 4)) for _ in range(n)]
            def forward(self, x):
                return sum(x[:, self.idx[i]].sum(2) for i in range(len(self.idx)))
        """,
        "idx", "MPR007", "is drawn at random at construction and read in forward", None,
    ),
    "the same list drawn under a seed is the same on every construction": (
        """
        class M(nn.Module):
            def __init__(self, c_in, n=3):
                super().__init__()
                g = torch.Generator().manual_seed(0)
                self.idx = [torch.randint(0, c_in, (2, 4), generator=g) for _ in range(n)]
            def forward(self, x):
                return sum(x[:, self.idx[i]].sum(2) for i in range(len(self.idx)))
        """,
        "idx", "MPR907", "", None,
    ),
    "moved onto the configured device by a later statement, when one is configured": (
        """
        class M(nn.Module):
            def __init__(self, n, device="cpu"):
                super().__init__()
                self.table = torch.full((n, 2), -1, dtype=torch.long)
                for k in range(n):
                    self.table[k] = k
                if device is not None:
                    self.table = self.table.to(device)
            def forward(self, idx):
                return self.table[idx]
        """,
        "table", "MPR908", "placed on the device the class is configured with", None,
    ),
    "moved onto a hard-coded device by a later statement": (
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.table = torch.zeros(n)
                self.table = self.table.to("cuda")
            def forward(self, x):
                return x + self.table
        """,
        "table", "MPR002", "is combined with tensors", None,
    ),
    "a list of modules that the class's state-dict hook handles": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.lookups = [nn.Linear(4, 4) for _ in range(2)]
                self.register_state_dict_pre_hook(self._pre_state_dict_hook)
            @staticmethod
            def _pre_state_dict_hook(self, prefix="", keep_vars=False):
                for lookup in self.lookups:
                    lookup.flush()
            def forward(self, x):
                return sum(m(x) for m in self.lookups)
        """,
        "lookups", "MPR905", "state-dict hook _pre_state_dict_hook() handles it", None,
    ),
    "a state-dict hook that does not touch the list": (
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.lookups = [nn.Linear(4, 4) for _ in range(2)]
                self.register_state_dict_pre_hook(self._hook)
            def _hook(self, module, prefix, keep_vars):
                print(prefix)
            def forward(self, x):
                return sum(m(x) for m in self.lookups)
        """,
        "lookups", "MPR003", "", None,
    ),
    "a tensor bound under a lone if, then wrapped in nn.Parameter on the path": (
        """
        class M(nn.Module):
            def __init__(self, bias_init=0.5):
                super().__init__()
                self.fc = nn.Linear(3, 3)
                self.table = torch.ones(3)
                if not isinstance(bias_init, torch.Tensor):
                    self.bias = torch.tensor([bias_init] * 3)
                self.bias = nn.Parameter(self.bias)
            def forward(self, x):
                return self.fc(x) + self.bias + self.table
        """,
        "bias", None, "NOT A CANDIDATE", None,
    ),
    "a tensor bound in a loop, then re-bound on the path": (
        """
        class M(nn.Module):
            def __init__(self, n=3):
                super().__init__()
                for i in range(n):
                    self.t = torch.ones(i + 1)
                self.t = torch.zeros(n)
            def forward(self, x):
                return x + self.t
        """,
        "t", "MPR002", "is combined with tensors that follow the module", "return x + self.t",
    ),
    "torch.tensor(-np.inf) is 0-dim": (
        """
        import numpy as np
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.score_mask_value = torch.tensor(-np.inf)
            def forward(self, x, mask):
                return torch.where(mask, x, self.score_mask_value * torch.ones_like(x))
        """,
        "score_mask_value", "MPR902", "0-dim", None,
    ),
    "a 0-dim default expanded to a shape is no longer 0-dim": (
        """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                start = torch.zeros(())
                self.count = torch.zeros(n)
                self.start = start.expand_as(self.count)
            def forward(self, x):
                return x + self.start
        """,
        "start", "MPR002", "is combined with tensors that follow the module", "return x + self.start",
    ),
    "a new Parameter scaled at construction is a plain tensor": (
        """
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.w = nn.Parameter(torch.randn(d, d)) * 0.01
            def forward(self, x):
                return x @ self.w
        """,
        "w", "MPR001", "computed at construction from a new nn.Parameter", None,
    ),
    "an existing Parameter scaled at construction is derived state, not a lost Parameter": (
        """
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.fc = nn.Linear(d, d)
                self.w = self.fc.weight * 0.01
            def forward(self, x):
                return x @ self.w
        """,
        "w", "MPR002", "is multiplied (@)", None,
    ),
    "a value derived from a Parameter the class also registers is derived state, not a dropped Parameter": (
        """
        class M(nn.Module):
            def __init__(self, d=3):
                super().__init__()
                w = nn.Parameter(torch.randn(d, d))
                self.w = w
                self.wt = w.t()
            def forward(self, x):
                return x @ self.w @ self.wt
        """,
        "wt", "MPR002", "is multiplied (@)", None,
    ),
    "a new Parameter initialised in place is still the Parameter": (
        """
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                with torch.no_grad():
                    self.w = nn.Parameter(torch.empty(d, d)).normal_(0, 0.02)
                self.table = torch.ones(d)
            def forward(self, x):
                return x @ self.w + self.table
        """,
        "w", None, "NOT A CANDIDATE", None,
    ),
    "a new Parameter with requires_grad_ is still the Parameter": (
        """
        class M(nn.Module):
            def __init__(self, d, learn=True):
                super().__init__()
                self.w = nn.Parameter(torch.randn(d, d)).requires_grad_(learn)
                self.table = torch.ones(d)
            def forward(self, x):
                return x @ self.w + self.table
        """,
        "w", None, "NOT A CANDIDATE", None,
    ),
    # --- torch.distributions built at construction (MPR008) ------------------------------------------
    "a prior of tensors scores the input": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.enc = nn.Linear(d, d)
                self.prior = Normal(torch.zeros(d), torch.ones(d))
            def forward(self, x):
                return self.prior.log_prob(self.enc(x))
        """,
        "prior", "MPR008", "takes tensors that follow the module in .log_prob()", "self.prior.log_prob(",
    ),
    "a distribution built from the class's buffers holds views .to() leaves behind": (
        """
        import torch.distributions as D
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.register_buffer("loc", torch.zeros(d))
                self.register_buffer("scale", torch.ones(d))
                self.base = D.Normal(self.loc, self.scale)
                self.fc = nn.Linear(d, d)
            def forward(self, x):
                return self.base.log_prob(self.fc(x))
        """,
        "base", "MPR008", "in .log_prob()", "self.base.log_prob(",
    ),
    "a sample of the noise meets the input": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.noise = Normal(torch.zeros(d), torch.ones(d) * 0.1)
            def forward(self, x):
                return x + self.noise.sample((x.shape[0],))
        """,
        "noise", "MPR008", "is combined with tensors that follow the module", "return x + self.noise",
    ),
    "a distribution built on the configured device is placed on purpose": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, d, device):
                super().__init__()
                self.enc = nn.Linear(d, d, device=device)
                self.prior = Normal(torch.zeros(d, device=device), torch.ones(d, device=device))
            def forward(self, x):
                return self.prior.log_prob(self.enc(x))
        """,
        "prior", "MPR908", "configured with", None,
    ),
    "a distribution of 0-dim buffers holds 0-dim tensors": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("mu", torch.tensor(0.0))
                self.register_buffer("sigma", torch.tensor(1.0))
                self.prior = Normal(self.mu, self.sigma)
                self.fc = nn.Linear(4, 4)
            def forward(self, x):
                return self.prior.log_prob(self.fc(x))
        """,
        "prior", "MPR902", "a distribution of numbers", None,
    ),
    "a distribution of Parameters holds them as themselves, and .to() converts them in place": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, d=4):
                super().__init__()
                self.mu = nn.Parameter(torch.zeros(d))
                self.sigma = nn.Parameter(torch.ones(d))
                self.prior = Normal(self.mu, self.sigma)
                self.table = torch.ones(d)
            def forward(self, x):
                return self.prior.log_prob(x) + self.table
        """,
        "prior", None, "NOT A CANDIDATE", None,
    ),
    "a moved sample elsewhere does not make the breaking use safe": (
        """
        from torch.distributions import Normal, kl_divergence
        class M(nn.Module):
            def __init__(self, d=4):
                super().__init__()
                self.enc = nn.Linear(d, 2 * d)
                self.prior = Normal(torch.zeros(d), torch.ones(d))
            def forward(self, x):
                mu, s = self.enc(x).chunk(2, -1)
                return kl_divergence(Normal(mu, s.exp()), self.prior)
            def sample(self, n, device):
                return self.prior.sample((n,)).to(device)
        """,
        "prior", "MPR008", "kl_divergence()", None,
    ),
    "a list of distributions is no list of tensors to register": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, d=4):
                super().__init__()
                self.priors = [Normal(torch.zeros(d), torch.ones(d)) for _ in range(2)]
                self.table = torch.ones(d)
            def forward(self, x):
                return sum(p.log_prob(x) for p in self.priors) + self.table
        """,
        "priors", None, "holds no modules, Parameters or tensors", None,
    ),
    "a buffer or a Parameter without grad scaled at construction is a plain tensor, not a lost weight": (
        """
        class M(nn.Module):
            def __init__(self, d=4):
                super().__init__()
                self.fc = nn.Linear(d, d)
                self.m = nn.Parameter(torch.ones(d), requires_grad=False) * 2
                self.n = nn.Parameter(torch.ones(d)).requires_grad_(False) * 2
            def forward(self, x):
                return self.fc(x) * self.m * self.n
        """,
        "m", "MPR002", "is combined with tensors that follow the module", None,
    ),
    "a binding in an if that returns survives construction": (
        """
        class M(nn.Module):
            def __init__(self, d=4, frozen=False):
                super().__init__()
                self.fc = nn.Linear(d, d)
                if frozen:
                    self.scale = torch.ones(d)
                    return
                self.scale = nn.Parameter(torch.ones(d))
            def forward(self, x):
                return self.fc(x) * self.scale
        """,
        "scale", "MPR002", "is combined with tensors that follow the module", None,
    ),
    "a distribution of numbers holds 0-dim tensors": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, sigma=1.0):
                super().__init__()
                self.prior = Normal(torch.tensor(0.0), torch.tensor(sigma))
                self.fc = nn.Linear(4, 4)
            def forward(self, x):
                return self.prior.log_prob(self.fc.weight).sum() + self.fc(x)
        """,
        "prior", "MPR902", "a distribution of numbers", None,
    ),
    "a distribution of unknown arguments is no candidate": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, mean, std):
                super().__init__()
                self.prior = Normal(mean, std)
                self.table = torch.ones(4)
            def forward(self, x):
                return self.prior.log_prob(x) + self.table
        """,
        "prior", None, "NOT A CANDIDATE", None,
    ),
    "a distribution forward re-builds before using it": (
        """
        from torch.distributions import Normal
        class M(nn.Module):
            def __init__(self, d):
                super().__init__()
                self.fc = nn.Linear(d, 2 * d)
                self.dist = Normal(torch.zeros(d), torch.ones(d))
            def forward(self, x):
                mu, s = self.fc(x).chunk(2, -1)
                self.dist = Normal(mu, s.exp())
                return self.dist.rsample()
        """,
        "dist", "MPR907", "re-bound in forward", None,
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_decision_and_evidence(name):
    body, attr, code, evidence, use_text = CASES[name]
    found = decisions(body)
    if evidence == "NOT A CANDIDATE":
        assert attr not in found, found.get(attr)
        assert found, "the class was not analysed at all"  # its control attribute is a candidate
        return
    assert attr in found, sorted(found)
    got_code, got_evidence, use_line = found[attr]
    assert got_code == code, (got_code, got_evidence)
    assert evidence in got_evidence, got_evidence
    if use_text is not None:
        assert use_line == line_of(body, use_text), (use_line, got_evidence)
        assert f"(line {use_line})" in got_evidence


CONTAINERS = {
    "a list of layers with weights": ("[nn.Linear(4, 4) for _ in range(2)]", "MPR003", "miss their weights"),
    "a list of dropouts": ("[nn.Dropout(0.1), nn.Dropout(0.2)]", "MPR003", "model.eval() never reaches them"),
    "a list of activations": ("[nn.ReLU(), nn.GELU()]", "MPR907", "parameter-free modules"),
    "a list of unweighted losses": ("[nn.MSELoss(), nn.L1Loss()]", "MPR907", "parameter-free modules"),
    "a weighted loss keeps a buffer": ("[nn.CrossEntropyLoss(weight=torch.ones(3))]", "MPR003", "miss their weights"),
    "modules moved at construction are still modules": ("[nn.Linear(4, 4).to('cpu'), nn.Linear(4, 4).eval()]", "MPR003", "miss their weights"),
}


@pytest.mark.parametrize("name", list(CONTAINERS))
def test_container_consequence_follows_its_elements(name):
    value, code, evidence = CONTAINERS[name]
    body = f"""
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.items = {value}
        def forward(self, x):
            for m in self.items:
                x = m(x)
            return x
    """
    got_code, got_evidence, _ = decisions(body)["items"]
    assert (got_code, evidence in got_evidence) == (code, True), got_evidence


PER_DEVICE = {
    "built on the loop's device": ('self.items = [nn.Linear(4, 4, device=f"cuda:{i}") for i in range(n)]', "MPR907"),
    "one per visible GPU": ("self.items = [nn.Linear(4, 4) for _ in range(torch.cuda.device_count())]", "MPR907"),
    "one per rank": ("self.items = [nn.ModuleDict({'a': nn.Linear(4, 4)}) for _ in range(self.world_size)]", "MPR907"),
    "appended in a loop, moved to the loop's device": (
        "self.items = []\n            for d in range(n):\n"
        "                self.items.append(nn.Linear(4, 4).to(torch.device('cuda', d)))",
        "MPR907",
    ),
    "a plain loop is not per device": ("self.items = [nn.Linear(4, 4) for i in range(n)]", "MPR003"),
    "moved to one configured device": (
        "self.items = []\n            for i in range(n):\n                self.items.append(nn.Linear(4, 4).to(self.dev))",
        "MPR003",
    ),
}


@pytest.mark.parametrize("name", list(PER_DEVICE))
def test_a_list_with_one_element_per_device_is_placed_on_purpose(name):
    assignment, code = PER_DEVICE[name]
    body = f"""
    class M(nn.Module):
        def __init__(self, n=2):
            super().__init__()
            self.world_size = n
            self.dev = "cpu"
            {assignment}
        def forward(self, x, i):
            return self.items[i](x)
    """
    got_code, evidence, _ = decisions(body)["items"]
    assert got_code == code, evidence
    if code == "MPR907":
        assert "one element per device or rank" in evidence


@pytest.mark.parametrize("call", ["F.pad(x, (0, self.max_len - x.size(-1)))", "F.interpolate(x, size=self.max_len)"])
def test_a_size_argument_is_read_as_a_number_not_an_operand(call):
    body = f"""
    def seq_len(n):
        return torch.floor(n / 2).long()
    class M(nn.Module):
        def __init__(self, n=8):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.max_len = seq_len(torch.tensor(n))
        def forward(self, x):
            x = self.lin(x)
            return {call}
    """
    code, evidence, _ = decisions(body)["max_len"]
    assert code == "MPR907", evidence


@pytest.mark.parametrize("loss", ["nn.CrossEntropyLoss(weight=self.w)", "nn.BCEWithLogitsLoss(pos_weight=self.w)"])
def test_a_loss_built_in_forward_with_the_tensor_breaks_where_it_is_applied(loss):
    body = f"""
    class M(nn.Module):
        def __init__(self, w):
            super().__init__()
            self.lin = nn.Linear(4, 3)
            self.w = torch.tensor(w)
        def forward(self, x, y):
            loss_fct = {loss}
            return loss_fct(self.lin(x), y)
    """
    code, evidence, line = decisions(body)["w"]
    assert (code, "loss_fct()" in evidence, line) == ("MPR002", True, line_of(body, "return loss_fct"))


def test_a_callable_argument_does_not_make_the_tensors_it_is_given_follow_the_module():
    body = """
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(4, 3)
            self.table = {"a": torch.zeros(3)}
        def forward(self, x, reduce_fn):
            reduce_fn([self.table["a"]])
            return self.lin(x)
    """
    assert decisions(body)["table"][0] != "MPR007"


@pytest.mark.parametrize("move, code", [
    ("pos = position_ids.to(device=self.inv_freq.device, dtype=self.inv_freq.dtype)", "MPR901"),
    ("pos = position_ids.to(self.inv_freq)", "MPR901"),
    ("pos = position_ids.to(self.lin.weight.device)", "MPR002"),
])
def test_an_operand_moved_to_the_attributes_device_never_mismatches_it(move, code):
    body = f"""
    class Rope(nn.Module):
        def __init__(self, dim=4):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim))
        def forward(self, x, position_ids):
            {move}
            freqs = torch.outer(pos, self.inv_freq)
            return self.lin(x) + freqs.to(x.device)
    """
    assert decisions(body)["inv_freq"][0] == code


@pytest.mark.parametrize("made, code", [
    ("torch.tensor(w.size(0), dtype=torch.float64).sqrt()", "MPR902"),
    ("torch.tensor(w.shape[-1])", "MPR902"),
    ("torch.tensor(len(w))", "MPR902"),
    ("torch.tensor(w.size())", "MPR002"),
    ("torch.tensor(w.shape[1:])", "MPR002"),
])
def test_a_tensor_of_a_size_is_0_dim(made, code):
    body = f"""
    class M(nn.Module):
        def __init__(self, w):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.t = {made}
        def forward(self, x):
            return self.lin(x) / self.t
    """
    assert decisions(body)["t"][0] == code


@pytest.mark.parametrize("apply, code", [
    ("self._device = fn(torch.zeros(1)).device\n            return self", "MPR905"),
    ("self._device = fn(torch.zeros(1)).device\n            return super()._apply(fn, recurse)", "MPR002"),
    ("return nn.Module._apply(self, fn, recurse)", "MPR002"),
])
def test_an_apply_that_never_hands_on_decides_what_moves(apply, code):
    body = f"""
    class History(nn.Module):
        def __init__(self, n=3, d=2):
            super().__init__()
            self.emb = torch.zeros(n, d)
        def _apply(self, fn, recurse=True):
            {apply}
        def forward(self, x):
            return x + self.emb
    """
    assert decisions(body)["emb"][0] == code


@pytest.mark.parametrize("init, code", [
    ("self.n = 2", "MPR907"),
    ("super().__init__()", "MPR002"),
    ("nn.Module.__init__(self)", "MPR002"),
])
def test_a_module_that_never_initialises_nn_module_is_a_plain_object(init, code):
    body = f"""
    class Features(nn.Module):
        def __init__(self, mu=(0.0, 1.0)):
            {init}
            self.mu = torch.tensor(mu)
            self.layers = [nn.Linear(2, 2)]
        def forward(self, x):
            return self.layers[0](x - self.mu)
    """
    got = decisions(body)
    assert got["mu"][0] == code
    if code == "MPR907":
        assert "never calls nn.Module.__init__()" in got["mu"][1] and got["layers"][0] == "MPR907"


@pytest.mark.parametrize("wrap", ["nn.ParameterList(self.items + self.more)", "nn.ParameterList([*self.items, *self.more])"])
def test_a_list_joined_into_a_registering_container_is_registered(wrap):
    body = f"""
    class M(nn.Module):
        def __init__(self, n=2):
            super().__init__()
            self.items = [nn.Parameter(torch.zeros(3)) for _ in range(n)]
            self.more = [nn.Parameter(torch.ones(3))]
            self.params = {wrap}
        def forward(self, x):
            return x + self.items[0] + self.more[0]
    """
    got = decisions(body)
    assert (got["items"][0], got["more"][0]) == (None, None), got


@pytest.mark.parametrize("register", [
    "self.register_modules(self.convs, 'conv')",
    "register_all(self, self.convs, 'conv')",
    "register_all(module=self, mods=self.convs, name='conv')",
])
def test_a_list_a_helper_registers_element_by_element_is_registered(register):
    body = f"""
    def register_all(module, mods, name):
        for i, m in enumerate(mods):
            setattr(module, f"{{name}}{{i}}", m)
    class M(nn.Module):
        def __init__(self, n=2):
            super().__init__()
            self.convs = [nn.Conv2d(3, 3, 1) for _ in range(n)]
            {register}
            self.kept = [nn.Conv2d(3, 3, 1) for _ in range(n)]
            self.count(self.kept)
        def count(self, mods):
            self.n = len(mods)
        def register_modules(self, module_list, name):
            for i, module in enumerate(module_list):
                self.add_module(f"{{name}}_{{i}}", module)
        def forward(self, x):
            for conv, other in zip(self.convs, self.kept):
                x = other(conv(x))
            return x
    """
    got = decisions(body)
    assert got["convs"][0] is None and "registered one by one" in got["convs"][1], got
    assert got["kept"][0] == "MPR003", got  # a helper that only reads the list registers nothing


def test_a_list_of_dropouts_wrapped_in_a_module_list_is_a_safe_fix():
    source = HEADER + textwrap.dedent("""
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.drops = [nn.Dropout(0.1), nn.Dropout(0.2)]
            self.convs = [nn.Conv2d(3, 3, 1), nn.Dropout(0.1)]
        def forward(self, x):
            for d, c in zip(self.drops, self.convs):
                x = c(d(x))
            return x
    """)
    found = {f.attr: f for f in analyze(ast.parse(source), source)}
    assert found["drops"].code == "MPR003" and found["drops"].fix.safe, found["drops"]
    assert "[safe fix]" in found["drops"].message
    assert found["convs"].code == "MPR003" and not found["convs"].fix.safe  # adds convs.0.weight, convs.0.bias


@pytest.mark.parametrize("order, code", [
    ("move, then call", "MPR901"),
    ("call, then move", "MPR002"),
])
def test_a_function_defined_in_a_method_runs_where_it_is_called(order, code):
    """ptls' histogram loss (set ZF): the closure reads self.t when it is called, after forward moved it."""
    move = "self.t = self.t.to(x.device)"
    call = "out = hist(x)"
    steps = [move, call] if order == "move, then call" else [call, move]
    body = f"""
    class HistogramLoss(nn.Module):
        def __init__(self, steps=10):
            super().__init__()
            self.t = torch.linspace(-1, 1, steps).view(-1, 1)
        def forward(self, x):
            def hist(v):
                return (v - self.t).sum()
            {steps[0]}
            {steps[1]}
            return out
    """
    assert decisions(body)["t"][0] == code


@pytest.mark.parametrize("bound, code", [
    ("self.device = x.device", "MPR901"),
    ("self.device = self.configured", "MPR002"),
])
def test_a_saved_device_re_bound_to_the_inputs_follows_it(bound, code):
    body = f"""
    class Loss(nn.Module):
        def __init__(self, steps=10, device="cpu"):
            super().__init__()
            self.t = torch.linspace(-1, 1, steps).view(-1, 1)
            self.device = None
            self.configured = device
        def forward(self, x):
            {bound}
            self.t = self.t.to(self.device)
            return (x - self.t).sum()
    """
    assert decisions(body)["t"][0] == code


@pytest.mark.parametrize("name", ["conf_thresh", "network_stride", "threshold"])
def test_a_tensor_of_a_threshold_or_stride_argument_is_0_dim(name):
    """lightnet's box decoders (set ZF): torch.tensor(conf_thresh) holds one number and mixes with any device."""
    body = f"""
    class Decode(nn.Module):
        def __init__(self, {name}):
            super().__init__()
            self.value = torch.tensor({name})
        def forward(self, x):
            return x[x > self.value] * self.value
    """
    assert decisions(body)["value"][0] == "MPR902"


_ADAPTER = """
class Adapter(nn.Module):
    def __init__(self, inner, cond: torch.Tensor):
        super().__init__()
        self.inner = inner
        self.cond = cond
    def forward(self, x):
        return self.inner(x + self.cond)
"""
_USER = "class Model(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lin = nn.Linear(4, 4)\n"


@pytest.mark.parametrize("user, code", [
    # made, used and dropped within forward (fastvideo's DiT adapter, set U): only this call's values meet it
    (_USER + "    def forward(self, x):\n        adapter = Adapter(self.lin, x * 2)\n        return adapter(x)", "MPR907"),
    (_USER + "    def forward(self, x):\n        return [Adapter(self.lin, x * 2)]", "MPR907"),
    # kept on the model, moved, returned by a factory, or handed to a trainer: it may be moved or saved
    (_USER + "        self.adapter = Adapter(self.lin, torch.ones(4))", "MPR002"),
    (_USER + "    def forward(self, x):\n        return Adapter(self.lin, x * 2).to(x.device)(x)", "MPR002"),
    ("def build(lin):\n    return Adapter(lin, torch.ones(4))", "MPR002"),
    ("def main(trainer):\n    adapter = Adapter(nn.Linear(4, 4), torch.ones(4))\n    trainer.fit(adapter)", "MPR002"),
    # a research file's test(): it stands for what users do with the model, who move it
    ("def test():\n    adapter = Adapter(nn.Linear(4, 4), torch.ones(4))\n    print(adapter(torch.ones(4)).shape)", "MPR002"),
])
def test_a_class_made_per_call_holds_only_that_calls_values(user, code):
    source = HEADER + _ADAPTER + user + "\n"
    got = next(c.decision for c in analyze_candidates(ast.parse(source)) if c.attr == "cond")
    assert got.code == code, got
    assert ("made per call" in got.evidence) == (code == "MPR907")


@pytest.mark.parametrize("handed, code", [
    ("[nn.Linear(d, d), nn.Linear(d, d)]", "MPR003"),
    ("nn.ModuleList([nn.Linear(d, d), nn.Linear(d, d)])", None),
    ("[d, d]", None),
    # mistify's neurons (set ZE): the base turns a tuple of modules into one module first
    ("(nn.Linear(d, d), nn.Linear(d, d)), pair=True", None),
])
def test_a_list_a_subclass_hands_to_its_base_is_what_the_base_keeps(handed, code):
    """torchflows' Mixture (set ZE): the base keeps ``components`` as given; its subclasses give Gaussians."""
    body = f"""
    import typing
    class Mixture(nn.Module):
        def __init__(self, components, pair=False):
            super().__init__()
            if isinstance(components, typing.Tuple):
                components = nn.Sequential(*components)
            self.components = components
        def forward(self, x):
            return sum(c(x) for c in self.components)
    class Pair(Mixture):
        def __init__(self, d=4):
            super().__init__({handed})
    """
    assert decisions(body).get("components", (None,))[0] == code


@pytest.mark.parametrize("made, code", [
    ("nn.Parameter(torch.zeros(n), requires_grad=False).to(device)", "MPR002"),
    ("torch.zeros(n, device=device)", "MPR908"),
])
def test_a_frozen_parameter_moved_at_construction_is_no_chosen_placement(made, code):
    """harl's ValueNorm (set ZF): the author registered the statistics; on a GPU the move returns a plain
    copy, so the state updated in place is lost on save. A tensor made on the configured device is a choice."""
    body = f"""
    class ValueNorm(nn.Module):
        def __init__(self, n, beta=0.99, device=torch.device("cpu")):
            super().__init__()
            self.beta = beta
            self.running_mean = {made}
        @torch.no_grad()
        def update(self, x):
            self.running_mean.mul_(self.beta).add_(x.mean(0) * (1 - self.beta))
    """
    assert decisions(body)["running_mean"][0] == code


@pytest.mark.parametrize("test, code", [
    ("isinstance(wavelength, (int, float))", "MPR902"),  # a number in the branch: the tensor made of it is 0-dim
    ("isinstance(wavelength, (list, tuple))", "MPR002"),
])
def test_an_isinstance_test_of_a_number_makes_the_name_a_number_in_its_branch(test, code):
    """torchlensmaker's light sources (set ZG, after its frozen run): a tensor made of ``wavelength`` in the
    branch where it is a float is 0-dim, which mixes with any device."""
    body = f"""
    class Source(nn.Module):
        def __init__(self, wavelength):
            super().__init__()
            if {test}:
                self.lower = torch.as_tensor(wavelength, dtype=torch.float32)
            else:
                raise TypeError(wavelength)
        def forward(self, x):
            return x * self.lower
    """
    assert decisions(body)["lower"][0] == code


@pytest.mark.parametrize("orelse, code", [
    ("w = w.to(x.device)", "MPR901"),
    ("w = w * 2", "MPR002"),
])
def test_a_local_both_branches_re_bind_no_longer_holds_its_value_from_before(orelse, code):
    body = f"""
    class Gray(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.rgb = torch.tensor([0.3, 0.6, 0.1])
        def forward(self, x):
            w = self.rgb
            if x.shape[-1] != 3:
                w = torch.full((x.shape[-1],), 0.5, device=x.device)
            else:
                {orelse}
            return self.lin(x) * w
    """
    assert decisions(body)["rgb"][0] == code


@pytest.mark.parametrize("use, code", [
    ("len(self.inv_freq.split(sections, dim=-1))", "MPR907"),
    ("self.inv_freq.view(*sections).numel()", "MPR907"),
    ("self.inv_freq.view(*sections)", "MPR002"),
    ("torch.ge(torch.unsqueeze(x, 1), self.inv_freq).sum()", "MPR002"),
])
def test_sizes_given_to_a_shape_method_are_not_operands(use, code):
    body = f"""
    class Rope(nn.Module):
        def __init__(self, dim=4):
            super().__init__()
            self.lin = nn.Linear(4, 4)
            self.inv_freq = torch.arange(dim).float()
        def forward(self, x, sections):
            return self.lin(x) * {use}
    """
    assert decisions(body)["inv_freq"][0] == code


@pytest.mark.parametrize("wrap, reported", [
    ("self.v = nn.Parameter(self.v, requires_grad=True)", False),
    ("if learn:\n                self.v = nn.Parameter(self.v)", True),
])
def test_a_tensor_wrapped_in_a_parameter_on_the_same_path_is_a_parameter(wrap, reported):
    body = f"""
    class Attention(nn.Module):
        def __init__(self, n=4, learn=True):
            super().__init__()
            self.lin = nn.Linear(n, n)
            self.v = 2 * torch.rand(n) - 1
            {wrap}
        def forward(self, x):
            return self.lin(x) * self.v
    """
    got = decisions(body)
    assert ("v" in got and got["v"][0] == "MPR002") == reported, got


@pytest.mark.parametrize("trains, code", [
    ("self.opt = torch.optim.Adam(self.weights + self.biases, lr=0.01)", "MPR907"),
    ("self.opt = None", "MPR005"),
])
def test_parameters_the_class_trains_itself_are_trained(trains, code):
    body = f"""
    class Surrogate(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.weights = [nn.Parameter(torch.randn(n, n)) for _ in range(2)]
            self.biases = [nn.Parameter(torch.zeros(n)) for _ in range(2)]
            {trains}
        def forward(self, x):
            for w, b in zip(self.weights, self.biases):
                x = x @ w + b
            return x
    """
    got = decisions(body)
    assert (got["weights"][0], got["biases"][0]) == (code, code)


def test_a_tensor_given_to_autograd_grad_is_trained_by_the_class():
    body = """
    class Inner(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.w = torch.randn(n, n, requires_grad=True)
        def step(self, x):
            g, = torch.autograd.grad((x @ self.w).sum(), [self.w])
            self.w = self.w - 0.1 * g
    """
    code, evidence, _ = decisions(body)["w"]
    assert code == "MPR907" and "trains it itself" in evidence


def test_list_built_by_rebinding_is_a_module_list():
    body = """
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            layers = []
            for _ in range(n):
                layers = layers + [nn.Linear(4, 4)]
            self.layers = layers
        def forward(self, x):
            for layer in self.layers:
                x = layer(x)
            return x
    """
    assert decisions(body)["layers"][0] == "MPR003"


@pytest.mark.parametrize("source", ["model.named_parameters()", "model.state_dict().items()"])
def test_ema_shadow_copies_of_parameters_are_state(source):
    body = f"""
    class EMA(nn.Module):
        def __init__(self, model: nn.Module, decay=0.999):
            super().__init__()
            self.decay = decay
            self.shadow = {{n: p.detach().clone() for n, p in {source}}}
        def update(self, model):
            for n, p in {source}:
                self.shadow[n].mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)
    """
    code, evidence, _ = decisions(body)["shadow"]
    assert code == "MPR007" and "is updated in place" in evidence


def test_a_tensor_made_in_a_hook_the_subclass_overrides():
    body = """
    class Base(nn.Module):
        def __init__(self, n=4):
            super().__init__()
            self.build(n)
        def build(self, n):
            pass
    class Child(Base):
        def __init__(self, n=4):
            super().__init__(n)
        def build(self, n):
            self.window = torch.hann_window(n)
        def forward(self, x):
            return x * self.window
    """
    code, evidence, _ = decisions(body)["window"]
    assert code == "MPR002" and "is combined with tensors that follow the module" in evidence


def test_names_registered_in_a_loop_over_a_class_list_are_registered():
    body = """
    class M(nn.Module):
        _buffer_names = ("covar", "utility")
        def __init__(self):
            super().__init__()
            for key in self._buffer_names:
                self.register_buffer(key, None)
            self.covar = torch.eye(3)
        def forward(self, x):
            return x @ self.covar
    """
    code, evidence, _ = decisions(body)["covar"]
    assert code is None and "registered by name" in evidence


def test_assigning_a_property_runs_its_setter():
    body = """
    class M(nn.Module):
        def __init__(self, y):
            super().__init__()
            self.baseline = torch.zeros(3)
        @property
        def baseline(self):
            return self._baseline
        @baseline.setter
        def baseline(self, value):
            self.register_buffer("_baseline", value)
        def forward(self, x):
            return x + self.baseline
    """
    code, evidence, _ = decisions(body)["baseline"]
    assert code is None and "property" in evidence


def test_a_result_computed_on_the_device_no_longer_carries_the_attribute():
    body = """
    def conv(x, bias):
        return x + bias
    class M(nn.Module):
        def __init__(self, spinor=False):
            super().__init__()
            if spinor:
                self.kernel = nn.Parameter(torch.zeros(4))
            else:
                self.kernel = torch.zeros(4)
            self.spinor = spinor
        def forward(self, x):
            if self.spinor:
                x = some_op(x, self.kernel)
            return x
    """
    code, evidence, _ = decisions(body)["kernel"]
    assert code == "MPR903", evidence


def test_a_copy_of_another_modules_weight_is_a_tensor_but_any_detach_is_not():
    body = """
    class M(nn.Module):
        def __init__(self, teacher: nn.Module, state):
            super().__init__()
            self.w = teacher.weight.detach().clone()
            self.snapshot = state.detach()
        def forward(self, x):
            return x @ self.w + self.snapshot
    """
    found = decisions(body)
    assert found["w"][0] == "MPR002"
    assert "snapshot" not in found  # a TensorDict also has detach(): not known to be a tensor


def test_the_message_names_the_move_that_fails():
    """Arithmetic promotes float32 to float64, so after ``.double()`` only ``@`` fails; after ``.to()`` both
    do. The message says so (real torch checks both sides)."""
    from flake8_nnparam.detection import analyze

    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.pe = torch.zeros(4)
                self.w = torch.eye(4)
            def forward(self, x):
                return (x + self.pe) @ self.w
        """
    )
    messages = {f.attr: f.message for f in analyze(ast.parse(source), source)}
    assert "after model.to('cuda') it stays behind and this raises a device mismatch" in messages["pe"]
    assert ".double()" not in messages["pe"]
    assert "after model.to('cuda') or .double() it stays behind" in messages["w"]
    torch = pytest.importorskip("torch")
    x = torch.ones(2, 4, dtype=torch.float64)
    assert (x + torch.zeros(4)).dtype == torch.float64  # promoted: no error after .double()
    with pytest.raises(RuntimeError, match="dtype"):
        x @ torch.eye(4)


def test_a_value_a_method_re_creates_is_registered_without_a_checkpoint_key():
    """A random draw is saved with the model (a reload would draw other values), unless a method draws it
    again: then the saved value would fix the shape it had at save time, and loading it into a model
    re-created at another size fails. The fix registers it with persistent=False (real torch shows both)."""
    from flake8_nnparam.detection import analyze

    body = """
        class M(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self.noise = torch.randn(n)
            def forward(self, x):
                return x * self.noise
        """
    redrawn = body + """
            def resample(self, n):
                self.noise = torch.randn(n)
        """
    fixes = {}
    for name, text in (("kept", body), ("redrawn", redrawn)):
        source = HEADER + textwrap.dedent(text)
        (finding,) = [f for f in analyze(ast.parse(source), source) if f.attr == "noise"]
        fixes[name] = finding.fix
    assert fixes["kept"].persistent and not fixes["redrawn"].persistent
    assert fixes["redrawn"].safe
    torch = pytest.importorskip("torch")

    class Persistent(torch.nn.Module):
        def __init__(self, n=4):
            super().__init__()
            self.register_buffer("noise", torch.randn(n))

    saved = Persistent(4)
    saved.noise = torch.randn(6)  # what resample(6) does to a registered buffer
    with pytest.raises(RuntimeError, match="size mismatch"):
        Persistent(4).load_state_dict(saved.state_dict())


LAZY_STATE = """
    class TiCo(nn.Module):
        def __init__(self, beta=0.9):
            super().__init__()
            self.beta = beta
            self.C = None

        def forward(self, z):
            B = torch.mm(z.T, z).detach() / z.shape[0]
            if self.C is None:
                self.C = B.new_zeros(B.shape).detach()
            C = self.beta * self.C + (1 - self.beta) * B
            self.C = C.detach()
            return (torch.mm(z, C) * z).sum()
    """


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(
            """
            class M(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.rnn = nn.GRU(4, 4)
                    self.h = None
                def forward(self, x):
                    out, h = self.rnn(x, self.h)
                    self.h = h.detach()
                    return out
            """,
            id="hidden state handed back by a sub-module",
        ),
        pytest.param(
            """
            class M(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.steps = None
                def forward(self, x):
                    if self.steps is None:
                        self.steps = 0
                    self.steps = self.steps + 1
                    return x
            """,
            id="a Python counter",
        ),
        pytest.param(
            """
            class M(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.k = None
                def forward(self, x):
                    self.k = x if self.k is None else torch.cat([self.k, x])
                    return self.k.sum()
            """,
            id="a growing cache",
        ),
        pytest.param(
            """
            class M(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.register_buffer("C", None)
                def forward(self, z):
                    C = z.mean(0).detach() if self.C is None else 0.9 * self.C + 0.1 * z.mean(0)
                    self.C = C.detach()
                    return z - C
            """,
            id="already a buffer",
        ),
        pytest.param(
            """
            class M(nn.Module):
                def __init__(self, d=4):
                    super().__init__()
                    self.C = None
                    self.C = make_cov(d)
                def forward(self, z):
                    self.C = 0.9 * self.C + 0.1 * torch.mm(z.T, z).detach()
                    return z @ self.C
            """,
            id="bound again at construction",
        ),
        pytest.param(
            """
            class M(nn.Module):
                def __init__(self):
                    super().__init__()
                    self.mem = None
                def reset(self):
                    self.mem = None
                def forward(self, x):
                    if self.mem is None:
                        self.mem = torch.zeros_like(x)
                    self.mem = 0.9 * self.mem + x
                    return self.mem
            """,
            id="reset to None between sequences",
        ),
    ],
)
def test_none_at_construction_is_not_running_state_without_its_signs(body):
    assert all(code is None or code.startswith("MPR9") for code, _, _ in decisions(body).values())


def test_running_state_created_lazily_is_lost_on_save():
    """``self.C = None`` in __init__, then created and updated from its own value in forward (lightly's
    TiCoLoss): state_dict() never holds it. Real torch shows the loss; the message's remedy (a buffer of
    its shape) keeps it; a buffer registered as None breaks strict loading, which is why there is no fix."""
    from flake8_nnparam.detection import analyze

    source = HEADER + textwrap.dedent(LAZY_STATE)
    (finding,) = analyze(ast.parse(source), source)
    assert finding.code == "MPR002" and finding.attr == "C"
    assert finding.line == line_of(LAZY_STATE, "self.C = None")
    assert f"is updated by re-binding it from its own value in forward (line {line_of(LAZY_STATE, 'self.C = C.detach()')})" in finding.message
    assert finding.fix is None and "None until a method creates it" in finding.no_fix
    torch = pytest.importorskip("torch")
    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
    exec(compile(source, "<lazy>", "exec"), namespace)
    model = namespace["TiCo"]()
    for _ in range(3):
        model(torch.randn(8, 4))
    assert model.C is not None and "C" not in model.state_dict()
    fresh = namespace["TiCo"]()
    fresh.load_state_dict(model.state_dict())
    assert fresh.C is None  # the running covariance restarts from zero after a reload

    class Registered(namespace["TiCo"]):
        def __init__(self, beta=0.9):
            super().__init__(beta)
            del self.C
            self.register_buffer("C", torch.zeros(4, 4))

    kept = Registered()
    for _ in range(3):
        kept(torch.randn(8, 4))
    reloaded = Registered()
    reloaded.load_state_dict(kept.state_dict())
    assert torch.equal(reloaded.C, kept.C)

    class AsNone(namespace["TiCo"]):
        def __init__(self, beta=0.9):
            super().__init__(beta)
            del self.C
            self.register_buffer("C", None)

    trained = AsNone()
    trained(torch.randn(8, 4))
    with pytest.raises(RuntimeError, match="Unexpected key"):
        AsNone().load_state_dict(trained.state_dict())


def test_a_parameter_moved_or_cast_after_wrapping_is_named_for_what_happened():
    """``nn.Parameter(t).cuda()`` (or ``.to(device)``, ``.double()``) returns a plain copy: the message says
    so, and the fix moves the call inside (``nn.Parameter(t.cuda())``). Real torch: the cast copy is not a
    Parameter, the rewritten one is."""
    from flake8_nnparam.detection import analyze
    from flake8_nnparam.fix import apply_fixes

    body = """
        class M(nn.Module):
            def __init__(self, device="cpu"):
                super().__init__()
                self.w = nn.Parameter(torch.randn(4, 4)).to(device)
                self.b = nn.Parameter(torch.zeros(4, dtype=torch.float64)).float()
                self.c = nn.Parameter(torch.ones(4, dtype=torch.float64) * 0.5).float()
            def forward(self, x):
                return x @ self.w + self.b + self.c
        """
    source = HEADER + textwrap.dedent(body)
    findings = {f.attr: f for f in analyze(ast.parse(source), source)}
    assert findings["w"].code == findings["b"].code == "MPR001"
    assert "is made by nn.Parameter(...).to(), which returns a tensor copy" in findings["w"].message
    fixed = apply_fixes(source, list(findings.values()), True).source
    assert "nn.Parameter(torch.randn(4, 4).to(device))" in fixed
    assert "nn.Parameter(torch.zeros(4, dtype=torch.float64).float())" in fixed
    assert "nn.Parameter((torch.ones(4, dtype=torch.float64) * 0.5).float())" in fixed  # the whole argument moves
    torch = pytest.importorskip("torch")
    assert not isinstance(torch.nn.Parameter(torch.zeros(2, dtype=torch.float64)).float(), torch.nn.Parameter)
    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
    exec(compile(fixed, "<fixed>", "exec"), namespace)
    assert {n for n, _ in namespace["M"]().named_parameters()} == {"w", "b", "c"}


def test_a_move_to_where_the_parameters_data_already_is_keeps_the_parameter():
    """``nn.Parameter(torch.randn(n).to(device)).to(device)`` (epilearn's GraphWaveNet, set X): the outer move
    finds the data on its device and returns the Parameter itself; a move to another place, or a cast, is a
    copy. Real torch on the meta device agrees."""
    body = """
        class M(nn.Module):
            def __init__(self, n, device="cpu", init=None):
                super().__init__()
                self.a = nn.Parameter(torch.randn(n, 4).to(device), requires_grad=True).to(device)
                self.b = nn.Parameter(torch.randn(n, 4, device=device)).to(device)
                self.c = nn.Parameter(init).to(device)
                self.d = nn.Parameter(torch.randn(n, 4).to(device)).to(torch.float64)
            def forward(self, x):
                return x @ self.a.T @ self.b @ self.c.T @ self.d
        """
    found = decisions(body)
    assert "a" not in found and "b" not in found, found  # Parameters: registered, no candidates
    assert found["c"][0] == found["d"][0] == "MPR001", (found["c"], found["d"])
    torch = pytest.importorskip("torch")
    meta = torch.device("meta")
    assert isinstance(torch.nn.Parameter(torch.randn(2).to(meta)).to(meta), torch.nn.Parameter)
    assert not isinstance(torch.nn.Parameter(torch.randn(2)).to(meta), torch.nn.Parameter)


@pytest.mark.parametrize("made,reported", [
    ("adj.to_sparse()", True),  # only a tensor has it: a plain tensor made from the argument
    ("adj.to_sparse_csr()", True),
    ("adj.t()", False),  # torch_sparse SparseTensor has t() too
    ("adj.detach()", False),  # a TensorDict has detach() too
    ("adj", False),  # unannotated: a Parameter the caller passes would register itself
    ("adj.clone()", False),  # metric collections and other containers clone too
    ("adj.float()", False),  # nn.Module.float() returns the module
])
def test_a_constructor_argument_made_a_tensor_by_a_tensor_only_method(made, reported):
    body = f"""
        class M(nn.Module):
            def __init__(self, adj):
                super().__init__()
                self.adj = {made}
                self.fc = nn.Linear(4, 4)
            def forward(self, x):
                return torch.spmm(self.adj, self.fc(x))
        """
    found = decisions(body).get("adj")
    assert (found is not None and found[0] == "MPR002") == reported
    if reported:
        assert "torch.spmm()" in found[1]


def test_promoting_calls_and_integral_tensors_say_only_the_device_move_fails():
    """``torch.cat``/``torch.where`` promote float32 with float64, and ``.double()`` never casts a bool mask or
    an integer index: for those the message names only ``model.to('cuda')``. ``torch.matmul`` still says
    both (real torch checks each claim)."""
    from flake8_nnparam.detection import analyze

    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.bos = torch.zeros(1, 4)
                self.mask = torch.ones(4, dtype=torch.bool)
                self.proj = torch.eye(4)
            def forward(self, x):
                x = torch.cat([self.bos, x])
                x = x.masked_fill(self.mask, 0.0)
                return torch.matmul(x, self.proj)
        """
    )
    messages = {f.attr: f.message for f in analyze(ast.parse(source), source)}
    for attr in ("bos", "mask"):
        assert "after model.to('cuda') it stays behind and this raises a device mismatch" in messages[attr], attr
    assert "after model.to('cuda') or .double() it stays behind" in messages["proj"]
    torch = pytest.importorskip("torch")
    x = torch.ones(2, 4, dtype=torch.float64)
    assert torch.cat([torch.zeros(1, 4), x]).dtype == torch.float64
    model = torch.nn.Module()
    model.register_buffer("mask", torch.ones(4, dtype=torch.bool))
    assert model.double().mask.dtype == torch.bool
    with pytest.raises(RuntimeError):
        torch.matmul(x, torch.eye(4))


def test_a_container_of_parameters_a_helper_registered_and_returned_is_not_a_finding():
    """``self._params["w"] = self.add_weight("w", t)`` where ``add_weight`` registers the Parameter it returns
    (ncps' Keras-style cells): the dict only aliases registered Parameters. A dict of fresh Parameters
    beside it is still MPR006. Real torch: the aliased ones are in parameters(), the fresh one is not."""
    body = """
        class Cell(nn.Module):
            def __init__(self, n=4):
                super().__init__()
                self._params = {}
                self._params["w"] = self.add_weight("w", torch.randn(n, n))
                self.extra = {"k": nn.Parameter(torch.ones(n))}
            def add_weight(self, name, init_value):
                param = nn.Parameter(init_value)
                self.register_parameter(name, param)
                return param
            def forward(self, x):
                return x @ self._params["w"] + self.extra["k"]
        """
    found = decisions(body)
    assert found["_params"][0] is None
    assert found["extra"][0] == "MPR006"
    torch = pytest.importorskip("torch")
    namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
    exec(compile(HEADER + textwrap.dedent(body), "<cell>", "exec"), namespace)
    cell = namespace["Cell"]()
    params = {id(p) for p in cell.parameters()}
    assert id(cell._params["w"]) in params and id(cell.extra["k"]) not in params


def test_a_dataclass_module_builds_its_state_in_post_init():
    """``@dataclass(eq=False) class M(nn.Module)``: the generated ``__init__`` runs ``__post_init__``, which is
    construction. Real torch: the plain tensor is missing from state_dict(); the fix registers it."""
    from flake8_nnparam.detection import analyze
    from flake8_nnparam.fix import apply_fixes

    body = """
        from dataclasses import dataclass

        @dataclass(eq=False)
        class M(nn.Module):
            n: int = 3
            def __post_init__(self):
                super().__init__()
                self.w = torch.ones(self.n)
            def forward(self, x):
                return x * self.w
        """
    source = HEADER + textwrap.dedent(body)
    (finding,) = analyze(ast.parse(source), source)
    assert finding.code == "MPR002" and finding.attr == "w"
    torch = pytest.importorskip("torch")
    before, after = {"torch": torch, "nn": torch.nn}, {"torch": torch, "nn": torch.nn}
    exec(compile(source, "<before>", "exec"), before)
    exec(compile(apply_fixes(source, [finding], True).source, "<after>", "exec"), after)
    assert "w" not in before["M"]().state_dict()
    assert before["M"]().to(torch.float64).w.dtype == torch.float32
    assert after["M"]().to(torch.float64).w.dtype == torch.float64


def test_the_message_claims_a_dtype_mismatch_only_where_one_can_happen():
    """.double() breaks a float32 tensor that meets the module's dtype; not one that meets an input the
    forward cast to a fixed dtype first (x.float(), also through a reduction)."""
    from flake8_nnparam.detection import analyze

    source = textwrap.dedent(
        """\
        import torch
        from torch import nn


        class Binned(nn.Module):
            def __init__(self, n=3):
                super().__init__()
                self.n_bins = torch.ones(1, n) * 4
                self.edges = torch.linspace(0, 1, n)

            def forward(self, x):
                h = torch.sum(x.float(), dim=2)
                return torch.matmul(h, self.n_bins.t()), torch.cdist(x, self.edges[:, None])
        """
    )
    found = {f.attr: f.message for f in analyze(ast.parse(source), source)}
    assert "after model.to('cuda') it stays behind and this raises a device mismatch" in found["n_bins"]
    assert "or .double()" not in found["n_bins"]
    assert "after model.to('cuda') or .double() it stays behind" in found["edges"]  # x follows the module's dtype


@pytest.mark.parametrize("use, code", [
    ("nn.CrossEntropyLoss(weight=self.w)(self.lin(x), y)", "MPR002"),
    ("F.binary_cross_entropy_with_logits(self.lin(x), y, pos_weight=self.w)", "MPR002"),
    ("F.cross_entropy(self.lin(x), y, weight=self.w.to(x.device))", "MPR901"),  # moved at use: compensated
    ("self.lin(x) * self.w", None),  # a number as often as a tensor: no candidate
])
def test_an_unannotated_argument_handed_to_a_loss_as_its_weight_is_a_tensor(use, code):
    body = f"""
    class Head(nn.Module):
        def __init__(self, n, w=None):
            super().__init__()
            self.lin = nn.Linear(n, 3)
            self.w = w
        def forward(self, x, y):
            return {use}
    """
    assert decisions(body).get("w", (None,))[0] == code


def test_a_loss_built_with_the_argument_in_init_registers_it_there():
    body = """
    class Head(nn.Module):
        def __init__(self, n, w=None):
            super().__init__()
            self.lin = nn.Linear(n, 3)
            self.w = w
            self.loss = nn.CrossEntropyLoss(weight=self.w)
        def forward(self, x, y):
            return self.loss(self.lin(x), y)
    """
    assert "w" not in decisions(body)


@pytest.mark.parametrize("base, module", [
    ("from transformers import BertPreTrainedModel as Base", True),
    ("from transformers.models.bert.modeling_bert import BertLayer as Base", True),
    ("from transformers import RobertaForSequenceClassification as Base", True),
    ("from transformers import AutoModel as Base", False),  # a factory, never a base Module
    ("from transformers import TFBertModel as Base", False),  # Keras
    ("from transformers.modeling_outputs import SequenceClassifierOutput as Base", False),
])
def test_a_hugging_face_model_class_is_a_module_base(base, module):
    body = f"""
    {base}

    class Head(Base):
        def __init__(self, config):
            super().__init__(config)
            self.lin = nn.Linear(4, 4)
            self.mask = torch.ones(4)
        def forward(self, x):
            return self.lin(x) * self.mask
    """
    assert (decisions(body).get("mask", (None,))[0] == "MPR002") == module


@pytest.mark.parametrize("owner_registers, code, fix", [
    ('self.register_buffer("V", torch.ones(n))', "MPR002", "persistent=False"),  # the owner saves it
    ("self.V = nn.Parameter(torch.ones(n))", None, None),  # a Parameter registers itself in the child too
])
def test_a_childs_alias_of_its_owners_buffer_goes_stale(owner_registers, code, fix):
    body = f"""
    class Child(nn.Module):
        def __init__(self, V):
            super().__init__()
            self.V = V
        def forward(self, x):
            return x * self.V

    class Owner(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            {owner_registers}
            self.child = Child(self.V)
    """
    source = HEADER + textwrap.dedent(body)
    found = {c.attr: c for c in analyze_candidates(ast.parse(source)) if c.class_name == "Child"}
    assert (found["V"].decision.code if "V" in found else None) == code
    if fix:
        assert found["V"].decision.fields["persistent"] == ", persistent=False"


def test_a_class_that_overrides_setattr_decides_what_registers():
    body = """
    class Chain(nn.Module):
        def __setattr__(self, name, value):
            if isinstance(value, nn.Module):
                raise ValueError("wrap it within a single element list")
            super().__setattr__(name, value)

    class Adapter(Chain):
        def __init__(self):
            super().__init__()
            self._sub = [nn.Linear(3, 3)]
            self.scale = torch.ones(3)
        def forward(self, x):
            return self._sub[0](x) * self.scale
    """
    got = decisions(body)
    assert (got["_sub"][0], got["scale"][0]) == ("MPR905", "MPR905")
    assert "__setattr__" in got["_sub"][1]


def test_an_optimizer_keeps_the_tensors_it_is_given_it_computes_nothing():
    body = """
    class M(nn.Module):
        def __init__(self, learn=False):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.logvar = torch.zeros(3)
        def configure_optimizers(self):
            return torch.optim.AdamW(list(self.lin.parameters()) + [self.logvar])
    """
    assert decisions(body)["logvar"][0] != "MPR002"


def test_a_tensor_default_of_one_number_is_0_dim():
    body = """
    class LFO(nn.Module):
        def __init__(self, exponent: torch.Tensor = torch.tensor(2.718281828)):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.exponent = exponent
        def forward(self, x):
            return torch.pow(self.lin(x), self.exponent)
    """
    assert decisions(body)["exponent"][0] == "MPR902"


def test_bindings_in_an_if_else_before_an_unconditional_wrap_are_a_parameter():
    body = """
    class M(nn.Module):
        def __init__(self, n, alpha=None, multi=False):
            super().__init__()
            self.lin = nn.Linear(n, n)
            if alpha is None:
                if multi:
                    self.alpha0 = torch.Tensor([0] * n)
                else:
                    self.alpha0 = torch.Tensor([0])
                self.alpha0 = nn.Parameter(self.alpha0)
            else:
                self.alpha0 = torch.Tensor([alpha])
        def forward(self, x):
            return self.lin(x) * torch.sigmoid(self.alpha0)
    """
    source = HEADER + textwrap.dedent(body)
    lines = {c.line: c.decision.code for c in analyze_candidates(ast.parse(source)) if c.attr == "alpha0"}
    assert lines == {line_of(body, "torch.Tensor([alpha])"): "MPR002"}


@pytest.mark.parametrize("use, code", [
    ("device = self.scale.device\n            y = x.to(device) * self.scale\n            return y.to(x.device)", "MPR901"),
    ("return torch.inner(x.to(self.scale.dtype), self.scale.to(x.device))", "MPR901"),
    ("return torch.inner(x, self.scale.to(x.device))", "MPR002"),  # moved, not cast: .double() breaks it
])
def test_an_operand_sent_to_the_attributes_own_device_or_dtype_never_mismatches_it(use, code):
    body = f"""
    class M(nn.Module):
        def __init__(self, n=3):
            super().__init__()
            self.scale = torch.arange(n).float()
        def forward(self, x):
            {use}
    """
    assert decisions(body)["scale"][0] == code


def test_a_list_of_modules_looked_up_in_a_dict_of_activations_holds_no_state():
    body = """
    class MLP(nn.Module):
        def __init__(self, names):
            super().__init__()
            actives = {"relu": nn.ReLU(), "tanh": nn.Tanh()}
            self.hidden_active = []
            for name in names:
                self.hidden_active.append(actives[name])
        def forward(self, x):
            for act in self.hidden_active:
                x = act(x)
            return x
    """
    code, evidence, _ = decisions(body)["hidden_active"]
    assert code == "MPR907" and "parameter-free" in evidence


def test_a_numpy_grid_of_numbers_is_no_number():
    body = """
    import numpy as np

    class Pulse(nn.Module):
        def __init__(self, n_steps=100):
            super().__init__()
            self.amp = nn.Parameter(torch.ones(3))
            self.x_list = torch.tensor(np.arange(0.0, 1.0, 1.0 / n_steps))
            self.scale = torch.tensor(np.sqrt(2.0))
        def forward(self, x):
            return self.amp[0] * self.x_list + self.scale * x
    """
    got = decisions(body)
    assert (got["x_list"][0], got["scale"][0]) == ("MPR002", "MPR902")


@pytest.mark.parametrize("base, module", [
    ("from torchmetrics import Metric as Base", True),
    ("from torchmetrics.wrappers.abstract import WrapperMetric as Base", True),
    ("from torchmetrics.utilities.data import Base", False),
])
def test_a_torchmetrics_class_is_a_module_base(base, module):
    body = f"""
    {base}

    class Weighted(Base):
        def __init__(self, weights):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.weights = torch.tensor(weights)
        def compute(self):
            return self.lin.weight.sum(0) * self.weights
    """
    assert (decisions(body).get("weights", (None,))[0] == "MPR002") == module


def test_a_plain_tensor_re_bound_on_the_path_keeps_its_fix_at_the_first_binding():
    """Only a registering re-binding overwrites earlier ones; a plain one keeps the first binding reported,
    where registering it works (later assignments then update the buffer)."""
    from flake8_nnparam.detection.analyzer import analyze
    body = CASES["a tensor bound in a loop, then re-bound on the path"][0]
    source = HEADER + textwrap.dedent(body)
    first = line_of(body, "self.t = torch.ones(i + 1)")
    findings = [f for f in analyze(ast.parse(source), source) if f.code == "MPR002" and f.line == first]
    assert findings and findings[0].fix is not None and findings[0].fix.complete


def test_a_first_use_draw_is_told_to_draw_it_in_init_not_to_register_zeros():
    """A zero placeholder would never be replaced by ``if self.perm is None:`` (the draw's own no-fix reason)."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.perm = None
            def forward(self, x):
                if self.perm is None:
                    self.perm = torch.randperm(x.shape[-1])
                return x[..., self.perm]
        """
    )
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.code == "MPR002"]
    assert finding.fix is None
    assert "draw it in __init__" in finding.no_fix and "zeros" in finding.no_fix, finding.no_fix
    assert "register_buffer with torch.zeros" not in finding.message


def test_a_none_default_replaced_in_init_is_no_first_use_draw():
    """``if perm is None: perm = torch.randperm(n)`` before ``self.perm = perm``: construction stores a draw,
    so forward's defensive ``if self.perm is None:`` never runs and is no evidence of a first-use draw."""
    found = decisions(
        """
        class M(nn.Module):
            def __init__(self, n, perm=None):
                super().__init__()
                if perm is None:
                    perm = torch.randperm(n)
                self.perm = perm
            def forward(self, x):
                if self.perm is None:
                    self.perm = torch.randperm(x.shape[-1])
                return x[..., self.perm]
        """
    )
    assert not found["perm"][1].startswith("is drawn at random once"), found["perm"]


def test_every_branch_binding_a_helper_shuffles_is_a_random_draw():
    """Both branches' bindings hold the draw the helper leaves (the fix registers each, so ``reverse=True``
    saves its permutation too)."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self, n, reverse=False):
                super().__init__()
                self.n = n
                if reverse:
                    self.perm = torch.arange(n - 1, -1, -1)
                else:
                    self.perm = torch.arange(n)
                self.shuffle()
            def shuffle(self):
                self.perm = self.perm[torch.randperm(self.n)]
            def forward(self, x):
                return x[:, self.perm]
        """
    )
    found = [(c.line, c.decision.code, c.decision.evidence) for c in analyze_candidates(ast.parse(source))]
    assert len(found) == 2 and all(code == "MPR002" and "drawn at random" in ev for _, code, ev in found), found


def test_a_mask_drawn_in_place_at_construction_is_saved_by_its_fix():
    """``self.mask.bernoulli_(0.5)`` at construction: the fix registers a persistent buffer (a
    ``persistent=False`` one would let a loaded model draw another mask)."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.mask = torch.zeros(n)
                self.mask.bernoulli_(0.5)
            def forward(self, x):
                return x * self.mask
        """
    )
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.code == "MPR002"]
    assert "persistent=False" not in finding.message, finding.message


WRITTEN_THEN_READ = """
class M(nn.Module):
    def __init__(self, n, d):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.buf = torch.empty(n, d)
    def forward(self, x):
        {write}
        return self.proj(self.buf[: x.shape[0]])
"""


@pytest.mark.parametrize("write", [
    "self.buf[: x.shape[0]].copy_(x)",
    "self.buf[: x.shape[0]] = x",
    "self.buf.zero_()",
])
def test_a_workspace_written_before_every_read_is_saved_by_no_fix(write):
    """Overwritten in place and read only after the write, in the same method: the value a checkpoint would
    hold is never read. The finding is the device break, with a non-persistent buffer (a persistent one
    would add keys that released checkpoints lack)."""
    source = HEADER + WRITTEN_THEN_READ.format(write=write)
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "buf"]
    assert finding.code == "MPR002" and "lost on save and load" not in finding.message, finding.message
    assert "persistent=False" in finding.message and "passed to self.proj" in finding.message


@pytest.mark.parametrize("write, read", [
    ("self.buf.copy_(0.9 * self.buf + 0.1 * x)", ""),  # the write reads the old value (an average)
    ("self.buf[0] = self.buf[0] * 0.5", ""),
    ("", "y = self.buf.sum()"),  # read before the write: the value from the previous call matters
])
def test_a_tensor_whose_old_value_is_read_is_state_a_checkpoint_holds(write, read):
    source = HEADER + WRITTEN_THEN_READ.format(write="\n        ".join(filter(None, [read, write or "self.buf.copy_(x)"])))
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "buf"]
    assert finding.code == "MPR002" and "lost on save and load" in finding.message, finding.message
    assert "persistent=False" not in finding.message


def test_a_write_in_one_method_read_in_another_is_state():
    """Cluster centres copied in by an update step and read by forward: forward reads what the last update
    left, which a loaded model must have."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self, k, d):
                super().__init__()
                self.centers = torch.randn(k, d)
            def update(self, x):
                self.centers.copy_(x[: self.centers.shape[0]])
            def forward(self, x):
                return torch.cdist(x, self.centers)
        """
    )
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR002" and "lost on save and load" in finding.message, finding.message


def test_a_write_in_a_branch_leaves_the_read_after_it_reading_the_old_value():
    source = HEADER + WRITTEN_THEN_READ.format(write="if self.training:\n            self.buf.copy_(x)")
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "buf"]
    assert "lost on save and load" in finding.message, finding.message


SAVED_DEVICE_CLASS = """
class M(nn.Module):
    def __init__(self, device="cuda"):
        super().__init__()
        self.device = device
        self.model = nn.Linear(3, 3)
        self.mean = torch.tensor([0.48, 0.45, 0.40])
    def forward(self, x):
        {body}
"""


@pytest.mark.parametrize("body", [
    "return self.model(x) - self.mean.to(self.device)",  # meets the module's output: the saved device is no move
    "m = self.mean.to(self.device) * 2\n        return self.model(x) - m",
    "x = x.to(self.device) - self.mean.to(self.device)\n        return x + self.mean",  # a read of its own
    # with the input: bf16 minus the float32 constant promotes to float32, which the bf16 Linear rejects
    "x = x.to(self.device) - self.mean.to(self.device)\n        return self.model(x)",
])
def test_an_attribute_moved_to_a_saved_device_still_breaks_against_the_module(body):
    source = HEADER + SAVED_DEVICE_CLASS.format(body=body)
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "mean"]
    assert finding.code == "MPR002", finding.message


TIED_DEFAULT = """
class Head(nn.Module):
    def __init__(self, d, k, weight: torch.Tensor | None = None):
        super().__init__()
        if weight is None:
            weight = {default}
        self.weight = weight
    def forward(self, x):
        return F.linear(x, self.weight)
"""


def test_an_argument_whose_default_is_a_parameter_is_the_parameter_a_caller_ties():
    """``if weight is None: weight = nn.Linear(d, k).weight``: a caller passes the Parameter it ties (an
    embedding's weight), which registers itself like the default does."""
    source = HEADER + TIED_DEFAULT.format(default="nn.Linear(d, k, bias=False).weight")
    assert analyze(ast.parse(source), source=source) == []


@pytest.mark.parametrize("default", ["torch.ones(k, d)", "torch.randn(k, d) * 0.02"])
def test_an_argument_whose_default_is_a_plain_tensor_is_still_reported(default):
    source = HEADER + TIED_DEFAULT.format(default=default)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.attr == "weight" and finding.code in ("MPR001", "MPR002"), finding.message


HANDED = """
class Block(nn.Module):
    def __init__(self, A):
        super().__init__()
        self.A = A
    def forward(self, x):
        return self.A @ x
class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.A = torch.ones(3, 3, requires_grad=True)
        {keep}
    def forward(self, x):
        return self.b(x)
"""


@pytest.mark.parametrize("keep", [
    "self.b = Block(A=self.A)",
    "self.b = nn.Sequential(Block(self.A))",
    "self.b = nn.ModuleList()\n        self.b.append(Block(self.A))",
])
def test_a_tensor_handed_to_a_sub_module_construction_keeps_is_read(keep):
    """The owner builds it and gives it to a block it keeps: the block reads it in forward, so it is not
    'never read after construction'; with requires_grad=True it is never trained (MPR001)."""
    source = HEADER + HANDED.format(keep=keep)
    line = source.splitlines().index("        self.A = torch.ones(3, 3, requires_grad=True)") + 1
    codes = {f.code for f in analyze(ast.parse(source), source=source) if f.line == line}
    assert codes == {"MPR001"}, codes


def test_a_tensor_only_initialised_or_measured_at_construction_is_still_unused():
    source = HEADER + HANDED.format(keep="self.b = nn.Linear(self.A.size(0), 3)\n        nn.init.ones_(self.A)")
    line = source.splitlines().index("        self.A = torch.ones(3, 3, requires_grad=True)") + 1
    codes = {f.code for f in analyze(ast.parse(source), source=source) if f.line == line}
    assert codes == {"MPR906"}, codes


MOVED_AT_USE = """
class M(nn.Module):
    def __init__(self, n=8, d=4):
        super().__init__()
        self.wk = nn.Linear(d, d)
        self.c = torch.zeros(1, n, d)
    def forward(self, x, pos):
        k = self.wk(x)
        self.c = self.c.to(k)
        {body}
"""


def test_a_key_cache_moved_at_use_then_written_and_read_is_no_checkpoint_state():
    """llama's reference attention: the cache follows the activations by re-binding, is written at the new
    positions and read with them. The move carries the content, it does not consume it: no 'lost on save
    and load', and the move compensates the device (default-off MPR901)."""
    body = "self.c[:, pos : pos + x.shape[1]] = k\n        return x @ self.c[:, : pos + x.shape[1]].transpose(1, 2)"
    source = HEADER + MOVED_AT_USE.format(body=body)
    assert [f.code for f in analyze(ast.parse(source), source=source)] == ["MPR901"]


def test_a_running_statistic_moved_at_use_is_still_state():
    body = "self.c.mul_(0.9).add_(k.mean(0))\n        return x - self.c"
    source = HEADER + MOVED_AT_USE.format(body=body)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR002" and "lost on save and load" in finding.message, finding.message


@pytest.mark.parametrize("first", ["np.array([1.0, 0.0, 1.0])", "np.load(path)"])
def test_a_first_binding_that_is_no_tensor_gets_advice_that_registers_the_tensor(first):
    """``self.m = np.array(...)`` then ``self.m = torch.as_tensor(self.m)``: registering at the first
    binding (the usual advice) would raise TypeError; the advice is to register the tensor where it is made."""
    source = "import numpy as np\n" + HEADER + textwrap.dedent(
        f"""
        class M(nn.Module):
            def __init__(self, path="mask.npy"):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                self.m = {first}
                self.m = torch.as_tensor(self.m).float()
            def forward(self, x):
                return self.proj(x) * self.m
        """
    )
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.fix is None and "not a tensor" in finding.message and "register the tensor once, here" in finding.message


@pytest.mark.parametrize("body", [
    "self.q[self.ptr : self.ptr + x.shape[0]] = x.detach()\n        return x @ self.q.T",  # a queue read whole
    "self.q[0] = x.mean(0).detach()\n        return x - self.q.mean(0)",  # a window written at one place
    "try:\n            y = x * 2\n        except RuntimeError:\n            self.q.zero_()\n            raise\n"
    "        self.q += y.mean(0).detach()\n        return y - self.q",  # a reset that may not run
    "self.q.zero_() if x.sum() > 0 else None\n        self.q += x.mean(0).detach()\n        return x - self.q",
])
def test_a_partial_or_conditional_write_leaves_the_tensor_state(body):
    """Written at some rows, or reset only sometimes, then read whole: the read sees what earlier calls
    left, which a checkpoint must hold (review 11: queues, windows, accumulators)."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self, n=8, d=4):
                super().__init__()
                self.proj = nn.Linear(d, d)
                self.q = torch.zeros(n, d)
                self.ptr = 0
            def forward(self, x):
                {body}
        """
    ).format(body=body)
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "q"]
    assert finding.code == "MPR002" and "lost on save and load" in finding.message, finding.message


def test_a_shape_read_before_the_write_is_no_read_of_the_old_value():
    source = HEADER + WRITTEN_THEN_READ.format(
        write="n = min(x.shape[0], self.buf.size(0), self.buf.shape[0])\n        self.buf[: x.shape[0]].copy_(x)"
    )
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "buf"]
    assert "lost on save and load" not in finding.message and "persistent=False" in finding.message, finding.message


@pytest.mark.parametrize("before", ["weight = weight.t() if weight is not None else None",
                                    "if weight is not None:\n            weight = weight.detach().clone()"])
def test_a_tied_default_does_not_excuse_a_value_derived_from_the_argument(before):
    source = HEADER + textwrap.dedent(
        """
        class Head(nn.Module):
            def __init__(self, d, k, weight: torch.Tensor | None = None):
                super().__init__()
                {before}
                if weight is None:
                    weight = nn.Linear(d, k, bias=False).weight
                self.weight = weight
            def forward(self, x):
                return F.linear(x, self.weight)
        """
    ).format(before=before)
    assert [f.attr for f in analyze(ast.parse(source), source=source)] == ["weight"]


def test_a_tied_default_does_not_excuse_a_buffer_an_in_file_owner_passes():
    source = HEADER + TIED_DEFAULT.format(default="nn.Linear(d, k, bias=False).weight") + textwrap.dedent(
        """
        class Owner(nn.Module):
            def __init__(self):
                super().__init__()
                self.register_buffer("table", torch.randn(8, 4))
                self.head = Head(4, 8, weight=self.table)
            def forward(self, x):
                return self.head(x)
        """
    )
    assert [f.attr for f in analyze(ast.parse(source), source=source)] == ["weight"]


def test_a_first_binding_unpacked_from_a_tuple_keeps_the_usual_advice():
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self, Q, p):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                self.Q, self.p = Q, p
                self.Q = torch.as_tensor(self.Q).float()
            def forward(self, x):
                return self.proj(x) * self.Q
        """
    )
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "Q"]
    assert "not a tensor" not in finding.message and "already bound at line" in finding.message, finding.message


HELPER_WRITES = """
class M(nn.Module):
    def __init__(self, n=8, d=4):
        super().__init__()
        self.proj = nn.Linear(d, d)
        self.buf = torch.zeros(n, d)
    def forward(self, x):
        {forward}
    def _stage(self, x):
        self.buf.copy_(x)
    def _use(self):
        return self.proj(self.buf)
    def evaluate(self):
        {evaluate}
"""


@pytest.mark.parametrize("forward, evaluate, state", [
    ("self._stage(x)\n        return self.proj(self.buf) + self._use()", "return None", False),  # forward reads too
    ("self._stage(x)\n        return self._use()", "return None", False),  # a helper writes, another reads
    # the same helper, memoised from forward's call: evaluate reads what the last forward left
    ("self._stage(x)\n        return self._use()", "return self._use()", True),
    ("y = self._use()\n        self._stage(x)\n        return y", "return None", True),  # read before the write
    # a second method makes the same helper call: answered from the memo, with what the helper overwrote
    ("self._stage(self.proj.weight)\n        return self._use()", "self._stage(self.proj.weight)\n        return self._use()",
     False),
])
def test_writes_and_reads_through_helpers_follow_the_call_order(forward, evaluate, state):
    """The use evaluation walks a helper's body at its call with what the caller overwrote so far, and
    carries back what the helper overwrote; a memoised helper call gives the same answer again."""
    source = HEADER + HELPER_WRITES.format(forward=forward, evaluate=evaluate)
    (finding,) = [f for f in analyze(ast.parse(source), source=source) if f.attr == "buf"]
    assert ("lost on save and load" in finding.message) is state, finding.message


@pytest.mark.parametrize("store", ["self.by_name[n] = m", "self.by_name.update({n: m})", "self.in_order.append(m)"])
def test_a_module_appended_to_a_registered_list_is_only_aliased_by_a_plain_index(store):
    """``self.layers.append(m)`` into an ``nn.ModuleList`` registers ``m``; a plain dict or list that also
    holds it (an index by name) loses nothing: parameters(), state_dict() and .to() reach it through the list."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = nn.ModuleList()
                self.by_name = {{}}
                self.in_order = []
                for n in ("a", "b"):
                    m = nn.Linear(2, 2)
                    self.layers.append(m)
                    {store}
            def forward(self, x):
                return self.by_name["a"](x) + self.in_order[0](x)
        """
    ).format(store=store)
    assert [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")] == []


def test_a_module_appended_to_a_plain_list_is_still_reported():
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.layers = []
                self.by_name = {}
                for n in ("a", "b"):
                    m = nn.Linear(2, 2)
                    self.layers.append(m)
                    self.by_name[n] = m
            def forward(self, x):
                return self.by_name["a"](x) + self.layers[0](x)
        """
    )
    assert sorted(f.attr for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")) == ["by_name", "layers"]


@pytest.mark.parametrize("mover, code", [
    ("def set_device(self, device):\n        self.alpha = self.alpha.to(device)", "MPR908"),  # the class's own mover
    ("def set_device(self, device):\n        self.alpha = self.alpha.cuda(device)", "MPR908"),
    ("def half_precision(self):\n        self.alpha = self.alpha.to(torch.float16)", "MPR002"),  # no device it is told
    ("def touch(self, device):\n        return self.alpha.to(device)", "MPR002"),  # moves a copy, keeps the attribute
])
def test_a_tensor_the_class_moves_to_a_device_it_is_told_is_placed_by_design(mover, code):
    """``set_device(self, device)`` re-binding the tensor to ``.to(device)``: the class manages its placement
    (its flows call the mover), like a tensor built on a configured device: default-off MPR908."""
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.alpha = torch.ones(3)
            {mover}
            def forward(self, x):
                return self.lin(x) * self.alpha
        """
    ).format(mover=mover)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == code, finding.message


def test_a_tensor_moved_to_the_device_a_mover_stores_is_placed_by_design():
    source = HEADER + textwrap.dedent(
        """
        class M(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.alpha = torch.ones(3)
            def set_device(self, device):
                self.device = device
                self.lin = self.lin.to(self.device)
                self.alpha = self.alpha.to(self.device)
            def forward(self, x):
                return self.lin(x) * self.alpha
        """
    )
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR908", finding.message


@pytest.mark.parametrize("table, code", [
    ("torch.linspace(1, 8, 4)", None),  # 1-D: each element is a 0-dim value, which mixes with any device
    ("2 ** torch.linspace(0, 3, 4)", None),  # NeRF's frequency bands: elementwise with a number, still 1-D
    ("torch.linspace(0, 3, 4) * torch.ones(4, 3)", "MPR002"),  # broadcast with a 2-D tensor: rows
    ("torch.tensor([1.0, 2.0, 4.0])", None),
    ("torch.ones(4, 3)", "MPR002"),  # 2-D: each element is a row, a real tensor operand
])
def test_iterating_a_1d_table_gives_0_dim_values(table, code):
    source = HEADER + textwrap.dedent(
        """
        class Embedding(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                self.freq_bands = {table}
            def forward(self, x):
                out = [x]
                for freq in self.freq_bands:
                    out.append(torch.sin(freq * self.proj(x)))
                return torch.cat(out, 1)
        """
    ).format(table=table)
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code] if code else []), codes


@pytest.mark.parametrize("forward, code", [
    # robustbench's normalising wrappers: the CUDA branch uses moved copies, the other meets a CPU input
    ("if x.is_cuda:\n    x = (x - self.mean.cuda()) / self.std.cuda()\nelse:\n    x = (x - self.mean) / self.std", None),
    ("if not x.is_cuda:\n    x = (x - self.mean) / self.std", None),
    ("if x.device.type == 'cpu':\n    x = (x - self.mean) / self.std", None),
    ("if str(x.device) != 'cpu':\n    x = x.cuda()\nelse:\n    x = (x - self.mean) / self.std", None),
    ("if x.device == torch.device('cuda'):\n    x = x * 2\nelse:\n    x = (x - self.mean) / self.std", None),
    # the CUDA branch meets the plain tensor: the mismatch the move causes
    ("if x.is_cuda:\n    x = (x - self.mean) / self.std", "MPR002"),
    ("if x.device.type != 'cpu':\n    x = (x - self.mean) / self.std", "MPR002"),
    # a test of something else is no placement
    ("if x.is_contiguous():\n    x = (x - self.mean) / self.std", "MPR002"),
])
def test_a_use_only_where_the_input_is_on_the_cpu_is_placed(forward, code):
    source = HEADER + textwrap.dedent(
        """
        class Normalized(nn.Module):
            def __init__(self):
                super().__init__()
                self.conv = nn.Conv2d(3, 3, 1)
                self.mean = torch.tensor([0.5, 0.5, 0.5]).view(3, 1, 1)
                self.std = torch.tensor([0.2, 0.2, 0.2]).view(3, 1, 1)
            def forward(self, x):
        {forward}
                return self.conv(x)
        """
    ).format(forward=textwrap.indent(forward, " " * 8))
    codes = sorted({f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")})
    assert codes == ([code] if code else []), codes


_TEST_MODEL = HEADER + textwrap.dedent(
    """
    class AddConst(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.const = torch.ones(3)
        def forward(self, x):
            return self.lin(x) + self.const


    def test_export():
        m = AddConst().eval()
        {body}
    """
)


@pytest.mark.parametrize("filename, body, code", [
    # a test model only exported or called on the CPU: the consequence never happens (executorch's op tests)
    ("tests/test_export.py", "torch.export.export(m, (torch.randn(2, 3).to(torch.float32),))", "MPR907"),
    ("pkg/backends/test/ops/models.py", "m(torch.randn(2, 3))", "MPR907"),
    ("test_ops.py", "m(torch.randn(2, 3).to(dtype=torch.float16))", "MPR907"),  # a dtype cast of an input
    ("ops_test.py", "m(torch.randn(2, 3))", "MPR907"),
    ("conftest.py", "m(torch.randn(2, 3))", "MPR907"),
    ("tests/test_export.py", "m(torch.randn(2, 3).to(self.dtype[0]))", "MPR907"),  # a dtype from a table
    ("tests/test_export.py", "AddConst().to(memory_format=torch.channels_last)", "MPR907"),  # a layout only
    ("tests/test_export.py", "torch.export.save(torch.export.export(m, (x,)), 'm.pt2')", "MPR907"),  # a program
    ("xformers/benchmarks/benchmark_sp24.py", "m(torch.randn(2, 3))", "MPR907"),  # a benchmark drives its own
    ("tests/test_export.py", 'AddConst().to(torch.device("cpu")).eval()', "MPR907"),  # the CPU it runs on anyway
    ("tests/test_export.py", 'm.to("cpu")', "MPR907"),
    ("tests/test_export.py", 'm.to("cpu", torch.float64)', "MPR002"),  # a cast too
    ("tests/test_export.py", "m(torch.randn(2, 3))\n\nclass Harness:\n    def __init__(self):\n"
     "        self.model = AddConst().cuda()", "MPR002"),  # a harness moving the file's model in __init__
    ("tests/test_export.py", "AddConst().load_state_dict(m.state_dict(), strict=False)", "MPR907"),  # a copy
    ("tests/test_export.py", "AddConst().load_state_dict(torch.load('m.pt'))", "MPR002"),  # a checkpoint read
    # a class of the file placing its own parts at construction is not a test moving a module (qmctorch)
    ("tests/test_export.py", "m(torch.randn(2, 3))\n\nclass Placed:\n    def __init__(self, d):\n"
     "        self.w = torch.ones(3).to(d)", "MPR907"),
    ("tests/test_export.py", "m(torch.randn(2, 3))\n\nclass Placed:\n    def __init__(self, d):\n"
     "        self.to(d)", "MPR002"),  # construction moving the instance itself
    ("tests/test_export.py", "m(torch.randn(2, 3))\n\nclass T:\n    def setUp(self):\n        self.m = AddConst().cuda()",
     "MPR002"),  # a TestCase moving the model it tests
    # the test file moves, casts, saves or trains a module: it meets the consequence
    ("tests/test_export.py", "m.cuda()", "MPR002"),
    ("tests/test_export.py", "m(torch.randn(2, 3).to(device))", "MPR002"),  # inputs on a device: the model too
    ("tests/test_export.py", "m.to(torch.float64)", "MPR002"),  # an instance of the file's class cast
    ("tests/test_export.py", "AddConst().to(torch.half)", "MPR002"),
    ("tests/test_export.py", "torch.save(m.state_dict(), 'm.pt')", "MPR002"),
    ("tests/test_export.py", "torch.save(m, 'm.pt')", "MPR002"),
    ("tests/test_export.py", "torch.optim.SGD(m.parameters(), lr=0.1)", "MPR002"),
    # not test code: a library's class meets users the file does not show
    ("pkg/models.py", "m(torch.randn(2, 3))", "MPR002"),
    ("pkg/contest.py", "m(torch.randn(2, 3))", "MPR002"),
    ("/tmp/pytest-of-me/test_lint0/model.py", "m(torch.randn(2, 3))", "MPR002"),  # above the project root
    ("test_repo/pkg/model.py", "m(torch.randn(2, 3))", "MPR002"),  # a checkout named test_*, not test code
    (None, "m(torch.randn(2, 3))", "MPR002"),
])
def test_a_module_its_test_file_never_moves_meets_no_consequence(filename, body, code):
    source = _TEST_MODEL.format(body=body)
    findings = analyze(ast.parse(source), source=source, filename=filename)
    assert [f.code for f in findings] == [code], [f.message for f in findings]
    if code == "MPR907":
        assert "a test module" in findings[0].message


@pytest.mark.parametrize("binding, code", [
    # a fresh Parameter is contiguous and float32: these return the Parameter itself (ipex-llm, lightning-uq-box)
    ("nn.Parameter(w, requires_grad=False).contiguous()", None),
    ("nn.Parameter(w, requires_grad=False).float()", None),
    ("nn.Parameter(w).contiguous()", None),
    # a move or another cast returns a copy: without grad it is a plain tensor forward uses (a buffer)
    ("nn.Parameter(w, requires_grad=False).cuda()", "MPR002"),
    ("nn.Parameter(w, requires_grad=False).double()", "MPR002"),
    ("nn.Parameter(w).double()", "MPR001"),
    ("nn.Parameter(w.double()).float()", "MPR001"),  # made float64: .float() copies
    ("nn.Parameter(torch.zeros(4, 4, dtype=torch.float16) + 1).float()", "MPR001"),
])
def test_a_parameter_call_that_returns_itself_stays_a_parameter(binding, code):
    source = HEADER + textwrap.dedent(
        """
        class Linear(nn.Module):
            def __init__(self, w: torch.Tensor):
                super().__init__()
                self.weight = {binding}
            def forward(self, x):
                return F.linear(x, self.weight)
        """
    ).format(binding=binding)
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code] if code else []), codes


@pytest.mark.parametrize("other, code", [
    ("nn.Parameter(torch.zeros(4, 8))", "MPR907"),  # archai's Transformer-XL: shared r_w_bias when given
    ("torch.zeros(4, 8)", "MPR002"),  # a plain default: nothing says the caller passes a Parameter
])
def test_an_argument_whose_other_branch_is_a_parameter_is_the_callers_parameter(other, code):
    source = HEADER + textwrap.dedent(
        """
        from typing import Optional

        class Attention(nn.Module):
            def __init__(self, r_w_bias: Optional[torch.Tensor] = None):
                super().__init__()
                self.qkv = nn.Linear(8, 8)
                if r_w_bias is None:
                    self.r_w_bias = {other}
                else:
                    self.r_w_bias = r_w_bias
            def forward(self, x):
                return self.qkv(x) + self.r_w_bias
        """
    ).format(other=other)
    found = {f.line: f.code for f in analyze(ast.parse(source), source=source)}
    line = next(i for i, text in enumerate(source.splitlines(), 1) if "self.r_w_bias = r_w_bias" in text)
    assert found.get(line) == code, found


@pytest.mark.parametrize("table, use, code", [
    # ptlflow's multi-scale loss weights: a 1-D table built over range(), read element by element
    ("torch.FloatTensor([(w / 2 ** s) for s in range(4)])", "for i, p in enumerate(x):\n    out = out + self.table[i] * p", None),
    # neuralhydrology's per-target weights, iterated with enumerate
    ("torch.tensor([1 / n for _ in range(n)])", "for i, weight in enumerate(self.table):\n    out = out + weight * x[i]", None),
    ("torch.tensor([1.0, 2.0])", "for i, weight in enumerate(self.table):\n    out = out + weight * x[i]", None),
    # a 2-D table's rows are tensors: they break
    ("torch.ones(4, 3)", "for i, row in enumerate(self.table):\n    out = out + row * x[i]", "MPR002"),
    # a comprehension over something else may hold sequences: not known 1-D
    ("torch.tensor([w for w in ws])", "for i, p in enumerate(x):\n    out = out + self.table[i] * p", "MPR002"),
    # one size that is a number (set ZC's per-class Dice weights, torch.ones(classes)), read at an int
    ("torch.ones(n)", "for i, p in enumerate(x):\n    out = out + self.table[i] * p", None),
    ("torch.ones(len(ws))", "for i in range(1, 3):\n    out = out + self.table[i - 1] * x[i]", None),
    ("torch.full((n,), 0.5)", "for c in range(n):\n    out = out + self.table[c] * x[c]", None),
    # a shape that may hold several sizes: rows of it are tensors
    ("torch.ones(ws)", "for i, p in enumerate(x):\n    out = out + self.table[i] * p", "MPR002"),
    # bins of a 1-D table, sliced and iterated in step (set Z's calibration loss, zip of lowers and uppers)
    ("torch.linspace(0, 1, 5)[:-1]", "for lo, p in zip(self.table, x):\n    out = out + (p > lo) * p", None),
    ("torch.ones(4, 3)[:-1]", "for row, p in zip(self.table, x):\n    out = out + row * p", "MPR002"),
])
def test_elements_of_a_1d_table_from_a_comprehension_or_enumerate_are_0_dim(table, use, code):
    source = HEADER + textwrap.dedent(
        """
        class Loss(nn.Module):
            def __init__(self, w=1.0, n=4, ws=()):
                super().__init__()
                self.proj = nn.Linear(3, 3)
                self.table = {table}
            def forward(self, x):
                x = self.proj(x)
                out = 0
        {use}
                return out
        """
    ).format(table=table, use=textwrap.indent(use, " " * 8))
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code] if code else []), codes


def test_directories_above_the_project_root_do_not_make_test_code(tmp_path):
    """A project kept in ``~/tests/proj`` is not test code; its own ``tests/`` directory is."""
    project = tmp_path / "tests" / "proj"
    (project / "tests").mkdir(parents=True)
    (project / "pyproject.toml").write_text("")
    source = _TEST_MODEL.format(body="m(torch.randn(2, 3))")
    (project / "model.py").write_text(source)
    (project / "tests" / "helpers.py").write_text(source)
    assert [f.code for f in analyze(ast.parse(source), source=source, filename=str(project / "model.py"))] == ["MPR002"]
    in_tests = analyze(ast.parse(source), source=source, filename=str(project / "tests" / "helpers.py"))
    assert [f.code for f in in_tests] == ["MPR907"]


@pytest.mark.parametrize("made, code", [
    ('torch.zeros(8, device="cpu")', "MPR908"),  # vllm's host-side expert scales, updated in place
    ('torch.zeros(8, device=torch.device("cpu"))', "MPR908"),
    ("torch.zeros(8, pin_memory=True)", "MPR908"),  # pinned host staging
    ('torch.zeros(8).to("cpu")', "MPR908"),
    ("torch.zeros(8)", "MPR002"),  # the default device: nothing says where it is meant to live
    ('torch.zeros(8, device="cuda")', "MPR002"),  # hard-coded CUDA is no placement: .to() still leaves it
])
def test_a_tensor_made_on_the_cpu_explicitly_is_placed_on_purpose(made, code):
    source = HEADER + textwrap.dedent(
        """
        class Experts(nn.Module):
            def __init__(self):
                super().__init__()
                self.proj = nn.Linear(8, 8)
                self.scales = {made}
            def record(self, i, s):
                self.scales[i] = torch.maximum(self.scales[i], s)
            def forward(self, x):
                return self.proj(x) * self.scales
        """
    ).format(made=made)
    codes = [f.code for f in analyze(ast.parse(source), source=source)]
    assert codes == [code], codes


def test_a_name_nn_module_defines_gets_no_fix():
    """executorch's ``self.modules = [...]``: as an nn.ModuleList it lands in _modules and ``self.modules`` is the
    method again (the constructor's ``zip(self.modules, ...)`` raises); register_buffer("to", ...) raises."""
    torch = pytest.importorskip("torch")
    source = HEADER + textwrap.dedent(
        """
        class Composite(nn.Module):
            def __init__(self):
                super().__init__()
                self.modules = [nn.Linear(3, 3), nn.Linear(3, 3)]
                self.to = torch.ones(3)
            def forward(self, x):
                for m in self.modules:
                    x = m(x)
                return x * self.to
        """
    )
    findings = {f.attr: f for f in analyze(ast.parse(source), source=source)}
    assert {a: f.code for a, f in findings.items()} == {"modules": "MPR003", "to": "MPR002"}
    for attr, finding in findings.items():
        assert finding.fix is None and f"shadows nn.Module.{attr}" in finding.message, finding.message
    module = torch.nn.Module()
    with pytest.raises(KeyError, match="already exists"):
        module.register_buffer("to", torch.ones(3))
    module.modules = torch.nn.ModuleList([torch.nn.Linear(3, 3)])
    assert callable(module.modules) and not isinstance(module.modules, torch.nn.ModuleList)


@pytest.mark.parametrize("layers, code", [
    ("[nn.Linear(4, 4) for _ in range(3)]", "MPR003"),  # openhgnn's DHNE: moved at use, never trained
    ("[nn.Dropout(0.1) for _ in range(3)]", "MPR003"),  # moved at use, but .eval() never reaches them
    ("[nn.ReLU() for _ in range(3)]", None),  # nothing to train, save or switch
])
def test_modules_the_class_moves_itself_are_still_missed_by_parameters(layers, code):
    source = HEADER + textwrap.dedent(
        """
        class AutoEncoder(nn.Module):
            def __init__(self, device):
                super().__init__()
                self.device = device
                self.layers = {layers}
                self.out = nn.Linear(4, 1)
            def forward(self, x):
                for i in range(3):
                    x = self.layers[i].to(self.device)(x.to(self.device))
                return self.out(x)
        """
    ).format(layers=layers)
    findings = [f for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert [f.code for f in findings] == ([code] if code else []), [f.message for f in findings]
    if code and "Linear" in layers:
        assert "never trains them" in findings[0].message and ".to() miss" not in findings[0].message


def test_a_list_whose_modules_a_sequential_registers_through_a_local_is_an_alias():
    """FrEIA's i-ResNet block: the layers also go into an nn.Sequential through a local (interleaved with ELUs),
    so parameters() and state_dict() hold them; the list is only an alias."""
    source = HEADER + textwrap.dedent(
        """
        class IResNetBlock(nn.Module):
            def __init__(self, n, device):
                super().__init__()
                self.device = device
                self.layers = [nn.Linear(n, n) for _ in range(3)]
                elus = [nn.ELU() for _ in range(3)]
                module_list = sum(zip(self.layers, elus), ())[:-1]
                self.residual = nn.Sequential(*module_list)
            def correct(self):
                for i in range(len(self.layers)):
                    self.layers[i].weight.data *= 0.9
            def forward(self, x):
                return x + self.residual(x.to(self.device))
        """
    )
    assert [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")] == []


@pytest.mark.parametrize("construction, code", [
    # kornia's DeDoDe: "ugly hack to not show parameters to DDP", a frozen DINOv2 in a one-element list
    ("backbone = nn.Linear(4, 4).eval()\nself.backbone = [backbone]", None),
    ("self.backbone = [teacher]", None),  # a teacher given by the caller, kept out of the student's parameters
    # a list built with its layers, or one the class grows, is a container of layers
    ("self.backbone = [nn.Linear(4, 4)]", "MPR003"),
    ("backbone = nn.Linear(4, 4)\nself.backbone = [backbone]\nself.backbone.append(nn.Linear(4, 4))", "MPR003"),
    ("a, b = nn.Linear(4, 4), nn.Linear(4, 4)\nself.backbone = [a, b]", "MPR003"),
])
def test_a_one_element_list_around_a_module_hides_it_on_purpose(construction, code):
    source = HEADER + textwrap.dedent(
        """
        class Encoder(nn.Module):
            def __init__(self, teacher=None):
                super().__init__()
                self.head = nn.Linear(4, 4)
        {construction}
            def forward(self, x):
                return self.head(self.backbone[0](x))
        """
    ).format(construction=textwrap.indent(construction, " " * 8))
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code] if code else []), codes


@pytest.mark.parametrize("told, code", [
    ('torch.device("cuda:%d" % gpu_id)', "MPR908"),  # openhgnn's SkipGram.set_device(self, gpu_id)
    ('f"cuda:{gpu_id}"', "MPR908"),
    ("torch.device(gpu_id)", "MPR908"),
    ('torch.device("cuda:0")', "MPR002"),  # a hard-coded device is not the one the method is told
])
def test_a_mover_told_a_device_number_places_by_design(told, code):
    source = HEADER + textwrap.dedent(
        """
        class SkipGram(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.table = torch.ones(3)
            def set_device(self, gpu_id):
                self.device = {told}
                self.table = self.table.to(self.device)
            def forward(self, x):
                return self.lin(x) * self.table
        """
    ).format(told=told)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == code, finding.message


@pytest.mark.parametrize("member, base, code", [
    # a project activation with a threshold: nothing for parameters() or state_dict() to miss
    ("self.threshold = threshold", "nn.Module", None),
    ("self.act = nn.Hardtanh(-1, 1)", "nn.Module", None),
    ("self.drop = nn.Dropout(0.1)", "nn.Module", "MPR003"),  # .eval() never reaches the dropout
    ("self.scale = nn.Parameter(torch.ones(1))", "nn.Module", "MPR003"),
    ("self.register_buffer('b', torch.ones(1))", "nn.Module", "MPR003"),
    ("self.inner = inner", "nn.Module", "MPR003"),  # an argument that may be a module with weights
    ("self.loss = nn.CrossEntropyLoss(class_weights)", "nn.Module", "MPR003"),  # a weight by position
    ("self.threshold = threshold", "SomeBase", "MPR003"),  # a base the file does not show
])
def test_a_list_of_project_modules_that_hold_nothing_loses_nothing(member, base, code):
    source = HEADER + textwrap.dedent(
        """
        class CustomRelu({base}):
            def __init__(self, threshold=0.0, inner=None, class_weights=None):
                super().__init__()
                {member}
            def forward(self, x):
                return torch.clamp(x, min=0.0)


        class Post(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.fns = [CustomRelu(0.5) for _ in range(n)]
            def forward(self, x):
                for f in self.fns:
                    x = f(x)
                return x
        """
    ).format(member=member, base=base)
    found = [f for f in analyze(ast.parse(source), source=source, extra_bases=frozenset({"SomeBase"}))
             if f.attr == "fns" and not f.code.startswith("MPR9")]
    assert [f.code for f in found] == ([code] if code else []), [f.message for f in found]


@pytest.mark.parametrize("elements, fixed", [
    ("[nn.Linear(3, 3), 0.5]", False),  # anemoi's postprocessors: modules, functions and floats together
    ("[nn.Linear(3, 3), F.relu]", False),
    ("[nn.Linear(3, 3), lambda x: x]", False),
    ("[nn.Linear(3, 3), nn.ReLU()]", True),
])
def test_a_list_that_also_holds_non_modules_gets_no_module_list_fix(elements, fixed):
    torch = pytest.importorskip("torch")
    source = HEADER + textwrap.dedent(
        """
        class Post(nn.Module):
            def __init__(self):
                super().__init__()
                self.fns = {elements}
            def forward(self, x):
                return self.fns[0](x)
        """
    ).format(elements=elements)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR003"
    assert (finding.fix is not None) == fixed, finding.message
    if not fixed:
        assert "TypeError" in finding.message
        namespace = {"torch": torch, "nn": torch.nn, "F": torch.nn.functional}
        with pytest.raises(TypeError):
            torch.nn.ModuleList(eval(elements, namespace))  # the reason is true


@pytest.mark.parametrize("register, code", [
    # hanlp's VariationalLSTM: nn.LSTM-style names for each cell's Parameters, set on the class itself
    ("for name, param in zip(names, params):\n    setattr(self, name, param)", None),
    ("for name, param in zip(names, params):\n    print(name, param.shape)", "MPR003"),  # only printed
])
def test_parameters_of_list_elements_registered_by_name_register_the_list(register, code):
    source = HEADER + textwrap.dedent(
        """
        class VariationalLSTM(nn.Module):
            def __init__(self, n, layers):
                super().__init__()
                self.fcells = []
                self.bcells = []
                for layer in range(layers):
                    self.fcells.append(nn.LSTMCell(n, n))
                    self.bcells.append(nn.LSTMCell(n, n))
                for layer in range(layers):
                    params = (self.fcells[layer].weight_ih, self.fcells[layer].weight_hh)
                    names = [f"weight_ih_l{{layer}}", f"weight_hh_l{{layer}}"]
        {register}
                    params = (self.bcells[layer].weight_ih, self.bcells[layer].weight_hh)
                    names = [f"weight_ih_l{{layer}}_reverse", f"weight_hh_l{{layer}}_reverse"]
        {register}
            def forward(self, x):
                return self.fcells[0](x)[0] + self.bcells[0](x)[0]
        """
    ).format(register=textwrap.indent(register, " " * 12))
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code, code] if code else []), codes


def test_a_tensor_returned_by_forward_is_said_to_be_returned_left_behind():
    """Nothing raises inside forward: the message says the output is left behind (executorch's judging)."""
    source = HEADER + textwrap.dedent(
        """
        class Table(nn.Module):
            def __init__(self):
                super().__init__()
                self.table = torch.arange(6).view(2, 3)
            def forward(self):
                return self.table
        """
    )
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR002"
    assert "forward returns it there" in finding.message and "this raises" not in finding.message, finding.message


@pytest.mark.parametrize("made, code", [
    # xtuner's rotary embedding: t is made in inv_freq's own dtype, so the einsum never mixes dtypes
    ("torch.arange(n, device=x.device, dtype=self.inv_freq.dtype)", None),
    ("torch.arange(n, device=x.device, dtype=x.dtype)", "MPR002"),  # the input's dtype: .double() breaks it
])
def test_a_tensor_made_in_the_attributes_own_dtype_never_mismatches_it(made, code):
    source = HEADER + textwrap.dedent(
        """
        class Rotary(nn.Module):
            def __init__(self, dim):
                super().__init__()
                self.inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2).float() / dim))
            def forward(self, x, n):
                t = {made}
                return torch.einsum("i,j->ij", t, self.inv_freq.to(t.device)).to(x.dtype)
        """
    ).format(made=made)
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code] if code else []), codes


@pytest.mark.parametrize("branches, code", [
    # audiosr's latent diffusion: both paths wrap the table in nn.Parameter
    ("if learn:\n    self.logvar = nn.Parameter(self.logvar, requires_grad=True)\n"
     "else:\n    self.logvar = nn.Parameter(self.logvar, requires_grad=False)", None),
    # CompVis's original: the plain table survives when learn is False (latent-diffusion#228)
    ("if learn:\n    self.logvar = nn.Parameter(self.logvar, requires_grad=True)", "MPR002"),
    ("if learn:\n    self.logvar = nn.Parameter(self.logvar)\nelse:\n    self.logvar = self.logvar * 2", "MPR002"),
])
def test_a_tensor_every_branch_then_wraps_in_a_parameter_is_a_parameter(branches, code):
    source = HEADER + textwrap.dedent(
        """
        class DDPM(nn.Module):
            def __init__(self, n, learn=False):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.logvar = torch.full(fill_value=0.0, size=(n,))
        {branches}
            def forward(self, x, t):
                return self.lin(x) * self.logvar[t]
        """
    ).format(branches=textwrap.indent(branches, " " * 8))
    codes = [f.code for f in analyze(ast.parse(source), source=source) if not f.code.startswith("MPR9")]
    assert codes == ([code] if code else []), codes


@pytest.mark.parametrize("fill, code", [
    ("self.radii[k] = torch.tensor(v, device=device, dtype=dtype)", "MPR908"),  # dptb's r_max_dict
    ("self.radii[k] = torch.tensor(v, dtype=dtype).to(device)", "MPR908"),
    ("self.radii[k] = torch.tensor(v, dtype=dtype)", "MPR007"),  # on the default device: left behind by .to()
])
def test_a_container_whose_every_tensor_is_placed_on_the_configured_device_is_placed_by_design(fill, code):
    body = f"""
        class Cutoffs(nn.Module):
            def __init__(self, r_max, device="cpu", dtype=torch.float32):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.radii = {{}}
                for k, v in r_max.items():
                    {fill}
            def forward(self, x, k):
                return self.lin(x) * self.radii[k]
        """
    decided = decisions(body)["radii"]
    assert decided[0] == code, decided


def test_one_tensor_on_the_default_device_makes_the_container_breakable():
    decided = decisions("""
        class Pair(nn.Module):
            def __init__(self, device):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                self.pair = [torch.ones(3, device=device), torch.ones(3)]
            def forward(self, x):
                return self.lin(x) * self.pair[1]
        """)["pair"]
    assert decided[0] == "MPR007", decided


def test_a_branch_that_raises_binds_nothing_for_the_move_after_the_if():
    """dptb's NNSK: if/elif bind the table, else raises, then the table is moved to the configured device:
    every binding that reaches the move is placed (MPR908), not only a binding on every path."""
    decided = decisions("""
        class NNSK(nn.Module):
            def __init__(self, rs, device="cpu"):
                super().__init__()
                self.device = device
                self.lin = nn.Linear(3, 3)
                if len(rs) == 1:
                    self.r_map = torch.tensor(rs)
                elif len(rs) == 2:
                    self.r_map = torch.tensor(rs) * 2
                else:
                    raise ValueError("rs")
                self.r_map = self.r_map.to(self.device)
            def forward(self, x, k):
                return self.lin(x) * self.r_map[k]
        """)
    assert decided["r_map"][0] == "MPR908", decided


@pytest.mark.parametrize("mover", [
    'for at in ["t"]:\n    self.__dict__[at] = self.__dict__[at].to(self.device)',
    'names = ("t",)\nfor at in names:\n    setattr(self, at, getattr(self, at).to(self.device))',
])
def test_a_class_that_moves_its_tensors_by_name_places_them_itself(mover):
    """qmctorch's AtomicOrbitals: construction calls _to_device(), which moves its tensors by name through
    ``self.__dict__`` (or ``setattr``/``getattr``): the spelled-out ``self.t = self.t.to(self.device)`` does
    the same, so the tensor is placed on the device the class is configured with (MPR908), and no buffer
    fix is offered (a buffer does not live in ``__dict__``: the mover would raise KeyError)."""
    source = HEADER + textwrap.dedent("""
        class Orbitals(nn.Module):
            def __init__(self, n, cuda=False):
                super().__init__()
                self.lin = nn.Linear(n, n)
                self.t = torch.ones(n)
                self.use_cuda = cuda
                self.device = torch.device("cpu")
                if self.use_cuda:
                    self._to_device()
            def _to_device(self):
                self.device = torch.device("cuda")
                self.to(self.device)
        {mover}
            def forward(self, x):
                return self.lin(x) * self.t
        """).format(mover=textwrap.indent(mover, " " * 8))
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR908" and finding.attr == "t", finding.message


def test_a_tensor_bound_only_in_dead_code_is_no_candidate():
    decided = decisions("""
        class Norms(nn.Module):
            def __init__(self, basis, device):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                if hasattr(basis, "norm") and False:
                    self.norm = torch.as_tensor(basis.norm)
                else:
                    self.norm = torch.ones(3, device=device)
            def forward(self, x):
                return self.lin(x) * self.norm
        """)
    assert decided["norm"][0] == "MPR908", decided  # only the live branch is a binding


def test_a_tensor_resized_and_refilled_before_each_use_is_not_state():
    """OpenAttack's start symbols: resize_ then fill_ before each use is scratch space, not state lost on save;
    what remains is the device break when it meets the embedding's weights."""
    decided = decisions("""
        class Decoder(nn.Module):
            def __init__(self, n):
                super().__init__()
                self.embedding = nn.Embedding(n, 4)
                self.start = torch.ones(10, 1).long()
            def generate(self, batch):
                self.start.resize_(batch, 1)
                self.start.fill_(1)
                return self.embedding(self.start)
        """)
    code, evidence, _ = decided["start"]
    assert code == "MPR002" and "updated in place" not in evidence and "embedding" in evidence, evidence


@pytest.mark.parametrize("base_import", [
    "from mmcv.runner import BaseModule",
    "from mmengine.model import BaseModule",
])
def test_an_openmmlab_base_module_is_a_module(base_import):
    """openmixup's NPID memory bank (set V, a miss): a plain tensor of an OpenMMLab BaseModule that update()
    writes into by index is state lost on save; the class was not known to be a Module."""
    source = HEADER + base_import + "\n\n\n" + textwrap.dedent("""
        class SimpleMemory(BaseModule):
            def __init__(self, length, feat_dim, momentum):
                super().__init__()
                self.feature_bank = nn.functional.normalize(torch.randn(length, feat_dim))
                self.momentum = momentum
            def update(self, ind, feature):
                old = self.feature_bank[ind, ...]
                self.feature_bank[ind, ...] = nn.functional.normalize((1 - self.momentum) * old + self.momentum * feature)
        """)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR002" and "index assignment" in finding.message, finding.message


@pytest.mark.parametrize("test_body, code", [
    ("torch.export.export(M(), (torch.randn(2),))", "MPR907"),  # this test only exports its model
    ("m = M().cuda()\nm(torch.randn(2).cuda())", "MPR002"),  # this test moves it
    ("return M()", "MPR002"),  # a factory: its caller may move the model
    ("self.model = M()", "MPR002"),  # kept on the test instance (a setUp): other tests may move it
    ("self._run_on_gpu(M())", "MPR002"),  # a helper method of the test class moves it
])
def test_a_model_defined_in_a_test_that_never_moves_it_meets_no_consequence(test_body, code):
    """executorch's test_passes.py: each test method defines, exports and checks its own model, while other
    tests of the file move theirs (set T, 5 findings). The test defining the class decides."""
    source = HEADER + textwrap.dedent("""
        class TestPasses:
            def test_moved(self):
                Other = nn.Linear(2, 2)
                Other.cuda()

            def _run_on_gpu(self, model):
                model.cuda()

            def test_defined_here(self):
                class M(nn.Module):
                    def __init__(self):
                        super().__init__()
                        self.a = torch.ones(10)
                    def forward(self, x):
                        return self.a[:2] + x
                {test_body}
        """).format(test_body=textwrap.indent(test_body, " " * 8).lstrip())
    findings = analyze(ast.parse(source), source=source, filename="tests/test_passes.py")
    assert [f.code for f in findings] == [code], [f.message for f in findings]
    if code == "MPR907":  # the reason names the test function's scope, not the whole file (other tests move theirs)
        assert "defined inside a test function that never moves" in findings[0].evidence, findings[0].evidence


def test_a_tensor_the_class_trains_itself_and_reads_later_is_state_lost_on_save():
    """ludwig's temperature scaling (set W, a miss): calibration fits the temperature with the class's own
    optimizer, and scale_logits divides by it afterwards; state_dict() drops the fitted value, so a loaded
    model predicts with the initial one. A persistent buffer keeps it out of parameters() as intended."""
    body = """
    class TemperatureScaling(nn.Module):
        def __init__(self):
            super().__init__()
            self.temperature = nn.Parameter(torch.ones(1), requires_grad=False).to("cpu")
        def train_calibration(self, logits, labels):
            self.temperature.requires_grad = True
            optimizer = torch.optim.LBFGS([self.temperature], lr=0.01)
            def closure():
                loss = F.cross_entropy(self.scale_logits(logits), labels)
                loss.backward()
                return loss
            optimizer.step(closure)
        def scale_logits(self, logits):
            return logits / self.temperature
    """
    code, evidence, line = decisions(body)["temperature"]
    assert code == "MPR002" and "trained by the class's own LBFGS in train_calibration" in evidence, evidence
    assert line == line_of(body, "torch.optim.LBFGS")


@pytest.mark.parametrize("element, code", [
    ("nn.Parameter(torch.empty(3, d)).to(torch.device('cpu'))", "MPR005"),  # pykale's factors (set W, a miss)
    # made only to require grad: DARTS keeps architecture weights so, for their own optimizer; "never trained"
    # is not shown (what remains is the device break of its use)
    ("torch.randn(3, d).requires_grad_(True)", "MPR007"),
])
def test_a_list_filled_with_parameters_a_move_lost_is_never_trained(element, code):
    body = f"""
    class LowRankFusion(nn.Module):
        def __init__(self, dims):
            super().__init__()
            self.factors = []
            for d in dims:
                factor = {element}
                nn.init.xavier_normal_(factor)
                self.factors.append(factor)
        def forward(self, xs):
            return [x @ f.t() for x, f in zip(xs, self.factors)]
    """
    assert decisions(body)["factors"][0] == code


def test_a_value_the_class_trains_itself_is_lost_on_load_and_the_remedy_keeps_it():
    """Real torch for ludwig's temperature: fitted by the class's own optimizer, it is missing from
    state_dict(), so a fresh model loaded with it predicts with the initial value. No autofix: the remedy
    the message names, a Parameter made without grad, keeps the fitted value across a load, stays out of
    the model's own training, and survives .double() (a buffer would become a copy its optimizer never steps)."""
    torch = pytest.importorskip("torch")
    source = HEADER + textwrap.dedent("""
        class TemperatureScaling(nn.Module):
            def __init__(self):
                super().__init__()
                # a real copy on this CPU, as .to("cuda") makes on a GPU machine
                self.temperature = nn.Parameter(torch.ones(1, dtype=torch.float64), requires_grad=False).float()
            def fit(self, logits, labels):
                self.temperature.requires_grad = True
                optimizer = torch.optim.SGD([self.temperature], lr=0.5)
                for _ in range(20):
                    optimizer.zero_grad()
                    F.cross_entropy(self.scale_logits(logits), labels).backward()
                    optimizer.step()
                self.temperature.requires_grad = False
            def scale_logits(self, logits):
                return logits / self.temperature
        """)
    (finding,) = analyze(ast.parse(source), source=source)
    assert finding.code == "MPR002" and "trained by the class's own SGD in fit" in finding.message
    assert "nn.Parameter(..., requires_grad=False)" in finding.message and finding.fix is None
    remedied = source.replace(
        "nn.Parameter(torch.ones(1, dtype=torch.float64), requires_grad=False).float()",
        "nn.Parameter(torch.ones(1), requires_grad=False)",
    )
    torch.manual_seed(0)
    logits, labels = torch.randn(64, 3) * 4, torch.randint(0, 3, (64,))
    for text, kept in ((source, False), (remedied, True)):
        namespace = {}
        exec(compile(text, "<model>", "exec"), namespace)
        model = namespace["TemperatureScaling"]()
        model.fit(logits, labels)
        fitted = float(model.temperature)
        assert abs(fitted - 1.0) > 0.05  # the fit moved it
        loaded = namespace["TemperatureScaling"]()
        loaded.load_state_dict(model.state_dict())
        assert (abs(float(loaded.temperature) - fitted) < 1e-6) == kept
        assert all(not p.requires_grad for p in loaded.parameters())  # out of the model's own training
    loaded.double()  # the remedied model: moved in place, its optimizer still steps the tensor it reads
    loaded.fit(logits.double(), labels)
    assert loaded.temperature.dtype == torch.float64 and abs(float(loaded.temperature) - fitted) > 1e-6


def test_a_loop_that_binds_new_tensors_by_name_is_not_spelled_out():
    """for n in ("a", "b"): self.__dict__[n] = torch.zeros(3) would make one line the binding of two
    attributes, where a fix written on it breaks the loop: only loops that move what each attribute holds
    (the hand-written to() idiom) are spelled out."""
    source = HEADER + textwrap.dedent("""
        class A(nn.Module):
            def __init__(self):
                super().__init__()
                self.lin = nn.Linear(3, 3)
                for n in ("a", "b"):
                    self.__dict__[n] = torch.zeros(3)
            def forward(self, x):
                return self.lin(x) + self.a + self.b
        """)
    assert [f for f in analyze(ast.parse(source), source=source) if f.fix is not None] == []


def test_a_parameter_after_an_if_whose_other_branch_raises_supersedes_its_plain_bindings():
    """if/elif bind a plain table, else raises, then self.w = nn.Parameter(self.w): a path that raises keeps
    nothing, so every binding that reaches the wrap becomes the Parameter (was: two false MPR001)."""
    source = HEADER + textwrap.dedent("""
        class A(nn.Module):
            def __init__(self, kind):
                super().__init__()
                if kind == "a":
                    self.w = torch.randn(3, 3)
                elif kind == "b":
                    self.w = torch.zeros(3, 3)
                else:
                    raise ValueError(kind)
                self.w = nn.Parameter(self.w)
            def forward(self, x):
                return x @ self.w
        """)
    assert [f.code for f in analyze(ast.parse(source), source=source)] == []


def test_the_integer_range_of_fake_quantization_takes_only_ints_or_0_dim_tensors():
    """Why ``quant_min`` / ``quant_max`` of ``torch.fake_quantize_*`` are no operands (tables.SIZE_ARGUMENTS):
    torch reads them as Python ints, so a 0-dim tensor there works wherever it lives and anything with a
    dimension is refused before any device could matter."""
    torch = pytest.importorskip("torch")
    x = torch.randn(4)
    low, high = torch.tensor(-128), torch.tensor(127)
    out = torch.fake_quantize_per_tensor_affine(x, 0.1, 0, low, high)
    assert out.shape == x.shape
    with pytest.raises(TypeError, match="invalid combination of arguments"):
        torch.fake_quantize_per_tensor_affine(x, 0.1, 0, torch.tensor([-128]), high)


LIBRARY_LAYERS = {
    "graph convolutions of torch_geometric": (
        "from torch_geometric.nn import GCNConv", "[GCNConv(4, 4) for _ in range(2)]", "MPR003", "miss their weights"),
    "a message-passing layer of torch_geometric": (
        "import torch_geometric.nn as gnn", "[gnn.SAGEConv(4, 4), gnn.GATConv(4, 4)]", "MPR003", "miss their weights"),
    "torchaudio's spectrogram transforms": (
        "import torchaudio", "[torchaudio.transforms.MelSpectrogram(), torchaudio.transforms.Spectrogram()]",
        "MPR003", "miss their weights"),
    "einops rearrangements hold nothing": (
        "from einops.layers.torch import Rearrange", "[Rearrange('b c -> c b'), Rearrange('c b -> b c')]",
        "MPR907", "parameter-free modules"),
    "torch_geometric's records are no layers": (
        "from torch_geometric.nn.pool.select import SelectOutput", "[SelectOutput(), SelectOutput()]", None, None),
}


@pytest.mark.parametrize("name", list(LIBRARY_LAYERS))
def test_a_library_layer_namespace_holds_modules(name):
    """A plain list of ``torch_geometric.nn`` / ``torchaudio.transforms`` layers is missed like one of
    ``torch.nn`` layers (these libraries need not be installed: the import names them); a layer-free
    one (einops' Rearrange) loses nothing, and the records those namespaces export are no modules."""
    imported, value, code, evidence = LIBRARY_LAYERS[name]
    body = f"""
    {imported}
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.items = {value}
            self.table = torch.ones(4)
        def forward(self, x):
            for m in self.items:
                x = m(x)
            return x * self.table
    """
    found = decisions(body)
    if code is None:
        assert "items" not in found or found["items"][0] is None or found["items"][0] >= "MPR9", found["items"]
        return
    got_code, got_evidence, _ = found["items"]
    assert (got_code, evidence in got_evidence) == (code, True), got_evidence


def test_a_dict_built_from_a_plain_dict_of_metrics_holds_the_same_modules():
    """``self.active = {n: m for n, m in self.metrics.items() if n in wanted}``: the comprehension gives the
    same modules again, so the dict that forward uses is a plain dict of modules (MPR004); built from an
    ``nn.ModuleDict`` it holds registered modules (no finding)."""
    body = """
    from torchmetrics import Accuracy, F1Score
    class Classifier(nn.Module):
        def __init__(self, wanted):
            super().__init__()
            self.net = nn.Linear(4, 3)
            self.metrics = {"acc": Accuracy(task="multiclass", num_classes=3), "f1": F1Score(task="multiclass", num_classes=3)}
            self.active = {n: m for n, m in self.metrics.items() if n in wanted}
            self.registered = nn.ModuleDict({"acc": Accuracy(task="multiclass", num_classes=3)})
            self.chosen = {n: m for n, m in self.registered.items()}
        def forward(self, x, y):
            logits = self.net(x)
            for m in self.active.values():
                m.update(logits, y)
            for m in self.chosen.values():
                m.update(logits, y)
            return logits
    """
    found = decisions(body)
    assert found["active"][0] == "MPR004", found["active"]
    assert found.get("chosen", (None,))[0] is None or found["chosen"][0] >= "MPR9", found.get("chosen")


def test_a_plain_list_of_library_layers_is_missed_at_runtime(tmp_path):
    """The runtime side of the library-layer cases: a layer of a library namespace is an ``nn.Module``
    with weights (a stand-in ``torch_geometric`` package defines one, as the real library does), and a
    plain list of them is missing from ``parameters()`` and stays behind after ``.to('meta')``."""
    torch = pytest.importorskip("torch")
    package = tmp_path / "torch_geometric" / "nn"
    package.mkdir(parents=True)
    (tmp_path / "torch_geometric" / "__init__.py").write_text("")
    (package / "__init__.py").write_text(
        "import torch\n\n\nclass GCNConv(torch.nn.Module):\n"
        "    def __init__(self, a, b):\n        super().__init__()\n        self.lin = torch.nn.Linear(a, b)\n\n"
        "    def forward(self, x):\n        return self.lin(x)\n"
    )
    import subprocess
    import sys

    script = (
        "import sys, torch\nsys.path.insert(0, sys.argv[1])\nfrom torch_geometric.nn import GCNConv\n"
        "class M(torch.nn.Module):\n    def __init__(self):\n        super().__init__()\n"
        "        self.convs = [GCNConv(4, 4) for _ in range(2)]\n"
        "    def forward(self, x):\n        for c in self.convs:\n            x = c(x)\n        return x\n"
        "m = M()\nprint(len(list(m.parameters())), len(m.state_dict()))\nm = m.to('meta')\n"
        "try:\n    m(torch.ones(2, 4, device='meta'))\nexcept RuntimeError as e:\n    print('fails:', e)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("0 0\n") and "fails:" in proc.stdout, proc.stdout



def test_a_list_of_in_file_modules_built_only_of_parameter_free_layers_loses_nothing():
    """``[SeriesDecomp(k) for k in ks]`` where ``SeriesDecomp`` keeps a ``MovingAvg`` of this file that keeps
    only an ``nn.AvgPool1d``: nothing for parameters() or state_dict() at any depth (MPR907); one level
    holding an ``nn.Linear`` is state (MPR003). torch agrees: the first model's state_dict() is empty."""
    body = """
    class MovingAvg(nn.Module):
        def __init__(self, k):
            super().__init__()
            self.k = k
            self.avg = nn.AvgPool1d(kernel_size=k, stride=1)
        def forward(self, x):
            return self.avg(x[..., : x.shape[-1] - self.k + 1])
    class SeriesDecomp(nn.Module):
        def __init__(self, k):
            super().__init__()
            self.moving_avg = MovingAvg(k)
        def forward(self, x):
            return self.moving_avg(x)
    class Projected(nn.Module):
        def __init__(self, k):
            super().__init__()
            self.moving_avg = MovingAvg(k)
            self.proj = nn.Linear(k, k)
        def forward(self, x):
            return self.proj(self.moving_avg(x))
    class Multi(nn.Module):
        def __init__(self, ks):
            super().__init__()
            self.decomps = [SeriesDecomp(k) for k in ks]
            self.projected = [Projected(k) for k in ks]
        def forward(self, x):
            return sum(d(x) for d in self.decomps) + sum(p(x) for p in self.projected)
    """
    found = decisions(body)
    assert found["decomps"][0] == "MPR907" and "parameter-free" in found["decomps"][1], found["decomps"]
    assert found["projected"][0] == "MPR003", found["projected"]
    torch = pytest.importorskip("torch")
    namespace: dict = {}
    exec(compile(HEADER + textwrap.dedent(body), "<decomp>", "exec"), namespace)
    whole = torch.nn.ModuleList([namespace["SeriesDecomp"](3), namespace["SeriesDecomp"](5)])
    assert dict(whole.state_dict()) == {} and list(whole.parameters()) == []
    assert list(torch.nn.ModuleList([namespace["Projected"](3)]).parameters())  # this one has weights to miss


def test_a_lightning_modules_own_device_at_construction_is_the_cpu_not_a_setting():
    """``torch.eye(k, device=self.device)`` in a LightningModule's ``__init__`` that binds no ``self.device``:
    the property says where the parameters are now, the CPU, and the Trainer moves the module afterwards
    without it (MPR002; set ZC's biobb-pytorch). A class that binds ``self.device = device`` itself is
    configured (MPR908, off by default). torch shows the first: a stand-in base with the same property
    keeps the tensor on the CPU after ``.to('meta')``."""
    body = """
    import lightning.pytorch as pl
    class Spib(pl.LightningModule):
        def __init__(self, k):
            super().__init__()
            self.head = nn.Linear(k, 1)
            self.idle = torch.eye(k, device=self.device)
        def training_step(self, batch, batch_idx):
            return self.head(self.idle).sum() + batch.sum()
    class Told(pl.LightningModule):
        def __init__(self, k, device="cpu"):
            super().__init__()
            self.device = device
            self.head = nn.Linear(k, 1)
            self.told = torch.eye(k, device=self.device)
        def training_step(self, batch, batch_idx):
            return self.head(self.told).sum() + batch.sum()
    """
    found = decisions(body)
    assert found["idle"][0] == "MPR002", found["idle"]
    assert found["told"][0] == "MPR908", found["told"]
    torch = pytest.importorskip("torch")

    class CurrentDevice(torch.nn.Module):  # what LightningModule.device returns: where its parameters are
        @property
        def device(self):
            return next(self.parameters()).device if list(self.parameters()) else torch.device("cpu")

    class Spib(CurrentDevice):
        def __init__(self, k):
            super().__init__()
            self.head = torch.nn.Linear(k, 1)
            self.idle = torch.eye(k, device=self.device)

    model = Spib(3).to("meta")
    assert model.head.weight.device.type == "meta" and model.idle.device.type == "cpu"


def test_a_buffer_fix_is_withheld_when_another_binding_is_a_python_number():
    """``self.qmin = <tensor>`` on one path and ``self.qmin = 0`` on another (set ZB's fms-model-optimizer):
    the finding stands, but ``register_buffer`` would make the other path raise ``TypeError`` (a buffer
    refuses an int), so no autofix is offered and the reason names that line. torch shows the TypeError."""
    from flake8_nnparam.detection import analyze

    source = HEADER + textwrap.dedent("""
    class Quant(nn.Module):
        def __init__(self, num_bits: torch.Tensor, symmetric=True):
            super().__init__()
            self.scale = torch.ones(4)
            if symmetric:
                self.qmin = -(2 ** (num_bits - 1)) * torch.ones(4)
            else:
                self.qmin = 0
        def forward(self, x):
            return torch.maximum(x * self.scale, self.qmin)
    """)
    found = {f.attr: f for f in analyze(ast.parse(source), source)}
    qmin, scale = found["qmin"], found["scale"]
    assert qmin.code == "MPR002" and qmin.fix is None, qmin
    number_line = line_of(source.replace(HEADER, "", 1), "self.qmin = 0")
    assert f"[no fix: line {number_line} binds it to a Python number" in qmin.message, qmin.message
    assert scale.fix is not None  # the other attribute keeps its fix
    torch = pytest.importorskip("torch")
    module = torch.nn.Module()
    module.register_buffer("qmin", torch.ones(4))
    with pytest.raises(TypeError, match="cannot assign 'int' as buffer"):
        module.qmin = 0


@pytest.mark.parametrize("imports, found", [
    # set ZD's mlgb: every file takes torch from the package's configs module, which imports it
    ("from mlgb.torch.configs import torch", True),
    ("from .configs import numpy, torch", True),
    ("from .common import torch as th, nn", True),
    # nn alone from a library that has its own nn package is not torch.nn
    ("from dgl import nn\nimport dgl", False),
])
def test_torch_re_exported_by_a_project_module_is_torch(imports, found):
    """A name ``torch`` imported from a module is the torch package (and ``nn``/``F`` beside it are its)."""
    base = "th.nn.Module" if " th," in imports else "nn.Module" if "nn" in imports else "torch.nn.Module"
    source = textwrap.dedent(
        """
        {imports}


        class Emb({base}):
            def __init__(self, n):
                super().__init__()
                self.tables = {{f"f{{i}}": nn.Embedding(10, 4) for i in range(n)}}

            def forward(self, x):
                return sum(e(x) for e in self.tables.values())
        """
    ).format(imports=imports, base=base)
    if "nn" not in imports:
        source = source.replace("nn.Embedding", "torch.nn.Embedding")
    codes = [f.code for f in analyze(ast.parse(source), source=source)]
    assert codes == (["MPR004"] if found else []), codes


def test_a_method_dispatching_on_isinstance_runs_its_number_branch_for_a_number():
    """Set ZE's cusrl bijectors: ``self.inverse(min_value)`` with ``min_value: float`` takes the
    ``math.log`` branch, so the bound is a Python float; given a tensor, the same method gives a tensor."""
    source = HEADER + textwrap.dedent(
        """
        import math
        from torch import Tensor


        class Bijector(nn.Module):
            def __init__(self, min_value: float = 0.01, n: int = 3):
                super().__init__()
                self.min_input = self.inverse(min_value)
                self.low = self.inverse(torch.full((n,), 0.01))

            def forward(self, x):
                return x.clamp(self.min_input) + x.clamp(min=self.low)

            def inverse(self, y):
                if isinstance(y, Tensor):
                    return torch.log(y)
                return math.log(y)
        """
    )
    found = {f.attr: f.code for f in analyze(ast.parse(source), source=source)}
    assert found == {"low": "MPR002"}, found
