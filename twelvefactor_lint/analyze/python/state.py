"""Module- and class-level mutable state that a request or job handler mutates (TF601's facts).

Only containers bound at module or class level count (`{}`, `[]`, `set()`,
`defaultdict(...)`, `deque()`, cachetools caches, ...), plus any module name a
handler rebinds through `global`; for a route nested in an app factory, the factory's own containers
and the names it rebinds through `nonlocal` too (the factory runs once per process: its closure is
process state like a module global). Writes are item assignment/deletion, mutating
method calls, `heapq`/`bisect` helpers, and the same through local aliases
(`cart = CARTS[user]; cart.append(item)`). A set whose tasks remove themselves when done
(`task.add_done_callback(TASKS.discard)`) only keeps running asyncio tasks alive, and one whose items are
process-clock readings (`time.monotonic() + TTL`) is a per-process backoff memo: neither is state; nor is a number
the handlers rebind for a metrics callback to report (`inflight += 1`, read by an OpenTelemetry observable gauge's
callback or a Prometheus gauge's `set_function`): instrumentation of one process, per-process on purpose. A
module-level instance of a module class (`store = Store()`) holds the containers its `__init__` binds on
`self`: a handler writing `store.data[k]` writes them, and so does a call of one of its methods that writes
them (`store.add(k)` when `add` does `self.data[k] = ...`).

Each write says whether the module reads the state back anywhere (`read_back`: what one request leaves, another
uses; a container only written holds references nobody asks for), whether the handler only removes from it
(`removals_only`: an eviction), and, beside a registry of live objects, which other state the same handler
writes as that registry's bookkeeping (folded into it). Globals a function binds after `if <flag>: return`,
when it sets that flag itself further down, are bound once per process (a memo, not state).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import PurePosixPath
from typing import TypeVar

from twelvefactor_lint.analyze.python.handlers import REQUEST, THREAD, Function, Handler, parameter_names
from twelvefactor_lint.analyze.python.index import Index, loads_and_parents, walk
from twelvefactor_lint.analyze.python.names import Names, last_name, module_statements
from twelvefactor_lint.analyze.python.request_scoped import request_scoped
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import convert
from twelvefactor_lint.facts.python import (
    ImportedStateWrite,
    ModuleState,
    PythonFact,
    StateMutation,
    StateWrite,
    ViewCandidateWrite,
)

_CONTAINER_CALLS = {
    "dict": "dict", "list": "list", "set": "set", "bytearray": "bytearray",
    "collections.defaultdict": "defaultdict", "collections.OrderedDict": "OrderedDict",
    "collections.Counter": "Counter", "collections.deque": "deque", "collections.ChainMap": "ChainMap",
    "weakref.WeakValueDictionary": "WeakValueDictionary", "weakref.WeakKeyDictionary": "WeakKeyDictionary",
    "weakref.WeakSet": "WeakSet", "cachetools.TTLCache": "TTLCache", "cachetools.LRUCache": "LRUCache",
    "cachetools.LFUCache": "LFUCache", "cachetools.TLRUCache": "TLRUCache", "cachetools.FIFOCache": "FIFOCache",
    "cachetools.RRCache": "RRCache", "cachetools.Cache": "Cache",
}
MUTATORS = {
    "append", "extend", "insert", "add", "update", "setdefault", "pop", "popitem", "remove", "discard", "clear",
    "appendleft", "extendleft", "popleft", "rotate", "sort", "reverse", "move_to_end", "difference_update",
    "intersection_update", "symmetric_difference_update", "__setitem__", "__delitem__",
}
"""Methods that change a list, dict, set or deque in place (`__setitem__`/`__delitem__`: `x[k] = v`, `del x[k]`)."""
_HELPERS = {"heapq.heappush", "heapq.heappop", "heapq.heappushpop", "heapq.heapreplace", "heapq.heapify",
            "bisect.insort", "bisect.insort_left", "bisect.insort_right"}
_ALIASING_METHODS = {"get", "setdefault", "__getitem__"}
_REBINDING = "rebinding through `global`"
_CLASS_REBINDING = "class attribute rebinding"
_SESSION_KEY = re.compile(r"session|cookie|current_user|user_id|user\.id|request\.user|token|\bsid\b", re.IGNORECASE)
_CACHE_NAME = re.compile(r"cache|memo", re.IGNORECASE)
_PROBE = re.compile(r"(^|_)(health|healthz|healthcheck|ready|readiness|readyz|liveness|livez|alive|probe)(_|$)", re.IGNORECASE)
"""A health or readiness probe answers for its own process: a latch or timer it keeps is per-process by design."""
_LIVE = re.compile(r"browser|(^|_)(connections?|conns?|pools?|threads?|futures?|sockets?|websockets?|ws|clients?|"
                   r"drivers?|playwright|selenium)(_|$)",
                   re.IGNORECASE)
"""A registry of live objects (`browser_sessions`, `_active_connections`, `clients`, `backup_threads`): open
connections, browsers and running threads cannot go to Redis; what matters is that requests reach the process holding them."""


@dataclass(frozen=True)
class StateVar:
    name: str
    """`CARTS` for module state, `Cart.items` for class state, `pkg.data.CARTS` for an imported name."""
    container: str
    line: int
    owner: str | None = None
    """The class that holds it, for class-level state."""
    imported: bool = False
    """An imported name: whether it is a container is settled by link, from its own module's facts."""


@dataclass(frozen=True)
class _Instance:
    """A module-level instance of a module class (`store = Store()`): one per process."""

    state: dict[str, StateVar]
    """The containers `__init__` binds on `self` (`self.data = {}`), as `store.data`."""
    methods: dict[str, str]
    """Method name -> the container attribute it writes (`add` -> `data`)."""


@dataclass(frozen=True)
class _Module:
    names: Names
    dotted: str
    state: dict[str, StateVar]
    class_state: dict[str, dict[str, StateVar]]
    bound: dict[str, int]
    """Every module-level name with its line: candidates for `global` rebinding."""
    instances: dict[str, _Instance]
    reads: _Reads
    """Names and attributes the module reads beyond writing them."""


