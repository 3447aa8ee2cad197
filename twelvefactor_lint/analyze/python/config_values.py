"""Configuration values the app sets: the facts behind the settings rules.

Sources: module-level constants (of settings modules, gunicorn config files and app
modules), attributes of config classes (`class ProductionConfig(Config)`, pydantic
`BaseSettings`), `app.config["X"] = v` / `celery.conf.x = v` / `settings["X"] = v` (a bare settings mapping,
upper-case keys), `os.environ.setdefault("X", default)` (source `env_setdefault`: the default is an env
fallback), `config.update(...)` /
`from_mapping(...)` / `conf.update(...)`, and the `config=` of Flask-Caching's `Cache`
and `broker=`/`backend=` of `Celery(...)`, Huey's `immediate=` and RQ's `Queue(is_async=)`, and option defaults: an options table
(`{"name": "REQ_LIMIT_STORAGE", "default_value": "memory://"}`) or an argparse
`add_argument("--storage-uri", default=...)` (source `option_default`: the value that runs
unless someone overrides it). Dict settings are flattened
(`CACHES.default.BACKEND`), also the dict a conditional falls back to when the variable it tests is
unset, and a module-level dict an entry names (`"default": _DEFAULT_STORAGE`, under the conditions of the branches
that build it); a Channels layer's `hosts` and a cache's `LOCATION` list say where the service is by their
first entry (`[("127.0.0.1", 6379)]`). Only literals and environment reads are recorded: an
arbitrary expression says nothing a rule could judge, except a switch that runs a task runner's jobs in
the enqueueing process set to follow `DEBUG` (`HUEY = {"immediate": DEBUG}`): on, under the condition
`when DEBUG is on`. Test config classes are skipped.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import PurePosixPath
from typing import NamedTuple

from twelvefactor_lint.analyze.python.conditions import test_switch
from twelvefactor_lint.analyze.python.context import (
    CONFIG_CLASS,
    MODULE,
    Contexts,
    Scope,
    fact_at,
    settings_classes,
    settings_variable,
)
from twelvefactor_lint.analyze.python.index import Index, Site
from twelvefactor_lint.analyze.python.names import Names, assigned_names, class_family, module_statements
from twelvefactor_lint.analyze.python.state import absolute_import
from twelvefactor_lint.analyze.python.values import ENV, ENV_DEFAULT, EXPR, LITERAL, Value, describe, env_read
from twelvefactor_lint.devprod import PROD_WORDS, docstring_says_development, is_dev_class, words
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import ConfigDefault, EnvGlobals, PythonSiteFact, Setting, StarImport

_SETTINGS_BASES = re.compile(r"(BaseSettings|Config|Configuration|Settings)$")
_TEST_CLASS = re.compile(r"test", re.IGNORECASE)
_CONFIG_OBJECTS = {"config", "conf"}
_SETTINGS_DICTS = {"config", "conf", "settings", "configuration"}
_UPDATERS = {"update", "from_mapping", "setdefault"}
_CONSTRUCTOR_KEYS = {"celery.Celery": {"broker": "broker_url", "backend": "result_backend"}}
_HUEY_IMMEDIATE = {"immediate": "immediate"}
_INLINE_SWITCHES = {**{f"huey.{name}": _HUEY_IMMEDIATE for name in ("Huey", "RedisHuey", "RedisExpireHuey",
                                                                    "PriorityRedisHuey", "PriorityRedisExpireHuey")},
                    "rq.Queue": {"is_async": "is_async"}}
"""Task runners' switches that run jobs in the enqueueing process, on the module's own queue: a queue a function
makes with one is that call's choice (a `run_now()` beside the worker's `push()`), not the app's default."""
_CONFIG_KWARG = {"flask_caching.Cache", "flask_cache.Cache"}
_NOT_SETTINGS = {"LOGGING"}
_CELERY_KEYS = {"broker_url", "result_backend"}
_MAX_DEPTH = 3
_OPTION_DEFAULT_KEYS = {"default", "default_value"}
_OPTION_NAME = re.compile(r"^-*([A-Za-z][\w-]*)$")
_CONFIG_NAME = re.compile(r"^[A-Za-z_][\w.]*$")
"""A fallback that can name a config: a word (`development`) or a dotted class path (`app.config.LocalConfig`)."""
_LISTED_LOCATOR = re.compile(r"^CHANNEL_LAYERS\.[^.]+\.CONFIG\.hosts$|^CACHES\.[^.]+\.LOCATION$")
"""Settings that list service locations: the first entry says where the service is."""
_IN_PROCESS_TASKS = re.compile(r"^(CELERY_)?(TASK_)?ALWAYS_EAGER$|^task_always_eager$|^HUEY\.immediate$|^immediate$"
                               r"|^Q_CLUSTER\.sync$")
