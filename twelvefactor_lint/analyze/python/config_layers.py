"""Config loaded in layers: a defaults file, then a file or variable a deploy supplies on top of it.

`app.config.from_pyfile("default_config.py")` followed, in the same function, by `from_pyfile(path, silent=True)`,
`from_envvar("APP_SETTINGS")`, `from_file(...)` or `from_prefixed_env()` makes the first file defaults: a deploy
replaces its values by rendering the later file or setting variables, without a code change. Link marks the
locators of the defaults file (`layered`), so TF401/TF402 do not claim that swapping the service needs a code
change. A second in-repository module (`from_object("config.Production")`) is code, not a deploy's layer.
"""

from __future__ import annotations

import ast
from collections import defaultdict

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.index import Index, Site
from twelvefactor_lint.facts.python import ConfigDefaults

_DEFAULTS_LOADERS = {"from_pyfile", "from_object"}
_DEPLOY_LOADERS = {"from_pyfile", "from_envvar", "from_file", "from_prefixed_env"}
_CONFIG_OBJECTS = {"config", "conf"}


def _loader(site: Site[ast.Call]) -> str | None:
    func = site.node.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Attribute) and func.value.attr in _CONFIG_OBJECTS:
        return func.attr
    return None


def _loaded_file(call: ast.Call) -> str:
    """The module a defaults load names: a `.py` file's name among its string constants, or a dotted module."""
    for node in ast.walk(call.args[0]) if call.args else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value.rsplit("/", 1)[-1]
            if text.endswith(".py") or (text.replace(".", "").replace("_", "").isalnum() and "." in text):
                return text
    return ""


def _deploy_layer(call: ast.Call, loader: str) -> bool:
    """A load a deploy supplies: a variable naming a file, prefixed variables, or a file that may be absent
    (`silent=True`) or whose path the code does not spell."""
    if loader == "from_pyfile":
        silent = any(k.arg == "silent" and isinstance(k.value, ast.Constant) and k.value.value is True
                     for k in call.keywords)
        return silent or not _loaded_file(call)
    return loader in _DEPLOY_LOADERS


def config_layer_facts(index: Index, contexts: Contexts, path: str) -> list[ConfigDefaults]:
    by_function: dict[int, list[tuple[Site[ast.Call], str]]] = defaultdict(list)
    for site in index.calls:
        loader = _loader(site)
        if loader in _DEFAULTS_LOADERS | _DEPLOY_LOADERS:
            by_function[id(site.function)].append((site, loader))
    facts = []
    for loads in by_function.values():
        loads.sort(key=lambda pair: (pair[0].node.lineno, pair[0].node.col_offset))
        for i, (site, loader) in enumerate(loads):
            loaded = _loaded_file(site.node) if loader in _DEFAULTS_LOADERS else ""
            later = next(((s, name) for s, name in loads[i + 1:] if _deploy_layer(s.node, name)), None)
            if loaded and later:
                facts.append(fact_at(ConfigDefaults, path, site.node, contexts.of(site), site.statement_line,
                                     f"defaults:{loaded}", loaded=loaded,
                                     layered_by=f"`{later[1]}()` (line {later[0].node.lineno})"))
    return facts