def _instances(names: Names, bound: dict[str, int]) -> dict[str, _Instance]:
    """Module-level `name = ModuleClass(...)` whose class binds containers on `self` in `__init__`."""
    found = {}
    for name, value in names.values.items():
        cls = names.classes.get(value.func.id) if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else None
        if cls is None or name not in bound:
            continue
        methods = {m.name: m for m in cls.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
        init = methods.pop("__init__", None)
        state = {}
        for node in walk(init) if init is not None else ():
            if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
                kind = container_kind(node.value, names)
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if kind and isinstance(target, ast.Attribute) and _is_self(target.value):
                        state[target.attr] = StateVar(f"{name}.{target.attr}", kind, bound[name])
        for window in _clock_windows(methods.values(), set(state), names):
            del state[window]  # `self._seen[signature] = time.monotonic()`: a throttle or de-dup window of this process
        if state:
            written = {method: attr for method, function in methods.items()
                       if (attr := _self_container_written(function, set(state))) is not None}
            found[name] = _Instance(state, written)
    return found


def _clock_windows(methods: Iterable[Function], attrs: set[str], names: Names) -> set[str]:
    """The containers of `attrs` whose every item a method sets is a process-clock reading (`self._seen[k] = now`
    after `now = time.monotonic()`): when this process last did something (forwarded a report, retried a call), a
    throttle, de-dup or backoff window whose readings mean nothing to another process; losing it on a restart, or
    keeping one per worker, only lets a repeat through."""
    valued: dict[str, list[bool]] = {}
    for method in methods:
        clocks = _clock_locals(method, names)
        for node in walk(method):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Attribute) \
                            and _is_self(target.value.value) and target.value.attr in attrs:
                        valued.setdefault(target.value.attr, []).append(_clock_reading(node.value, clocks, names))
    return {attr for attr, readings in valued.items() if all(readings)}


def _clock_locals(function: Function, names: Names) -> set[str]:
    """Local names a function binds to a process-clock reading (`now = time.monotonic()`)."""
    return {target.id for node in walk(function) if isinstance(node, ast.Assign)
            and _clock_reading(node.value, set(), names) for target in node.targets if isinstance(target, ast.Name)}


def _clock_reading(value: ast.expr, clocks: set[str], names: Names) -> bool:
    """A process-clock call (`time.monotonic() + TTL`), or a local bound to one, in the value."""
    return any(isinstance(n, ast.Call) and names.qualify(n.func) in _PROCESS_CLOCKS
               or isinstance(n, ast.Name) and n.id in clocks for n in walk(value))


def _is_self(node: ast.expr) -> bool:
    return isinstance(node, ast.Name) and node.id == "self"


def _self_container_written(method: Function, attrs: set[str]) -> str | None:
    """The first of `attrs` the method writes through `self` (`self.data[k] = v`, `self.items.append(x)`)."""
    for node in walk(method):
        target = None
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.Delete)):
            for item in node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]:
                if isinstance(item, ast.Subscript):
                    target = item.value
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in MUTATORS:
            target = node.func.value
        if isinstance(target, ast.Attribute) and _is_self(target.value) and target.attr in attrs:
            return target.attr
    return None


def absolute_import(qualified: str, module: str, is_package: bool) -> str:
    """Resolve a relative import (`.data.CARTS`) against the importing module's package; "" when it climbs
    above the project's top package."""
    if not qualified.startswith("."):
        return qualified
    level = len(qualified) - len(qualified.lstrip("."))
    package = module.split(".") if is_package else module.split(".")[:-1]
    package = [part for part in package if part]
    if level - 1 > len(package):
        return ""
    return ".".join([*package[:len(package) - (level - 1)], qualified.lstrip(".")]).strip(".")


def container_kind(value: ast.expr, names: Names) -> str | None:
    if isinstance(value, (ast.Dict, ast.DictComp)):
        return "dict"
    if isinstance(value, (ast.List, ast.ListComp)):
        return "list"
    if isinstance(value, (ast.Set, ast.SetComp)):
        return "set"
    if isinstance(value, ast.Call):
        return _CONTAINER_CALLS.get(names.qualify(value.func) or "")
    return None


def _state_bindings(statements, names: Names, owner: str | None) -> dict[str, StateVar]:
    found = {}
    for statement in statements:
        targets, value = [], None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        kind = container_kind(value, names) if value is not None else None
        for target in targets:
            if isinstance(target, ast.Name):
                if kind:
                    found[target.id] = StateVar(f"{owner}.{target.id}" if owner else target.id, kind, statement.lineno, owner)
                else:
                    found.pop(target.id, None)
    return found


def _module_names(tree: ast.Module) -> dict[str, int]:
    """Every name bound at module level, with its line: candidates for `global` rebinding."""
    bound: dict[str, int] = {}
    for statement in module_statements(tree):
        for node in walk(statement) if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)) else ():
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                bound.setdefault(node.id, statement.lineno)
    return bound


_REMOVERS = {"pop", "popitem", "popleft", "remove", "discard", "clear"}
_CHAINING = _ALIASING_METHODS | {"setdefault"}
_CLIMBED = frozenset({ast.Subscript, ast.Attribute, ast.Call, ast.Expr})


class _Reads:
    """Names (`CARTS`) and attributes (`pins` of `self.pins`, `RoomView.board`) the module reads somewhere other
    than in a statement that only writes them: `CARTS[k] = v`, `del CARTS[k]`, `CARTS[k] += 1`, and a mutator
    called for its effect alone (`CARTS.setdefault(k, []).append(x)`, `TASKS[k].add(t)`, `POOL.pop(k)` as a
    statement) are writes; `CARTS.get(k)`, `k in CARTS`, `for v in CARTS`, `v = POOL.pop(k)` are reads.

    Found on the first question, in one walk: most modules keep no state and never ask, and a name the module's
    text spells once (where it is bound) is read nowhere, which needs no walk."""

    def __init__(self, tree: ast.Module, text: str):
        self._tree = tree
        self._text = text
        self._found: set[str] | None = None

    def __contains__(self, name: object) -> bool:
        if self._found is None:
            if isinstance(name, str) and self._text.count(name) <= 1:
                return False
            self._found = self._walk()
        return name in self._found

    def request_scoped(self, name: str) -> bool:
        """Every read of the global `name` follows its binding in the same call (see `request_scoped`)."""
        return request_scoped(self._tree, name)

    def _walk(self) -> set[str]:
        loads, parents = loads_and_parents(self._tree, _CLIMBED)
        """Only the parents `_only_written` climbs through: subscripts, attributes, calls, expression statements."""
        found: set[str] = set()
        for node in loads:
            name = node.id if isinstance(node, ast.Name) else node.attr
            if name not in found and not _only_written(node, parents):
                found.add(name)
        return found


def _only_written(node: ast.expr, parents: dict[int, ast.AST]) -> bool:
    """Whether this use of a name only writes what it names (see `_Reads`)."""
    current: ast.AST = node
    while True:  # climb `X[k]`, `X.get(k)`, `X.setdefault(k, [])`: what they give is still X's content
        parent = parents.get(id(current))
        if isinstance(parent, ast.Subscript) and parent.value is current:
            if not isinstance(parent.ctx, ast.Load):
                return True
            current = parent
        elif isinstance(parent, ast.Attribute) and parent.attr in _CHAINING \
                and isinstance(call := parents.get(id(parent)), ast.Call) and call.func is parent:
            current = call
        else:
            break
    parent = parents.get(id(current))
    if isinstance(parent, ast.Attribute) and parent.attr in MUTATORS:
        call = parents.get(id(parent))
        return isinstance(call, ast.Call) and call.func is parent and isinstance(parents.get(id(call)), ast.Expr)
    return False


