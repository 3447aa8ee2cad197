"""A `setup.py`'s dependency declaration (factor II), read from its syntax tree: the script is never run.

`setup(install_requires=[...], extras_require={...})` with literal lists declares those distributions,
as setup.cfg's `install_requires` does. Anything computed (a variable, a file read, `**options`) cannot
be known without running the script: the declaration is then `dynamic`, and nothing is checked against it.
"""

from __future__ import annotations

import ast

from packaging.utils import canonicalize_name

from twelvefactor_lint.analyze.dependencies import requirement_names
from twelvefactor_lint.facts.dependencies import Declared

_COMPUTED = object()


def _strings(node: ast.expr | None) -> list[str] | object:
    """A literal list or tuple of strings, else `_COMPUTED`."""
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                        for e in node.elts):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return _COMPUTED


def _setup_call(tree: ast.AST) -> ast.Call | None:
    """The script's `setup(...)` (or `setuptools.setup(...)`) call, if any."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if name == "setup":
                return node
    return None


def setup_declaration(tree: ast.AST, path: str) -> Declared | None:
    """What the setup script declares; None when it calls no `setup()`."""
    call = _setup_call(tree)
    if call is None:
        return None
    keywords = {k.arg: k.value for k in call.keywords}
    requires, extras = keywords.get("install_requires"), keywords.get("extras_require")
    listed: list[str] = []
    dynamic = None in keywords  # `setup(**options)`: the requirements may be among the options
    for value in [requires] if requires is not None else []:
        found = _strings(value)
        dynamic = dynamic or found is _COMPUTED
        listed += found if isinstance(found, list) else []
    if isinstance(extras, ast.Dict):
        for value in extras.values:
            found = _strings(value)
            dynamic = dynamic or found is _COMPUTED
            listed += found if isinstance(found, list) else []
    elif extras is not None:
        dynamic = True
    name = keywords.get("name")
    own = canonicalize_name(name.value) if isinstance(name, ast.Constant) and isinstance(name.value, str) else ""
    return Declared(path, call.lineno, names=tuple(sorted(requirement_names(listed))), own=own,
                    declares=requires is not None and not dynamic, dynamic=dynamic, includes=(), anchor="declared")
