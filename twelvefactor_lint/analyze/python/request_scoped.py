"""Module globals used as a request's scratch space (TF601's `request_scoped`).

A global that a handler rebinds (`global project; project = Project.objects.get(...)`) and then reads in the same
call carries nothing from one request to the next when every read of it, anywhere in the module, is in a function
that binds it (through `global`) on every path before the read: what a request reads is what it just wrote, so the
copy each worker process keeps never matters. The real bug is a race between the threads of one process (a
`--threads` server, an async handler that awaits), fixed by a local variable — not state for a backing service.

Paths are followed through `if`/`else`, loops (zero or one turn), `with`, `try` and `match`; a `return` or `raise`
ends one. A method dispatch (`if request.method == "GET": ... if request.method == "POST": ... return`) is read as
such: a path taken only by a method none of the function's tests names (a `PUT` to a view that serves `GET` and
`POST`) is not one the view serves. A read in a nested function or lambda, before the first binding, or in a
function with no `global` for the name is not request-scoped.
"""

from __future__ import annotations

import ast
from typing import NamedTuple, cast

from twelvefactor_lint.analyze.python.index import walk

_MAX_STATES = 64
"""Beyond this many distinct path states a function is not judged request-scoped (never reached by real views)."""


_TRIES: tuple[type[ast.stmt], ...] = (ast.Try, *((ast.TryStar,) if hasattr(ast, "TryStar") else ()))
"""`try`, and `try`/`except*` where the Python running the linter has it (3.11+)."""


class _State(NamedTuple):
    bound: bool
    allowed: frozenset[str] | None
    """The request methods this path is taken for (`None`: any)."""
    excluded: frozenset[str]
    """The methods this path is not taken for."""


class _Unscoped(Exception):
    """A read that may see what another request left."""


def request_scoped(tree: ast.Module, name: str) -> bool:
    """Whether every read of the module global `name` is in a function that binds it (through `global`) on every
    path the function serves before the read."""
    readers: list[ast.FunctionDef | ast.AsyncFunctionDef] = []
    pending: list[tuple[ast.AST, ast.FunctionDef | ast.AsyncFunctionDef | None]] = [(tree, None)]
    while pending:
        node, function = pending.pop()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                pending.append((child, child))
                continue
            if isinstance(child, ast.Name) and child.id == name and isinstance(child.ctx, ast.Load):
                if function is None:
                    return False  # read at module level (or in a class body)
                if function not in readers:
                    readers.append(function)
            pending.append((child, function))
    return bool(readers) and all(_binds_before_reads(f, name) for f in readers)


def _binds_before_reads(function: ast.FunctionDef | ast.AsyncFunctionDef, name: str) -> bool:
    if not any(isinstance(n, ast.Global) and name in n.names for n in walk(function)):
        return False
    methods = frozenset(m for n in walk(function) if isinstance(n, ast.Compare)
                        for m in (_method_test(n) or ((), False))[0])
    flow = _Flow(name, methods)
    try:
        flow.block(function.body, {_State(False, None, frozenset())})
    except _Unscoped:
        return False
    return True


def _method_test(test: ast.expr) -> tuple[tuple[str, ...], bool] | None:
    """(methods, positive) of `request.method == "GET"`, `"POST" != request.method`, `request.method in ("GET",
    "HEAD")`, `... not in ...`; None for any other test."""
    if not isinstance(test, ast.Compare) or len(test.ops) != 1:
        return None
    left, right, op = test.left, test.comparators[0], test.ops[0]
    if _is_method(right) and not _is_method(left):
        left, right = right, left
    if not _is_method(left):
        return None
    if isinstance(right, ast.Constant) and isinstance(right.value, str):
        values: tuple[str, ...] = (right.value.upper(),)
    elif isinstance(right, (ast.Tuple, ast.List, ast.Set)) and all(
            isinstance(e, ast.Constant) and isinstance(e.value, str) for e in right.elts):
        values = tuple(str(e.value).upper() for e in right.elts if isinstance(e, ast.Constant))
    else:
        return None
    if isinstance(op, (ast.Eq, ast.In)):
        return values, True
    if isinstance(op, (ast.NotEq, ast.NotIn)):
        return values, False
    return None


