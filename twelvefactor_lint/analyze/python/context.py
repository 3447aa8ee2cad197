"""The context a piece of code runs in: what twelve-factor judges it by.

A site is in a request or job handler (see `handlers`), in start-up code (an app
factory, a startup/lifespan hook, `AppConfig.ready()`, and helpers they call one
call deep), in some other function, or at module level (import time). The module
itself is an `app` module, a `settings` module (Django settings, Flask config
modules), a `server_config` (gunicorn's config file) or a `cli_script`.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, TypeVar

from twelvefactor_lint.analyze.python.handlers import Handler, direct_callees, local_server_commands, outermost
from twelvefactor_lint.analyze.python.index import Function, Index, Site, walk
from twelvefactor_lint.analyze.python.names import Names, is_main_guard, module_statements
from twelvefactor_lint.facts.python import PythonSiteFact

STARTUP, FUNCTION, MODULE = "startup", "function", "module"
APP_CONSTRUCTORS = {"flask.Flask", "quart.Quart", "apiflask.APIFlask", "fastapi.FastAPI",
                    "starlette.applications.Starlette", "sanic.Sanic"}
FACTORY_NAMES = {"create_app", "make_app", "build_app", "create_application", "get_application", "app_factory",
                  "get_app", "init_app", "setup_app"}
_STARTUP_DECORATORS = {"before_first_request", "before_serving", "before_server_start", "on_startup"}
_STARTUP_EVENTS = {"startup", "before_server_start", "main_process_start"}
_LIFESPAN = re.compile(r"(^|_)lifespan$")
_DJANGO_SETTINGS = {"INSTALLED_APPS", "ROOT_URLCONF", "MIDDLEWARE", "DATABASES", "WSGI_APPLICATION", "ALLOWED_HOSTS",
                    "AUTH_PASSWORD_VALIDATORS", "TEMPLATES", "STATIC_URL"}
_SETTINGS_PATH = re.compile(r"(^|[/_.-])(settings?|config|configs|conf)([/_.-]|$)", re.IGNORECASE)
_CLI_MODULES = ("argparse", "click", "typer", "fire", "docopt", "optparse")
CONFIG_CLASS = re.compile(r"(Config|Configuration|Settings)$")
"""A class name that reads as configuration (`Config`, `ProductionConfig`, `AppSettings`)."""
S = TypeVar("S", bound=PythonSiteFact)


@dataclass(frozen=True)
class Scope:
    context: str
    """request_handler, job_handler, startup, function or module."""
    function: str
    """The function's qualified name ("" at module level)."""
    site: str
    """How a message names the place: "request handler `add()`", "app factory `create_app()`", "the module body"."""
    framework: str = ""


class Contexts:
    def __init__(self, tree: ast.Module, index: Index, names: Names, handlers: list[Handler], path: str,
                 known_kind: str = ""):
        self.index = index
        self.scopes: dict[int, Scope] = {
            id(h.function): Scope(h.context, h.qualname, h.describe(), h.framework) for h in handlers}
        for function, scope in _startup_functions(index, names):
            self.scopes.setdefault(id(function), scope)
            for helper in direct_callees(function, names):
                self.scopes.setdefault(id(helper), Scope(
                    STARTUP, helper.name, f"helper `{helper.name}()` called from {scope.site}", scope.framework))
        self.module_kind = known_kind or module_kind(tree, index, names, bool(handlers), path)
        local = local_server_commands(index, names)
        self.web_app = bool(handlers) or any(names.qualify(s.node.func) in APP_CONSTRUCTORS and not (
            local and s.function is not None and id(outermost(s.function, index)) in local) for s in index.calls)
        """The module serves requests: it builds a web app or defines handlers (import-time code runs in it)."""
        self.main_lines = main_block_lines(tree)

    def of(self, site: Site) -> Scope:
        """The scope of the innermost classified function around a site (nested functions inherit it)."""
        function = site.function
        while function is not None:
            scope = self.scopes.get(id(function))
            if scope is not None:
                return scope
            parent = self.index.parents.get(id(function))
            if parent is None:
                return Scope(FUNCTION, _qualname(function, self.index), f"function `{_qualname(function, self.index)}()`")
            function = parent
        return Scope(MODULE, "", "the module body")


