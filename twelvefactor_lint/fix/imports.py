"""Module imports a Python fix needs (`os`, `sys`, `logging`), added without reformatting anything."""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence

import libcst as cst
from libcst.helpers import get_full_name_for_node

_Statement = cst.SimpleStatementLine | cst.BaseCompoundStatement
"""What a module's body holds."""


def ensure_imports(module: cst.Module, names: Iterable[str]) -> cst.Module:
    """Add `import NAME` for each name the module's leading import block does not bind.

    Each new line goes where isort and ruff would put it, and no other line changes: sorted among the
    block's plain standard-library imports (before its `from` imports); after a lone `from __future__`
    import, with a blank line; else just above the first import; else after the docstring, with a
    blank line before the code. An import further down would bind too late for module-level code, so
    only the leading block counts.
    """
    body: list[_Statement] = list(module.body)
    for name in sorted(set(names) - _bound(body[:_leading_block(body)])):
        body = _insert(body, cst.parse_statement(f"import {name}", config=module.config_for_parsing), name)
    return module.with_changes(body=body)


def _insert(body: list[_Statement], added: _Statement, name: str) -> list[_Statement]:
    leading = _leading_block(body)
    imports = [i for i, statement in enumerate(body[:leading]) if _is_import(statement)]
    future = [i for i in imports if _is_future(body[i])]
    standard = [i for i in imports if _is_standard(body[i]) and i not in future]
    plain = [i for i in standard if _sort_key(body[i]) is not None]
    later = [i for i in plain if (_sort_key(body[i]) or "") > name.lower()]
    if later or (standard and not plain):
        return _before(body, (later or standard)[0], added)
    if plain:
        return [*body[:plain[-1] + 1], added, *body[plain[-1] + 1:]]
    if future:
        at = future[-1] + 1
        return _blank_after([*body[:at], added.with_changes(leading_lines=[cst.EmptyLine()]), *body[at:]], at)
    if imports:
        return _before(body, imports[0], added)
    return _blank_after([*body[:leading], added, *body[leading:]], leading)


def _before(body: list[_Statement], at: int, added: _Statement) -> list[_Statement]:
    """`added` just above statement `at`, taking over the blank lines and comments that led to it."""
    moved = added.with_changes(leading_lines=body[at].leading_lines)
    return [*body[:at], moved, body[at].with_changes(leading_lines=[]), *body[at + 1:]]


def _blank_after(body: list[_Statement], at: int) -> list[_Statement]:
    """A blank line between the statement at `at` and the code after it, unless there is one."""
    following = at + 1
    if following < len(body) and not _is_import(body[following]) and not _starts_with_blank(body[following]):
        body[following] = body[following].with_changes(leading_lines=[cst.EmptyLine(), *body[following].leading_lines])
    return body


def _sort_key(statement: _Statement) -> str | None:
    """How isort orders a plain `import x` line (lower-cased module); None for any other statement."""
    if not isinstance(statement, cst.SimpleStatementLine) or not all(isinstance(s, cst.Import) for s in statement.body):
        return None
    first = statement.body[0]
    assert isinstance(first, cst.Import)
    return (get_full_name_for_node(first.names[0].name) or "").lower()


def _is_future(statement: _Statement) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and any(
        isinstance(small, cst.ImportFrom) and isinstance(small.module, cst.Name) and small.module.value == "__future__"
        for small in statement.body)


def _is_standard(statement: _Statement) -> bool:
    """Every import on the line is of the standard library (`__future__` included)."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    modules = []
    for small in statement.body:
        if isinstance(small, cst.Import):
            modules += [get_full_name_for_node(alias.name) or "" for alias in small.names]
        elif not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
            return False
        else:
            modules.append(get_full_name_for_node(small.module) or "")
    return all(m.split(".")[0] in sys.stdlib_module_names for m in modules)


def _starts_with_blank(statement: _Statement) -> bool:
    lines = statement.leading_lines
    return bool(lines) and lines[0].comment is None


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1
            and isinstance(statement.body[0], cst.Expr)
            and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString)))


def _leading_block(body: Sequence[_Statement]) -> int:
    """How many statements open the module: a docstring, then imports."""
    count = int(bool(body) and _is_docstring(body[0]))
    while count < len(body) and _is_import(body[count]):
        count += 1
    return count


def _bound(statements: Sequence[_Statement]) -> set[str]:
    """Names the imports bind: `import os.path` binds `os`, `import a as b` binds `b`."""
    bound: set[str] = set()
    for statement in statements:
        for small in getattr(statement, "body", ()):
            names = small.names if isinstance(small, (cst.Import, cst.ImportFrom)) else ()
            if not isinstance(names, cst.ImportStar):
                bound.update(bound_name(alias) for alias in names)
    return bound


def bound_name(alias: cst.ImportAlias) -> str:
    """The name an import binds: `os` for `import os.path`, `b` for `import a as b`."""
    if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
        return alias.asname.name.value
    return (get_full_name_for_node(alias.name) or "").split(".")[0]


def drop_imports_left_unused(before: cst.Module, after: cst.Module) -> cst.Module:
    """Remove the import names a fix left unused: used in `before`, referenced nowhere in `after`.
    An import that was unused already is not the fix's business and stays."""
    gone = _referenced(before) - _referenced(after)
    return after.visit(_DropAliases(gone)) if gone else after


def _referenced(module: cst.Module) -> set[str]:
    """Every name the module's code uses, outside import statements; a string naming one counts too
    (`__all__ = ["handler"]` re-exports it)."""
    found = _References()
    module.visit(found)
    return found.names


class _References(cst.CSTVisitor):
    def __init__(self) -> None:
        self.names: set[str] = set()

    def visit_Import(self, node: cst.Import) -> bool:
        return False

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        return False

    def visit_Name(self, node: cst.Name) -> None:
        self.names.add(node.value)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.names.add(value)


class _DropAliases(cst.CSTTransformer):
    def __init__(self, gone: set[str]):
        self.gone = gone

    def _kept(self, names: Sequence[cst.ImportAlias]) -> list[cst.ImportAlias]:
        kept = [alias for alias in names if bound_name(alias) not in self.gone]
        return [*kept[:-1], kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)] if kept else []

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import):
        kept = self._kept(updated_node.names)
        return updated_node.with_changes(names=kept) if kept else cst.RemoveFromParent()

    def leave_ImportFrom(self, original_node: cst.ImportFrom, updated_node: cst.ImportFrom):
        if isinstance(updated_node.names, cst.ImportStar):
            return updated_node
        kept = self._kept(updated_node.names)
        return updated_node.with_changes(names=kept) if kept else cst.RemoveFromParent()
