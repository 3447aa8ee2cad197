"""What a configuration expression amounts to, without running it.

`"redis://localhost"` is a literal; `os.environ.get("REDIS_URL", "redis://localhost")`,
`os.getenv(...) or "..."`, django-environ's `env("X", default=...)` / `env.bool("X", True)` / `env("X")` with a schema default
(`environ.Env(X=(bool, True))`)
(also through an `env` imported from a base settings module, or a project's own `env`/`config` wrapper
called with a variable name), decouple's `config("X", default=...)`, `dj_database_url.config(default=...)`,
django-configurations' `values.Value("lit", environ_name="X")` and a project helper like
`get_string("X", "lit")` are environment reads with a literal fallback;
`os.environ["X"]` is an environment read; anything else is an expression. A small evaluator folds the
shapes settings wrap around a read (`x if x else "lit"`, nested reads, `or`-chains, `int(...)`,
`....lower() in ("1", "true")`, `== "True"`) into the value the fallback yields.
"""

from __future__ import annotations

import ast
import operator
import re
from dataclasses import dataclass

from twelvefactor_lint.analyze.python.index import walk
from twelvefactor_lint.analyze.python.names import Names, last_name

LITERAL, ENV_DEFAULT, ENV, EXPR = "literal", "env_default", "env", "expr"
_ENV_GETTERS = {"os.environ.get", "os.getenv", "os.environ.setdefault", "decouple.config", "environs.Env"}
_ENV_CLASSES = {"environ.Env", "environs.Env", "environs.FileAwareEnv", "decouple.AutoConfig", "decouple.Config"}
_DEFAULT_SECOND = {"environs.Env", "environs.FileAwareEnv"}
"""environs' `env("X", "lit")` takes the default second, where django-environ's `env("X", cast)` takes a cast."""
_ENV_HELPERS = {"env", "config", "getenv", "get_env"}
"""Bare names of env readers a project wraps in a module of its own (`from config.env import env`)."""
_URL_READERS = {"dj_database_url.config": "DATABASE_URL", "dj_email_url.config": "EMAIL_URL",
                "django_cache_url.config": "CACHE_URL"}
_ENV_OBJECT_NAMES = {"env"}
"""An imported `env` (`from .base import env`) is the base settings module's environment reader."""
_HELPER_NAME = re.compile(
    r"^_?((get|read)_?(env|environ|var|setting|config)?|env)_?(str|string|bool|boolean|flag|int|integer|float|list|"
    r"value|var|setting|any)?$")
"""Project helpers named like environment getters: `get_string`, `get_bool`, `env_flag`, `get_env`."""
_BARE_NAMES = {"get", "read", "env", "_get", "_read", "_env"}
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_TEXT_METHODS = {"lower", "upper", "strip", "casefold", "title"}
_COMPARE = {ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}


@dataclass(frozen=True)
class Value:
    text: str
    """The literal (str as is, True/False/None/numbers as written); for an env read, its fallback."""
    origin: str
    env_key: str = ""
    node: ast.expr | None = None
    """The literal's own node (the fallback of an env read), for locations."""


def constant_text(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, (str, int, float, bool)) or (
            isinstance(node, ast.Constant) and node.value is None):
        return node.value if isinstance(node.value, str) else repr(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub) and isinstance(node.operand, ast.Constant):
        return "-" + repr(node.operand.value)
    return None


def env_read(call: ast.AST, names: Names) -> tuple[str, ast.expr | None] | None:
    """(variable name, fallback node or None) when `call` reads an environment variable."""
    if isinstance(call, ast.Subscript):
        if names.qualify(call.value) == "os.environ" and isinstance(call.slice, ast.Constant):
            return str(call.slice.value), None
        return None
    if not isinstance(call, ast.Call):
        return None
    func = call.func
    qualified = names.qualify(func) or ""
    owner = func.value if isinstance(func, ast.Attribute) else func
    is_env_object = isinstance(owner, ast.Name) and (names.constructors.get(owner.id) in _ENV_CLASSES or (
        owner.id in _ENV_OBJECT_NAMES and names.is_imported(owner.id) and qualified not in _ENV_GETTERS))
    configured = _configurations_value(call)
    if configured is not None:
        return configured
    if qualified in _URL_READERS:
        key = next((k.value.value for k in call.keywords if k.arg == "env" and isinstance(k.value, ast.Constant)),
                   _URL_READERS[qualified])
        return str(key), next((k.value for k in call.keywords if k.arg == "default"), None)
    helper = not is_env_object and qualified not in _ENV_GETTERS and _is_env_helper(func, names)
    if qualified not in _ENV_GETTERS and not is_env_object and not helper:
        if not (isinstance(owner, ast.Name) and owner.id in _ENV_HELPERS and _names_a_variable(call)
                and not names.constructors.get(owner.id, "").startswith("configparser.")):
            return None  # `config = ConfigParser()`: `config.get("OAUTH", "APP_SECRET_KEY")` reads an ini file
        is_env_object = True
    if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    if helper and not _ENV_NAME.match(call.args[0].value):
        return None
    fallback = next((k.value for k in call.keywords if k.arg == "default"), None)
    # `env("X", cast)` takes a cast second; `env.bool("X", True)` and `os.getenv("X", "d")` a default
    if fallback is None and len(call.args) > 1 and (not is_env_object or func is not owner or (
            isinstance(owner, ast.Name) and names.constructors.get(owner.id) in _DEFAULT_SECOND)):
        fallback = call.args[1]
    if fallback is None and is_env_object and isinstance(owner, ast.Name):
        fallback = _schema_default(owner.id, call.args[0].value, names)
    return call.args[0].value, fallback


