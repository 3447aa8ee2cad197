"""Link phase 2e, config kept in a deploy's Python file: a settings module that star-imports a module the repository
ships only as a template (`from .settings_deployment import *` where only `settings_deployment.py.example` is
committed) and whose chain does not set its secret key takes it (and any of the database, cache and broker the chain
leaves unset) from a file each deploy writes, so no environment variable can set them (python.deploy_config_module,
TF309). A chain that sets its secret key uses the file for overrides at most: a dictionary left empty for it
(`DATABASES = {}`) or a Flask config without Django's settings says too little to report.

The imported module must be absent from the project's files and a template of it present (`<module>.py` with a
`.example`, `.sample`, `.template`, `.dist` or `.tmpl` suffix): a module in the repository is code, and one with no
template is not known to be config.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable

from twelvefactor_lint.facts import Fact, convert
from twelvefactor_lint.facts.python import DeployConfigModule, Setting, StarImport

_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl")
_GROUPS = {"SECRET_KEY": ("SECRET_KEY",), "DATABASES": ("DATABASES",), "CACHES": ("CACHES",),
           "the Celery broker": ("CELERY_BROKER_URL", "BROKER_URL")}
"""The settings a deploy must provide, each named once, by the keys (or key prefixes) that set it."""


def _template(star: StarImport, exists: Callable[[str], bool]) -> str:
    """The template shipped in place of the module `star` imports, when the module itself is not a project file."""
    parts = star.module.split(".")
    directory = posixpath.dirname(star.path)
    for _ in parts[1:]:
        directory = posixpath.dirname(directory)
    base = posixpath.join(directory, *star.imports.split("."))
    if exists(base + ".py") or exists(posixpath.join(base, "__init__.py")):
        return ""
    return next((base + ".py" + suffix for suffix in _TEMPLATE_SUFFIXES if exists(base + ".py" + suffix)), "")


def _chain(module: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = {module}, [module]
    while todo:
        for other in edges[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def link(facts: list[Fact], exists: Callable[[str], bool]) -> list[Fact]:
    imports = [f for f in facts if isinstance(f, StarImport)]
    if not imports:
        return facts
    keys: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        if isinstance(fact, Setting) and fact.source == "settings":
            keys[fact.module].add(fact.key.split(".", 1)[0])
    bases: dict[str, set[str]] = defaultdict(set)
    derived: dict[str, set[str]] = defaultdict(set)
    for star in imports:
        bases[star.module].add(star.imports)
        derived[star.imports].add(star.module)
    found: list[Fact] = []
    for star in imports:
        family = _chain(star.module, bases) | _chain(star.module, derived)
        chain_keys = set().union(*(keys[m] for m in family))
        left = [group for group, names in _GROUPS.items() if not chain_keys & set(names)]
        template = _template(star, exists) if "SECRET_KEY" in left else ""
        if template:
            found.append(convert(star, DeployConfigModule, template=template, settings=", ".join(left)))
    return facts + found