"""Switches that run a task runner's jobs in the process enqueueing them: often set to follow `DEBUG`."""


_STORAGE_BACKEND = re.compile(r"^STORAGES\.[^.]+\.BACKEND$")
"""A storage's backend: one named by a module-level name (`"BACKEND": UPLOADS_FILE_STORAGE`) is that name's value
(`config("UPLOADS_FILE_STORAGE", default="storages.backends.gcloud.GoogleCloudStorage")`), not an unknown expression."""


class _Emitter:
    def __init__(self, names: Names, contexts: Contexts, path: str):
        self.names, self.contexts, self.path = names, contexts, path
        self.facts: list[PythonSiteFact] = []
        self.aliases: list[tuple[str, str]] = []
        """(module-level name, setting key) of dict entries naming a variable (`"default": _DEFAULT_STORAGE`)."""

    def setting(self, key: str, value: ast.expr, scope: Scope, line: int, source: str, dev_only: bool = False,
                env_variable: str | None = None, in_memory: bool = False, set_again_by: str = "",
                unselected_base: str = "") -> None:
        """`env_variable`: the variable a literal value is the fallback of (a settings class's field)."""
        if isinstance(value, ast.IfExp) and isinstance(value.orelse, ast.Dict) and self._unset_is_false(value.test):
            value = value.orelse  # `dj_database_url.config() if env("DATABASE_URL") else {...}`: unset runs the dict
        while isinstance(value, ast.IfExp) and (under_tests := test_switch(value.test)) is not None:
            value = value.orelse if under_tests else value.body  # `S3Storage if not TESTING else ...`: deploys run it
        if isinstance(value, ast.Dict):
            if key.split(".")[0] not in _NOT_SETTINGS and key.count(".") < _MAX_DEPTH:
                memory = in_memory or _names_memory_database(value)
                for k, v in zip(value.keys, value.values, strict=True):
                    if isinstance(k, ast.Constant) and isinstance(k.value, str) and isinstance(v, ast.Name) \
                            and isinstance(self.names.values.get(v.id), ast.Dict):
                        self.aliases.append((v.id, f"{key}.{k.value}"))
                    elif isinstance(k, ast.Constant) and isinstance(k.value, str):
                        self.setting(f"{key}.{k.value}", v, scope, line, source, dev_only, env_variable, memory,
                                     set_again_by)
            return
        if isinstance(value, (ast.List, ast.Tuple)) and _LISTED_LOCATOR.search(key) and value.elts:
            value = value.elts[0]  # `"hosts": [("127.0.0.1", 6379)]`, `"LOCATION": ["redis://a", ...]`: the first
            if isinstance(value, ast.Tuple) and value.elts:
                value = value.elts[0]
        described, condition = describe(value, self.names), ""
        if described.origin == EXPR and isinstance(value, ast.Name) and _STORAGE_BACKEND.match(key) \
                and value.id in self.names.values:
            bound = describe(self.names.values[value.id], self.names)  # `"BACKEND": UPLOADS_FILE_STORAGE`, read above
            described = Value(bound.text, bound.origin, bound.env_key, value) if bound.origin != EXPR else described
        if described.origin == EXPR and _names_debug(value) and _IN_PROCESS_TASKS.search(key):
            described = Value("True", LITERAL, "", value)  # on whenever DEBUG is: said as the fact's condition
            condition = "when `DEBUG` is on"
        if env_variable is not None and described.origin == LITERAL:  # a settings class's field: its env fallback
            described = Value(described.text, ENV_DEFAULT, env_variable, value)
        if described.origin == EXPR and "." in key:
            return  # a top-level setting is kept even as an expression: link needs to know it is set
        text = described.text
        if described.origin == EXPR and source == "server_config" and key == "workers" and not text:
            text = ast.unparse(value)  # `multiprocessing.cpu_count() * 2 + 1`: link reads its least value
        self.facts.append(fact_at(
            Setting, self.path, value, scope, line, f"setting:{key}", key=key, value=text,
            module=dotted_module(self.path),
            origin=described.origin, env_key=described.env_key, source=source, dev_only=dev_only, in_memory=in_memory,
            set_again_by=set_again_by, condition=condition, module_kind=self.contexts.module_kind,
            unselected_base=unselected_base))


    def _unset_is_false(self, test: ast.expr) -> bool:
        """The test is an environment read that is false when the variable is unset."""
        read = describe(test, self.names)
        return read.origin == ENV or read.origin == ENV_DEFAULT and read.text in ("", "None", "False", "0")


