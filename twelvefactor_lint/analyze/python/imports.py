"""Third-party candidates among a module's imports (factor II): absolute imports the module needs to run.

An import guarded by `try: ... except ImportError` is optional by design, and one under
`if TYPE_CHECKING:` never runs; neither is a dependency the deploy must install.
"""

from __future__ import annotations

import ast

from twelvefactor_lint.facts import Fact

IMPORT = "python.import"
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _IMPORT_ERRORS or isinstance(t, ast.Attribute) and t.attr in _IMPORT_ERRORS
               for t in types)


def _guarded(tree: ast.AST) -> set[int]:
    """ids of the import nodes that are optional (try/except ImportError) or type-checking only."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        optional = isinstance(node, ast.Try) and any(_catches_import_error(h) for h in node.handlers)
        type_only = isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        body = node.body if isinstance(node, (ast.Try, ast.If)) and (optional or type_only) else []
        for statement in body:
            guarded.update(id(n) for n in ast.walk(statement) if isinstance(n, (ast.Import, ast.ImportFrom)))
    return guarded


def import_facts(tree: ast.AST, imports: list[ast.Import | ast.ImportFrom], path: str) -> list[Fact]:
    """One fact per top-level module the file imports unguarded (its first import of it)."""
    guarded = _guarded(tree) if any(isinstance(n, (ast.Try, ast.If)) for n in ast.walk(tree)) else set()
    seen: dict[str, Fact] = {}
    for node in imports:
        if id(node) in guarded:
            continue
        if isinstance(node, ast.ImportFrom):
            modules = [node.module] if node.level == 0 and node.module else []
        else:
            modules = [alias.name for alias in node.names]
        for module in modules:
            top = module.partition(".")[0]
            if top and top not in seen:
                seen[top] = Fact(IMPORT, path, node.lineno, node.col_offset + 1, attrs={"module": top, "dotted": module},
                                 anchor=f"import:{top}")
    return list(seen.values())