def _qualname(function: Function, index: Index) -> str:
    owner = index.owners.get(id(function))
    return f"{owner.name}.{function.name}" if owner is not None else function.name


def _startup_functions(index: Index, names: Names):
    """(function, scope) for app factories and startup hooks."""
    local = local_server_commands(index, names)  # a CLI command's throwaway loopback server builds no app of the service
    builders = {id(s.function) for s in index.calls if s.function is not None
                and names.qualify(s.node.func) in APP_CONSTRUCTORS and id(outermost(s.function, index)) not in local}
    for name, function in names.functions.items():
        if name in FACTORY_NAMES or id(function) in builders:
            yield function, Scope(STARTUP, name, f"app factory `{name}()`")
        elif any(_is_startup_decorator(d) for d in function.decorator_list) or _LIFESPAN.search(name):
            yield function, Scope(STARTUP, name, f"startup hook `{name}()`")
    for function in index.nested:
        if _LIFESPAN.search(function.name):  # built by a factory (`lifespan_factory()` returns `lifespan`)
            yield function, Scope(STARTUP, function.name, f"lifespan `{function.name}()`")
    for site in index.calls:
        call = site.node
        qualified = names.qualify(call.func) or ""
        hooks: list[ast.expr] = []
        if qualified in APP_CONSTRUCTORS:
            for keyword in call.keywords:
                if keyword.arg == "lifespan":
                    hooks.append(keyword.value)
                elif keyword.arg == "on_startup" and isinstance(keyword.value, (ast.List, ast.Tuple)):
                    hooks += keyword.value.elts
        elif isinstance(call.func, ast.Attribute) and call.func.attr == "add_event_handler" and len(call.args) == 2 \
                and isinstance(call.args[0], ast.Constant) and call.args[0].value in _STARTUP_EVENTS:
            hooks.append(call.args[1])
        for hook in hooks:
            if isinstance(hook, ast.Name) and hook.id in names.functions:
                yield names.functions[hook.id], Scope(STARTUP, hook.id, f"startup hook `{hook.id}()`")
    for class_name, cls in names.classes.items():
        if any((names.qualify(b) or "").endswith("AppConfig") for b in cls.bases):
            for item in cls.body:
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "ready":
                    yield item, Scope(STARTUP, f"{class_name}.ready", f"`{class_name}.ready()` (runs at every start)", "django")


def _is_startup_decorator(decorator: ast.expr) -> bool:
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call else decorator
    if not isinstance(target, ast.Attribute):
        return False
    if target.attr in _STARTUP_DECORATORS:
        return True
    return target.attr in {"on_event", "listener"} and call is not None and bool(call.args) and \
        isinstance(call.args[0], ast.Constant) and call.args[0].value in _STARTUP_EVENTS


def settings_classes(names: Names) -> set[str]:
    """Classes whose fields the environment sets, and the module's classes they derive from (`class
    Settings(BaseSettings, ConfigModel)` reads `ConfigModel`'s fields from the environment too): their fields are
    env-overridable. Those are classes deriving, within the module, from pydantic's `BaseSettings`; in a module that
    imports `pydantic_settings`, from an imported settings class (`class ServerConfig(BaseConfigSet)`, a project's
    `BaseSettings` subclass defined elsewhere); in a module that imports pydantic (whose version 1 holds
    `BaseSettings`), from an imported `...Settings` class of a settings or config module (`class
    Settings(arxiv.config.Settings)`: a shared base package's settings, declared with pydantic's annotated fields);
    and flask-env's `metaclass=MetaFlaskEnv` config classes, whose attributes `ENV_PREFIX` + the name sets."""
    found: set[str] = set()
    roots = {q.split(".")[0] for q in names.imports.values()}
    uses_settings, uses_pydantic = "pydantic_settings" in roots, "pydantic" in roots
    changed = True
    while changed:
        changed = False
        for name, cls in names.classes.items():
            bases = {(names.qualify(b) or "").rsplit(".", 1)[-1] for b in cls.bases}
            if name in found:
                mixins = bases & names.classes.keys() - found
                found |= mixins
                changed = changed or bool(mixins)
            elif "BaseSettings" in bases or bases & found or _env_metaclass(cls, names) \
                    or uses_settings and any(_imported_settings_class(b, names) for b in cls.bases) \
                    or uses_pydantic and any(_imported_pydantic_settings(b, names) for b in cls.bases):
                found.add(name)
                changed = True
    return found