def _names_debug(node: ast.expr) -> bool:
    """`DEBUG`, `settings.DEBUG`, `app.debug`: the value follows the debug switch."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return name.upper() == "DEBUG"


def _names_memory_database(node: ast.Dict) -> bool:
    """A database dict whose `NAME` is SQLite's `":memory:"` (Django's `{"ENGINE": "...sqlite3", "NAME": ":memory:"}`)."""
    return any(isinstance(k, ast.Constant) and k.value == "NAME" and isinstance(v, ast.Constant) and v.value == ":memory:"
               for k, v in zip(node.keys, node.values, strict=True))


def _globals_from_env(statement: ast.stmt, names: Names) -> bool:
    """`globals().update(os.environ)` (or of a mapping built from it), or a loop over `os.environ` that assigns
    `globals()[key]`: the module's names are set from the environment."""
    def from_environ(node: ast.AST) -> bool:
        return any(isinstance(n, (ast.Attribute, ast.Name)) and names.qualify(n) == "os.environ" for n in ast.walk(node))

    def is_globals(node: ast.AST) -> bool:
        return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "globals"
    if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call):
        call = statement.value
        return isinstance(call.func, ast.Attribute) and call.func.attr == "update" and is_globals(call.func.value) \
            and bool(call.args) and from_environ(call.args[0])
    if isinstance(statement, ast.For) and from_environ(statement.iter):
        return any(isinstance(n, ast.Assign) and any(isinstance(t, ast.Subscript) and is_globals(t.value)
                                                     for t in n.targets) for n in ast.walk(statement))
    return False


def setting_facts(tree: ast.Module, index: Index, names: Names, contexts: Contexts, path: str) -> list[PythonSiteFact]:
    emit = _Emitter(names, contexts, path)
    module, is_package = dotted_module(path), PurePosixPath(path).name == "__init__.py"
    module_scope = Scope(MODULE, "", "the module body")
    kind = contexts.module_kind
    source = {"settings": "settings", "server_config": "server_config"}.get(kind, "module")
    rebound: dict[str, list[_Write]] = {}
    for statement in module_statements(tree):
        for key, value in assigned_names(statement):
            if key.isupper() or key in _CELERY_KEYS or kind == "server_config":
                emit.setting(key, value, module_scope, statement.lineno, source)
                rebound.setdefault(key, []).append(_Write(statement, (key,), value))
        if kind == "settings":
            for key, value in _setting_item_writes(statement):
                emit.setting(key, value, module_scope, statement.lineno, source)
                rebound.setdefault(key.split(".")[0], []).append(_Write(statement, tuple(key.split(".")), value))
            for key, value in _setting_updates(statement, names):
                emit.setting(key, value, module_scope, statement.lineno, source)
            update = _updated(statement)
            if update is not None:
                rebound.setdefault(update.path[0], []).append(update)
        if kind == "settings" and _globals_from_env(statement, names):
            emit.facts.append(fact_at(EnvGlobals, path, statement, module_scope, statement.lineno, "env_globals",
                                      module=module))
        if kind == "settings" and isinstance(statement, ast.ImportFrom) and any(a.name == "*" for a in statement.names):
            base = "." * statement.level + (statement.module or "")
            emit.facts.append(fact_at(StarImport, path, statement, module_scope, statement.lineno, f"star:{base}",
                                      module=module, imports=absolute_import(base, module, is_package)))
    if kind == "settings":
        for node, statement, name in _split_settings_includes(tree):
            base = "." + name
            emit.facts.append(fact_at(StarImport, path, node, module_scope, statement.lineno, f"star:{base}",
                                      module=module, imports=absolute_import(base, module, is_package)))
    if any(len(written) > 1 for written in rebound.values()):
        arms = _arms(tree)
        emit.facts = [_set_again(f, rebound, {id(s) for s in tree.body}, names, arms) if isinstance(f, Setting)
                      and f.source == source
                      else f for f in emit.facts]
    env_classes = settings_classes(names)
    for cls in config_classes(names):
        dev_only = is_dev_class(cls.name) or docstring_says_development(ast.get_docstring(cls))
        for statement in cls.body:
            for key, value in assigned_names(statement):
                emit.setting(key, value, Scope(MODULE, cls.name, f"config class `{cls.name}`"), statement.lineno,
                             "config_class", dev_only, settings_variable(cls, key) if cls.name in env_classes else None,
                             set_again_by=_set_again_by_subclasses(names, cls.name, key),
                             unselected_base=_unselected_base(names, cls.name, key))
    for assignment in index.assignments:
        for key, value in config_item_writes(assignment.node):
            emit.setting(key, value, contexts.of(assignment), assignment.statement_line, "app_config")
    for call in index.calls:
        func = call.node.func
        if call.node.keywords or isinstance(func, ast.Attribute) and func.attr in _UPDATERS:  # else it sets nothing
            for key, value in _config_call_items(call, names):
                emit.setting(key, value, contexts.of(call), call.statement_line, "app_config")
        baked = _env_setdefault(call.node, names)
        if baked:  # the literal is what the variable holds when the deploy does not set it: an env fallback
            emit.setting(*baked, contexts.of(call), call.statement_line, "env_setdefault", env_variable=baked[0])
        option = _argparse_default(call.node)
        if option:
            emit.setting(*option, contexts.of(call), call.statement_line, "option_default")
    for table in index.dicts:
        entry = _options_table_entry(table.node)
        if entry:
            emit.setting(*entry, contexts.of(table), table.statement_line, "option_default")
    return [*emit.facts, *_aliased(emit)]


