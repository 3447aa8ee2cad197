"""One traversal of a module's tree that every fact extractor reads from.

Walking an `ast` tree is most of the analyzer's cost, so it is done once: the walk
records the nodes extractors look for (calls, assignments, imports, `with` blocks,
URL-like strings) together with the innermost function around each and the line of
its statement (where a suppression comment applies). `ctx` nodes (Load/Store) are
never visited: they are a fifth of a tree and carry nothing.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

Function = ast.FunctionDef | ast.AsyncFunctionDef
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_CHILD_FIELDS: dict[type, tuple[str, ...]] = {}


@dataclass(frozen=True)
class Site:
    """A node, the innermost function around it (None at module or class level) and its statement's line."""

    node: ast.AST
    function: Function | None
    statement_line: int


@dataclass
class Index:
    calls: list[Site] = field(default_factory=list)
    assignments: list[Site] = field(default_factory=list)
    """Assign, AnnAssign and AugAssign statements."""
    imports: list[ast.Import | ast.ImportFrom] = field(default_factory=list)
    withs: list[Site] = field(default_factory=list)
    dicts: list[Site] = field(default_factory=list)
    urls: list[Site] = field(default_factory=list)
    """String constants containing `://`."""
    parents: dict[int, Function | None] = field(default_factory=dict)
    """id(function) -> the function it is nested in (None for a module- or class-level function)."""
    owners: dict[int, ast.ClassDef] = field(default_factory=dict)
    """id(method) -> its class."""
    discarded: set[int] = field(default_factory=set)
    """id() of calls whose result is thrown away (the whole of an expression statement)."""
    argv: list[ast.Attribute] = field(default_factory=list)
    """`x.argv` attributes (`sys.argv` once qualified)."""


def _child_fields(cls: type) -> tuple[str, ...]:
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(name for name in cls._fields if name not in ("ctx", "type_comment"))
    return fields


def build(tree: ast.Module) -> Index:
    index = Index()
    stack: list[tuple[ast.AST, Function | None, int, ast.ClassDef | None]] = [(tree, None, 1, None)]
    while stack:
        node, function, line, cls = stack.pop()
        kind = type(node)
        if isinstance(node, ast.stmt):
            line = node.lineno
        if kind is ast.Call:
            index.calls.append(Site(node, function, line))
        elif kind in (ast.Assign, ast.AnnAssign, ast.AugAssign):
            index.assignments.append(Site(node, function, line))
        elif kind in (ast.Import, ast.ImportFrom):
            index.imports.append(node)
        elif kind is ast.Dict:
            index.dicts.append(Site(node, function, line))
        elif kind in (ast.With, ast.AsyncWith):
            index.withs.append(Site(node, function, line))
        elif kind is ast.Constant:
            if isinstance(node.value, str) and "://" in node.value:
                index.urls.append(Site(node, function, line))
            continue
        elif kind is ast.Name:
            continue
        elif kind is ast.Expr and type(node.value) is ast.Call:
            index.discarded.add(id(node.value))
        elif kind is ast.Attribute and node.attr == "argv":
            index.argv.append(node)
        elif kind in _FUNCTIONS:
            index.parents[id(node)] = function
            if cls is not None and function is None:
                index.owners[id(node)] = cls
            function, cls = node, None
        elif kind is ast.ClassDef:
            cls = node
        for name in _child_fields(kind):
            value = getattr(node, name, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, ast.AST):
                        stack.append((item, function, line, cls))
            elif isinstance(value, ast.AST):
                stack.append((value, function, line, cls))
    return index
