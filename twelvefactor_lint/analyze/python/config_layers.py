"""Config loaded in layers: a defaults file, then a file or variable a deploy supplies on top of it.

`app.config.from_pyfile("default_config.py")` followed, in the same function, by `from_pyfile(path, silent=True)`,
`from_envvar("APP_SETTINGS")`, `from_file(...)` or `from_prefixed_env()` makes the first file defaults (also a
config class imported from a module: `from_object(DefaultConfig)` after `from .config import DefaultConfig`): a deploy
replaces its values by rendering the later file or setting variables, without a code change. Link marks the
locators of the defaults file (`layered`), so TF401/TF402 do not claim that swapping the service needs a code
change. A second in-repository module (`from_object("config.Production")`) is code, not a deploy's layer.

So is a config class loaded when the same function then sets every config key from the same-named environment
variable: a loop over the config's keys reading `os.environ` with each (`for key in app.config: if key in
os.environ: app.config[key] = os.environ[key]`), or over the environment writing the keys the config has, or the whole
environment poured in (`app.config.update(os.environ)`); and a
library loader known to do both in one call (digitalmarketplace-utils' `init_app(app, config_object)` loads the object,
then overrides each of its keys from the variable of that name).

A load naming its Python file (`from_pyfile("config.py")`, `from_object("config")`, `import config` then
`from_object(config)`) with no later load in the function letting the environment set values is a
python.config_file_load: link reports it when the repository ships only a template of that file (TF309).
"""

from __future__ import annotations

import ast
import posixpath
from collections import defaultdict

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.index import Index, Site, walk
from twelvefactor_lint.analyze.python.names import Names, last_name
from twelvefactor_lint.analyze.python.state import absolute_import
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import ConfigDefaults, ConfigFileLoad

_DEFAULTS_LOADERS = {"from_pyfile", "from_object"}
_DEPLOY_LOADERS = {"from_pyfile", "from_envvar", "from_file", "from_prefixed_env"}
_ENV_LOADERS = {"from_envvar", "from_prefixed_env"}
_CONFIG_OBJECTS = {"config", "conf"}
_OVERLAY_LOADERS = {"dmutils.flask_init.init_app": 1, "dmutils.config.init_app": 1}
"""Library loaders that load the config object at that position and then set each of its keys from the environment
variable of the same name."""
_ENV_LOOP = "the code setting each config key from its environment variable"


def _loader(site: Site[ast.Call]) -> str | None:
    """The loader a call names on a config object: `app.config.from_pyfile(...)`, or a `Config` bound to `config`."""
    func = site.node.func
    if not isinstance(func, ast.Attribute):
        return None
    owner = func.value
    name = last_name(owner)
    return func.attr if name in _CONFIG_OBJECTS else None


def _optional(call: ast.Call) -> bool:
    """The file may be absent (`silent=True`)."""
    return any(k.arg == "silent" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords)


def _reads_env(call: ast.Call) -> bool:
    """An argument reads the environment (`os.environ["APP_CONFIG"]`, `os.getenv(...)`)."""
    return any(isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv")
               or isinstance(node, ast.Name) and node.id in ("environ", "getenv")
               for arg in [*call.args, *(k.value for k in call.keywords)] for node in walk(arg))


def _imported_modules(index: Index) -> dict[str, str]:
    """Local name -> module for plain `import config` / `import settings as config` statements."""
    return {alias.asname or alias.name: alias.name for node in index.imports if isinstance(node, ast.Import)
            for alias in node.names if "." not in alias.name or alias.asname}


