"""Credentials written into the code (TF301, TF302, TF304).

- a secret-named name, attribute, config key, dict key or keyword argument bound to a
  string literal that looks like a real value (not a placeholder, an env variable's
  name, a path, a template or a sentence);
- an environment read of a secret-named variable with a literal fallback;
- a service URL with a password in it (`postgres://user:pw@host/db`).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

from twelvefactor_lint.analyze.python.context import Contexts, fact_at, settings_classes
from twelvefactor_lint.analyze.python.index import Index, Site
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.python.values import env_read, or_fallback
from twelvefactor_lint.facts.python import PythonSiteFact, SecretEnvFallback, SecretLiteral, UrlCredentials

SECRET_NAME = re.compile(
    r"(^|_)(secret|secret_?key|passw(or)?d|pwd|token|api_?key|private_?key|access_?key|client_?secret|"
    r"credentials?|auth_?key|signing_?key|encryption_?key)$", re.IGNORECASE)
_PLACEHOLDER = re.compile(
    r"change.?me|changeit|your[_ -]|xxx|\*\*\*|<[^>]*>|\$\{|\{\{|\{[a-z_]*\}|%\(|%s|example|placeholder|dummy|fake|"
    r"sample|todo|fixme|replace|insert|update.?me|not.?set|none|null|undefined|secret_?key_?here|^(secret|password|token)$",
    re.IGNORECASE)
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_DOTTED = re.compile(r"^[A-Za-z_][\w]*(\.[A-Za-z_][\w]*)+$")
_URL_CREDENTIALS = re.compile(r"^(?P<scheme>[a-z][a-z0-9+.-]*)://(?P<user>[^/\s:@]*):(?P<password>[^/\s@]+)@(?P<host>[^/\s?#]+)")
_SERVICE_SCHEMES = re.compile(
    r"^(postgres(ql)?|mysql|mariadb|mssql|oracle|mongodb|redis|rediss|amqps?|kafka|sqs|smtps?|ftp|sftp|"
    r"elasticsearch|nats|memcached?|cockroachdb|clickhouse|neo4j|couchbase|cassandra|http|https)(\+[a-z0-9]+)?$")
_MIN_LENGTH = 8


def looks_like_secret(key: str, value: object) -> bool:
    """A value that could be a real secret: not a placeholder, a name, a path, a URL or a sentence, and not
    the key's own name (`_totp_secret_key = "_totp_secret"` names a session field)."""
    if not isinstance(value, str) or len(value) < _MIN_LENGTH or any(c.isspace() for c in value):
        return False
    if _PLACEHOLDER.search(value) or _ENV_NAME.match(value) or _DOTTED.match(value):
        return False
    return not (value.startswith(("/", ".", "~")) or "://" in value
                or value.lower().replace("-", "_").strip("_") in key.lower())


def _key_of(target: ast.expr) -> str | None:
    if isinstance(target, ast.Name):
        return target.id
    if isinstance(target, ast.Attribute):
        return target.attr
    if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant) and isinstance(target.slice.value, str):
        return target.slice.value
    return None


def _bindings(index: Index) -> Iterator[tuple[Site, str, ast.expr]]:
    """(site, key, value) for assignments, dict entries and keyword arguments."""
    for site in index.assignments:
        node = site.node
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if node.value is None or isinstance(node, ast.AugAssign):
            continue
        for target in targets:
            key = _key_of(target)
            if key:
                yield site, key, node.value
    for entries in index.dicts:
        for k, v in zip(entries.node.keys, entries.node.values, strict=True):
            if isinstance(k, ast.Constant) and isinstance(k.value, str):
                yield Site(v, entries.function, entries.statement_line), k.value, v
    for call in index.calls:
        for keyword in call.node.keywords:
            if keyword.arg:
                yield Site(keyword.value, call.function, call.statement_line), keyword.arg, keyword.value


def _or_fallback(value: ast.expr, names: Names) -> tuple[str, ast.Constant] | None:
    """`os.environ.get("SECRET_KEY") or "literal"` -> ("SECRET_KEY", the literal), for a non-empty string literal."""
    found = or_fallback(value, names)
    if found and isinstance(found[1], ast.Constant) and isinstance(found[1].value, str) and found[1].value:
        return found[0], found[1]
    return None


def _settings_fields(names: Names) -> set[int]:
    """id() of the defaults of pydantic `BaseSettings` fields: env fallbacks, not bare literals."""
    return {id(statement.value) for name in settings_classes(names) for statement in names.classes[name].body
            if isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None}


def credential_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[PythonSiteFact]:
    facts: list[PythonSiteFact] = []
    fallbacks: set[int] = set()
    for call in index.calls:
        read = env_read(call.node, names)
        if read is None or read[1] is None:
            continue
        key, default = read
        fallbacks.add(id(default))
        if SECRET_NAME.search(key) and isinstance(default, ast.Constant) and isinstance(default.value, str) \
                and default.value and not _PLACEHOLDER.search(default.value):
            facts.append(fact_at(SecretEnvFallback, path, default, contexts.of(call), call.statement_line, key,
                                 env_key=key, module_kind=contexts.module_kind))
    fields = _settings_fields(names)
    for site, key, value in _bindings(index):
        fallback = _or_fallback(value, names) or ((key, value) if id(value) in fields and isinstance(value, ast.Constant)
                                                  and isinstance(value.value, str) and value.value else None)
        if fallback is not None and SECRET_NAME.search(fallback[0]) and not _PLACEHOLDER.search(str(fallback[1].value)):
            fallbacks.add(id(fallback[1]))
            facts.append(fact_at(SecretEnvFallback, path, fallback[1], contexts.of(site), site.statement_line, fallback[0],
                                 env_key=fallback[0], module_kind=contexts.module_kind))
        elif SECRET_NAME.search(key) and isinstance(value, ast.Constant) and looks_like_secret(key, value.value) \
                and id(value) not in fallbacks:
            where = site if site.node is value else Site(value, site.function, site.statement_line)
            facts.append(fact_at(SecretLiteral, path, value, contexts.of(where), site.statement_line, key,
                                 key=key, module_kind=contexts.module_kind))
    for url in index.urls:
        match = _URL_CREDENTIALS.match(str(url.node.value))  # the index keeps str constants only
        if match and _SERVICE_SCHEMES.match(match["scheme"]) and not _PLACEHOLDER.search(match["password"]):
            masked = f"{match['scheme']}://{match['user']}:***@{match['host']}"
            facts.append(fact_at(UrlCredentials, path, url.node, contexts.of(url), url.statement_line, masked,
                                 url=masked, scheme=match["scheme"], env_default=id(url.node) in fallbacks,
                                 module_kind=contexts.module_kind))
    return facts