def _aliased(emit: _Emitter) -> list[Setting]:
    """The settings of a module-level dict a dict setting names (`"default": _DEFAULT_STORAGE`), again under that
    setting's key, each with the condition of the branch that built it (`if AWS_BUCKET: _DEFAULT_STORAGE = {S3...}
    else: {FileSystemStorage}` -> `STORAGES.default.BACKEND` twice)."""
    found = []
    for name, key in emit.aliases:
        for fact in emit.facts:
            if isinstance(fact, Setting) and fact.key.startswith(name + ".") and fact.context == MODULE \
                    and not fact.function:
                aliased = key + fact.key[len(name):]
                found.append(replace(fact, key=aliased, anchor=fact.anchor.replace(f"setting:{fact.key}",
                                                                                    f"setting:{aliased}")))
    return found


class _Write(NamedTuple):
    """A module-level statement writing a setting: `DATABASES = ...` (path `("DATABASES",)`), an entry
    (`DATABASES["default"] = ...`: `("DATABASES", "default")`), or an `update()` of one (`DATABASES["default"].update(
    dj_database_url.config())`, `update`: the entries it writes depend on what the value holds)."""

    statement: ast.stmt
    path: tuple[str, ...]
    value: ast.expr
    update: bool = False


def _arms(tree: ast.Module) -> dict[int, tuple[tuple[int, int], ...]]:
    """id() of each module-level statement -> the `if` arms it runs in, outermost first: (id(the if), 0 for its body
    or 1 for its `else`/`elif`)."""
    found: dict[int, tuple[tuple[int, int], ...]] = {}

    def visit(statements: list[ast.stmt], path: tuple[tuple[int, int], ...]) -> None:
        for statement in statements:
            found[id(statement)] = path
            if isinstance(statement, ast.If):
                visit(statement.body, (*path, (id(statement), 0)))
                visit(statement.orelse, (*path, (id(statement), 1)))
            elif isinstance(statement, (ast.Try, ast.With, ast.AsyncWith)) or type(statement).__name__ == "TryStar":
                visit([*getattr(statement, "body", []), *getattr(statement, "orelse", []),
                       *getattr(statement, "finalbody", []),
                       *(s for h in getattr(statement, "handlers", []) for s in h.body)], path)
    visit(tree.body, ())
    return found


def _exclusive(a: tuple[tuple[int, int], ...], b: tuple[tuple[int, int], ...]) -> bool:
    """Two statements in different arms of the same `if`: one never runs after the other."""
    arms = dict(a)
    return any(node in arms and arms[node] != arm for node, arm in b)


def _set_again(fact: Setting, rebound: dict[str, list[_Write]], top: set[int], names: Names,
               arms: dict[int, tuple[tuple[int, int], ...]]) -> Setting:
    """A module-level literal set again by a later statement of the module — the setting itself or the dict entry
    holding it: `overridden` when that statement always runs and does not read the setting itself (`DEBUG = True` ...
    `DEBUG = os.environ.get("DEBUG") == "1"`: the literal never reaches a deploy); `read_again` when it reads something
    that may find nothing, in a branch (`if os.path.isfile(INI): DEBUG = section.getboolean("debug", DEBUG)`), falling
    back to the literal itself, or updating the dict holding it with what a read finds (`DATABASES["default"].update(
    dj_database_url.config())`: with `DATABASE_URL` unset the literal stays); `read_again_env` when what it reads is the
    environment (not a config file)."""
    if fact.origin != LITERAL or fact.context != MODULE or fact.function:
        return fact
    parts = tuple(fact.key.split("."))
    name = parts[0]
    writes = sorted(rebound.get(name, ()), key=lambda w: (w.statement.lineno, w.statement.col_offset))
    own_arms = next((arms.get(id(w.statement), ()) for w in writes if w.statement.lineno == fact.statement_line), ())
    for write in writes:
        statement, value = write.statement, write.value
        if statement.lineno <= (fact.statement_line or 0) or parts[:len(write.path)] != write.path \
                or _exclusive(own_arms, arms.get(id(statement), ())):
            continue  # an earlier statement, another entry, or another arm of the `if` the literal is set in
        if write.update:
            if not isinstance(value, ast.Dict) and _reads(value):
                return replace(fact, read_again=_short_statement(statement), read_again_env=_reads_env(value, names))
            continue
        own = any(isinstance(node, ast.Name) and node.id == name for node in ast.walk(value))
        if own or id(statement) not in top:
            if _reads(value):
                return replace(fact, read_again=_short_statement(statement), read_again_env=_reads_env(value, names))
        else:
            return replace(fact, overridden=True)
    return fact


