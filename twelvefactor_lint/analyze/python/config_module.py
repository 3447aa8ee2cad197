"""Settings read off a project module the settings module imports, NetBox style: `from netbox import configuration`,
then `SECRET_KEY = getattr(configuration, "SECRET_KEY")` or `DATABASE = configuration.DATABASE` (issue 14; TF309).
Link tells whether that module is a deploy's file (only a template committed) or a committed file of literals.
One fact per imported module whose reads include the secret key, at that read."""

from __future__ import annotations

import ast
from pathlib import PurePosixPath

from twelvefactor_lint.analyze.python.context import MODULE, Scope, fact_at
from twelvefactor_lint.analyze.python.credentials import OWN_KEY
from twelvefactor_lint.analyze.python.names import Names, assigned_names, module_statements
from twelvefactor_lint.analyze.python.state import absolute_import
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import ConfigModuleRead


def config_module_facts(tree: ast.Module, names: Names, path: str) -> list[ConfigModuleRead]:
    module, is_package = dotted_module(path), PurePosixPath(path).name == "__init__.py"
    reads: dict[str, list[tuple[str, ast.expr]]] = {}
    for statement in module_statements(tree):
        for key, value in assigned_names(statement):
            source = _read_off(value, names) if key.isupper() else None
            if source:
                reads.setdefault(source, []).append((key, value))
    facts = []
    for source, taken in reads.items():
        secret = next((node for key, node in taken if OWN_KEY.search(key)), None)
        if secret is not None:
            facts.append(fact_at(ConfigModuleRead, path, secret, Scope(MODULE, "", "the module body"), secret.lineno,
                                 f"config_module:{source}", module=module, name=source,
                                 imports=absolute_import(names.imports[source], module, is_package),
                                 settings=tuple(key for key, _ in taken)))
    return facts


def _read_off(value: ast.expr, names: Names) -> str:
    """The imported name `value` reads a setting off (`getattr(configuration, "X")` with or without a default,
    `configuration.X`); `""` for anything else."""
    owner: ast.expr | None = None
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "getattr" \
            and len(value.args) in (2, 3) and isinstance(value.args[1], ast.Constant) \
            and isinstance(value.args[1].value, str) and value.args[1].value.isupper():
        owner = value.args[0]
    elif isinstance(value, ast.Attribute) and value.attr.isupper():
        owner = value.value
    return owner.id if isinstance(owner, ast.Name) and names.is_imported(owner.id) else ""