def _named_file(call: ast.Call, loader: str, modules: dict[str, str]) -> str:
    """The Python file or module a load names outright: the relative `.py` path among `from_pyfile`'s string
    constants (`os.path.join(HERE, "config.py")`), `from_object`'s module string (its class dropped:
    `config.Production` -> `config`) or the module an imported name stands for."""
    if not call.args or _reads_env(call) or _optional(call):
        return ""
    arg = call.args[0]
    if loader == "from_pyfile":
        texts = [n.value for n in walk(arg) if isinstance(n, ast.Constant) and isinstance(n.value, str)]
        named = next((t for t in reversed(texts) if t.endswith(".py")), "")
        return "" if named.startswith(("/", "~")) else named  # a file outside the repository: the host's
    if isinstance(arg, ast.Name):
        return modules.get(arg.id, "")
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        parts = arg.value.split(".")
        if parts[-1][:1].isupper():
            parts.pop()
        return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else ""
    return ""


def _imported_from(index: Index, path: str) -> dict[str, str]:
    """Local name -> the absolute module it is imported from, for `from .config import DefaultConfig`."""
    module, is_package = dotted_module(path), posixpath.basename(path) == "__init__.py"
    return {alias.asname or alias.name: absolute_import("." * node.level + (node.module or ""), module, is_package)
            for node in index.imports if isinstance(node, ast.ImportFrom) for alias in node.names}


def _loaded_file(call: ast.Call, imported: dict[str, str]) -> str:
    """The module a defaults load names: a `.py` file's name among its string constants, a dotted module, or the
    module a config class it passes is imported from (`from_object(DefaultConfig)`)."""
    if call.args and isinstance(call.args[0], ast.Name) and call.args[0].id in imported:
        return imported[call.args[0].id]
    for node in walk(call.args[0]) if call.args else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.rsplit("/", 1)[-1]
            if text.endswith(".py") or (text.replace(".", "").replace("_", "").isalnum() and "." in text):
                return text
    return ""


def _called(call: ast.Call) -> str:
    return last_name(call.func) or "loader"


def _loaded_module(arg: ast.expr, imported: dict[str, str]) -> str:
    """The module a config object passed to a loader comes from: `DefaultConfig` or `configs[name]` imported from
    `config`."""
    while isinstance(arg, (ast.Subscript, ast.Attribute)):
        arg = arg.value
    return imported.get(arg.id, "") if isinstance(arg, ast.Name) else ""


def _deploy_layer(call: ast.Call, loader: str) -> bool:
    """A load a deploy supplies: a variable naming a file, prefixed variables, or a file that may be absent
    (`silent=True`) or whose path the code does not spell."""
    if loader == "from_pyfile":
        return _optional(call) or not _loaded_file(call, {})
    return loader in _DEPLOY_LOADERS


def _env_overlays(index: Index, names: Names) -> dict[int, list[int]]:
    """id(function) -> the lines of its loops setting config keys from same-named environment variables: over the
    config (`for key in app.config:` reading `os.environ[key]`, `os.getenv(key)`, `key in os.environ`), or over the
    environment (`for key, value in os.environ.items(): if key in app.config: app.config[key] = value`)."""
    found: dict[int, list[int]] = defaultdict(list)
    functions = {id(s.function): s.function for s in index.calls if s.function is not None}
    for function in functions.values():
        for node in walk(function):
            if isinstance(node, (ast.For, ast.AsyncFor)) and _overlays(node, names):
                found[id(function)].append(node.lineno)
    for site in index.calls:  # `app.config.update(os.environ)`, `config.from_mapping(**os.environ)`
        func = site.node.func
        if site.function is not None and isinstance(func, ast.Attribute) and func.attr in ("update", "from_mapping") \
                and _is_config(func.value) and any(names.qualify(n) == "os.environ" for arg in
                                                   [*site.node.args, *(k.value for k in site.node.keywords)]
                                                   for n in walk(arg)):
            found[id(site.function)].append(site.node.lineno)
    return found