class _FunctionState:
    """Resolves expressions inside one function to the module/class state they reach."""

    def __init__(self, function: Function, module: _Module, owner: str | None, instance_attrs: set[str], is_package: bool,
                 enclosing: _Closure | None = None):
        self.function = function
        self.module = module
        self.owner = owner
        self.instance_attrs = instance_attrs
        self.is_package = is_package
        self.nodes = list(walk(function))
        """Every node of the function, walked once: locals, aliases and writes each read them."""
        self.globals = {n for node in self.nodes if isinstance(node, ast.Global) for n in node.names}
        self.nonlocals = {n for node in self.nodes if isinstance(node, ast.Nonlocal) for n in node.names}
        self.locals = self._locals() - self.globals - self.nonlocals
        self.closure = enclosing or _Closure({}, {})
        self.aliases: dict[str, StateVar] = {}
        self.sources: dict[str, ast.expr] = {}
        """Local name -> the expression it was assigned from (for a key's provenance)."""
        assigned = _assignments(self.nodes)
        for name, values in assigned.items():
            self.sources[name] = values[0]
            # An alias only when every assignment to the name reaches the same state: no flow analysis,
            # so `cart = CARTS[u]; cart = cart.copy()` is not an alias (no false alarm on the copy).
            targets = {self.resolve(value, allow_calls=True) for value in values}
            target = targets.pop() if len(targets) == 1 else None
            if target is not None:
                self.aliases[name] = target

    def _locals(self) -> set[str]:
        names = parameter_names(self.function)
        for node in self.nodes:
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
        return names

    def _imported(self, qualified: str) -> StateVar:
        return StateVar(absolute_import(qualified, self.module.dotted, self.is_package), "?", 0, imported=True)

    def resolve(self, node: ast.expr, allow_calls: bool = False) -> StateVar | None:
        imports = self.module.names.imports
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            if node.id in self.locals:
                return None
            if node.id in self.closure.state:
                return self.closure.state[node.id]
            if node.id in self.closure.bound:
                return None  # the factory's own non-container name shadows any module state of that name
            if node.id in self.module.state:
                return self.module.state[node.id]
            return self._imported(imports[node.id]) if node.id in imports else None
        if isinstance(node, ast.Subscript):
            return self.resolve(node.value, allow_calls)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            owner = node.value.id
            if owner in {"self", "cls"} and self.owner and node.attr not in self.instance_attrs:
                return self.module.class_state.get(self.owner, {}).get(node.attr)
            if owner in self.locals:
                return None
            if owner in self.module.class_state:
                return self.module.class_state[owner].get(node.attr)
            if owner in self.module.instances and owner not in self.closure.bound:
                return self.module.instances[owner].state.get(node.attr)
            if owner in imports:
                return self._imported(f"{imports[owner]}.{node.attr}")
        if (allow_calls and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in _ALIASING_METHODS):
            return self.resolve(node.func.value)
        return None


def _assignments(nodes: list[ast.AST]) -> dict[str, list[ast.expr]]:
    """Local name -> what each of its bindings assigns (the value, or the binding node when there is none),
    from a function's `nodes`."""
    assigned: dict[str, list[ast.expr]] = {}

    def bind(target: ast.expr, value: ast.expr) -> None:
        if isinstance(target, ast.Name):
            assigned.setdefault(target.id, []).append(value)
        elif isinstance(target, (ast.Tuple, ast.List, ast.Starred)):
            for child in walk(target):
                if isinstance(child, ast.Name):
                    assigned.setdefault(child.id, []).append(child)

    for node in nodes:
        if isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.NamedExpr)) and node.value is not None:
            bind(node.target, node.value)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor)):
            bind(node.target, node.target)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    bind(item.optional_vars, item.optional_vars)
    return assigned


def _key_text(node: ast.expr | None, state: _FunctionState) -> str:
    """The key expression when it comes from the session, a cookie, the user or a token, else ""."""
    if node is None:
        return ""
    if isinstance(node, ast.Name) and node.id in state.sources:
        node = state.sources[node.id]
    text = ast.unparse(node)
    return text if _SESSION_KEY.search(text) else ""


Write = tuple[ast.expr | ast.stmt, StateVar, str, str, str]
"""(node, state, operation, session-like key, the instance method that writes it or "")."""


def _unset_tests(test: ast.expr) -> set[str]:
    """Names a test checks are still unset: `not X`, `X is None`, `X == None`, joined by `or`/`and`."""
    if isinstance(test, ast.BoolOp):
        return set().union(*(_unset_tests(value) for value in test.values))
    if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name):
        return {test.operand.id}
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) \
            and isinstance(test.ops[0], (ast.Is, ast.Eq)) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        return {test.left.id}
    return set()


def _set_tests(test: ast.expr) -> set[str]:
    """Names a test checks are already filled: `X`, `X is not None`."""
    if isinstance(test, ast.Name):
        return {test.id}
    if isinstance(test, ast.Compare) and len(test.ops) == 1 and isinstance(test.left, ast.Name) \
            and isinstance(test.ops[0], ast.IsNot) and isinstance(test.comparators[0], ast.Constant) \
            and test.comparators[0].value is None:
        return {test.left.id}
    return set()


def _lazy_inits(function: ast.AST, nodes: list[ast.AST]) -> set[int]:
    """id() of assignments that fill a global once, guarded by a check that it is still unset
    (`if not _STATIC_FILES: _STATIC_FILES = list_static_files()`, or `if _REGISTRY: return _REGISTRY` before
    `_REGISTRY = discover()`, also double-checked under a lock: `if X is not None: return` then `with LOCK:` and the
    check again, and the items put into the fresh value then, `X = {}; X[ep.name] = ep.resolve()`): a per-process
    memo of data that is the same in every process, not state a request changes. So is a keyed memo of files
    (`if name in self.lang_data: return self.lang_data[name]` ... `self.lang_data[name] = data` in a function that
    reads files): what it keeps is read from the code tree the same way in every process. `nodes`: the function's,
    walked once by its `_FunctionState`."""
    found: set[int] = set()
    for node in nodes:
        if isinstance(node, ast.If):
            unset = _unset_tests(node.test)
            found |= {id(s) for s in node.body if isinstance(s, (ast.Assign, ast.AnnAssign)) and unset and all(
                isinstance(t, ast.Name) and t.id in unset for t in (s.targets if isinstance(s, ast.Assign) else [s.target]))}
    returned: set[str] = set()
    filled: set[str] = set()
    memos: set[tuple[str, str]] = set()
    reads_files = any(isinstance(n, ast.Call) and last_name(n.func) in _FILE_READS for n in nodes)
    body = list(_inlined(getattr(function, "body", [])))
    once = _once_flag_guard(body)
    for index, statement in enumerate(body):
        if isinstance(statement, ast.If) and statement.body and isinstance(statement.body[-1], ast.Return):
            returned |= _set_tests(statement.test)
            memos |= _memo_keys(statement) if reads_files else set()
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and all(
                isinstance(t, ast.Name) and (t.id in returned or once is not None and index > once)
                for t in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])):
            found.add(id(statement))
            filled |= {t.id for t in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
                       if isinstance(t, ast.Name) and t.id in returned}
        if filled or memos:  # the items put into a value filled once, or a memo's entry for the key it checked
            found |= {id(n) for n in walk(statement) if isinstance(n, ast.Assign) and len(n.targets) == 1
                      and isinstance(n.targets[0], ast.Subscript) and (
                          isinstance(n.targets[0].value, ast.Name) and n.targets[0].value.id in filled
                          or (ast.unparse(n.targets[0].value), ast.unparse(n.targets[0].slice)) in memos)}
    return found


