"""The project view: what the rules need to know about names defined in other files of the project.

A ``ProjectIndex`` covers one project root. It reads nothing up front: a question about a name (is
this base a Module? what does this helper return?) resolves the name through the asking file's
imports, relative or absolute, to the file that defines it, and summarises that file from its ``ast``
(once per process, and once per content through the on-disk cache, see ``cache.py``). A summary holds
a file's imports, classes with their bases as written, module-level aliases, what its module-level
functions return and which arguments they move to a device, and which ``self`` attributes its
classes' ``_apply`` / ``state_dict`` / ... overrides touch.

It never reads outside the root, never follows into virtualenvs, ``site-packages``, hidden or build
directories, and treats a file it cannot read, decode or parse as one that defines nothing.

The flake8 plugin and the standalone command ask the same index, so they report the same findings.
"""

from __future__ import annotations

import ast
import io
import os
import stat
import time
import tokenize
from collections import OrderedDict
from dataclasses import dataclass
from .cache import _RACY_NS, Cache, sha1_of
from .imports import BLOCK_FIELDS, ImportTable, all_nodes, dotted_name, function_statements, iter_statements, registration
from .imports import first_param as _first_param
from .module_classes import combined_state, is_torch_module_name, own_state
from .parsing import parse_module
from . import tables

SUMMARY_KIND = "summary"
RESULT_KIND = "result"  # the command's findings for a file
PLUGIN_RESULT_KIND = "plugin-result"  # the flake8 plugin's (kept apart: the two never evict each other)
# Directories whose files are never project sources (the command skips them too).
SKIPPED_DIRS = frozenset(
    {"venv", ".venv", "build", "dist", "__pycache__", "node_modules", ".tox", "site-packages", ".git"}
)
# Files that mark a project root when the file is not under the directory flake8 runs in.
ROOT_MARKERS = (".git", "pyproject.toml", "setup.py", "setup.cfg", "tox.ini", ".flake8")
# Methods whose override means the owning class handles some state itself.
STATE_METHODS = frozenset(
    {"_apply", "state_dict", "load_state_dict", "named_buffers", "named_parameters", "buffers", "parameters",
     "__setattr__"}
) | tables.SELF_MANAGED_METHODS
_FUNCTION_NODES = (ast.FunctionDef, ast.AsyncFunctionDef)
_SPARE_TREES = 48  # trees kept for ``take_tree``: a file another needs is usually linted soon after


@dataclass(frozen=True)
class Symbol:
    """What a name resolves to: a class or function of ``path``, or the module (file or package dir) itself."""

    path: str
    name: str  # "" for a module
    kind: str  # "class", "function", "module"


# --- summaries ------------------------------------------------------------------------


def decode_source(data: bytes) -> str:
    """Decode like the interpreter: BOM, then a coding cookie, then UTF-8 (raises on failure)."""
    encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    return data.decode(encoding)


def _attribute_paths(func, self_name: str | None) -> list[str]:
    """``a.b`` for every ``self.a.b`` the function mentions (every prefix counts as touched)."""
    if self_name is None:
        return []
    found = set()
    for node in all_nodes(func):
        if isinstance(node, ast.Attribute):
            dotted = dotted_name(node)
            if dotted and dotted.startswith(self_name + "."):
                found.add(dotted[len(self_name) + 1 :])
    return sorted(found)


def _registrations(cls: ast.ClassDef) -> list[tuple[str, str]]:
    """``(method, name)`` for every ``self.register_buffer("name", ...)`` statement (any registration
    method) in ``__init__`` and the methods of the class it calls on ``self``."""
    methods = {stmt.name: stmt for stmt in cls.body if isinstance(stmt, _FUNCTION_NODES)}
    todo, seen, found = ["__init__"], set(), []
    while todo:
        func = methods.get(todo.pop())
        if func is None or func.name in seen:
            continue
        seen.add(func.name)
        self_name = _first_param(func)
        for stmt in function_statements(func):
            call = stmt.value if isinstance(stmt, ast.Expr) else None
            registered = registration(call, self_name)
            if registered is not None:
                if registered[1] is not None:
                    found.append(registered)
            elif (
                isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
                and isinstance(call.func.value, ast.Name) and call.func.value.id == self_name
            ):
                todo.append(call.func.attr)  # self._build(): registrations may happen there
    return found


def _self_calls(func) -> list[str]:
    """The methods ``func`` calls on its first parameter (``self.populate_modules()``): the hooks a base's
    ``__init__`` runs, which a subclass in another file may override to build state."""
    self_name = _first_param(func)
    return sorted({  # a statement's own call: self.populate(), cache = self._compute_cache()
        call.func.attr
        for stmt in function_statements(func)
        if isinstance(stmt, (ast.Expr, ast.Assign)) and isinstance(call := stmt.value, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name) and call.func.value.id == self_name
    }) if self_name else []


def _kind_name(value) -> str | None:
    from .values import CONTAINER, MODULE, PARAM, REGISTERED, TENSOR

    if value is None:
        return None
    return {TENSOR: "tensor", PARAM: "parameter", MODULE: "module", REGISTERED: "module", CONTAINER: "container"}.get(
        value.kind
    )


def _own_statements(body: list[ast.stmt]):
    """The function's own statements at any depth, not those of functions or classes defined inside it
    (``def make_mask_fn(): def fn(...): return t; return fn`` returns a function, not a tensor)."""
    stack = list(reversed(body))
    while stack:
        stmt = stack.pop()
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        yield stmt
        for name in BLOCK_FIELDS:
            stack.extend(reversed(getattr(stmt, name, None) or []))


def _fate(param: str, moved: set[str], fates: dict[str, str]) -> str | None:
    return "moves" if param in moved else fates.get(param)