def env_prefix(cls: ast.ClassDef) -> str:
    """The `env_prefix` of a pydantic settings class: `model_config = SettingsConfigDict(env_prefix="APP_")` (or a
    dict), or pydantic 1's `class Config: env_prefix = "APP_"`, or flask-env's `ENV_PREFIX = "APP_"`; "" without one."""
    option = _flask_env_prefix(cls)
    if option is None:
        option = _settings_option(cls, "env_prefix")
    return _text(option) if option is not None else ""


def settings_variable(cls: ast.ClassDef, field: str) -> str:
    """The variable that sets a field of a settings class: its `env_prefix` and the field's name — upper-cased for a
    pydantic class, which matches names case-insensitively unless `case_sensitive=True` (`debug: bool` is set by
    `DEBUG`, as deploy files write it); flask-env's `ENV_PREFIX` classes match exactly."""
    variable = env_prefix(cls) + field
    option = _settings_option(cls, "case_sensitive")
    exact = isinstance(option, ast.Constant) and option.value is True or _flask_env_prefix(cls) is not None
    return variable if exact else variable.upper()


def _flask_env_prefix(cls: ast.ClassDef) -> ast.expr | None:
    """flask-env's `ENV_PREFIX = "APP_"` in the class body."""
    return next((s.value for s in cls.body if isinstance(s, ast.Assign)
                 and any(isinstance(t, ast.Name) and t.id == "ENV_PREFIX" for t in s.targets)), None)


def _settings_option(cls: ast.ClassDef, option: str) -> ast.expr | None:
    """An option of a pydantic settings class: `model_config = SettingsConfigDict(option=...)` (or a dict), or
    pydantic 1's `class Config: option = ...`."""
    for statement in cls.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            for inner in statement.body:
                if isinstance(inner, ast.Assign) and any(isinstance(t, ast.Name) and t.id == option
                                                         for t in inner.targets):
                    return inner.value
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None and any(
                isinstance(t, ast.Name) and t.id == "model_config"
                for t in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])):
            value = statement.value
            if isinstance(value, ast.Call):
                return next((k.value for k in value.keywords if k.arg == option), None)
            if isinstance(value, ast.Dict):
                return next((v for k, v in zip(value.keys, value.values, strict=True)
                             if isinstance(k, ast.Constant) and k.value == option), None)
    return None