def _updated(statement: ast.stmt) -> _Write | None:
    """`DATABASES["default"].update(value)` or `CACHES.update(value)` (a settings module's module-level statement): the
    write, with the first argument as its value (a dict of the keywords when there is none)."""
    call = statement.value if isinstance(statement, ast.Expr) else None
    if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "update"):
        return None
    path = _item_path(call.func.value)
    if path is None or not (call.args or call.keywords):
        return None
    value = call.args[0] if call.args else ast.Dict(keys=[ast.Constant(k.arg) for k in call.keywords],
                                                   values=[k.value for k in call.keywords])
    return _Write(statement, path, value, update=True)


def _split_settings_includes(tree: ast.Module) -> Iterator[tuple[ast.expr, ast.stmt, str]]:
    """The files django-split-settings' `include()` runs in the module's namespace, in order, as star imports do:
    (the file's string, the statement naming it, the module's name relative to the including one). The files are
    given to `include()` itself (`include("base.py", optional("local.py"))`) or through a module-level list built
    before it (`base_settings = ["core.py"]`, then `base_settings.append("docker.py")` under an `if`): each is
    named where the list gets it, so it carries the condition of that branch. Globs are not followed."""
    if not any(isinstance(s, ast.ImportFrom) and (s.module or "").startswith("split_settings") for s in tree.body):
        return
    lists: dict[str, list[tuple[ast.expr, ast.stmt]]] = {}
    found: list[tuple[ast.expr, ast.stmt]] = []

    def entries(node: ast.expr, statement: ast.stmt) -> list[tuple[ast.expr, ast.stmt]]:
        if isinstance(node, (ast.List, ast.Tuple)):
            return [e for item in node.elts for e in entries(item, statement)]
        if isinstance(node, ast.Starred) and isinstance(node.value, ast.Name):
            return list(lists.get(node.value.id, ()))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "optional" and node.args:
            return entries(node.args[0], statement)
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return [(node, statement)]
        return []
    for statement in module_statements(tree):
        for name, value in assigned_names(statement):
            if isinstance(value, (ast.List, ast.Tuple)):
                lists[name] = entries(value, statement)
        call = statement.value if isinstance(statement, ast.Expr) else None
        if isinstance(statement, ast.AugAssign) and isinstance(statement.target, ast.Name) \
                and statement.target.id in lists:
            lists[statement.target.id] += entries(statement.value, statement)
        elif isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) \
                and isinstance(call.func.value, ast.Name) and call.func.value.id in lists and call.args:
            if call.func.attr == "append":
                lists[call.func.value.id] += entries(ast.List(elts=[call.args[0]]), statement)
            elif call.func.attr == "extend":
                lists[call.func.value.id] += entries(call.args[0], statement)
        elif isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == "include":
            found += [e for arg in call.args for e in entries(arg, statement)]
    for node, statement in found:
        file = str(node.value) if isinstance(node, ast.Constant) else ""
        if file.endswith(".py") and not any(c in file for c in "*?[") and not file.startswith("/"):
            yield node, statement, file[:-3].replace("/", ".").lstrip(".")


def _item_path(node: ast.expr) -> tuple[str, ...] | None:
    """`DATABASES["default"]` -> ("DATABASES", "default"); an upper-case name alone -> (name,); else None."""
    keys: list[str] = []
    while isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
        keys.insert(0, node.slice.value)
        node = node.value
    return (node.id, *keys) if isinstance(node, ast.Name) and node.id.isupper() else None