def _number_returns(func, params: list[str], inference) -> dict[str, str]:
    """What ``func`` returns when a parameter it dispatches on with ``isinstance`` is given a number, by
    position and by name: "scalar" (``torch.tensor(x)``, a 0-dim tensor), "number" or "container" (a list).
    The analysis asks it for a call whose argument is a number (``to_tensor(crossover_prob)``); only the
    branches a number takes are walked (``isinstance(x, torch.Tensor)`` and ``x is None`` are false for it)."""
    from .arguments import isinstance_tested, none_test, type_branch
    from .tensors import known_type
    from .values import CONTAINER, NUMBER, TENSOR, Value

    found: dict[str, str] = {}
    for position, param in enumerate(params):
        if param not in isinstance_tested(func):
            continue
        env: dict = {param: Value(NUMBER)}
        results: list = []

        def kind_of(name: str) -> str | None:
            return known_type(env.get(name))

        def walk(body: list[ast.stmt]) -> bool:  # True when the block always leaves the function
            for stmt in body:
                if isinstance(stmt, ast.If):
                    taken = type_branch(stmt.test, kind_of)
                    if taken is None and (tested := none_test(stmt.test)) is not None and tested[0] == param:
                        taken = not tested[1]  # if x is None: return None, never for the number given
                    if taken is None:
                        walk(stmt.body)
                        walk(stmt.orelse)
                    elif walk(stmt.body if taken else stmt.orelse):
                        return True
                elif isinstance(stmt, ast.Return):
                    value = stmt.value
                    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id in ("list", "tuple"):
                        results.append(Value(CONTAINER, container=value.func.id))  # list(itertools.repeat(x, n))
                    else:
                        results.append(inference.infer(value, env, None, {}) if value is not None else None)
                    return True
                elif isinstance(stmt, ast.Raise):
                    return True
                elif isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    env[stmt.targets[0].id] = inference.infer(stmt.value, env, None, {})
                elif not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    for field in BLOCK_FIELDS:
                        walk(getattr(stmt, field, None) or [])
            return False

        walk(func.body)
        if results and all(v is not None and v.kind == TENSOR and v.scalar for v in results):
            found[str(position)] = found[param] = "scalar"
        elif results and all(v is not None and v.kind == NUMBER for v in results):
            found[str(position)] = found[param] = "number"
        elif results and all(v is not None and v.kind == CONTAINER for v in results):
            found[str(position)] = found[param] = "container"  # list(itertools.repeat(x, n)): no tensor at all
    return found


def _function_summaries(body: list[ast.stmt], statements: list[ast.stmt], imports: ImportTable,
                         names: frozenset[str] | None = None) -> dict:
    """What each module-level function of a file returns and does with its arguments (only ``names``,
    when given: a question asks about one or two functions of a helper file, not all of them)."""
    functions = [stmt for stmt in body if isinstance(stmt, _FUNCTION_NODES)]
    applies = {  # class F(torch.autograd.Function) with a static forward(ctx, ...): F.apply(...) runs it
        f"{stmt.name}.apply": method
        for stmt in body
        if isinstance(stmt, ast.ClassDef)
        for method in stmt.body
        if isinstance(method, _FUNCTION_NODES) and method.name == "forward" and _first_param(method) is None
    }
    asked = [(f.name, f) for f in functions] + list(applies.items())
    if names is not None:
        asked = [(name, func) for name, func in asked if name in names]
    if not asked:
        return {}
    from .arguments import moved_parameters, parameter_fates
    from .module_classes import ModuleClassIndex
    from .tensors import ExpressionInference
    from .values import merge

    inference = ExpressionInference(imports, ModuleClassIndex(statements, imports))
    by_name = {func.name: func for func in functions}
    summaries = {}
    for name, func in asked:
        params = [a.arg for a in func.args.posonlyargs + func.args.args][1 if name in applies else 0:]
        env: dict = {}
        result = None
        returned_calls: list[str] = []
        try:
            moved = moved_parameters(func, by_name)
            fates = parameter_fates(func)
            for stmt in _own_statements(func.body):
                if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name):
                    env[stmt.targets[0].id] = inference.infer(stmt.value, env, None, {})
                elif isinstance(stmt, ast.Return) and stmt.value is not None:
                    value = inference.infer(stmt.value, env, None, {})
                    result = merge(result, value)
                    if value is None and isinstance(stmt.value, ast.Call):
                        callee = dotted_name(stmt.value.func)
                        if callee and callee not in env:
                            returned_calls.append(callee)
        except (RecursionError, Exception):  # noqa: BLE001 - a summary is best effort, never a crash
            moved, fates, result, returned_calls = set(), {}, None, []
        summaries[name] = {
            "returns": _kind_name(result),
            "returns_call": returned_calls,
            "numbers": _number_returns(func, params, inference),
            "arguments": {  # what it does with an argument, by position and by name (see argument_fate)
                **{str(i): fate for i, p in enumerate(params) if (fate := _fate(p, moved, fates))},
                **{p: fate for p in sorted(moved | set(fates)) if (fate := _fate(p, moved, fates))},
            },
        }
    return summaries