def _text(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else ""


def _env_metaclass(cls: ast.ClassDef, names: Names) -> bool:
    """`class Config(metaclass=MetaFlaskEnv)`: flask-env sets each attribute from the environment."""
    return any(k.arg == "metaclass" and (names.qualify(k.value) or "").rsplit(".", 1)[-1] == "MetaFlaskEnv"
               for k in cls.keywords)


def _imported_settings_class(base: ast.expr, names: Names) -> bool:
    """A base imported from another module whose name says settings (`BaseConfigSet`, `AppSettings`), not pydantic's
    `BaseModel`."""
    qualified = names.qualify(base) or ""
    last = qualified.rsplit(".", 1)[-1]
    return isinstance(base, ast.Name) and names.is_imported(base.id) and not qualified.startswith("pydantic.") \
        and bool(re.search(r"Settings|Config", last))


def _imported_pydantic_settings(base: ast.expr, names: Names) -> bool:
    """A base imported from a settings or config module whose name says it is one (`arxiv.config.Settings`,
    `from app.core.config import BaseAppSettings`), in a module that imports pydantic: a `BaseSettings` subclass
    another package or module declares."""
    if not isinstance(base, (ast.Name, ast.Attribute)):
        return False
    root: ast.expr = base
    while isinstance(root, ast.Attribute):
        root = root.value
    qualified = names.qualify(base) or ""
    module, _, last = qualified.rpartition(".")
    return isinstance(root, ast.Name) and names.is_imported(root.id) and not qualified.startswith("pydantic") \
        and last.endswith("Settings") and bool(re.search(r"(^|[._])(config|settings|conf)(\.|_|$)", module))


def module_kind(tree: ast.Module, index: Index, names: Names, has_handlers: bool, path: str) -> str:
    """`settings`, `server_config` (gunicorn), `cli_script` (a main guard plus argument parsing), else `app`."""
    if has_handlers:
        return "app"
    stem = PurePosixPath(path).stem
    if "gunicorn" in stem.lower():
        return "server_config"
    if is_settings_module(tree, names, path):
        return "settings"
    if not any(is_main_guard(s) for s in tree.body):
        return "app"
    uses_cli = any(m.split(".")[0] in _CLI_MODULES for m in names.imports.values()) or any(
        names.qualify(n) == "sys.argv" for n in index.argv)
    return "cli_script" if uses_cli else "app"


def may_be_kept_kind(path: str, data: bytes) -> bool:
    """Whether `module_kind` may say `settings` or `server_config` of this file, from its name and bytes alone:
    its name says so, or it names two of Django's well-known settings."""
    if "gunicorn" in PurePosixPath(path).stem.lower() or _SETTINGS_PATH.search(path):
        return True
    return sum(name.encode() in data for name in _DJANGO_SETTINGS) >= 2


def is_settings_module(tree: ast.Module, names: Names, path: str) -> bool:
    """Django settings (its well-known names, or a settings-named module of upper-case constants or star
    imports) or a Flask-style config module (config classes)."""
    upper = {name for name in names.values if name.isupper()}
    if len(upper & _DJANGO_SETTINGS) >= 2:
        return True
    if not _SETTINGS_PATH.search(path):
        return False
    star = any(isinstance(s, ast.ImportFrom) and (any(a.name == "*" for a in s.names)
                                                  or (s.module or "").startswith("split_settings"))
               for s in module_statements(tree))  # django-split-settings' `include()` runs files as star imports do
    return bool(upper & _DJANGO_SETTINGS) or star or len(upper) >= 3 or any(
        CONFIG_CLASS.search(name) for name in names.classes)


def main_block_lines(tree: ast.Module) -> set[int]:
    lines: set[int] = set()
    for statement in tree.body:
        if is_main_guard(statement):
            lines.update(range(statement.lineno, (statement.end_lineno or statement.lineno) + 1))
    return lines


def main_runners(tree: ast.Module, names: Names) -> set[int]:
    """id() of module functions the main guard calls (`if __name__ == "__main__": main()`): the script's
    own runner, which a production server importing the module never calls."""
    called = {node.func.id for statement in tree.body if is_main_guard(statement) for node in walk(statement)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    return {id(names.functions[name]) for name in called if name in names.functions}


def fact_at(kind: type[S], path: str, node: ast.expr | ast.stmt, scope: Scope, statement_line: int, anchor: str,
            **attrs: Any) -> S:
    """A fact located at `node`, carrying where it runs (context, function, site)."""
    return kind(path, node.lineno, node.col_offset + 1, node.end_lineno, (node.end_col_offset or 0) + 1,
                context=scope.context, function=scope.function, site=scope.site, framework=scope.framework,
                statement_line=statement_line, anchor=f"{scope.function}:{anchor}", **attrs)