def _setting_updates(statement: ast.stmt, names: Names) -> Iterator[tuple[str, ast.expr]]:
    """The entries a module-level `update()` of a dict setting writes, when it is given a dict (a literal, keywords,
    or a module-level name bound to one: `cache_config = {"default": {...}}` ... `CACHES.update(cache_config)`), keyed
    as the flattened dict is (`CACHES.default`). A production settings module replacing its base's cache this way
    sets the setting again."""
    update = _updated(statement)
    if update is None:
        return
    value = update.value
    if isinstance(value, ast.Name) and isinstance(names.values.get(value.id), ast.Dict):
        value = names.values[value.id]
    if isinstance(value, ast.Dict):
        for k, v in zip(value.keys, value.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                yield ".".join([*update.path, k.value]), _resolved(v, names)


def _resolved(value: ast.expr, names: Names) -> ast.expr:
    """A dict whose entries name module-level environment reads (`{"BACKEND": CACHE_BACKEND}` with `CACHE_BACKEND =
    env("CACHE_BACKEND", default=...)`) with those reads in their place: what the entry holds."""
    if isinstance(value, ast.Dict):
        return ast.Dict(keys=value.keys, values=[_resolved(v, names) for v in value.values])
    bound = names.values.get(value.id) if isinstance(value, ast.Name) else None
    if bound is not None and describe(bound, names).origin in (ENV, ENV_DEFAULT):
        return bound
    return value


def _reads(value: ast.expr) -> bool:
    """A value read at run time: a call or a subscript (an environment or config-file lookup), not a literal."""
    return any(isinstance(node, (ast.Call, ast.Subscript)) for node in ast.walk(value))


def _reads_env(value: ast.expr, names: Names) -> bool:
    """The value reads the environment (`os.environ[...]`, `env.db()`, `dj_database_url.config()`)."""
    return any(env_read(node, names) for node in ast.walk(value))


def _short_statement(statement: ast.stmt) -> str:
    text = " ".join(ast.unparse(statement).split())
    return text if len(text) <= 70 else text[:69] + "…"


def _module_bases(names: Names) -> dict[str, list[str]]:
    """Module class -> the last names of its bases."""
    return {n: [(names.qualify(b) or "").rsplit(".", 1)[-1] for b in cls.bases] for n, cls in names.classes.items()}


def _bases_before(parents: dict[str, list[str]], start: str, name: str) -> list[str] | None:
    """The module classes a breadth-first climb from `start` through their bases visits before it reaches `name`
    (`start` first); None when `start` is not built on `name`."""
    visited: list[str] = []
    pending, seen = [start], set()
    while pending:
        current = pending.pop(0)
        if current == name:
            return visited
        if current in seen or current not in parents:
            continue
        seen.add(current)
        visited.append(current)
        pending.extend(parents[current])
    return None


def _set_again_by_subclasses(names: Names, name: str, key: str) -> str:
    """The production config classes built on `name` (`class Production(Base)`, and those built on it) that set `key`
    again, in words, when every one of them does (django-configurations' `Base` holding a developer's `LocMemCache`
    that `Production` replaces): the base's value never runs in production; `""` otherwise. A class not named for
    production (`Build`, `Test`, `Development`) is not what a deploy selects."""
    parents = _module_bases(names)

    def chain(start: str) -> list[str]:
        """`start` and the module bases visited before `name`, nearest first; [] when not built on `name`."""
        return _bases_before(parents, start, name) or []

    if _names_prod(name):
        return ""
    deployed = {n: chain(n) for n in parents if n != name and chain(n) and any(_names_prod(c) for c in chain(n))}
    setters = set()
    for classes in deployed.values():
        setter = next((c for c in classes if any(k == key for s in names.classes[c].body for k, _ in assigned_names(s))),
                      None)
        if setter is None:
            return ""
        setters.add(setter)
    return "; ".join(f"config class `{c}`" for c in sorted(setters))


def _config_map(names: Names) -> set[str] | None:
    """The classes a module-level dict of the module maps names to (`configs = {"development": Development, "production":
    Live}`): the configs the app selects from; None without such a dict."""
    for value in names.values.values():
        if isinstance(value, ast.Dict) and value.values and all(
                isinstance(v, ast.Name) and v.id in names.classes for v in value.values):
            return {v.id for v in value.values if isinstance(v, ast.Name)}
    return None


def _unselected_base(names: Names, name: str, key: str) -> str:
    """The classes of the module's config map built on config class `name`, in words, when the map does not list `name`
    and each of them sets `key` again before reaching it (a base `Config` with `DEBUG = True` that `Development`,
    `Test` and `Live` each set): no selected config runs the base's value; `""` otherwise."""
    selected = _config_map(names)
    if not selected or name in selected:
        return ""
    parents = _module_bases(names)

    def sets_before_base(start: str) -> bool | None:
        """Whether `start`'s bases set `key` before `name` (None: not built on `name`)."""
        visited = _bases_before(parents, start, name)
        if visited is None:
            return None
        return any(k == key for current in visited for s in names.classes[current].body for k, _ in assigned_names(s))

    built_on = {c: sets_before_base(c) for c in selected}
    users = sorted(c for c, setter in built_on.items() if setter is not None)
    if not users or not all(built_on[c] for c in users):
        return ""
    return ", ".join(f"`{c}`" for c in users)


def _names_prod(name: str) -> bool:
    """A class named for production: `Production`, `ProdConfig`."""
    return bool(set(words(name)) & PROD_WORDS)


def _argparse_default(call: ast.Call) -> tuple[str, ast.expr] | None:
    """`parser.add_argument("--req-limit-storage", default="memory://")` -> ("REQ_LIMIT_STORAGE", default)."""
    if not (isinstance(call.func, ast.Attribute) and call.func.attr == "add_argument"):
        return None
    long = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str) and a.value.startswith("--")]
    default = next((k.value for k in call.keywords if k.arg == "default"), None)
    match = _OPTION_NAME.match(long[0]) if long else None
    return (match[1].replace("-", "_").upper(), default) if match and default is not None else None