def summarize(tree: ast.AST, functions: bool = True, statements=None, imports: ImportTable | None = None) -> dict:
    """The project index's view of one file, as JSON-ready data (``statements`` and ``imports``: the
    analysis's own, when it has built them for this tree)."""
    body = getattr(tree, "body", [])
    if statements is None or imports is None:
        statements = list(iter_statements(body))
        imports = ImportTable(statements, body)
    classes: dict[str, dict] = {}
    for node in statements:
        if not isinstance(node, ast.ClassDef):
            continue
        entry = classes.setdefault(node.name, {"bases": [], "torch": 0, "overrides": {}})
        for base in node.bases:
            dotted = dotted_name(base)
            if dotted is None:
                entry["opaque_base"] = True  # class C(make_base()), class C(*bases): what it holds is unknown
                continue
            qualified = imports.qualify(base.value if isinstance(base, ast.Subscript) else base)
            if is_torch_module_name(qualified):
                layer = not qualified.endswith(".Module") and qualified.startswith(tables.MODULE_NAMESPACES)
                entry["torch"] = max(entry["torch"], 2 if layer else 1)
            else:
                entry["bases"].append(dotted)
        for stmt in node.body:
            if isinstance(stmt, _FUNCTION_NODES) and stmt.name in STATE_METHODS:
                entry["overrides"][stmt.name] = _attribute_paths(stmt, _first_param(stmt))
            if isinstance(stmt, _FUNCTION_NODES) and stmt.name == "__init__" and (hooks := _self_calls(stmt)):
                entry["init_calls"] = hooks
        for method, name in _registrations(node):  # self.register_buffer("name", ...): listed under its method
            entry["overrides"].setdefault(method, []).append(name)
        # What its own methods give an instance, bases aside (ModuleClassIndex.state_of; module_state)
        own = own_state({f.name: f for f in node.body if isinstance(f, _FUNCTION_NODES)}, imports)
        if entry.get("opaque_base"):
            own = "stateful"
        # two classes of one name (one nested in a function): either may be the one imported
        entry["state"] = combined_state([entry.get("state", own), own])
    aliases = {}
    for stmt in body:
        if (
            isinstance(stmt, ast.Assign)
            and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], ast.Name)
            and isinstance(stmt.value, (ast.Attribute, ast.Name))
        ):
            target = dotted_name(stmt.value)
            if target and target != stmt.targets[0].id:
                aliases[stmt.targets[0].id] = target
    summary = {
        "imports": {local: list(ref) for local, ref in imports.refs.items()},
        "star": [list(s) for s in imports.star],
        "aliases": aliases,
        "classes": classes,
        # Filled in per function as questions ask (``ProjectIndex.function``); ``function_names`` is what
        # ``_lookup`` needs of them. ``functions=True`` (tests, tools) summarises every one up front.
        "functions": _function_summaries(body, statements, imports) if functions else {},
        "function_names": [stmt.name for stmt in body if isinstance(stmt, _FUNCTION_NODES)],
    }
    return summary


def _finding_to_json(finding) -> dict:
    from dataclasses import asdict

    return asdict(finding)


def _finding_from_json(data: dict):
    from .analyzer import Finding, Fix

    from .rule import Edit

    fix = data.get("fix")
    if fix:
        fix = Fix(**{**fix, "edits": tuple(Edit(**e) for e in fix.get("edits", ())),
                     "new_keys": tuple(fix.get("new_keys", ()))})
    return Finding(**{**data, "fix": fix or None})


# --- what an answer depends on ---------------------------------------------------------


class NotARegularFile(OSError):
    """A FIFO, device or directory where a source file was expected (reading it could block forever)."""