def _schema_default(env: str, key: str, names: Names) -> ast.expr | None:
    """The default a django-environ schema gives `key` (`env = environ.Env(DEBUG=(bool, True))`), if any."""
    schema = names.values.get(env)
    if not (isinstance(schema, ast.Call) and names.qualify(schema.func) in _ENV_CLASSES):
        return None
    entry = next((k.value for k in schema.keywords if k.arg == key), None)
    return entry.elts[1] if isinstance(entry, ast.Tuple) and len(entry.elts) == 2 else None


def _configurations_value(call: ast.Call) -> tuple[str, ast.expr | None] | None:
    """django-configurations' `values.Value("localhost", environ_name="DB_HOST", environ_prefix=None)` (any
    `*Value` class, the library's or a subclass like `SecretFileValue`): the variable `environ_name` names, with
    the first argument or `default=` as its fallback. Without `environ_name` the variable is `DJANGO_` plus the
    setting's name, which the call does not know: not read here."""
    func = call.func
    name = last_name(func)
    if not name.endswith("Value"):  # every call of the module asks
        return None
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    environ_name, environ = keywords.get("environ_name"), keywords.get("environ")
    if not (isinstance(environ_name, ast.Constant) and isinstance(environ_name.value, str)):
        return None
    if isinstance(environ, ast.Constant) and environ.value is False:
        return None
    prefix = keywords.get("environ_prefix")
    key = environ_name.value
    if isinstance(prefix, ast.Constant) and isinstance(prefix.value, str) and prefix.value:
        key = f"{prefix.value}_{key}"
    elif not isinstance(prefix, ast.Constant):  # the library's default prefix
        key = f"DJANGO_{key}"
    return key, keywords.get("default", call.args[0] if call.args else None)


ENV_READ_WORDS = ("environ", "getenv", "config", "Env")
"""A word each reader `reads_parameter` knows needs in the module's text, under any alias (`os.environ`,
`os.getenv`, `decouple.config`, `environs.Env`)."""


def rule_out_env_helpers(text: str, names: Names) -> None:
    """A module whose text has none of `ENV_READ_WORDS` defines no env helper: say so for each of its functions
    (most modules), so that `env_read` need not walk every function they call."""
    if not any(word in text for word in ENV_READ_WORDS):
        names.env_helpers.update(dict.fromkeys(names.functions, False))


def _is_env_helper(func: ast.expr, names: Names) -> bool:
    """A project function that reads the environment with a default parameter, one hop: defined here and
    reading `os.environ` with its first parameter, or imported and named like one (`get_string`)."""
    if not isinstance(func, ast.Name) or func.id in _BARE_NAMES:
        return False
    local = names.functions.get(func.id)
    if local is not None:
        found = names.env_helpers.get(func.id)
        if found is None:  # once per function: every call of it asks
            params = [a.arg for a in local.args.args]
            found = names.env_helpers[func.id] = len(params) >= 2 and any(
                isinstance(node, (ast.Call, ast.Subscript)) and reads_parameter(node, params[0], names)
                for node in walk(local))
        return found
    return names.is_imported(func.id) and bool(_HELPER_NAME.match(func.id))


def reads_parameter(node: ast.Call | ast.Subscript, param: str, names: Names) -> bool:
    """`node` reads the environment variable the parameter `param` names (`os.getenv(param, default)`)."""
    if isinstance(node, ast.Subscript):
        return names.qualify(node.value) == "os.environ" and isinstance(node.slice, ast.Name) and node.slice.id == param
    return names.qualify(node.func) in _ENV_GETTERS and bool(node.args) and isinstance(node.args[0], ast.Name) \
        and node.args[0].id == param