def _env_setdefault(call: ast.Call, names: Names) -> tuple[str, ast.expr] | None:
    """`os.environ.setdefault("DATABASE_URL", "postgres://...")` -> ("DATABASE_URL", the default)."""
    if len(call.args) != 2 or names.qualify(call.func) != "os.environ.setdefault":
        return None
    key = call.args[0]
    return (key.value, call.args[1]) if isinstance(key, ast.Constant) and isinstance(key.value, str) \
        and key.value.isupper() else None


def _options_table_entry(node: ast.Dict) -> tuple[str, ast.expr] | None:
    """One row of an options table: `{"name": "SHARED_STORAGE", "default_value": "memory://", ...}`."""
    name = default = None
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and k.value == "name" and isinstance(v, ast.Constant) and isinstance(v.value, str):
            name = v.value
        elif isinstance(k, ast.Constant) and k.value in _OPTION_DEFAULT_KEYS:
            default = v
    return (name, default) if name and name.isupper() and default is not None else None


def config_default_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[PythonSiteFact]:
    """Environment reads with a literal fallback that pick a config: a call's argument
    (`create_app(os.getenv("APP_ENV") or "development")`, `from_object(os.getenv("X", "app.config.LocalConfig"))`) or
    the key of a lookup (`configs[os.getenv("APP_ENV", "dev")]`), which link matches to a development config class."""
    found: list[PythonSiteFact] = []
    picks: list[tuple[Site[ast.Call] | Site[ast.Assign | ast.AnnAssign | ast.AugAssign], ast.expr]] = [
        (site, node) for site in index.calls for node in (*site.node.args, *(k.value for k in site.node.keywords))]
    picks += [(site, site.node.value) for site in index.assignments if site.node.value is not None]
    for site, node in picks:
        key = node.slice if isinstance(node, ast.Subscript) else node
        value = describe(key, names)
        if value.origin == ENV_DEFAULT and value.text and _CONFIG_NAME.match(value.text) and (
                key is not node or isinstance(site.node, ast.Call)):
            found.append(fact_at(ConfigDefault, path, key, contexts.of(site), site.statement_line,
                                 f"config-default:{value.env_key}", env_key=value.env_key, selects=value.text))
    return found


def dev_config_classes(names: Names) -> list[ast.ClassDef]:
    """Config classes named for development (`DevelopmentConfig`, `class Development(Config)`, a settings-framework
    class `class Local(Common)`): what they set is development config, whatever it is (a setting, a secret, a
    locator). A class named for Docker (`class Docker(Common)`, `DockerConfig`) is the developers' compose stack's
    when the module also has a production-named one (`class Production(Platta)`): production is that one. So is one
    whose docstring declares it development's (`Settings for local development with Docker`)."""
    family = _config_family(names)
    production = any(set(words(name)) & PROD_WORDS for name in family)
    return [names.classes[name] for name in sorted(family) if not _TEST_CLASS.search(name)
            and (is_dev_class(name) or docstring_says_development(ast.get_docstring(names.classes[name]))
                 or production and "docker" in words(name) and not set(words(name)) & PROD_WORDS)]


def selectable_configurations(names: Names) -> list[ast.ClassDef]:
    """django-configurations classes no class of the module builds on, named neither for production, development
    nor tests and not built on a production-named one (`class Build(Base)`): DJANGO_CONFIGURATION picks them by name
    (python.configuration_class)."""
    family = class_family(names, lambda name, bases: any(
        names.qualify(b) in _SETTINGS_FRAMEWORK_BASES for b in names.classes[name].bases))
    if not family:
        return []
    parents = _module_bases(names)
    built_on = {b for name in family for b in parents[name]}
    found = []
    for name in sorted(family - built_on):
        chain, pending = [], [name]  # `name` and every module class above it
        while pending:
            current = pending.pop()
            if current in parents and current not in chain:
                chain.append(current)
                pending += parents[current]
        cls = names.classes[name]
        if any(_names_prod(c) for c in chain) or _TEST_CLASS.search(name) or set(words(name)) & _TEST_WORDS \
                or is_dev_class(name) or docstring_says_development(ast.get_docstring(cls)):
            continue
        found.append(cls)
    return found


def test_config_classes(names: Names) -> list[ast.ClassDef]:
    """Config classes named for the test suite by a word of their name (`class AutomatedTests(Common)`,
    `UnitTestSettings`): what they set only tests run."""
    return [names.classes[name] for name in sorted(_config_family(names)) if set(words(name)) & _TEST_WORDS]