_FILE_READS = {"open", "load", "safe_load", "read_text", "read_bytes", "listdir", "scandir", "get_data"}
"""Calls that read files (`open()`, `json.load()`, `yaml.safe_load()`, `Path.read_text()`, `os.listdir()`,
`pkgutil.get_data()`): a memo a function fills with what they read holds what every process reads alike."""


def _inlined(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """A body's statements in order, with the statements of its `with` blocks (a lock held around a fill) in line."""
    for statement in body:
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            yield from _inlined(statement.body)
        else:
            yield statement


def _memo_keys(check: ast.If) -> set[tuple[str, str]]:
    """(container, key) of a keyed memo's early return: `if key in X: return X[key]` (the test may say more, `not
    DEBUG and key in X`)."""
    returned = check.body[-1]
    if not isinstance(returned, ast.Return) or not isinstance(returned.value, ast.Subscript):
        return set()
    container, key = ast.unparse(returned.value.value), ast.unparse(returned.value.slice)
    tested = any(isinstance(n, ast.Compare) and len(n.ops) == 1 and isinstance(n.ops[0], ast.In)
                 and ast.unparse(n.left) == key and ast.unparse(n.comparators[0]) == container for n in walk(check.test))
    return {(container, key)} if tested else set()


def _once_flag_guard(body: list[ast.stmt]) -> int | None:
    """The index of `if <flag>: return` when the function sets that flag itself further down
    (`if app.extensions.get("ready"): return` ... `app.extensions["ready"] = True`, or a `global _done`): what
    it binds in between runs once per process (an OAuth client built at the first request), else None."""
    for index, statement in enumerate(body):
        if isinstance(statement, ast.If) and len(statement.body) == 1 and isinstance(statement.body[0], ast.Return) \
                and not statement.orelse:
            flags = {_flag_text(node) for node in walk(statement.test)} - {""}
            later = {ast.unparse(t) for s in body[index + 1:] if isinstance(s, ast.Assign) for t in s.targets}
            if flags & later:
                return index
    return None


def _flag_text(node: ast.AST) -> str:
    """A flag a test reads, as the text an assignment to it would have: `X`, `a.b`, `d['k']` (`d.get('k')` too)."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get" and node.args:
        return f"{ast.unparse(node.func.value)}[{ast.unparse(node.args[0])}]"
    return ast.unparse(node) if isinstance(node, (ast.Name, ast.Attribute, ast.Subscript)) else ""


def _writes(state: _FunctionState) -> Iterator[Write]:
    """A `Write` for each write to shared state."""
    module = state.module
    lazy = _lazy_inits(state.function, state.nodes)
    for node in state.nodes:
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
            targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]
            for target in targets:
                if isinstance(target, ast.Subscript):
                    var = state.resolve(target.value)
                    if var is not None and id(node) not in lazy:
                        op = "item deletion" if isinstance(node, ast.Delete) else "item assignment"
                        yield target, var, op, _key_text(target.slice, state), ""
                elif isinstance(target, ast.Name) and target.id in state.nonlocals and target.id in state.closure.bound:
                    if not isinstance(node, ast.Delete) and id(node) not in lazy:
                        var = state.closure.state.get(target.id) or StateVar(
                            target.id, "app factory variable", state.closure.bound[target.id])
                        yield target, var, "rebinding through `nonlocal`", "", ""
                elif isinstance(target, ast.Name) and target.id in state.globals and target.id in module.bound:
                    if not isinstance(node, ast.Delete) and id(node) not in lazy:
                        var = module.state.get(target.id) or StateVar(target.id, "module global", module.bound[target.id])
                        op = "in-place update through `global`" if isinstance(node, ast.AugAssign) else _REBINDING
                        yield target, var, op, "", ""
                elif isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id in module.class_state and target.value.id not in state.locals:
                    var = module.class_state[target.value.id].get(target.attr)
                    if var is not None:
                        yield target, var, _CLASS_REBINDING, "", ""
        elif isinstance(node, ast.Call):
            func = node.func
            method = _imported_method(func, state)
            if method is not None and isinstance(func, ast.Attribute):  # link keeps it if the method writes state
                yield node, method, f"`.{func.attr}()`", "", func.attr
            instance = _instance_called(func, state)
            if instance is not None and isinstance(func, ast.Attribute) and func.attr in instance.methods:
                attr = instance.methods[func.attr]
                yield node, instance.state[attr], f"`.{func.attr}()` (which writes `self.{attr}`)", "", func.attr
            elif isinstance(func, ast.Attribute) and func.attr in MUTATORS:
                # `CARTS.get(k).append(x)` writes CARTS; `CARTS.setdefault(k, []).append(x)` is one write, counted once
                var = state.resolve(func.value, allow_calls=func.attr != "setdefault")
                if var is not None:
                    key = node.args[0] if node.args and func.attr in {"setdefault", "pop", "__setitem__"} else None
                    yield node, var, f"`.{func.attr}()`", _key_text(key, state), ""
            elif module.names.qualify(func) in _HELPERS and node.args:
                var = state.resolve(node.args[0])
                if var is not None:
                    yield node, var, f"`{module.names.qualify(func)}()`", "", ""


_F = TypeVar("_F", bound=PythonFact)
_IDEMPOTENT = frozenset({"add", "update", "setdefault", "__setitem__"})
"""Mutators that leave the container the same when repeated with the same arguments (`S.add(X)`, `D.update({...})`,
`D.setdefault(K, V)`); `append`/`extend`/`insert` grow it on every call."""
_CONSTANT_NAME = re.compile(r"^_?[A-Z][A-Z0-9_]*$")
"""A module-level constant or an enum member by its name (`MANPADS_ID`, `Status.ACTIVE`)."""


def _constant(node: ast.expr | None, state: _FunctionState) -> bool:
    """A literal, an UPPER_CASE constant (`LIMIT`, `services.MANPADS_ID`, `Status.ACTIVE`), or a literal container
    of those: the same value in every process."""
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        return _constant(node.operand, state)
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return all(_constant(e, state) for e in node.elts)
    if isinstance(node, ast.Dict):
        return all(k is not None and _constant(k, state) and _constant(v, state)
                   for k, v in zip(node.keys, node.values, strict=True))
    if isinstance(node, ast.Name):
        return bool(_CONSTANT_NAME.match(node.id)) and node.id not in state.locals
    if isinstance(node, ast.Attribute) and _CONSTANT_NAME.match(node.attr):
        root = node.value
        while isinstance(root, ast.Attribute):
            root = root.value
        return isinstance(root, ast.Name) and root.id not in state.locals and root.id not in {"self", "cls"}
    return False


def _constant_writes(state: _FunctionState) -> dict[int, str]:
    """id() of each write that puts only constants into a container in a way repeating it changes nothing
    (`S.update({A, B})`, `S.add(A)`, `D[K] = V`, `D.setdefault(K, V)`), with its text: every process that runs it
    ends with the same value, so it does not diverge between processes."""
    found: dict[int, str] = {}
    for node in state.nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
            target = node.targets[0]
            if _constant(target.slice, state) and _constant(node.value, state):
                found[id(target)] = ast.unparse(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _IDEMPOTENT \
                and (node.args or node.keywords) and all(_constant(a, state) for a in node.args) \
                and all(k.arg is not None and _constant(k.value, state) for k in node.keywords):
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id in state.sources:
                receiver = state.sources[receiver.id]  # the alias's own name would differ between handlers
            found[id(node)] = f"{ast.unparse(receiver)}.{node.func.attr}" \
                              f"({', '.join([ast.unparse(a) for a in node.args] + [ast.unparse(k) for k in node.keywords])})"
    return found


def _read_after_writes(tree: ast.Module, state: _FunctionState, fact: _F) -> _F:
    """Keep a fact's `constant_values` only when this module reads the state nowhere but in the writing function, after
    its first write (lite-frontend's `flags = services.FLAGS; flags.update({A, B}); ... & flags`): every reader then
    sees the constants. A read in another function may run in a process where the handler never ran, and sees the
    container without them (cve-search's login handlers adding default filters other views read)."""
    if not isinstance(fact, StateWrite) or not fact.constant_values:
        return fact
    name = fact.name.rsplit(".", 1)[-1]
    aliases = {alias for alias, var in state.aliases.items() if _short(var).rsplit(".", 1)[-1] == name}
    inside = {id(node) for node in state.nodes}
    excluded: set[int] = set()
    for node in state.nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _IDEMPOTENT:
            excluded |= {id(part) for part in ast.walk(node.func.value)}
        elif isinstance(node, ast.Assign):
            if len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
                excluded |= {id(part) for part in ast.walk(node.targets[0].value)}
            if any(isinstance(t, ast.Name) and t.id in aliases for t in node.targets):
                excluded |= {id(part) for part in ast.walk(node.value)}
    for node in ast.walk(tree):
        named = isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and (
            node.id == name or node.id in aliases and id(node) in inside) \
            or isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Load) and node.attr == name
        if not named or id(node) in excluded:
            continue
        if id(node) not in inside or getattr(node, "lineno", 0) < fact.line:
            return replace(fact, constant_values="")
    return fact


@dataclass(frozen=True)
class _Closure:
    """What a factory that defines a nested handler binds in its own body: its containers, and every name."""

    state: dict[str, StateVar]
    bound: dict[str, int]


def _closure(function: Function, parents: dict[int, Function | None], names: Names) -> _Closure | None:
    """The enclosing factory's bindings for a handler nested in it (`def create_app(): rooms = {}; @app.route
    ... def join(): rooms[...] = ...`), else None. Only the factory's own top-level statements count."""
    parent = parents.get(id(function))
    if parent is None:
        return None
    bound: dict[str, int] = {}
    for statement in parent.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            for node in walk(statement):
                if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                    bound.setdefault(node.id, statement.lineno)
    return _Closure(_state_bindings(parent.body, names, None), bound)


def _instance_called(func: ast.expr, state: _FunctionState) -> _Instance | None:
    """The module instance whose method `func` calls (`store.add`), unless a local name shadows it."""
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
        name = func.value.id
        if name not in state.locals and name not in state.closure.bound:
            return state.module.instances.get(name)
    return None


def _imported_method(func: ast.expr, state: _FunctionState) -> StateVar | None:
    """`store.add(k)` or `Store().add(k)` where `store`/`Store` is from-imported: the method, as an imported
    name (`pkg.stores.store.add()`) that link resolves against the methods the other module says write state."""
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value.func if isinstance(func.value, ast.Call) else func.value
    if not isinstance(receiver, ast.Name) or receiver.id in state.locals or receiver.id in state.closure.bound:
        return None
    imported = state.module.names.imports.get(receiver.id, "")
    if "." not in imported.lstrip("."):  # `import json`: a library module, not a project object
        return None
    return state._imported(f"{imported}.{func.attr}()")


def _state_methods(module: _Module, path: str, is_package: bool, instance_attrs: _InstanceAttrs,
                   index: Index) -> list[ModuleState]:
    """Methods that write shared state, for handlers in other modules that call them: a class's methods writing
    its class-level or the module's containers (`Board.pin()` doing `Board.pins.append(...)`), and a module
    instance's methods writing what its `__init__` bound on `self`. Left out: caches and pools of live objects
    (by name), and getters (`get()`, `get_client()`: a get-or-create memo of what every process rebuilds)."""
    if not (module.state or module.class_state or module.instances):
        return []
    found: dict[str, list[tuple[str, StateVar]]] = {}  # class -> (method, the container it writes)
    module_roots = {name for name in module.state if not name.startswith("__")}  # not `__all__`
    written = _written_roots(index) if module_roots or module.class_state else {}
    for class_name, cls in module.names.classes.items():
        roots = module_roots | ({"self", "cls", class_name} if class_name in module.class_state else set())
        if not roots:
            continue
        for method in cls.body:
            if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and method.name != "__init__" \
                    and not method.name.startswith("get") and written.get(id(method), set()) & roots:
                state = _FunctionState(method, module, class_name, instance_attrs.of(class_name), is_package)
                var = next((w[1] for w in _writes(state) if not w[1].imported and not _pooled(w[1].name)), None)
                if var is not None:
                    found.setdefault(class_name, []).append((method.name, var))
    facts = [ModuleState(path, var.line, module=f"{module.dotted}.{owner}", name=f"{name}()",
                         container=var.container, anchor=f"{owner}.{name}()", writes=var.name)
             for owner, methods in found.items() for name, var in methods]
    for instance_name, instance in module.instances.items():
        value = module.names.values[instance_name]
        built_by = value.func.id if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) else ""
        facts += [ModuleState(path, var.line, module=f"{module.dotted}.{instance_name}", name=f"{name}()",
                              container=var.container, anchor=f"{instance_name}.{name}()", writes=var.name)
                  for name, var in found.get(built_by, ()) if name not in instance.methods]
        for name, attr in instance.methods.items():
            var = instance.state[attr]
            if not _pooled(attr) and not name.startswith("get"):
                facts.append(ModuleState(path, var.line, module=f"{module.dotted}.{instance_name}", name=f"{name}()",
                                         container=var.container, anchor=f"{instance_name}.{name}()", writes=var.name))
    return facts


def _written_roots(index: Index) -> dict[int, set[str]]:
    """id() of each function -> the names its item assignments and mutator calls are rooted at (`self` for
    `self.pins.append(x)`, `CARTS` for `CARTS[k] = v`), from the index: a cheap first look, so that only the
    methods that may write shared state are resolved in full."""
    found: dict[int, set[str]] = {}
    for site in index.calls:
        func = site.node.func
        if site.function is not None and isinstance(func, ast.Attribute) and func.attr in MUTATORS:
            found.setdefault(id(site.function), set()).add(_root(func.value))
    for assignment in index.assignments:
        node = assignment.node
        for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
            if assignment.function is not None and isinstance(target, ast.Subscript):
                found.setdefault(id(assignment.function), set()).add(_root(target.value))
    return found


def _root(node: ast.expr) -> str:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _pooled(name: str) -> bool:
    """A cache or a pool of live objects (`_clients`, `connections`): behind a method, a handler only uses what
    the process keeps for itself."""
    return bool(_CACHE_NAME.search(name)) or any(_LIVE.search(part) for part in name.split("."))


def state_facts(tree: ast.Module, names: Names, handlers: list[Handler], path: str, index: Index,
                text: str) -> list[PythonFact]:
    """Module-level containers (for other modules that import them), methods that write them, and handler writes
    to shared state. `index.parents`: function -> enclosing function, for routes nested in an app factory."""
    parents = index.parents
    class_state = {name: _state_bindings(cls.body, names, name) for name, cls in names.classes.items()}
    bound = _module_names(tree)
    anchors = _task_anchors(index) | _clock_memos(index, names, text)
    observed = _observed(tree, index, text) | _introspected(tree, names, text)
    module_state = {name: var for name, var in _state_bindings(module_statements(tree), names, None).items()
                    if name not in anchors}
    module = _Module(names, dotted_module(path), module_state,
                     {name: found for name, found in class_state.items() if found}, bound, _instances(names, bound),
                     _Reads(tree, text))
    facts: list[PythonFact] = [
        ModuleState(path, var.line, module=module.dotted, name=var.name, container=var.container, anchor=var.name,
                    read=var.name in module.reads)
        for var in module.state.values()
    ]
    facts += [  # class-level and instance containers, for modules that import the class or instance
        ModuleState(path, var.line, module=f"{module.dotted}.{owner}", name=attr, container=var.container,
                    anchor=var.name, read=attr in module.reads)
        for owner, attrs in [*module.class_state.items(), *((n, i.state) for n, i in module.instances.items())]
        for attr, var in attrs.items()
    ]
    is_package = PurePosixPath(path).name == "__init__.py"
    instance_attrs = _InstanceAttrs(names)
    facts += _state_methods(module, path, is_package, instance_attrs, index)
    facts += _routable_view_writes(names, module, handlers, path, is_package, instance_attrs, observed, tree)
    for handler in handlers:
        owner = handler.qualname.split(".")[0] if "." in handler.qualname else None
        state = _FunctionState(handler.function, module, owner, instance_attrs.of(owner), is_package,
                               _closure(handler.function, parents, names))
        grouped: dict[str, list[Write]] = {}
        own = {id(node.targets[0] if isinstance(node, ast.Assign) else node) for node in state.nodes
               if _registers_own_connection(node, state)}
        own_waiters = {id(node.targets[0] if isinstance(node, ast.Assign) else node) for node in state.nodes
                       if _parks_waiter(node, state)}
        for write in _writes(state):
            if handler.framework == THREAD and write[1].container == "module global":
                continue  # a thread publishing a handle it made (`global _loop; _loop = new_event_loop()`)
            if handler.within and not handler.within[0] <= write[0].lineno <= handler.within[1]:
                continue
            if write[1].name in observed and write[2] in _SCALAR_WRITES:
                continue  # a number a metrics callback reports for this process (in-flight requests per worker), or
                # this process's own heap snapshot or usage figures (`_LAST_SNAPSHOT = tracemalloc.take_snapshot()`)
            grouped.setdefault(write[1].name, []).append(write)
        facts += [_read_after_writes(tree, state, fact) for fact in
                  _handler_facts(path, handler, module, grouped, own, own_waiters, _constant_writes(state))]
    return facts


_CONNECTIONS = re.compile(r"^(WebSocket|WebSocketResponse|WebSocketServerProtocol|WebSocketHandler)$")
"""What a handler's own connection is built as or annotated with: aiohttp's `web.WebSocketResponse()`,
Starlette/FastAPI's `WebSocket` parameter, websockets' protocol."""


def _registers_own_connection(node: ast.AST, state: _FunctionState) -> bool:
    """`sockets.append(ws)` (or `.add()`, `X[k] = ws`) where `ws` is the connection this handler serves: a
    `WebSocket`-annotated parameter or a local made by `web.WebSocketResponse()`. Open connections live in the process
    that accepted them; a handler keeping its own one where this process can reach it does not put request state in
    the process."""
    value: ast.expr | None = None
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"append", "add"} \
            and len(node.args) == 1:
        value = node.args[0]
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
        value = node.value
    if not isinstance(value, ast.Name):
        return False
    function = state.function
    for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]:
        if arg.arg == value.id and arg.annotation is not None:
            return bool(_CONNECTIONS.match(last_name(arg.annotation) or ast.unparse(arg.annotation)))
    source = state.sources.get(value.id)
    return isinstance(source, ast.Call) and bool(_CONNECTIONS.match(last_name(source.func)))


