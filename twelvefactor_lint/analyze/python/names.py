"""Import aliases and module-level bindings of one module, for resolving names.

`import logging.handlers as lh` makes `lh.RotatingFileHandler` resolve to
`logging.handlers.RotatingFileHandler`; `app = Flask(__name__)` makes `app`'s
constructor `flask.Flask`. This is the small, stdlib-`ast` replacement for libcst's
QualifiedNameProvider that keeps analysis fast.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator


class Names:
    def __init__(self, tree: ast.Module, imports: Iterable[ast.Import | ast.ImportFrom]):
        self.imports: dict[str, str] = {}
        self._qualified: dict[int, str | None] = {}
        self.constructors: dict[str, str] = {}
        """Module-level name -> qualified name of the call that built it (`app` -> `flask.Flask`)."""
        self.values: dict[str, ast.expr] = {}
        """Module-level name -> the expression last assigned to it at module level."""
        self.bindings: dict[str, list[ast.expr]] = {}
        """Module-level name -> every expression assigned (or added, `X += [...]`) to it at module level, in order."""
        self.functions: dict[str, ast.FunctionDef | ast.AsyncFunctionDef] = {}
        self.classes: dict[str, ast.ClassDef] = {}
        self.env_helpers: dict[str, bool] = {}
        """Module-level function name -> whether it reads the environment with its first parameter (memo)."""
        for node in sorted(imports, key=lambda n: (n.lineno, n.col_offset)):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        self.imports[alias.asname] = alias.name
                    else:
                        top = alias.name.split(".")[0]
                        self.imports[top] = top
            elif isinstance(node, ast.ImportFrom):
                base = "." * node.level + (node.module or "")
                for alias in node.names:
                    if alias.name != "*":
                        # `from . import views` -> `.views`; `from .models import Cart` -> `.models.Cart`
                        joined = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
                        self.imports[alias.asname or alias.name] = joined if base else alias.name
        for statement in module_statements(tree):
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                self.functions[statement.name] = statement
            elif isinstance(statement, ast.ClassDef):
                self.classes[statement.name] = statement
            if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name):
                self.bindings.setdefault(statement.target.id, []).append(statement.value)
            for name, value in assigned_names(statement):
                self.values[name] = value
                self.bindings.setdefault(name, []).append(value)
                if isinstance(value, ast.Call):
                    qualified = self.qualify(value.func)
                    if qualified:
                        self.constructors[name] = qualified

    def qualify(self, node: ast.AST) -> str | None:
        """Dotted qualified name of a Name/Attribute chain, through import aliases (memoised per node:
        several extractors ask about the same call)."""
        key = id(node)
        if key in self._qualified:
            return self._qualified[key]
        self._qualified[key] = found = self._qualify(node)
        return found

    def _qualify(self, node: ast.AST) -> str | None:
        attributes = []
        while isinstance(node, ast.Attribute):  # a loop, not recursion: `a.b.b.b...` can be thousands long
            attributes.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        return ".".join([self.imports.get(node.id, node.id), *reversed(attributes)])

    def is_imported(self, name: str) -> bool:
        return name in self.imports


def class_family(names: Names, starts: Callable[[str, list[str]], bool]) -> set[str]:
    """The module classes `starts` accepts (given a class's name and the last parts of its bases' names), and the
    module classes built on those, transitively (`class Generic(WebSocketEndpoint)`, `class Invoice(Generic)`)."""
    found: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, cls in names.classes.items():
            bases = [(names.qualify(b) or "").rsplit(".", 1)[-1] for b in cls.bases]
            if name not in found and (any(b in found for b in bases) or starts(name, bases)):
                found.add(name)
                changed = True
    return found


def last_name(node: ast.expr) -> str:
    """The name an expression ends in: `attr` of `a.b.attr`, `id` of a bare name; "" for anything else."""
    return node.attr if isinstance(node, ast.Attribute) else node.id if isinstance(node, ast.Name) else ""


def module_statements(tree: ast.Module) -> Iterator[ast.stmt]:
    """Statements that run at import time: the module body and its if/try/with blocks."""
    pending = list(tree.body)
    while pending:
        statement = pending.pop(0)
        yield statement
        if isinstance(statement, (ast.If, ast.Try, ast.With, ast.AsyncWith)) or type(statement).__name__ == "TryStar":
            children = [*getattr(statement, "body", []), *getattr(statement, "orelse", []), *getattr(statement, "finalbody", [])]
            for handler in getattr(statement, "handlers", []):
                children += handler.body
            pending[0:0] = children


def assigned_names(statement: ast.stmt) -> Iterator[tuple[str, ast.expr]]:
    """(name, value) for plain `name = value` and `name: T = value` statements."""
    if isinstance(statement, ast.Assign):
        for target in statement.targets:
            if isinstance(target, ast.Name):
                yield target.id, statement.value
    elif isinstance(statement, ast.AnnAssign) and statement.value is not None and isinstance(statement.target, ast.Name):
        yield statement.target.id, statement.value


def is_main_guard(statement: ast.stmt) -> bool:
    """`if __name__ == "__main__":`"""
    if not isinstance(statement, ast.If) or not isinstance(statement.test, ast.Compare):
        return False
    parts = [statement.test.left, *statement.test.comparators]
    return any(isinstance(p, ast.Name) and p.id == "__name__" for p in parts) and any(
        isinstance(p, ast.Constant) and p.value == "__main__" for p in parts)