def or_fallback(node: ast.expr, names: Names) -> tuple[str, ast.expr] | None:
    """`os.getenv("X") or "literal"` -> ("X", the literal's node): an environment read with a literal fallback
    (also `os.getenv("X") or os.getenv("Y") or "literal"`)."""
    if not (isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) >= 2):
        return None
    first = env_read(node.values[0], names)
    if first is None or not all(env_read(v, names) for v in node.values[1:-1]):
        return None
    last = describe(node.values[-1], names)
    if last.origin in (LITERAL, ENV_DEFAULT) and last.node is not None:
        return first[0], last.node
    return None


def _names_a_variable(call: ast.Call) -> bool:
    """The first argument is an environment variable's name (`env("REDIS_URL", default=...)`)."""
    first = call.args[0] if call.args else None
    return isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.isupper() \
        and first.value.replace("_", "").isalnum()


def describe(node: ast.expr, names: Names) -> Value:
    text = constant_text(node)
    if text is not None:
        return Value(text, LITERAL, node=node)
    found = or_fallback(node, names)
    if found:
        key, literal = found
        return Value(constant_text(literal) or "", ENV_DEFAULT, key, literal)
    if isinstance(node, ast.Call) and len(node.args) == 1 and isinstance(node.func, ast.Name) \
            and node.func.id in {"int", "str", "bool", "float"}:
        return describe(node.args[0], names)
    if isinstance(node, ast.IfExp):
        return _conditional(node, names)
    if isinstance(node, ast.Compare):
        return _comparison(node, names)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return _negation(node, names)
    read = env_read(node, names)
    if read:
        key, fallback = read
        inner = describe(fallback, names) if fallback is not None else None
        if inner is not None and inner.origin in (LITERAL, ENV_DEFAULT) and inner.node is not None:
            return Value(inner.text, ENV_DEFAULT, key, inner.node)
        return Value("", ENV, key)
    return Value("", EXPR)


def _conditional(node: ast.IfExp, names: Names) -> Value:
    """`x if x else "lit"` with `x` an environment read (or a module-level name bound to one: `x =
    os.getenv("X")`): the read with `"lit"` as its fallback."""
    test, body = _read_behind(node.test, names), _read_behind(node.body, names)
    if test and body and test[0] == body[0]:
        fallback = describe(body[1], names) if body[1] is not None else None
        if fallback is None or fallback.origin == LITERAL and fallback.text in ("", "None", "False", "0"):
            fallback = describe(node.orelse, names)  # unset (or set to the read's own falsy default): the else
        if fallback.origin in (LITERAL, ENV_DEFAULT) and fallback.node is not None:
            return Value(fallback.text, ENV_DEFAULT, body[0], fallback.node)
    return Value("", EXPR)


def _read_behind(node: ast.expr, names: Names) -> tuple[str, ast.expr | None] | None:
    """The environment read `node` is, directly or as a module-level name bound to one."""
    if isinstance(node, ast.Name) and isinstance(names.values.get(node.id), (ast.Call, ast.Subscript)):
        node = names.values[node.id]
    return env_read(node, names)


def _negation(node: ast.UnaryOp, names: Names) -> Value:
    """`not os.getenv("BROKER_URL")`, or `not BROKER_URL` with `BROKER_URL` read at module level: true when unset."""
    operand = node.operand
    if isinstance(operand, ast.Name) and isinstance(names.values.get(operand.id), (ast.Call, ast.Subscript, ast.BoolOp)):
        operand = names.values[operand.id]
    read = describe(operand, names) if not isinstance(operand, ast.Name) else Value("", EXPR)
    if read.origin == ENV:
        return Value("True", ENV_DEFAULT, read.env_key, node)
    if read.origin == ENV_DEFAULT:
        return Value(repr(read.text in ("", "0", "False", "None")), ENV_DEFAULT, read.env_key, read.node or node)
    return Value("", EXPR)


def _comparison(node: ast.Compare, names: Names) -> Value:
    """`os.environ.get("DEBUG", "true").lower() in ("1", "true")`, `... == "True"`: what the fallback makes it."""
    left, method = node.left, ""
    while isinstance(left, ast.Call) and not left.args and isinstance(left.func, ast.Attribute) \
            and left.func.attr in _TEXT_METHODS:
        method, left = left.func.attr, left.func.value
    operation = _COMPARE.get(type(node.ops[0])) if len(node.ops) == 1 else None
    read = describe(left, names)
    if operation is None or read.origin not in (ENV_DEFAULT, ENV):
        return Value("", EXPR)
    try:
        right = ast.literal_eval(node.comparators[0])
        value: object = read.text if read.origin == ENV_DEFAULT else None
        if method and isinstance(value, str):
            value = getattr(value, method)()
        result = bool(operation(value, right))
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return Value("", EXPR)
    return Value(repr(result), ENV_DEFAULT, read.env_key, read.node or node)
