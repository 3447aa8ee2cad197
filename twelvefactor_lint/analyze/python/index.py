"""One traversal of a module's tree that every fact extractor reads from.

Walking an `ast` tree is most of the analyzer's cost, so it is done once: the walk
records the nodes extractors look for (calls, assignments, imports, `with` blocks,
URL-like strings) together with the innermost function around each and the line of
its statement (where a suppression comment applies). `ctx` nodes (Load/Store) are
never visited: they are a fifth of a tree and carry nothing.
"""

from __future__ import annotations

import ast
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

Function = ast.FunctionDef | ast.AsyncFunctionDef
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}
N = TypeVar("N", bound=ast.AST, covariant=True)


@dataclass(frozen=True)
class Site(Generic[N]):
    """A node, the innermost function around it (None at module or class level) and its statement's line."""

    node: N
    function: Function | None
    statement_line: int


@dataclass
class Index:
    calls: list[Site[ast.Call]] = field(default_factory=list)
    assignments: list[Site[ast.Assign | ast.AnnAssign | ast.AugAssign]] = field(default_factory=list)
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    withs: list[Site[ast.With | ast.AsyncWith]] = field(default_factory=list)
    dicts: list[Site[ast.Dict]] = field(default_factory=list)
    urls: list[Site[ast.Constant]] = field(default_factory=list)
    """String constants containing `://`."""
    dotted: list[str] = field(default_factory=list)
    """Other short string constants with a dot: a module a framework loads by name may be among them."""
    parents: dict[int, Function | None] = field(default_factory=dict)
    """id(function) -> the function it is nested in (None for a module- or class-level function)."""
    owners: dict[int, ast.ClassDef] = field(default_factory=dict)
    """id(method) -> its class."""
    nested: list[Function] = field(default_factory=list)
    """Functions defined inside another function (a lifespan returned by a factory, a view in `create_app`)."""
    discarded: set[int] = field(default_factory=set)
    """id() of calls whose result is thrown away (the whole of an expression statement)."""
    argv: list[ast.Attribute] = field(default_factory=list)
    """`x.argv` attributes (`sys.argv` once qualified)."""
    ifs: list[ast.If] = field(default_factory=list)
    """Every `if` statement (branch conditions, `if TYPE_CHECKING:` imports)."""
    tries: list[ast.Try] = field(default_factory=list)
    """Every `try` statement (`except ImportError` fallbacks)."""


def _subclasses(base: type) -> set[type]:
    found: set[type] = set()
    pending: list[type] = [base]
    while pending:
        subclasses: list[type] = pending.pop().__subclasses__()
        for sub in subclasses:
            found.add(sub)
            pending.append(sub)
    return found


_STATEMENTS = frozenset(_subclasses(ast.stmt))
_NOTHING_BELOW = frozenset({ast.Name, *_subclasses(ast.operator), *_subclasses(ast.boolop), *_subclasses(ast.cmpop),
                            *_subclasses(ast.unaryop), *_subclasses(ast.expr_context)})
"""Node types with nothing to record and no children worth a visit: never pushed (names are a fifth of a tree)."""
_CALL, _ASSIGNMENT, _IMPORT, _DICT, _WITH, _CONSTANT, _EXPR, _ATTRIBUTE, _FUNCTION, _CLASS, _IF, _TRY = range(1, 13)
_ACTIONS: dict[type, int] = {
    ast.Call: _CALL, ast.Assign: _ASSIGNMENT, ast.AnnAssign: _ASSIGNMENT, ast.AugAssign: _ASSIGNMENT,
    ast.Import: _IMPORT, ast.ImportFrom: _IMPORT, ast.Dict: _DICT, ast.With: _WITH, ast.AsyncWith: _WITH,
    ast.Constant: _CONSTANT, ast.Expr: _EXPR, ast.Attribute: _ATTRIBUTE, ast.FunctionDef: _FUNCTION,
    ast.AsyncFunctionDef: _FUNCTION, ast.ClassDef: _CLASS, ast.If: _IF, ast.Try: _TRY,
}


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(name for name in getattr(cls, "_fields", ()) if name not in ("ctx", "type_comment"))
    return fields


def build(tree: ast.Module) -> Index:
    """Record the nodes in source order (depth first, children in field order), as the extractors expect.

    The hottest loop of the analyzer: a dispatch table instead of an isinstance chain, and leaf nodes
    that carry nothing are not pushed at all.
    """
    index = Index()
    # `Any`: the dispatch table, not isinstance, tells this loop what a node is
    stack: list[tuple[Any, Any, int, Any]] = [(tree, None, 1, None)]
    push, pop = stack.append, stack.pop
    while stack:
        node, function, line, cls = pop()
        kind = type(node)
        if kind in _STATEMENTS:
            line = node.lineno
        action = _ACTIONS.get(kind)
        if action is not None:
            if action == _CALL:
                index.calls.append(Site(node, function, line))
            elif action == _ASSIGNMENT:
                index.assignments.append(Site(node, function, line))
            elif action == _IMPORT:
                index.imports.append(node)
            elif action == _DICT:
                index.dicts.append(Site(node, function, line))
            elif action == _WITH:
                index.withs.append(Site(node, function, line))
            elif action == _CONSTANT:
                value = node.value
                if type(value) is str:
                    if "://" in value:
                        index.urls.append(Site(node, function, line))
                    elif "." in value and len(value) < 120:
                        index.dotted.append(value)
                continue
            elif action == _EXPR:
                if type(node.value) is ast.Call:
                    index.discarded.add(id(node.value))
            elif action == _ATTRIBUTE:
                if node.attr == "argv":
                    index.argv.append(node)
            elif action == _IF:
                index.ifs.append(node)
            elif action == _TRY:
                index.tries.append(node)
            elif action == _FUNCTION:
                index.parents[id(node)] = function
                if function is not None:
                    index.nested.append(node)
                if cls is not None and function is None:
                    index.owners[id(node)] = cls
                function, cls = node, None
            elif action == _CLASS:
                cls = node
        for name in _CHILD_FIELDS.get(kind) or _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, ast.AST) and type(item) not in _NOTHING_BELOW:
                        push((item, function, line, cls))
            elif value is not None and type(value) not in _NOTHING_BELOW and isinstance(value, ast.AST):
                push((value, function, line, cls))
    return index


def walk(node: ast.AST) -> Iterator[ast.AST]:
    """`ast.walk` (breadth first, in the same order) without the `ctx` (Load/Store) nodes, which no extractor
    asks for: twice as fast, and the extractors' many walks of functions and expressions add up."""
    todo = deque((node,))
    pop, push, extend = todo.popleft, todo.append, todo.extend
    fields_of = _CHILD_FIELDS
    while todo:
        node = pop()
        kind = type(node)
        for name in fields_of.get(kind) or _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                extend(item for item in value if isinstance(item, ast.AST))
            elif isinstance(value, ast.AST):
                push(value)
        yield node
