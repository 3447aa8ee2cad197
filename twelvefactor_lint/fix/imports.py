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

    Each new line goes where a person would write it, and no other line changes: after the
    block's last standard-library import; else just above its first import; else after the
    docstring, with a blank line before the code. An import further down would bind too late
    for module-level code, so only the leading block counts.
    """
    body = list(module.body)
    leading = _leading_block(body)
    missing = sorted(set(names) - _bound(body[:leading]))
    if not missing:
        return module
    added = [cst.parse_statement(f"import {name}", config=module.config_for_parsing) for name in missing]
    imports = [i for i, statement in enumerate(body[:leading]) if _is_import(statement)]
    standard = [i for i in imports if _is_standard(body[i])]
    if standard:
        at = standard[-1] + 1
    elif imports:
        at = imports[0]
        added[0] = added[0].with_changes(leading_lines=body[at].leading_lines)
        body[at] = body[at].with_changes(leading_lines=[])
    else:
        at = leading
        if at < len(body) and not _starts_with_blank(body[at]):
            body[at] = body[at].with_changes(leading_lines=[cst.EmptyLine(), *body[at].leading_lines])
    return module.with_changes(body=[*body[:at], *added, *body[at:]])


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