def _is_method(node: ast.expr) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "method"


class _Flow:
    """The states (bound or not, which methods) at each point of a function, raising `_Unscoped` at a read that a
    served path reaches unbound."""

    def __init__(self, name: str, methods: frozenset[str]):
        self.name = name
        self.methods = methods

    def read(self, node: ast.AST | None, states: set[_State]) -> None:
        if node is None:
            return
        for found in walk(node):
            if isinstance(found, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and any(
                    isinstance(n, ast.Name) and n.id == self.name for n in walk(found)):
                raise _Unscoped
            if isinstance(found, ast.Name) and found.id == self.name and isinstance(found.ctx, ast.Load) \
                    and any(not s.bound and self._served(s) for s in states):
                raise _Unscoped

    def _served(self, state: _State) -> bool:
        """Whether a path is one the function serves: not one only a method none of its tests names takes."""
        return state.allowed is not None or not self.methods or not self.methods <= state.excluded

    def block(self, body: list[ast.stmt], states: set[_State]) -> set[_State]:
        for statement in body:
            if not states:
                return states
            states = self.statement(statement, states)
            if len(states) > _MAX_STATES:
                raise _Unscoped
        return states

    def statement(self, node: ast.stmt, states: set[_State]) -> set[_State]:  # noqa: PLR0911 - one arm a statement kind
        if isinstance(node, (ast.Return, ast.Raise)):
            self.read(node, states)
            return set()
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            self.read(node.value, states)
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if isinstance(node, ast.AugAssign):
                self.read(ast.Name(id=self.name, ctx=ast.Load()) if _binds(node.target, self.name) else None, states)
            for target in targets:
                if not _binds(target, self.name):
                    self.read(target, states)
            if any(_binds(t, self.name) for t in targets):
                return {s._replace(bound=True) for s in states}
            return states
        if isinstance(node, ast.If):
            self.read(node.test, states)
            test = _method_test(node.test)
            then, orelse = (_narrowed(states, *test), _narrowed(states, test[0], not test[1])) if test \
                else (states, states)
            return self.block(node.body, then) | self.block(node.orelse, orelse)
        if isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            self.read(node.iter if isinstance(node, (ast.For, ast.AsyncFor)) else node.test, states)
            looped = self.block(node.body, states)
            return self.block(node.orelse, states | looped)
        if isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                self.read(item.context_expr, states)
            return self.block(node.body, states)
        if isinstance(node, _TRIES):
            tried = cast(ast.Try, node)  # `try`/`except*` has the same fields
            done = self.block(tried.orelse, self.block(tried.body, states))
            for handler in tried.handlers:
                done |= self.block(handler.body, states)
            return self.block(tried.finalbody, done) if tried.finalbody else done
        if isinstance(node, ast.Match):
            self.read(node.subject, states)
            done = set(states)
            for case in node.cases:
                self.read(case.guard, states)
                done |= self.block(case.body, states)
            return done
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            self.read(node, states)
            return states
        self.read(node, states)
        return states


def _binds(target: ast.expr, name: str) -> bool:
    return isinstance(target, ast.Name) and target.id == name


def _narrowed(states: set[_State], methods: tuple[str, ...], positive: bool) -> set[_State]:
    """The states that take a branch on `request.method` being (or not being) one of `methods`."""
    wanted = frozenset(methods)
    found = set()
    for state in states:
        if positive:
            allowed = (state.allowed & wanted if state.allowed is not None else wanted) - state.excluded
            if allowed:
                found.add(state._replace(allowed=allowed))
        elif state.allowed is not None:
            if state.allowed - wanted:
                found.add(state._replace(allowed=state.allowed - wanted))
        else:
            found.add(state._replace(excluded=state.excluded | wanted))
    return found
