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

Settings that read their secret key (and the database, Redis) off an imported module, NetBox style
(python.config_module_read: `SECRET_KEY = getattr(configuration, "SECRET_KEY")`) are the same when that module ships
only as a template, and also when it is committed as a file of literals (its secret key a literal, no variable read
in it): one finding per module read, at the secret key's read.

The imported module must be absent from the project's files and a template of it present (`<module>.py` with a
`.example`, `.sample`, `.template`, `.dist` or `.tmpl` suffix, or that word before `.py`: `config.example.py`,
`configuration_example.py`): a module in the repository is code, and one with no template is not known to be config.
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable

from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import Fact, convert
from twelvefactor_lint.facts.python import ConfigFileLoad, ConfigModuleRead, DeployConfigModule, Setting, StarImport

_TEMPLATE_SUFFIXES = (".example", ".sample", ".template", ".dist", ".tmpl")
_GROUPS = {"SECRET_KEY": ("SECRET_KEY",), "DATABASES": ("DATABASES",), "CACHES": ("CACHES",),
           "the Celery broker": ("CELERY_BROKER_URL", "BROKER_URL")}
"""The settings a deploy must provide, each named once, by the keys (or key prefixes) that set it."""
_CORE_READS = re.compile(r"^(SECRET_KEY|DATABASES?|REDIS|CACHES|(CELERY_)?BROKER_URL)$")
"""Settings read off a configuration module that a deploy must provide (NetBox's `DATABASE` and `REDIS`)."""
_ENV = ("env", "env_default")


def _shipped_template(base: str, exists: Callable[[str], bool]) -> str:
    """The template of module `base` (a path without `.py`) the repository ships, when the module itself is not a
    project file."""
    if exists(base + ".py") or exists(posixpath.join(base, "__init__.py")):
        return ""
    names = [name for suffix in _TEMPLATE_SUFFIXES
             for name in (base + ".py" + suffix, base + suffix + ".py", base + "_" + suffix[1:] + ".py")]
    return next((name for name in names if exists(name)), "")


def _imported_base(fact: StarImport) -> str:
    """The path (without `.py`) of the module `fact` imports, found from the importing module's own place."""
    directory = posixpath.dirname(fact.path)
    for _ in fact.module.split(".")[1:]:
        directory = posixpath.dirname(directory)
    return posixpath.join(directory, *fact.imports.split("."))


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
    return any(path.endswith(".py" + suffix) or stem.endswith((suffix, "_" + suffix[1:])) for suffix in _TEMPLATE_SUFFIXES)


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
    return _django_settings(facts, exists) + _flask_configs(facts, exists) + _read_modules(facts, exists)


def _source_of(read: ConfigModuleRead, exists: Callable[[str], bool]) -> tuple[str, str]:
    """(the committed file, the template) of the module `read` imports, looked for under the reader's directory and
    each one above it (the source root an absolute import starts from is not known); ("", "") when neither is."""
    directory = posixpath.dirname(read.path)
    while True:
        base = posixpath.join(directory, *read.imports.split("."))
        committed = next((p for p in (base + ".py", posixpath.join(base, "__init__.py")) if exists(p)), "")
        template = "" if committed else _shipped_template(base, exists)
        if committed or template or not directory:
            return committed, template
        directory = posixpath.dirname(directory)


def _read_modules(facts: list[Fact], exists: Callable[[str], bool]) -> list[Fact]:
    """One python.deploy_config_module per configuration module settings read their secret key off (python.
    config_module_read) that is a deploy's file (only a template committed) or a committed file whose secret key is a
    literal and which reads no variable. Not when a file of that name reading the environment is in the repository
    (the image copies it into place), nor when a settings module built on the reader sets the secret key from the
    environment."""
    reads = [f for f in facts if isinstance(f, ConfigModuleRead)]
    if not reads:
        return []
    settings = [f for f in facts if isinstance(f, Setting)]
    env_files = {f.path for f in settings if f.origin in _ENV}
    literal_keys = {f.path for f in settings if f.key.upper() == "SECRET_KEY" and f.origin == "literal" and f.value}
    derived: dict[str, set[str]] = defaultdict(set)
    for star in (f for f in facts if isinstance(f, StarImport)):
        derived[star.imports].add(star.module)
    env_keyed = {f.module for f in settings if f.key.upper() == "SECRET_KEY" and f.origin in _ENV}
    found: list[Fact] = []
    for read in reads:
        named = read.imports.rsplit(".", 1)[-1] + ".py"
        if any(posixpath.basename(path) == named for path in env_files) or _chain(read.module, derived) & env_keyed:
            continue
        committed, template = _source_of(read, exists)
        if committed in literal_keys or template:
            found.append(convert(read, DeployConfigModule, module=read.module, imports=read.imports, template=template,
                                 how="reads its settings off",
                                 settings=", ".join(key for key in read.settings if _CORE_READS.match(key))))
    return found


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
        template = _shipped_template(_imported_base(star), exists) if "SECRET_KEY" in left else ""
        if template:
            found.append(convert(star, DeployConfigModule, template=template, settings=", ".join(left)))
    return facts + found