_WAITERS = frozenset({"asyncio.Future", "asyncio.Event", "asyncio.futures.Future", "threading.Event",
                      "concurrent.futures.Future", "tornado.concurrent.Future", "trio.Event", "anyio.Event"})
"""What a handler parks for a later request or callback to complete: a future or an event of this process."""


def _parks_waiter(node: ast.AST, state: _FunctionState) -> bool:
    """`WAITERS[k] = loop.create_future()` (or `(req, fut)`, `fut` a local made so; `.append()`, `.add()`,
    `.setdefault(k, v)` alike): the stored value is, or carries, a future or an event that another request or a
    callback completes. Such an entry is a live object of this event loop or process, not data a store could hold."""
    values: list[ast.expr] = []
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in {"append", "add",
                                                                                                  "setdefault"}:
        values = node.args[1:] if node.func.attr == "setdefault" else node.args[:1]
    elif isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Subscript):
        values = [node.value]
    return any(_is_waiter(part, state) for value in values
               for part in (value.elts if isinstance(value, (ast.Tuple, ast.List)) else [value]))


def _is_waiter(value: ast.expr, state: _FunctionState) -> bool:
    if isinstance(value, ast.Name):
        source = state.sources.get(value.id)
        return source is not None and not isinstance(source, ast.Name) and _is_waiter(source, state)
    if not isinstance(value, ast.Call):
        return False
    func = value.func
    return isinstance(func, ast.Attribute) and func.attr == "create_future" \
        or state.module.names.qualify(func) in _WAITERS