def _overlays(loop: ast.For | ast.AsyncFor, names: Names) -> bool:
    key = loop.target.elts[0] if isinstance(loop.target, ast.Tuple) and loop.target.elts else loop.target
    if not isinstance(key, ast.Name):
        return False
    over = loop.iter.func.value if isinstance(loop.iter, ast.Call) and isinstance(loop.iter.func, ast.Attribute) \
        else loop.iter  # `app.config.items()`, `os.environ.keys()`
    body = [n for statement in loop.body for n in walk(statement)]
    if names.qualify(over) == "os.environ":
        return any(isinstance(n, ast.Subscript) and _is_config(n.value) and isinstance(n.slice, ast.Name)
                   and n.slice.id == key.id for n in body)
    return _is_config(over) and any(_env_by(n, key.id, names) for n in body)


def _is_config(node: ast.expr) -> bool:
    name = last_name(node)
    return name in _CONFIG_OBJECTS


def _env_by(node: ast.AST, key: str, names: Names) -> bool:
    """`os.environ[key]`, `os.environ.get(key)`, `os.getenv(key)` or `key in os.environ`."""
    if isinstance(node, ast.Subscript):
        return names.qualify(node.value) == "os.environ" and isinstance(node.slice, ast.Name) and node.slice.id == key
    if isinstance(node, ast.Compare):
        return isinstance(node.left, ast.Name) and node.left.id == key and isinstance(node.ops[0], ast.In) \
            and names.qualify(node.comparators[0]) == "os.environ"
    if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Name) and node.args[0].id == key:
        return names.qualify(node.func) in ("os.environ.get", "os.getenv")
    return False


def config_layer_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[ConfigDefaults | ConfigFileLoad]:
    by_function: dict[int, list[tuple[Site[ast.Call], str]]] = defaultdict(list)
    overlaid = _env_overlays(index, names)
    modules, imported = _imported_modules(index), _imported_from(index, path)
    facts: list[ConfigDefaults | ConfigFileLoad] = []
    for site in index.calls:
        loader = _loader(site)
        if loader in _DEFAULTS_LOADERS | _DEPLOY_LOADERS:
            by_function[id(site.function)].append((site, loader))
        position = _OVERLAY_LOADERS.get(names.qualify(site.node.func) or "")
        loaded = _loaded_module(site.node.args[position], imported) \
            if position is not None and len(site.node.args) > position else ""
        if loaded:
            facts.append(fact_at(ConfigDefaults, path, site.node, contexts.of(site), site.statement_line,
                                 f"defaults:{loaded}", loaded=loaded, layered_by=f"`{_called(site.node)}()` (line "
                                 f"{site.node.lineno}: it sets each key from the same-named environment variable)"))
    for loads in by_function.values():
        loads.sort(key=lambda pair: (pair[0].node.lineno, pair[0].node.col_offset))
        for i, (site, loader) in enumerate(loads):
            loaded = _loaded_file(site.node, imported) if loader in _DEFAULTS_LOADERS else ""
            later = next(((s, name) for s, name in loads[i + 1:] if _deploy_layer(s.node, name)), None)
            loop = next((line for line in overlaid.get(id(site.function), ()) if line > site.node.lineno), None)
            if loaded and later:
                facts.append(fact_at(ConfigDefaults, path, site.node, contexts.of(site), site.statement_line,
                                     f"defaults:{loaded}", loaded=loaded,
                                     layered_by=f"`{later[1]}()` (line {later[0].node.lineno})"))
            elif loaded and loop is not None and loader == "from_object":
                facts.append(fact_at(ConfigDefaults, path, site.node, contexts.of(site), site.statement_line,
                                     f"defaults:{loaded}", loaded=loaded, layered_by=f"{_ENV_LOOP} (line {loop})"))
            named = _named_file(site.node, loader, modules) if loader in _DEFAULTS_LOADERS else ""
            if named and not any(name in _ENV_LOADERS or _reads_env(s.node) for s, name in loads[i + 1:]):
                facts.append(fact_at(ConfigFileLoad, path, site.node, contexts.of(site), site.statement_line,
                                     f"config-file:{named}", loader=loader, loaded=named))
    return facts
