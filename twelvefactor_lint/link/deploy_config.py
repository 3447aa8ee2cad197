"""Link phase 2e, config kept in a deploy's Python file: a settings module that star-imports a module the repository
ships only as a template (`from .settings_deployment import *` where only `settings_deployment.py.example` is
committed) and whose chain does not set its secret key takes it (and any of the database, cache and broker the chain
leaves unset) from a file each deploy writes, so no environment variable can set them (python.deploy_config_module,
TF309). A chain that sets its secret key uses the file for overrides at most: a dictionary left empty for it
(`DATABASES = {}`) says too little to report.

A Flask config loaded from such a file (python.config_file_load: `from_pyfile("config.py")`, `from_object("config")`)
is the same when nothing in the project sets the secret key but a template (an analyzed template reading it from the
environment counts, though a run analyzes no examples): one finding per template, at the first load of it. The file
is looked for in the loading module's directory and each one above it (Flask resolves it from the app's root or the
working directory).

The imported module must be absent from the project's files and a template of it present (`<module>.py` with a
`.example`, `.sample`, `.template`, `.dist` or `.tmpl` suffix, or that word before `.py`: `config.example.py`): a
module in the repository is code, and one with no template is not known to be config.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Callable

from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import Fact, convert
from twelvefactor_lint.facts.python import ConfigFileLoad, DeployConfigModule, Setting, StarImport

_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl")
_GROUPS = {"SECRET_KEY": ("SECRET_KEY",), "DATABASES": ("DATABASES",), "CACHES": ("CACHES",),
           "the Celery broker": ("CELERY_BROKER_URL", "BROKER_URL")}
"""The settings a deploy must provide, each named once, by the keys (or key prefixes) that set it."""


def _shipped_template(base: str, exists: Callable[[str], bool]) -> str:
    """The template of module `base` (a path without `.py`) the repository ships, when the module itself is not a
    project file."""
    if exists(base + ".py") or exists(posixpath.join(base, "__init__.py")):
        return ""
    names = [name for suffix in _TEMPLATE_SUFFIXES for name in (base + ".py" + suffix, base + suffix + ".py")]
    return next((name for name in names if exists(name)), "")


def _template(star: StarImport, exists: Callable[[str], bool]) -> str:
    """The template shipped in place of the module `star` imports, when the module itself is not a project file."""
    parts = star.module.split(".")
    directory = posixpath.dirname(star.path)
    for _ in parts[1:]:
        directory = posixpath.dirname(directory)
    return _shipped_template(posixpath.join(directory, *star.imports.split(".")), exists)


def _loaded_template(load: ConfigFileLoad, exists: Callable[[str], bool]) -> str:
    """The template shipped in place of the file a Flask config load names, looked for from the loading module's
    directory up to the root; `""` when the file is in the repository at any of them, or no template is."""
    named = load.loaded.removesuffix(".py") if load.loader == "from_pyfile" else load.loaded.replace(".", "/")
    directory, found = posixpath.dirname(load.path), ""
    while True:
        base = posixpath.normpath(posixpath.join(directory, named))
        if exists(base + ".py") or exists(posixpath.join(base, "__init__.py")):
            return ""
        found = found or _shipped_template(base, exists)
        if not directory:
            return found
        directory = posixpath.dirname(directory)


def _is_template(path: str) -> bool:
    stem = path.removesuffix(".py")
    return any(path.endswith(".py" + suffix) or stem.endswith(suffix) for suffix in _TEMPLATE_SUFFIXES)


def _flask_configs(facts: list[Fact], exists: Callable[[str], bool]) -> list[Fact]:
    """One python.deploy_config_module per template a Flask config load stands in for, when the project sets the
    secret key outside templates (nor reads it from the environment in one)."""
    keyed = any(isinstance(f, Setting) and f.key.upper() == "SECRET_KEY"
                and (f.origin in ("env", "env_default") or not _is_template(f.path)) for f in facts)
    found: dict[str, Fact] = {}
    loads = sorted((f for f in facts if isinstance(f, ConfigFileLoad)), key=lambda f: (f.path, f.line))
    for load in [] if keyed else loads:
        template = _loaded_template(load, exists)
        if template and template not in found:
            found[template] = convert(load, DeployConfigModule, module=dotted_module(load.path), imports=load.loaded,
                                      how=f"loads its config (`{load.loader}()`) from", template=template,
                                      settings="SECRET_KEY")
    return list(found.values())


def _chain(module: str, edges: dict[str, set[str]]) -> set[str]:
    seen, todo = {module}, [module]
    while todo:
        for other in edges[todo.pop()] - seen:
            seen.add(other)
            todo.append(other)
    return seen


def link(facts: list[Fact], exists: Callable[[str], bool]) -> list[Fact]:
    return _django_settings(facts, exists) + _flask_configs(facts, exists)


def _django_settings(facts: list[Fact], exists: Callable[[str], bool]) -> list[Fact]:
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