def read_regular_file(path: str) -> tuple[bytes, os.stat_result]:
    """The file's bytes and its stat, taken *before* the read (an edit saved during the read leaves the
    stat stale, so a result cached under it is checked again). Raises ``NotARegularFile`` or ``OSError``."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotARegularFile("not a regular file")
    with open(path, "rb") as handle:
        return handle.read(), st


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _content_fingerprint(st: os.stat_result | None, now_ns: int | None = None):
    """``[size, mtime_ns, inode]`` of a file whose bytes an answer read; "" when it is not a regular file;
    None when it was modified too recently for its stat to vouch for its bytes (git's "racy" rule)."""
    if st is None or not stat.S_ISREG(st.st_mode):
        return ""
    if now_ns is not None and now_ns - st.st_mtime_ns <= _RACY_NS:
        return None
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _probe_fingerprint(st: os.stat_result | None) -> str:
    """Whether a path an answer looked for is a file, a directory or absent (the inode catches a
    replaced file or a retargeted symlink)."""
    if st is None:
        return ""
    kind = "f" if stat.S_ISREG(st.st_mode) else "d" if stat.S_ISDIR(st.st_mode) else "o"
    return f"{kind}:{st.st_ino}"


# --- the project root -----------------------------------------------------------------


def _is_under(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)


_ROOTS: dict[tuple[str, str], str] = {}
_REAL: dict[str, str] = {}


def _real(path: str) -> str:
    """``os.path.realpath(path)``, once per process and absolute path: it stats every component of the
    path, and a file's path is asked for by the root lookup, its view, its cached result and the tree
    handover. Keyed by the absolute path, so a relative one means the same file after ``os.chdir``."""
    key = path if os.path.isabs(path) else os.path.join(os.getcwd(), path)
    real = _REAL.get(key)
    if real is None:
        real = _REAL[key] = os.path.realpath(key)
    return real


def find_root(path: str, cwd: str | None = None) -> str:
    """The project a file belongs to: the directory flake8 runs in when the file is inside it, else the
    nearest ancestor with a project marker, else the directory above the file's top package."""
    directory = os.path.dirname(_real(path))
    key = (directory, cwd or os.getcwd())
    root = _ROOTS.get(key)
    if root is None:
        root = _ROOTS[key] = _find_root(directory, _real(key[1]))
    return root


def _find_root(directory: str, cwd: str) -> str:
    home = _real(os.path.expanduser("~"))
    if _is_under(directory, cwd) and cwd not in (os.sep, home):
        return cwd
    top = directory
    while os.path.isfile(os.path.join(top, "__init__.py")) and os.path.dirname(top) != top:
        top = os.path.dirname(top)
    probe = directory
    while probe != home:
        if any(os.path.exists(os.path.join(probe, m)) for m in ROOT_MARKERS):
            return probe
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    return top


# --- the index ------------------------------------------------------------------------


class ProjectIndex:
    """Lazily built, per-process view of one project root (see the module docstring)."""

    _registry: dict[tuple, "ProjectIndex"] = {}

    def __init__(self, root: str, extra_bases: frozenset[str] = frozenset(), use_cache: bool = True) -> None:
        self.root = os.path.realpath(root)
        self.extra_bases = extra_bases
        self.extra_last = {b.rsplit(".", 1)[-1] for b in extra_bases}
        self.use_cache = use_cache
        self._cache: Cache | None | bool = False  # False: not opened yet
        self._summaries: dict[str, dict | None] = {}
        self._trees: dict[str, ast.AST] = {}  # files handed over in memory (the linted file, a buffer)
        self._adopted: dict[str, tuple] = {}  # its statements and import table, as the analysis built them
        self._inside_memo: dict[str, bool] = {}
        self._module_memo: dict[tuple, tuple[str | None, frozenset]] = {}
        self._class_memo: dict[tuple[str, str], tuple[bool, frozenset]] = {}
        # What answers depend on (see ``_deps``): a stack of collectors, one per question being answered,
        # and the fingerprint of each file and probed path as this process first saw it.
        self._collecting: list[set] = []
        self._seen: dict[tuple[str, str], object] = {}
        self._now: dict[str, object] = {}  # fingerprints as of this run, for validating recorded ones
        self.parsed: list[str] = []  # files this process parsed (tests count them)
        # Trees parsed for a summary, kept for the command, which lints most of those files soon after:
        # ``take_tree`` hands one over instead of a second parse (a few, oldest dropped first).
        self._spare: OrderedDict[str, tuple[str, ast.AST]] = OrderedDict()
        self._handed_over: tuple[str, ast.AST] | None = None  # the tree ``take_tree`` gave, until its ``view``
        # Only the command lints the files it summarises and so takes their trees back; in the flake8
        # plugin, which gets every tree from flake8, kept trees would only make each garbage-collector
        # pass over flake8's objects longer (about 13% of a whole flake8 run on 625 files).
        self.keep_spare_trees = False
        self.batch_cache_writes = False  # the command: cache entries are written as one pack per run
        self.unreadable: dict[str, str] = {}
        # The command makes function summaries per function when asked; for a file summarised from disk, the
        # tree and import table stay for a while (``_function_source``), and its cache entry is written again
        # with the functions filled in (``_entry_of``, ``_grown``: at the next ``store_result`` or pack). The
        # plugin, which keeps no trees, summarises every function of a file it reads from disk at once.
        self._function_source: OrderedDict[str, tuple] = OrderedDict()
        self._entry_of: dict[str, tuple] = {}  # path -> (relpath, stat, sha1, summary) of its cache entry
        self._grown: set[str] = set()

    # --- construction -------------------------------------------------------------
    @classmethod
    def for_file(
        cls, path: str, cwd: str | None = None, extra_bases: frozenset[str] = frozenset(), use_cache: bool = True
    ) -> "ProjectIndex":
        """The process-wide index of the project ``path`` belongs to (one per root and settings)."""
        root = find_root(path, cwd)
        key = (root, extra_bases, use_cache)
        index = cls._registry.get(key)
        if index is None:
            index = cls._registry[key] = cls(root, extra_bases, use_cache)
        return index

    @classmethod
    def forget_all(cls) -> None:
        """Drop every index of this process (an end of run: what their caches hold pending is written)."""
        for index in cls._registry.values():
            if index._cache and not index.batch_cache_writes:
                index._cache.flush()
        cls._registry.clear()
        _ROOTS.clear()
        _REAL.clear()

    def view(self, path: str, tree: ast.AST | None = None) -> "FileView":
        """The questions one file asks; ``tree`` is its content as linted (a buffer may differ from disk)."""
        path = _real(path)
        if tree is not None:
            # One in-memory file at a time: a long run must not keep every tree it linted alive. The
            # summary of a file linted earlier stays (its classes and imports); its function summaries,
            # if a later file asks, are read back from disk (or the cache).
            handed, self._handed_over = self._handed_over, None
            self._trees = {path: tree}
            self._adopted = {}
            if handed is None or handed[0] != path or handed[1] is not tree:
                self._summaries.pop(path, None)  # else it was made from this very tree: kept, functions and all
            self._seen.pop(("c", path), None)  # its content is the tree's now (noted on first use)
        return FileView(self, path)

    def release(self, path: str) -> None:
        """Let go of the tree ``view`` was given for ``path`` once that file is done (its summary stays)."""
        path = _real(path)
        self._trees.pop(path, None)
        self._adopted.pop(path, None)

    @property
    def cache(self) -> Cache | None:
        if self._cache is False:
            self._cache = Cache.open(self.root) if self.use_cache else None
            if self._cache is not None:
                # Entries wait in memory either way: the command writes them as one pack at the end of its run
                # (``take_cache_entries``); the plugin, as one pack per process when it exits.
                self._cache.batch = True
                if not self.batch_cache_writes:
                    self._cache.write_pending_at_exit()
        return self._cache

    def take_cache_entries(self) -> dict[str, dict]:
        """``{cache directory: entries}`` written since the last call, when writes are batched (the command
        writes them as one pack at the end of its run); nothing when the cache was never opened."""
        cache = self._cache
        if cache:
            self._write_grown()
        if not cache or not cache.pending:
            return {}
        return {cache.directory: cache.take_pending()}

    # --- dependencies ---------------------------------------------------------------
    # Every question a file asks (``FileView._ask``) collects what its answer read: the content of files
    # ("c", summaries and functions) and the existence of paths ("p", module lookups). Memoised answers
    # keep their dependencies, so a later file that reuses one records them too. A cached result stores
    # the fingerprints of its dependencies; a warm run validates it by a stat of each (once per run).
    def _note_content(self, path: str, st: os.stat_result | None = None) -> None:
        key = ("c", path)
        if key not in self._seen:
            self._seen[key] = _content_fingerprint(st if st is not None else _stat(path), time.time_ns())
        if self._collecting:
            self._collecting[-1].add(key)

    def _kind(self, path: str) -> str:
        """"f" (a file), "d" (a directory), "o" (something else) or "" (absent), recorded as a dependency."""
        key = ("p", path)
        fingerprint = self._seen.get(key)
        if fingerprint is None:
            fingerprint = self._seen[key] = _probe_fingerprint(_stat(path))
        if self._collecting:
            self._collecting[-1].add(key)
        return fingerprint[:1]

    def _merge(self, deps) -> None:
        if self._collecting:
            self._collecting[-1].update(deps)

    def _open_collector(self) -> int:
        self._collecting.append(set())
        return len(self._collecting) - 1

    def _close_collector(self, depth: int) -> frozenset:
        """What was collected since ``_open_collector`` returned ``depth`` (also after an exception),
        merged into the enclosing collector."""
        deps = frozenset().union(*self._collecting[depth:])
        del self._collecting[depth:]
        self._merge(deps)
        return deps

    def fingerprints(self, deps, own_path: str) -> dict:
        """The recorded fingerprints of ``deps``, by path relative to the root (``own_path`` is the
        file whose result this is: its own bytes are checked by the entry itself)."""
        result: dict[str, dict] = {"c": {}, "p": {}}
        prefix = self.root.rstrip(os.sep) + os.sep
        for key in deps:
            kind, path = key
            if kind == "c" and path == own_path:
                continue
            rel = path[len(prefix):] if path.startswith(prefix) and ".." not in path else os.path.relpath(path, self.root)
            result[kind][rel] = self._seen.get(key)
        return result

    def unchanged(self, recorded: dict) -> bool:
        """Does every file and path of ``recorded`` (from ``fingerprints``) look the same now?"""
        now = self._now
        try:
            for kind in ("c", "p"):
                for rel, fingerprint in recorded[kind].items():
                    if fingerprint is None:
                        return False  # recorded too soon after an edit: ask again
                    key = (kind, rel)
                    current = now.get(key)
                    if current is None:
                        st = _stat(os.path.join(self.root, rel))
                        current = now[key] = _content_fingerprint(st) if kind == "c" else _probe_fingerprint(st)
                    if current != fingerprint:
                        return False
        except (KeyError, TypeError, AttributeError):
            return False
        return True

    # --- files ----------------------------------------------------------------------
    def inside(self, path: str) -> bool:
        """Under the root and not in a virtualenv, site-packages, hidden or build directory."""
        known = self._inside_memo.get(path)
        if known is not None:
            return known
        real = _real(path)
        result = _is_under(real, self.root) and real != self.root
        if result:
            parts = os.path.relpath(real, self.root).split(os.sep)[:-1]
            result = not any(p.startswith(".") or p in SKIPPED_DIRS or p.endswith(".egg-info") for p in parts)
        self._inside_memo[path] = result
        return result

    def summary(self, path: str) -> dict | None:
        """The summary of a project file (None when it is outside, unreadable or unparsable)."""
        if path in self._summaries:
            if self._collecting:
                self._note_content(path)
            return self._summaries[path]
        tree = self._trees.get(path)
        if tree is not None:
            self._note_content(path)
            # The linted file: its functions only if asked; its import table as the analysis built it.
            result = summarize(tree, False, *self._adopted.get(path, ()))
        elif self._kind(path) == "d":
            result = None
        else:
            result = self._load(path) if self.inside(path) else None
        self._summaries[path] = result
        return result

    def _load(self, path: str) -> dict | None:
        try:
            st = os.stat(path)
            self._note_content(path, st)
            if not stat.S_ISREG(st.st_mode):
                raise OSError("not a regular file")
        except OSError as exc:
            self._note_content(path)
            self.unreadable[path] = str(exc)
            return None
        relpath = os.path.relpath(_real(path), self.root)
        cache = self.cache
        entry = cache.read(SUMMARY_KIND, relpath) if cache is not None else None
        if entry is not None and Cache.fresh_by_stat(entry, st):
            cache.hits += 1
            self._entry_of[path] = (relpath, st, entry.get("sha1"), entry["payload"])
            return entry["payload"]
        try:
            with open(path, "rb") as handle:
                data = handle.read()
        except OSError as exc:
            self.unreadable[path] = exc.strerror or str(exc)
            return None
        digest = sha1_of(data)
        if entry is not None and entry.get("sha1") == digest:
            cache.hits += 1
            cache.write(SUMMARY_KIND, relpath, st, digest, entry["payload"])  # refresh the stat fast path
            self._entry_of[path] = (relpath, st, digest, entry["payload"])
            return entry["payload"]
        summary = self.summarize_bytes(path, data)
        if cache is not None:
            cache.misses += 1
            cache.write(SUMMARY_KIND, relpath, st, digest, summary)
            self._entry_of[path] = (relpath, st, digest, summary)
        return summary

    def summarize_bytes(self, path: str, data: bytes, tree: ast.AST | None = None) -> dict | None:
        try:
            if tree is None:
                text = decode_source(data)
                tree = parse_module(text, path)
                if self.keep_spare_trees:
                    self._spare[path] = (text, tree)
                    while len(self._spare) > _SPARE_TREES:
                        self._spare.popitem(last=False)
            self.parsed.append(path)
            body = tree.body
            statements = list(iter_statements(body))
            imports = ImportTable(statements, body)
            if not self.keep_spare_trees:
                # The flake8 plugin keeps no trees (see ``keep_spare_trees``): every function at once, so a
                # later question never reads the file again.
                return {**summarize(tree, True, statements, imports), "functions_complete": True}
            self._keep_function_source(path, (body, statements, imports))
            return summarize(tree, False, statements, imports)
        except (SyntaxError, ValueError, UnicodeDecodeError, LookupError, MemoryError, RecursionError) as exc:
            self.unreadable[path] = f"{type(exc).__name__}: {exc}"
            return None

    def take_tree(self, path: str, text: str) -> ast.AST | None:
        """The tree of ``path`` if this index parsed exactly ``text`` for a summary (then forgets it)."""
        spare = self._spare.pop(_real(path), None) if self._spare else None
        if spare is None or spare[0] != text:
            return None
        self._handed_over = (_real(path), spare[1])
        return spare[1]

    def _function_names(self, path: str, summary: dict):
        names = summary.get("function_names")
        return names if names is not None else summary["functions"] or {}

    def _keep_function_source(self, path: str, source: tuple) -> None:
        # Only the command keeps them (as many as spare trees): in the flake8 plugin every tree kept would
        # lengthen the garbage collector's passes over flake8's own objects (see ``keep_spare_trees``).
        if not self.keep_spare_trees:
            return
        self._function_source[path] = source
        while len(self._function_source) > _SPARE_TREES:
            self._function_source.popitem(last=False)

    def function(self, path: str, name: str) -> dict | None:
        """The summary of the module-level function ``name`` of a project file (``F.apply`` for an autograd
        Function's forward), made the first time a question asks for it; None if there is none."""
        summary = self.summary(path)
        if summary is None:
            return None
        functions = summary.get("functions")
        if functions is None:  # an entry written before functions were made on demand
            functions = summary["functions"] = {}
        if name in functions or summary.get("functions_complete"):
            return functions.get(name)
        owner, _, method = name.partition(".")
        if not (name in self._function_names(path, summary) or method == "apply" and owner in summary["classes"]):
            return None
        source = self._function_source_of(path)
        if source is not None and not self.keep_spare_trees and path not in self._trees:
            # The plugin read the file again (it keeps no trees): every function at once, as for a new file.
            functions.update(_function_summaries(*source))
            summary["functions_complete"] = True
            return functions.get(name)
        made = _function_summaries(*source, names=frozenset({name})) if source is not None else {}
        functions[name] = made.get(name)
        entry = self._entry_of.get(path)
        if entry is not None and entry[3] is summary:
            self._grown.add(path)
        return functions[name]

    def _function_source_of(self, path: str):
        """``(body, statements, imports)`` of a project file, for its function summaries: the tree being
        linted, one kept from its summary, or the file read again."""
        tree = self._trees.get(path)
        if tree is not None:
            statements, imports = self._adopted.get(path) or (None, None)
            if statements is None:
                statements = list(iter_statements(tree.body))
                imports = ImportTable(statements, tree.body)
            return tree.body, statements, imports
        source = self._function_source.get(path)
        if source is not None:
            return source
        try:
            with open(path, "rb") as handle:
                tree = parse_module(decode_source(handle.read()), path)
        except (OSError, SyntaxError, ValueError, UnicodeDecodeError, LookupError, RecursionError, MemoryError):
            return None
        statements = list(iter_statements(tree.body))
        source = (tree.body, statements, ImportTable(statements, tree.body))
        self._keep_function_source(path, source)
        return source

    def _write_grown(self) -> None:
        """Write again the summary entries whose function summaries grew since they were written."""
        cache = self.cache if self._grown else None
        for path in sorted(self._grown) if cache is not None else ():
            relpath, st, digest, summary = self._entry_of[path]
            if digest and self._summaries.get(path) is summary:  # not one made since from a buffer
                cache.write(SUMMARY_KIND, relpath, st, digest, summary)
        self._grown.clear()

    # --- whole-file results (the command's warm re-run) ------------------------------
    def cached_result(self, path: str, key: str, kind: str = RESULT_KIND, data: bytes | None = None):
        """``(findings, extra)`` stored for ``path`` by ``store_result`` when the file's bytes, the
        settings ``key`` and every cross-file answer the analysis used are unchanged; else None. With
        ``data`` (the bytes the caller holds) the entry must have been made from exactly those bytes."""
        cache = self.cache
        if cache is None:
            return None
        path = _real(path)
        try:
            st = os.stat(path)
        except OSError:
            return None
        relpath = os.path.relpath(path, self.root)
        entry = cache.read(kind, relpath)
        if entry is None:
            return None
        if data is not None:
            if entry.get("sha1") != sha1_of(data):
                return None
        elif not Cache.fresh_by_stat(entry, st):
            return None
        payload = entry["payload"]
        try:
            if payload["key"] != key:
                return None
            answers, deps = payload["answers"], payload.get("deps")
            if answers and not (deps is not None and self.unchanged(deps)):
                # Something an answer read changed (or may have): ask the questions again.
                view = FileView(self, path)
                if not view.still_valid(answers):
                    return None
                refreshed = {**payload, "deps": self.fingerprints(view.deps, path)}
                if data is None or Cache.fresh_by_stat(entry, st):
                    cache.write(kind, relpath, st, entry["sha1"], refreshed)  # fast again next time
            findings = [_finding_from_json(f) for f in payload["findings"]]
        except (KeyError, TypeError, ValueError):
            return None
        cache.hits += 1
        return findings, payload.get("extra")

    def store_result(self, path: str, data: bytes, st: os.stat_result, key: str, view: "FileView | None", findings,
                     extra=None, kind: str = RESULT_KIND) -> None:
        """Keep ``findings`` of ``path``, analysed from ``data``; ``st`` is the file's stat taken *before*
        ``data`` was read (``read_regular_file``), so an edit saved during the analysis leaves a stale stat
        that the next run checks again instead of trusting."""
        cache = self.cache
        if cache is None:
            return
        self._write_grown()
        path = _real(path)
        digest = sha1_of(data)
        payload = {
            "key": key,
            "answers": view.answers if view is not None else {},
            "deps": self.fingerprints(view.deps, path) if view is not None else {"c": {}, "p": {}},
            "findings": [_finding_to_json(f) for f in findings],
            "extra": extra,
        }
        cache.write(kind, os.path.relpath(path, self.root), st, digest, payload)

    # --- modules --------------------------------------------------------------------
    def _search_dirs(self, from_path: str) -> list[str]:
        """Where an absolute import can be found: above the top package, then each ancestor up to the root."""
        directory = os.path.dirname(from_path)
        top = directory
        while self._kind(os.path.join(top, "__init__.py")) == "f" and _is_under(os.path.dirname(top), self.root):
            top = os.path.dirname(top)
        dirs = [top]
        probe = directory
        while _is_under(probe, self.root):
            if probe not in dirs:
                dirs.append(probe)
            if probe == self.root:
                break
            probe = os.path.dirname(probe)
        return dirs

    def find_module(self, from_path: str, module: str, level: int) -> str | None:
        """The file (or namespace package directory) that ``module`` names when imported in ``from_path``."""
        key = (os.path.dirname(from_path), module, level)
        known = self._module_memo.get(key)
        if known is not None:
            self._merge(known[1])
            return known[0]
        depth = self._open_collector()
        try:
            found = self._find_module(from_path, module, level)
        finally:
            deps = self._close_collector(depth)
        self._module_memo[key] = (found, deps)
        return found

    def _find_module(self, from_path: str, module: str, level: int) -> str | None:
        if level:
            base = os.path.dirname(from_path)
            for _ in range(level - 1):
                base = os.path.dirname(base)
            candidates = [base]
        else:
            candidates = self._search_dirs(from_path) if module else []
        found = None
        for directory in candidates:
            target = os.path.join(directory, *module.split(".")) if module else directory
            for path in (target + ".py", os.path.join(target, "__init__.py")):
                if self._kind(path) == "f" and self.inside(path):  # stat first: realpath only for real files
                    found = path
                    break
            if found is None and module and self._kind(target) == "d" and self.inside(os.path.join(target, "x")):
                found = target  # a namespace package: only its submodules can be looked up
            if found:
                break
        return found

    # --- names ----------------------------------------------------------------------
    def resolve(self, path: str, dotted: str) -> list[Symbol]:
        """What ``dotted``, as written in ``path``, refers to among the project's classes, functions and modules."""
        return self._resolve_in(_real(path), dotted.split("."), set())

    def _resolve_in(self, path: str, parts: list[str], seen: set, skip_class: str | None = None) -> list[Symbol]:
        found = self._lookup(path, parts[0], seen, skip_class)
        for attr in parts[1:]:
            found = [s for module in found if module.kind == "module" for s in self._lookup(module.path, attr, seen)]
        return found

    def _lookup(self, path: str, name: str, seen: set, skip_class: str | None = None) -> list[Symbol]:
        key = (path, name)
        if key in seen:
            return []  # a circular import
        seen.add(key)
        if self._kind(path) == "d":  # namespace package
            return self._submodule(path, name)
        summary = self.summary(path)
        if summary is None:
            return []
        if name in summary["classes"] and name != skip_class:
            return [Symbol(path, name, "class")]
        if name in self._function_names(path, summary):
            return [Symbol(path, name, "function")]
        if name in summary["aliases"]:
            return self._resolve_in(path, summary["aliases"][name].split("."), seen)
        ref = summary["imports"].get(name)
        if ref is not None:
            return self._follow(path, ref)
        if os.path.basename(path) == "__init__.py":
            found = self._submodule(os.path.dirname(path), name)
            if found:
                return found
        for module, level in summary["star"]:
            target = self.find_module(path, module, level)
            if target is not None:
                found = self._lookup(target, name, seen)
                if found:
                    return found
        return []

    def _submodule(self, directory: str, name: str) -> list[Symbol]:
        target = os.path.join(directory, name)
        for path in (target + ".py", os.path.join(target, "__init__.py")):
            if self._kind(path) == "f" and self.inside(path):
                return [Symbol(path, "", "module")]
        if self._kind(target) == "d" and self.inside(os.path.join(target, "x")):
            return [Symbol(target, "", "module")]
        return []

    def _follow(self, path: str, ref, seen: set | None = None) -> list[Symbol]:
        seen = set() if seen is None else seen
        module, level, name = ref
        if name is None:  # ``import a.b`` binds ``a``; ``import a.b as x`` binds ``a.b``
            target = self.find_module(path, module, level)
            return [Symbol(target, "", "module")] if target else []
        target = self.find_module(path, module, level) if module or level else None
        if target is not None:
            found = self._lookup(target, name, seen)
            if found:
                return found
        sub = self.find_module(path, f"{module}.{name}" if module else name, level)
        return [Symbol(sub, "", "module")] if sub else []

    # --- answers --------------------------------------------------------------------
    def class_is_module(self, path: str, name: str, _stack: frozenset = frozenset()) -> bool:
        """A project class that derives from ``torch.nn.Module`` (or a configured base) at any depth."""
        key = (path, name)
        known = self._class_memo.get(key)
        if known is not None:
            self._merge(known[1])
            return known[0]
        if key in _stack:
            return False
        depth = self._open_collector()
        try:
            result = self._class_is_module(path, name, key, _stack)
        finally:
            deps = self._close_collector(depth)
        if not _stack or result:
            self._class_memo[key] = (result, deps)
        return result

    def _class_is_module(self, path: str, name: str, key: tuple, _stack: frozenset) -> bool:
        summary = self.summary(path)
        info = summary["classes"].get(name) if summary else None
        result = False
        if info is not None:
            result = bool(info["torch"])
            for base in info["bases"]:
                if result:
                    break
                if base.rsplit(".", 1)[-1] in self.extra_last or base in self.extra_bases:
                    result = True
                    break
                skip = name if base.split(".", 1)[0] == name else None
                result = any(
                    s.kind == "class" and self.class_is_module(s.path, s.name, _stack | {key})
                    for s in self._resolve_in(path, base.split("."), set(), skip_class=skip)
                )
        return result

    def is_module(self, path: str, dotted: str) -> bool:
        """Is ``dotted`` (a base or callee as written in ``path``) a Module class of the project?"""
        return any(s.kind == "class" and self.class_is_module(s.path, s.name) for s in self.resolve(path, dotted))

    def module_state(self, path: str, dotted: str) -> str | None:
        """What an instance of the project Module class ``dotted`` holds: "stateless", "mode" or "stateful" (its
        own methods' and every base's: a torch layer base, or a base that cannot be read, is "stateful");
        None when ``dotted`` is not a project class."""
        unresolved: list[str] = []
        states = [
            "stateful" if info["torch"] == 2 else info.get("state", "stateful")
            for info in self._class_chain(path, dotted, unresolved)
        ]
        if not states:
            return None
        return combined_state(states + ["stateful"] * bool(unresolved))  # a base nothing here can read

    def return_kind(self, path: str, dotted: str, _depth: int = 0) -> str | None:
        """What calling ``dotted`` returns: "tensor", "parameter", "module", "container", or None if unknown.

        A class call returns "module" when the class is a Module; a function returning another call
        is followed (a few levels)."""
        for symbol in self.resolve(path, dotted):
            if symbol.kind == "class":
                return "module" if self.class_is_module(symbol.path, symbol.name) else None
            if symbol.kind == "function":
                info = self.function(symbol.path, symbol.name)
                if info is None:
                    continue
                if info["returns"] is not None:
                    return info["returns"]
                if _depth < 4:
                    for callee in info["returns_call"]:
                        kind = self.return_kind(symbol.path, callee, _depth + 1)
                        if kind is not None:
                            return kind
        return None

    def number_return(self, path: str, dotted: str, which: int | str) -> str | None:
        """What the project function ``dotted`` returns when its argument ``which`` (a position or a keyword)
        is a number: "scalar" (a 0-dim tensor), "number", "container" (a list), or None (see ``_number_returns``)."""
        for symbol in self.resolve(path, dotted):
            if symbol.kind == "function":
                kind = ((self.function(symbol.path, symbol.name) or {}).get("numbers") or {}).get(str(which))
                if kind:
                    return kind
        return None

    def argument_fate(self, path: str, dotted: str, which: int | str) -> str | None:
        """What the project function ``dotted`` does with its argument ``which`` (a position or a keyword):
        "moves" it to a device (``w.to(x.device)``), uses it only as an index or through metadata ("inert"),
        reads it only under ``if w.requires_grad:`` ("grad_only"), or None (anything else, or not a
        project function). See ``arguments.parameter_fates``."""
        owner, _, method = dotted.rpartition(".")
        if method == "apply" and owner:  # MyFunction.apply(x, self.bias): an autograd Function's forward
            symbols = [(s.path, f"{s.name}.apply") for s in self.resolve(path, owner) if s.kind == "class"]
        else:
            symbols = [(s.path, s.name) for s in self.resolve(path, dotted) if s.kind == "function"]
        for file, name in symbols:
            fate = ((self.function(file, name) or {}).get("arguments") or {}).get(str(which))
            if fate:
                return fate
        return None

    def overrides(self, path: str, dotted: str) -> dict[str, list[str]]:
        """State methods (``_apply``, ``state_dict``, ...) a project class or its project bases override,
        each with the ``self`` attribute paths it touches, and the registration methods they call
        (``register_buffer``, ...), each with the names they register."""
        result: dict[str, list[str]] = {}
        for info in self._class_chain(path, dotted):
            for method, attrs in info["overrides"].items():
                if method in tables.REGISTRATION_METHODS:  # every class in the chain registers its own names
                    result[method] = sorted({*result.get(method, ()), *attrs})
                else:  # the most derived override is the one that runs
                    result.setdefault(method, attrs)
        return result

    def _class_chain(self, path: str, dotted: str, unresolved: list[str] | None = None):
        """The summaries of the project class ``dotted`` (as written in ``path``) and of its project bases,
        most derived first, each once; the bases that resolve to no project class go to ``unresolved``."""
        stack = [s for s in self.resolve(path, dotted) if s.kind == "class"]
        seen: set = set()
        while stack:
            symbol = stack.pop(0)
            if (symbol.path, symbol.name) in seen:
                continue
            seen.add((symbol.path, symbol.name))
            info = self.summary(symbol.path)["classes"][symbol.name]
            yield info
            for base in info["bases"]:
                found = [s for s in self.resolve(symbol.path, base) if s.kind == "class"]
                if not found and unresolved is not None:
                    unresolved.append(base)
                stack.extend(found)

    def init_calls(self, path: str, dotted: str) -> list[str]:
        """The methods the ``__init__`` of a project class or of its project bases calls on ``self``."""
        return sorted({name for info in self._class_chain(path, dotted) for name in info.get("init_calls", ())})


class FileView:
    """The project as one file sees it; every answer is memoised and recorded in ``answers``.

    The recorded answers let a cached result be reused exactly when every cross-file answer it was
    computed from is still the same.
    """

    def __init__(self, index: ProjectIndex, path: str) -> None:
        self.index = index
        self.path = path
        self.answers: dict[str, object] = {}
        self.deps: set = set()  # what the answers read (see ``ProjectIndex.fingerprints``)

    def _ask(self, key: str, compute):
        if key in self.answers:
            return self.answers[key]
        depth = self.index._open_collector()
        try:
            answer = compute()
        except (RecursionError, Exception):  # noqa: BLE001 - a broken project file never breaks the lint
            answer = None
        finally:
            self.deps |= self.index._close_collector(depth)
        self.answers[key] = answer
        return answer

    def is_module(self, dotted: str) -> bool:
        return bool(self._ask(f"is_module:{dotted}", lambda: self.index.is_module(self.path, dotted)))

    def module_state(self, dotted: str) -> str | None:
        return self._ask(f"module_state:{dotted}", lambda: self.index.module_state(self.path, dotted))

    def return_kind(self, dotted: str) -> str | None:
        return self._ask(f"return_kind:{dotted}", lambda: self.index.return_kind(self.path, dotted))

    def number_return(self, dotted: str, which: int | str) -> str | None:
        return self._ask(f"numbers:{dotted}:{which}", lambda: self.index.number_return(self.path, dotted, which))

    def argument_fate(self, dotted: str, which: int | str) -> str | None:
        return self._ask(f"argument:{dotted}:{which}", lambda: self.index.argument_fate(self.path, dotted, which))

    def overrides(self, dotted: str) -> dict[str, list[str]]:
        return self._ask(f"overrides:{dotted}", lambda: self.index.overrides(self.path, dotted)) or {}

    def init_calls(self, dotted: str) -> list[str]:
        return self._ask(f"init_calls:{dotted}", lambda: self.index.init_calls(self.path, dotted)) or []

    def adopt(self, statements: list, imports: ImportTable) -> None:
        """The analysis's statements and import table of this file's tree, for its summary."""
        if self.path in self.index._trees and self.path not in self.index._summaries:
            self.index._adopted[self.path] = (statements, imports)

    def still_valid(self, answers: dict) -> bool:
        """Would every recorded answer be the same today?"""
        for key, answer in answers.items():
            what, _, rest = key.partition(":")
            if what == "is_module":
                now = self.is_module(rest)
            elif what == "return_kind":
                now = self.return_kind(rest)
            elif what == "module_state":
                now = self.module_state(rest)
            elif what == "argument":
                dotted, _, which = rest.rpartition(":")
                now = self.argument_fate(dotted, int(which) if which.isdigit() else which)
            elif what == "overrides":
                now = self.overrides(rest)
            elif what == "init_calls":
                now = self.init_calls(rest)
            else:
                return False
            if now != answer and not (now in (None, False, {}) and answer in (None, False, {})):
                return False
        return True
