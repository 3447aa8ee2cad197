"""What a configuration expression amounts to, without evaluating it.

`"redis://localhost"` is a literal; `os.environ.get("REDIS_URL", "redis://localhost")`,
`os.getenv(...) or "..."`, django-environ's `env("X", default=...)` and decouple's
`config("X", default=...)` (also a project's own `env`/`config` wrapper called with a variable name) and
`dj_database_url.config(default=...)` are environment reads with a literal fallback;
`os.environ["X"]` is an environment read; anything else is an expression.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

from twelvefactor_lint.analyze.python.names import Names

LITERAL, ENV_DEFAULT, ENV, EXPR = "literal", "env_default", "env", "expr"
_ENV_GETTERS = {"os.environ.get", "os.getenv", "os.environ.setdefault", "decouple.config", "environs.Env"}
_ENV_CLASSES = {"environ.Env", "environs.Env", "decouple.AutoConfig", "decouple.Config"}
_ENV_HELPERS = {"env", "config", "getenv", "get_env"}
"""Bare names of env readers a project wraps in a module of its own (`from config.env import env`)."""
_URL_READERS = {"dj_database_url.config": "DATABASE_URL", "dj_email_url.config": "EMAIL_URL",
                "django_cache_url.config": "CACHE_URL"}


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
    is_env_object = isinstance(owner, ast.Name) and names.constructors.get(owner.id) in _ENV_CLASSES
    if qualified in _URL_READERS:
        key = next((k.value.value for k in call.keywords if k.arg == "env" and isinstance(k.value, ast.Constant)),
                   _URL_READERS[qualified])
        return str(key), next((k.value for k in call.keywords if k.arg == "default"), None)
    if qualified not in _ENV_GETTERS and not is_env_object:
        if not (isinstance(owner, ast.Name) and owner.id in _ENV_HELPERS and _names_a_variable(call)):
            return None
        is_env_object = True
    if not call.args or not isinstance(call.args[0], ast.Constant) or not isinstance(call.args[0].value, str):
        return None
    fallback = next((k.value for k in call.keywords if k.arg == "default"), None)
    if fallback is None and len(call.args) > 1 and not is_env_object:
        fallback = call.args[1]
    return call.args[0].value, fallback


def or_fallback(node: ast.expr, names: Names) -> tuple[str, ast.expr] | None:
    """`os.getenv("X") or "literal"` -> ("X", the literal's node): an environment read with a literal fallback."""
    if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or) and len(node.values) == 2:
        read, fallback = env_read(node.values[0], names), node.values[1]
        if read and constant_text(fallback) is not None:
            return read[0], fallback
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
    read = env_read(node, names)
    if read:
        key, fallback = read
        text = constant_text(fallback) if fallback is not None else None
        if text is not None:
            return Value(text, ENV_DEFAULT, key, fallback)
        return Value("", ENV, key)
    return Value("", EXPR)
