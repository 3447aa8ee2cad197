"""A `setup.py`'s dependency declaration (factor II), read from its syntax tree: the script is never run.

`setup(install_requires=[...], extras_require={...})` with literal lists declares those distributions,
as setup.cfg's `install_requires` does. Anything computed (a variable, a file read, `**options`) cannot
be known without running the script: the declaration is then `dynamic`, and nothing is checked against it.
"""

from __future__ import annotations

import ast
import re

from twelvefactor_lint.analyze.python.index import walk
from twelvefactor_lint.facts.dependencies import Declared

_COMPUTED = object()
_REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?")
"""A PEP 508 requirement's name and extras (`Django[argon2]>=4.2`). The Python analyzer stays stdlib-only (it
also runs in a newer interpreter for newer syntax, analyze.python.newer), so `packaging` is not used here."""


def _canonical(name: str) -> str:
    """PEP 503's normalised name, as `packaging.utils.canonicalize_name` gives it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_names(requirements: list[str]) -> set[str]:
    """The distributions requirements name; an extra named after a distribution (`[shapely]`) may install it."""
    found: set[str] = set()
    for text in requirements:
        match = _REQUIREMENT.match(text)
        if match:
            extras = (match.group(2) or "").split(",")
            found.update(_canonical(n.strip()) for n in (match.group(1), *extras) if n.strip())
    return found


def _strings(node: ast.expr | None) -> list[str] | object:
    """A literal list or tuple of strings, else `_COMPUTED`."""
    if isinstance(node, (ast.List, ast.Tuple)) and all(isinstance(e, ast.Constant) and isinstance(e.value, str)
                                                        for e in node.elts):
        return [e.value for e in node.elts if isinstance(e, ast.Constant)]
    return _COMPUTED


def _setup_call(tree: ast.AST) -> ast.Call | None:
    """The script's `setup(...)` (or `setuptools.setup(...)`) call, if any."""
    for node in walk(tree):
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
    own = _canonical(name.value) if isinstance(name, ast.Constant) and isinstance(name.value, str) else ""
    return Declared(path, call.lineno, names=tuple(sorted(_requirement_names(listed))), own=own,
                    declares=requires is not None and not dynamic, dynamic=dynamic, includes=(),
                    scripts=_console_scripts(keywords.get("entry_points")), anchor="declared")


def _console_scripts(entry_points: ast.expr | None) -> tuple[str, ...]:
    """`name=module:function` for each literal `entry_points={"console_scripts": ["name = module:function"]}`."""
    if not isinstance(entry_points, ast.Dict):
        return ()
    found = []
    for key, value in zip(entry_points.keys, entry_points.values, strict=True):
        lines = _strings(value) if isinstance(key, ast.Constant) and key.value == "console_scripts" else []
        for line in lines if isinstance(lines, list) else []:
            command, _, target = line.partition("=")
            if command.strip() and target.strip():
                found.append(f"{command.strip()}={target.strip().split()[0]}")
    return tuple(sorted(found))