_TEST_WORDS = frozenset({"test", "tests", "testing", "unittest", "unittests", "pytest"})
_SETTINGS_FRAMEWORK_BASES = frozenset({"env_config.Environment", "configurations.Configuration",
                                       "configurations.base.Configuration"})
"""Base classes of settings frameworks whose subclasses are one environment's settings each (env_config's
`Environment`, django-configurations' `Configuration`), selected by name (`DJANGO_SETTINGS_ENVIRONMENT=Local`)."""


def _config_family(names: Names) -> set[str]:
    """Config classes by name or base, test configs too, and the classes built on a settings framework's base."""
    framework = {name for name, cls in names.classes.items()
                 if any(names.qualify(b) in _SETTINGS_FRAMEWORK_BASES for b in cls.bases)}
    return class_family(names, lambda name, bases: name in framework or bool(
        CONFIG_CLASS.search(name) and not name.endswith("AppConfig") and (bases or name.endswith("Config"))
        or any(_SETTINGS_BASES.search(b) for b in bases)))


def config_classes(names: Names) -> Iterator[ast.ClassDef]:
    """Config classes by name or base (transitively within the module), except test configs."""
    found = class_family(names, lambda name, bases: bool(
        CONFIG_CLASS.search(name) and not name.endswith("AppConfig") and (bases or name.endswith("Config"))
        or any(_SETTINGS_BASES.search(b) for b in bases)))
    for name in sorted(found):
        if not _TEST_CLASS.search(name):
            yield names.classes[name]


def _is_config_object(node: ast.expr) -> bool:
    """`app.config`, `celery_app.conf`, `current_app.config`."""
    return isinstance(node, ast.Attribute) and node.attr in _CONFIG_OBJECTS


def _is_settings_dict(node: ast.expr, key: str, value: ast.expr) -> bool:
    """A bare `settings`/`config`/`conf` mapping written with a setting-shaped (upper-case) key and a literal:
    `settings["SECRET_KEY"] = "..."`, `config["DATABASE_URL"] = "postgres://..."`. A lower-case key is some
    local dict's; a computed value is left out (a project helper may fall back to what the mapping already
    holds: `config["DEBUG"] = get_config("DEBUG", default=True, config=config)`)."""
    return isinstance(node, ast.Name) and node.id.lower() in _SETTINGS_DICTS and key.isupper() \
        and isinstance(value, ast.Constant)


def config_item_writes(statement: ast.AST) -> Iterator[tuple[str, ast.expr]]:
    """(key, value) of `app.config["KEY"] = value` and `app.config.KEY = value` (a Flask or Celery config object)."""
    if not isinstance(statement, ast.Assign):
        return
    for target in statement.targets:
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
                and isinstance(target.slice.value, str) and (
                    _is_config_object(target.value) or _is_settings_dict(target.value, target.slice.value, statement.value)):
            yield target.slice.value, statement.value
        elif isinstance(target, ast.Attribute) and _is_config_object(target.value):
            yield target.attr, statement.value


def _setting_item_writes(statement: ast.stmt) -> Iterator[tuple[str, ast.expr]]:
    """`DATABASES["default"]["HOST"] = value` in a settings module: an entry of a dict setting, set again
    (a production module adjusting its base's `DATABASES`), keyed as the flattened dict is (`DATABASES.default.HOST`)."""
    if not isinstance(statement, ast.Assign):
        return
    for target in statement.targets:
        keys: list[str] = []
        while isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) \
                and isinstance(target.slice.value, str):
            keys.insert(0, target.slice.value)
            target = target.value
        if keys and isinstance(target, ast.Name) and target.id.isupper():
            yield ".".join([target.id, *keys]), statement.value


def _config_call_items(site: Site, names: Names) -> Iterator[tuple[str, ast.expr]]:
    call = site.node
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _UPDATERS and _is_config_object(func.value):
        for keyword in call.keywords:
            if keyword.arg:
                yield keyword.arg, keyword.value
        for arg in call.args[:1]:
            if isinstance(arg, ast.Dict):
                yield from _dict_items(arg)
        return
    qualified = names.qualify(func) or ""
    switches = _INLINE_SWITCHES.get(qualified, {}) if site.function is None else {}
    for keyword in call.keywords:
        if keyword.arg in _CONSTRUCTOR_KEYS.get(qualified, {}):
            yield _CONSTRUCTOR_KEYS[qualified][keyword.arg], keyword.value
        elif keyword.arg in switches:
            yield switches[keyword.arg], keyword.value
        elif keyword.arg == "config" and qualified in _CONFIG_KWARG and isinstance(keyword.value, ast.Dict):
            yield from _dict_items(keyword.value)


def _dict_items(node: ast.Dict) -> Iterator[tuple[str, ast.expr]]:
    for k, v in zip(node.keys, node.values, strict=True):
        if isinstance(k, ast.Constant) and isinstance(k.value, str):
            yield k.value, v