def _handler_facts(path: str, handler: Handler, module: _Module, grouped: dict[str, list[Write]],
                   own: set[int], waiting: set[int] | frozenset[int] = frozenset(),
                   constants: dict[int, str] | None = None) -> list[PythonFact]:
    """One fact per state the handler writes; beside a registry of live objects (`HOT_POOL`, `browser_sessions`),
    the other state the handler writes is that registry's bookkeeping (`LAST_USED[sig]`, `USAGE_COUNT[sig]`, a
    watch-to-session index, a second registry of the same objects): one problem, folded into the first registry's
    fact, its writes kept as related places. Writes keyed by the session stay apart (TF604's question)."""
    ordered = [sorted(writes, key=lambda w: (w[0].lineno, w[0].col_offset)) for writes in grouped.values()]
    registry = next((writes for writes in ordered if _live(writes[0][1])), None)
    if registry is None:
        return [_fact(path, handler, writes, module.reads, own, waiting, constants) for writes in ordered]
    kept = [writes for writes in ordered if writes is registry or writes[0][1].name.endswith("()")
            or any(key for _, _, _, key, _ in writes)]  # a call of an imported method is link's to resolve
    folded = [writes for writes in ordered if not any(writes is k for k in kept)]
    facts: list[PythonFact] = []
    for writes in kept:
        fact = _fact(path, handler, writes, module.reads, own, waiting, constants)
        if writes is registry and folded:
            fact = replace(fact, bookkeeping=", ".join(f"`{_short(w[0][1])}`" for w in folded),
                           places=tuple((path, w.lineno, w.col_offset + 1) for ws in folded for w, *_ in ws),
                           removals_only=fact.removals_only and all(_removes(w[2]) for ws in folded for w in ws))
        facts.append(fact)
    return facts


