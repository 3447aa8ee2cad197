"""Settings a module takes from a config file it reads at import — an INI file (`parser.read("app.ini")`), YAML, JSON
or TOML (`yaml.safe_load(open("config.yml"))`) — in a module that reads no environment variable at all: the secret
key, the database and the cache a deploy needs live in that file, so every environment needs its own copy of it and no
variable can set them (issue 14; TF309). One fact per module, at the file's read, naming the settings taken from it;
only when the secret key is among them (as TF309's template modules)."""

from __future__ import annotations

import ast
from collections.abc import Iterator

from twelvefactor_lint.analyze.python.config_values import config_classes, config_item_writes
from twelvefactor_lint.analyze.python.context import MODULE, Scope, fact_at
from twelvefactor_lint.analyze.python.credentials import OWN_KEY
from twelvefactor_lint.analyze.python.index import walk
from twelvefactor_lint.analyze.python.names import Names, assigned_names, module_statements
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import FileSettings

_PARSERS = {"configparser.ConfigParser", "configparser.RawConfigParser", "configparser.SafeConfigParser"}
_LOADERS = {"yaml.safe_load": "YAML", "yaml.load": "YAML", "yaml.full_load": "YAML", "json.load": "JSON",
            "toml.load": "TOML", "tomllib.load": "TOML", "tomli.load": "TOML"}
ENV_WORDS = ("environ", "getenv", "decouple", "dotenv", "Env(")
"""Words any environment read needs in the module's text (`os.environ`, `os.getenv`, `decouple.config`,
`environ.Env()`, `load_dotenv`): a module with one of them may take its settings from the environment."""


def file_settings_facts(tree: ast.Module, names: Names, path: str) -> list[FileSettings]:
    """The module's settings read from a config file (see the module's docstring); the caller checks `ENV_WORDS`."""
    readers = _file_readers(tree, names)
    if not readers:
        return []
    settings = [(key, {n.id for n in walk(value) if isinstance(n, ast.Name)}) for key, value in _settings(tree, names)]
    parts = {name for _, named in settings for name in named}  # `DB = CONFIG["database"]`: a part other settings use
    taken = {key: named & readers.keys() for key, named in settings if named & readers.keys() and key not in parts}
    if not any(OWN_KEY.search(key) for key in taken):
        return []
    file, form, read = min((readers[name] for used in taken.values() for name in used),
                           key=lambda reader: reader[2].lineno)
    return [fact_at(FileSettings, path, read, Scope(MODULE, "", "the module body"), read.lineno, f"file_settings:{file}",
                    module=dotted_module(path), file=file, format=form, settings=", ".join(taken))]


def _file_readers(tree: ast.Module, names: Names) -> dict[str, tuple[str, str, ast.stmt]]:
    """Module-level name -> (the file it holds the contents of, its format, the statement that reads it): a config
    parser that read a named file, what a loader made of one (through `with open(...) as f`), and names bound to a
    part of either (`APP = config["app"]`)."""
    parsers = {name for name, qualified in names.constructors.items() if qualified in _PARSERS}
    handles: dict[str, str] = {}
    found: dict[str, tuple[str, str, ast.stmt]] = {}
    for statement in module_statements(tree):
        if isinstance(statement, (ast.With, ast.AsyncWith)):
            handles.update({item.optional_vars.id: file for item in statement.items
                            if isinstance(item.optional_vars, ast.Name) and (file := _opened(item.context_expr, names))})
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in ("read", "read_file") \
                and isinstance(call.func.value, ast.Name) and call.func.value.id in parsers and call.args:
            file = _opened(call.args[0], names) if call.func.attr == "read_file" else _file_name(call.args[0])
            if file:
                found[call.func.value.id] = (file, "INI", statement)
        for name, value in assigned_names(statement):
            loaded = _loaded(value, names, handles)
            if loaded:
                found[name] = (*loaded, statement)
            elif (parts := {n.id for n in walk(value) if isinstance(n, ast.Name)} & found.keys()):
                found[name] = found[min(parts)]
    return found


def _loaded(value: ast.expr, names: Names, handles: dict[str, str]) -> tuple[str, str] | None:
    """(file, format) when `value` loads a named file: `yaml.safe_load(f)` of a handle opened on it,
    `json.load(open("x.json"))`, `toml.load("x.toml")`."""
    if not isinstance(value, ast.Call) or not value.args:
        return None
    form = _LOADERS.get(names.qualify(value.func) or "")
    if form is None:
        return None
    source = value.args[0]
    file = handles.get(source.id) if isinstance(source, ast.Name) else _opened(source, names) or _file_name(source)
    return (file, form) if file else None


def _opened(node: ast.expr, names: Names) -> str:
    """The file `open("config.yml")` (or `Path("config.yml").open()`) names, "" for anything else."""
    if not isinstance(node, ast.Call):
        return ""
    if names.qualify(node.func) in ("open", "io.open") and node.args:
        return _file_name(node.args[0])
    if isinstance(node.func, ast.Attribute) and node.func.attr == "open" and isinstance(node.func.value, ast.Call):
        return _file_name(node.func.value)
    return ""


def _file_name(node: ast.expr) -> str:
    """The file a path names by its last string (`"app.ini"`, `os.path.join(BASE_DIR, "app.ini")`, `["app.ini"]`): the
    name a message can point at; "" when no string names it (a path the caller passes in)."""
    strings = [n.value for n in walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str) and n.value]
    return strings[-1] if strings and "." in strings[-1].rsplit("/", 1)[-1] else ""


def _settings(tree: ast.Module, names: Names) -> Iterator[tuple[str, ast.expr]]:
    """The module's settings as (key, value): upper-case module-level names, config-class attributes and
    `app.config[...]` writes at module level."""
    for statement in module_statements(tree):
        for key, value in assigned_names(statement):
            if key.isupper():
                yield key, value
        yield from config_item_writes(statement)
    for cls in config_classes(names):
        for statement in cls.body:
            yield from assigned_names(statement)