def _live(var: StateVar) -> bool:
    return any(_LIVE.search(part) for part in _short(var).split("."))


def _short(var: StateVar) -> str:
    return var.name.rsplit(".", 1)[-1] if var.imported else var.name


def _removes(operation: str) -> bool:
    return operation == "item deletion" or operation.strip("`") in {f".{m}()" for m in _REMOVERS}


def _task_anchors(index: Index) -> set[str]:
    """Module names whose elements drop themselves when done (`task.add_done_callback(TASKS.discard)`, or a done
    callback of its own that discards the task it is given: `def _done(t): TASKS.discard(t); t.result()`): a set
    holding running asyncio tasks only so that they are not garbage-collected, which no other process could
    use; the detached work itself is TF612's."""
    found = set()
    callbacks: set[str] = set()
    for site in index.calls:
        node = site.node
        if isinstance(node.func, ast.Attribute) and node.func.attr == "add_done_callback":
            for arg in node.args:
                if isinstance(arg, ast.Attribute) and arg.attr in _DROPS and isinstance(arg.value, ast.Name):
                    found.add(arg.value.id)
                elif isinstance(arg, ast.Name):
                    callbacks.add(arg.id)
                elif isinstance(arg, ast.Lambda) and (name := _drops_own_argument(arg.body, arg.args)):
                    found.add(name)
    if callbacks:
        for site in index.calls:
            if site.function is not None and site.function.name in callbacks \
                    and (name := _drops_own_argument(site.node, site.function.args)):
                found.add(name)
    return found


_DROPS = ("discard", "remove")


def _drops_own_argument(node: ast.expr, args: ast.arguments) -> str:
    """`TASKS.discard(t)` where `t` is the callback's first parameter: the name of the set it drops itself from."""
    first = [*args.posonlyargs, *args.args][:1]
    if first and isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DROPS \
            and isinstance(node.func.value, ast.Name) and len(node.args) == 1 and isinstance(node.args[0], ast.Name) \
            and node.args[0].id == first[0].arg:
        return node.func.value.id
    return ""


_SCALAR_WRITES = frozenset({_REBINDING, "rebinding through `nonlocal`", "in-place update through `global`"})
_METRIC_WORDS = ("Observation", "callbacks", "set_function")
"""The prefilter: an OpenTelemetry observation, an observable instrument's callbacks, a Prometheus gauge's function."""


def _observed(tree: ast.Module, index: Index, text: str) -> set[str]:
    """Names a metrics callback reads: a function passed as an observable instrument's `callbacks=[...]`
    (OpenTelemetry), to a Prometheus gauge's `set_function(...)`, or one that builds `Observation(...)`s. A number
    the handlers keep for such a callback (`inflight += 1`, reported as a gauge labelled with the worker's pid) is
    instrumentation of this process, per-process on purpose, not state the app shares between requests."""
    if not any(word in text for word in _METRIC_WORDS):
        return set()
    registered: set[str] = set()
    lambdas: list[ast.AST] = []
    for site in index.calls:
        call = site.node
        given = [k.value for k in call.keywords if k.arg == "callbacks"]
        if isinstance(call.func, ast.Attribute) and call.func.attr == "set_function":
            given += call.args[:1]
        for node in given:
            for item in node.elts if isinstance(node, (ast.List, ast.Tuple)) else [node]:
                if isinstance(item, ast.Name):
                    registered.add(item.id)
                elif isinstance(item, ast.Lambda):
                    lambdas.append(item)
    callbacks = [*lambdas, *(node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                             and (node.name in registered or any(isinstance(n, ast.Call) and
                                                                 last_name(n.func) == "Observation" for n in walk(node))))]
    return {n.id for callback in callbacks for n in walk(callback) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}


_INTROSPECTION = ("tracemalloc.", "gc.", "resource.", "os.getpid", "os.getppid", "psutil.Process", "pympler.",
                  "sys.getallocatedblocks")
"""Calls that describe this very process (its heap, garbage collector, resource usage, pid)."""
_INTROSPECTION_WORDS = ("tracemalloc", "gc", "resource", "getpid", "psutil", "pympler", "getallocatedblocks")


def _introspected(tree: ast.Module, names: Names, text: str) -> set[str]:
    """Globals every function rebinding them (`global X; X = ...`) gives what describes this very process: its own
    tracemalloc snapshot kept to diff the next heap dump (`_LAST_SNAPSHOT = tracemalloc.take_snapshot()`, directly,
    through a local or through a module function returning it), its `gc` or `resource` figures, its pid. Per-process
    by nature: another process's copy would mean nothing to it, and no shared store could hold it for them."""
    if "global" not in text or not any(word in text for word in _INTROSPECTION_WORDS):
        return set()  # a global is rebound only under a `global` statement

    def describes(value: ast.expr | None, local: dict[str, ast.expr]) -> bool:
        if isinstance(value, ast.Name) and value.id in local:
            value = local[value.id]
        if not isinstance(value, ast.Call):
            return False
        qualified = names.qualify(value.func) or ""
        if qualified.startswith(_INTROSPECTION):
            return True
        helper = names.functions.get(qualified)
        returns = [n.value for n in walk(helper) if isinstance(n, ast.Return)] if helper is not None else []
        return bool(returns) and all(isinstance(r, ast.Call) and (names.qualify(r.func) or "").startswith(_INTROSPECTION)
                                     for r in returns)

    found: set[str] = set()
    other: set[str] = set()
    for function in (n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
        declared = {name for n in walk(function) if isinstance(n, ast.Global) for name in n.names}
        if not declared:
            continue
        assigns = [(node.targets[0].id, node.value) for node in walk(function) if isinstance(node, ast.Assign)
                   and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)]
        local = {name: value for name, value in assigns if name not in declared}
        for name, value in assigns:
            if name in declared:
                (found if describes(value, local) else other).add(name)
    return found - other


_PROCESS_CLOCKS = {"time.monotonic", "time.monotonic_ns", "time.perf_counter", "time.perf_counter_ns"}
_CLOCK_WORDS = ("monotonic", "perf_counter")
"""The prefilter: a name that qualifies as a process clock is spelled in the source (its import at least)."""


def _clock_memos(index: Index, names: Names, text: str) -> set[str]:
    """Module names given items valued by a process clock (`FAILED[k] = time.monotonic() + TTL`, or a local bound to
    one: `now = time.monotonic(); SENT[k] = now`): a backoff, expiry or de-dup memo whose readings mean nothing to
    another process, so it cannot be shared state."""
    found: set[str] = set()
    if not any(word in text for word in _CLOCK_WORDS):
        return found
    clocks: dict[int, set[str]] = {}  # per function: its locals bound to a clock reading (`now = time.monotonic()`)
    for site in index.assignments:
        node = site.node
        if site.function is not None and id(site.function) not in clocks:
            clocks[id(site.function)] = _clock_locals(site.function, names)
        if isinstance(node, ast.Assign) and _clock_reading(
                node.value, clocks[id(site.function)] if site.function is not None else set(), names):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
                    found.add(target.value.id)
    return found


def _routable_view_writes(names: Names, module: _Module, handlers: list[Handler], path: str,
                          is_package: bool, instance_attrs: _InstanceAttrs,
                          observed: set[str] | frozenset[str] = frozenset(),
                          tree: ast.Module | None = None) -> list[ViewCandidateWrite]:
    """Writes to shared state in functions shaped like Django views (`def x(request, ...)`), and in methods of
    classes that hold state, that nothing in this module marks as handlers: a URLconf elsewhere may route to
    them (`path(..., pages.detail)`, `Counter.as_view()`). Link keeps those it finds routed
    (`python.view_candidate_write` becomes what the write would have been) and drops the rest."""
    known = {id(h.function) for h in handlers}
    candidates: list[tuple[Function, str, str | None, str]] = []  # (function, qualname, owner class, routed name)
    for name, function in names.functions.items():
        params = function.args.posonlyargs + function.args.args
        if params and params[0].arg == "request":
            candidates.append((function, name, None, name))
    for cls in module.class_state:  # classes holding state, routed with `.as_view()`
        for item in names.classes[cls].body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)):
                candidates.append((item, f"{cls}.{item.name}", cls, cls))
    facts = []
    for function, qualname, owner, routed in candidates:
        if id(function) in known:
            continue
        state = _FunctionState(function, module, owner, instance_attrs.of(owner), is_package)
        grouped: dict[str, list[Write]] = {}
        for write in _writes(state):
            if write[1].name not in observed or write[2] not in _SCALAR_WRITES:  # not this process's own figures
                grouped.setdefault(write[1].name, []).append(write)
        for writes in grouped.values():
            fact = _fact(path, Handler(function, qualname, REQUEST, "django"),
                         sorted(writes, key=lambda w: (w[0].lineno, w[0].col_offset)), module.reads,
                         constants=_constant_writes(state))
            if tree is not None:
                fact = _read_after_writes(tree, state, fact)
            facts.append(convert(fact, ViewCandidateWrite, write_kind=fact.kind, view=f"{module.dotted}.{routed}"))
    return facts


def _fact(path: str, handler: Handler, writes: list[Write], reads: _Reads,
          own: set[int] | frozenset[int] = frozenset(), waiting: set[int] | frozenset[int] = frozenset(),
          constants: dict[int, str] | None = None) -> StateWrite:
    """One fact per handler and state: at the first write, keyed by the session if any write is; `reads`: what
    the handler's module reads.

    A write to an imported name is an `imported_state_write` until link finds the container it names.
    """
    node, var, op, _, _ = writes[0]
    session_key = next((key for _, _, _, key, _ in writes if key), "")
    through = writes[0][4] if all(method for *_, method in writes) else ""
    more = f" (and {len(writes) - 1} more write{'s' * (len(writes) > 2)})" if len(writes) > 1 else ""
    short = _short(var)
    kind = ImportedStateWrite if var.imported else StateMutation
    constant = [(constants or {}).get(id(w[0]), "") for w in writes]
    constant_values = "; ".join(f"`{text}`" for text in dict.fromkeys(constant)) \
        if all(constant) and not any(w[4] for w in writes) else ""
    return kind(
        path, node.lineno, node.col_offset + 1, node.end_lineno, (node.end_col_offset or 0) + 1,
        name=short, qualified=var.name, container=var.container, defined_at=f"line {var.line}",
        definition_line=0 if var.imported else var.line, operation=op + more,
        writes=len(writes), function=handler.qualname, handler=handler.via or handler.qualname, context=handler.context,
        framework=handler.framework, site=handler.describe(), session_key=session_key,
        cache_like=bool(_CACHE_NAME.search(short)), live_objects=_live(var),
        read_back=short.rsplit(".", 1)[-1] in reads, removals_only=all(_removes(w[2]) for w in writes),
        rebinding=all(w[2] in (_REBINDING, _CLASS_REBINDING) for w in writes),
        request_scoped=not var.imported and all(w[2] == _REBINDING for w in writes) and reads.request_scoped(short),
        own_connection=any(id(w[0]) in own for w in writes) and all(id(w[0]) in own or _removes(w[2]) for w in writes),
        waiters=any(id(w[0]) in waiting for w in writes) and all(id(w[0]) in waiting or _removes(w[2]) for w in writes),
        probe=bool(_PROBE.search(handler.qualname.rsplit(".", 1)[-1])), through_method=through,
        constant_values=constant_values, anchor=f"{handler.qualname}:{var.name}",
    )


class _InstanceAttrs:
    """Attributes assigned on `self` anywhere in a class: those shadow class-level state. Worked out once
    a class (each of its methods asks; walking the class for each was quadratic in big classes)."""

    def __init__(self, names: Names):
        self._classes = names.classes
        self._found: dict[str, set[str]] = {}

    def of(self, owner: str | None) -> set[str]:
        if owner not in self._classes:
            return set()
        if owner not in self._found:
            self._found[owner] = {
                node.attr for node in walk(self._classes[owner])
                if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store)
                and isinstance(node.value, ast.Name) and node.value.id == "self"
            }
        return self._found[owner]
