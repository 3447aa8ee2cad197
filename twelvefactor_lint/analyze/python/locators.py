"""Where the code says which backing service to reach (TF401, TF402).

Locator positions: settings named like one (`*_URL`/`*_URI` of databases, brokers and
caches, Celery's `CELERY_RESULT_BACKEND`, a database given as a URL (`dj_database_url.config(default=...)`), `DATABASES.*.HOST`,
`CACHES.*.LOCATION` (not of a LocMem, dummy, file-based or database cache: a name, a path, a table), a Channels
layer's `hosts`, `EMAIL_HOST`, `*_HOST`, `*_ENDPOINT`) and the first
argument or `host=`/`url=` of client constructors (`create_engine`, `redis.Redis`,
`MongoClient`, `psycopg2.connect`, `pika.ConnectionParameters`, `smtplib.SMTP`, ...).
Each fact says the host, whether it is a loopback address, and whether the literal is
the value itself or only an environment read's fallback (also a module-level name used only as one's fallback,
itself or through plain copies: `_only_fallback`). A web address in a `*_DB_URL` setting (`https://` with no
port, on a host not named for a datastore, where the service does not speak HTTP itself) is a data source the app
downloads, not a locator (`_web_address`).
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from dataclasses import replace
from urllib.parse import urlsplit

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.index import Index
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.python.values import ENV_DEFAULT, LITERAL, describe, env_read
from twelvefactor_lint.facts import convert
from twelvefactor_lint.facts.python import PythonSiteFact, ServiceLocator, Setting

LOOPBACK = {"localhost", "127.0.0.1", "::1", "0.0.0.0", "[::1]"}
_RESERVED_HOST = re.compile(r"(^|\.)example\.(com|net|org)$|\.(example|invalid|test)$")
"""Names reserved for documentation and tests (RFC 2606): a template's placeholder (`smtp.example.com`), no service."""
_URL_KEY = re.compile(
    r"(^|_)(DATABASE|DB|SQLALCHEMY_DATABASE|BROKER|RESULT_BACKEND|REDIS|CACHE_REDIS|MONGO(DB)?|RABBITMQ|AMQP|"
    r"ELASTICSEARCH|ES|MEMCACHED?|KAFKA|CELERY_BROKER|CELERY_RESULT_BACKEND|POSTGRES|MYSQL)_?(URL|URI|DSN)$|"
    r"^(broker_url|result_backend)$|(^|_)RESULT_BACKEND$", re.IGNORECASE)
_HOST_KEY = re.compile(r"^DATABASES\.[^.]+\.HOST$|(^|_)(EMAIL|DB|DATABASE|REDIS|POSTGRES|MYSQL|MONGO(DB)?|RABBITMQ|AMQP|"
                       r"MEMCACHED?|ELASTICSEARCH|SMTP|MAIL|BROKER)(_[A-Z0-9]+)?_(HOST|SERVER|ENDPOINT)$|"
                       r"^CACHES\.[^.]+\.LOCATION$|^CHANNEL_LAYERS\.[^.]+\.CONFIG\.hosts$", re.IGNORECASE)
"""Also lower-case: a settings class's field (`db_host: str = "localhost"`) is the variable `DB_HOST`. A project's
prefix and one word between service and host name the same (`SCANCODEIO_RQ_REDIS_HOST`, `REDIS_ACTIVITY_HOST`,
`CELERY_BROKER_HOST`)."""
_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)+$")
_DATABASE_AS_URL = re.compile(r"^DATABASES\.[^.]+$")
"""A whole database given as a URL (`DATABASES = {"default": dj_database_url.config(default="postgres://...")}`)."""
_CLIENTS = {
    "sqlalchemy.create_engine": 0, "sqlalchemy.ext.asyncio.create_async_engine": 0, "sqlmodel.create_engine": 0,
    "redis.Redis": "host", "redis.StrictRedis": "host", "redis.Redis.from_url": 0, "redis.from_url": 0,
    "redis.asyncio.Redis": "host", "redis.asyncio.from_url": 0, "aioredis.from_url": 0,
    "pymongo.MongoClient": 0, "motor.motor_asyncio.AsyncIOMotorClient": 0, "psycopg2.connect": "host",
    "psycopg.connect": "host", "asyncpg.connect": "host", "asyncpg.create_pool": "host", "pymysql.connect": "host",
    "MySQLdb.connect": "host", "pika.ConnectionParameters": 0, "pika.URLParameters": 0, "smtplib.SMTP": 0,
    "smtplib.SMTP_SSL": 0, "kombu.Connection": 0, "elasticsearch.Elasticsearch": 0, "pymemcache.client.base.Client": 0,
}
_HTTP_SERVICE_KEY = re.compile(r"(^|_)(ELASTICSEARCH|ES|BROKER|RESULT_BACKEND)_?(URL|URI|DSN)?$|^(broker_url|result_backend)$",
                               re.IGNORECASE)
"""Locator settings whose service speaks HTTP itself: an `https://` URL there is the service (Elasticsearch, an SQS
broker)."""
_STORE_HOST = re.compile(r"(^|[.-])(db|database|redis|mongo\w*|postgres\w*|pg|mysql|maria\w*|elastic\w*|es|search|"
                         r"couch\w*|influx\w*|clickhouse|rds|cache|memcached?|sqs|queue|rabbit\w*|amqp|kafka|solr|"
                         r"neo4j)(\d*)([.-]|$)", re.IGNORECASE)
"""A host named for a datastore (`db.internal`, `search-x.es.amazonaws.com`, `couch-1`)."""
_SETTING_SOURCES = {"settings", "config_class", "app_config", "module", "env_setdefault"}
SMTP_READS = re.compile(r"^(EMAIL_HOST|EMAIL_PORT|EMAIL_HOST_USER|EMAIL_HOST_PASSWORD)$")
"""Django settings only its SMTP backend reads: with an API backend (`django_ses.SESBackend`, anymail, Resend) or the
console, file or in-memory ones they are unused — the host and port (TF401/TF402) as much as the login (TF302)."""
_SMTP_BACKEND = re.compile(r"smtp", re.IGNORECASE)
_DATABASE_KEY = re.compile(r"^(DATABASES\.[^.]+)\.")
_NO_HOST_CACHE = re.compile(r"(locmem\.LocMemCache|dummy\.DummyCache|filebased\.FileBasedCache|db\.DatabaseCache)$")
"""Django's cache backends that reach no server: their `LOCATION` is a name, a path or a table."""


def smtp_unused(settings: list[PythonSiteFact]) -> bool:
    """The module's SMTP settings (`SMTP_READS`) are unused: its literal `EMAIL_BACKEND` is not Django's SMTP backend,
    the default (`"bims.resend_email_backend.ResendBackend"`, `"anymail.backends.mailgun.EmailBackend"`)."""
    backends = [s for s in settings if isinstance(s, Setting) and s.key == "EMAIL_BACKEND"]
    return bool(backends) and all(s.origin == LITERAL and s.value not in ("", "None")
                                  and not _SMTP_BACKEND.search(s.value) for s in backends)


def _unused_settings(settings: list[PythonSiteFact]) -> tuple[bool, set[str]]:
    """What this module's settings leave unused: whether the SMTP settings are (`smtp_unused`), and the database dicts
    that are placeholders (an incomplete `ENGINE`, `"django.db.backends."` or `""`: no deploy can connect with it, so a
    deploy's own config replaces the whole dict)."""
    api_mail = smtp_unused(settings)
    placeholders = {s.key.rsplit(".", 1)[0] for s in settings
                    if isinstance(s, Setting) and s.origin == LITERAL and re.fullmatch(r"DATABASES\.[^.]+\.ENGINE", s.key)
                    and (s.value == "" or s.value.endswith("."))}
    return api_mail, placeholders


def _hostless_cache(location: Setting, settings: list[PythonSiteFact]) -> bool:
    """A `CACHES.<alias>.LOCATION` whose own `BACKEND` (the alias's last one set at or before it, else the first
    after it: the same dict) is a literal Django backend that reaches no server (`_NO_HOST_CACHE`: LocMem, dummy,
    file-based, database): its `LOCATION` is a store's name, a directory or a table, never a host —
    `"127.0.0.1:11211"` left there from a Memcached setup connects to nothing. Memcached in another branch keeps its
    own `LOCATION`."""
    backend_key = location.key.rsplit(".", 1)[0] + ".BACKEND"
    backends = sorted((s for s in settings if isinstance(s, Setting) and s.key == backend_key), key=lambda s: s.line)
    before = [s for s in backends if s.line <= location.line]
    own = before[-1] if before else backends[0] if backends else None
    return own is not None and own.origin == LITERAL and bool(_NO_HOST_CACHE.search(own.value))


def host_of(text: str, shape: str) -> str:
    """The host a locator names, or "" when it names none (sqlite paths, `memory://`, a LocMem cache's name).

    `shape` is `url` (only a URL names a host), `host` (a bare host name is one) or `either` (a URL, or a
    host that shows it is one: dotted, loopback, or with a port).
    """
    if text in ("None", "True", "False"):
        return ""
    if "://" in text:
        try:
            host = (urlsplit(text).hostname or "").lower()
        except ValueError:
            return ""
        return "" if _RESERVED_HOST.search(host) else host
    if shape == "url" or not text or any(c in text for c in " /\\") or text.isdigit():
        return ""
    host = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    if not re.fullmatch(r"[A-Za-z0-9._-]+|\[?::1\]?", host) or _RESERVED_HOST.search(host.lower()):
        return ""
    return host.lower() if shape == "host" or "." in host or host in LOOPBACK or ":" in text else ""


def _web_address(key: str, url: str, host: str) -> bool:
    """A `*_DB_URL` setting holding a web address, not a datastore's: an `http(s)://` URL with no port, on a host not
    named for a datastore, in a setting whose service does not speak HTTP itself (`MALTRAIL_DB_URL =
    "https://raw.githubusercontent.com/.../domains.txt"`: a public data list the app downloads, the same in every
    deploy, not an attached resource)."""
    if not re.match(r"(?i)https?://", url) or host in LOOPBACK or _HTTP_SERVICE_KEY.search(key.rsplit(".", 1)[-1]):
        return False
    try:
        port = urlsplit(url).port
    except ValueError:
        return False
    return port is None and not _STORE_HOST.search(host)


def _derived_into(setting: Setting, names: Names) -> str:
    """The module's other module-level settings computed from this module-level one at import (`CACHE_REDIS_URL =
    "redis://{0}:{1}/0".format(CACHE_REDIS_HOST, ...)`), in words; "" when none. A plain copy (`QUEUES_BROKER_URL =
    CELERY_BROKER_URL`) is not counted: it names the same service under a key of its own, not a value built from
    this one that setting this key later leaves behind."""
    if setting.context != "module" or setting.function or "." in setting.key:
        return ""
    derived = sorted(name for name, value in names.values.items() if name != setting.key and name.isupper()
                     and not isinstance(value, ast.Name)
                     and any(isinstance(n, ast.Name) and n.id == setting.key for n in ast.walk(value)))
    return ", ".join(f"`{name}`" for name in derived[:3]) + (f" and {len(derived) - 3} more" if len(derived) > 3 else "")


def _fallback_uses(tree: ast.Module, names: Names) -> tuple[dict[str, int], dict[str, list[str]], dict[str, int]]:
    """Name -> how often it is loaded; name -> the variables of the environment reads it is the fallback of
    (`os.environ.get("BROKER_URL", _BROKER_URL)`) and the names plain copies of it bind (`_BROKER_URL =
    RABBITMQ_SIGNALS_BROKER_URL`), as `=NAME`; name -> how many of its loads those two account for."""
    loads: dict[str, int] = defaultdict(int)
    uses: dict[str, list[str]] = defaultdict(list)
    accounted: dict[str, int] = defaultdict(int)
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            loads[node.id] += 1
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Name) and len(node.targets) == 1 \
                and isinstance(node.targets[0], ast.Name):
            uses[node.value.id].append("=" + node.targets[0].id)
            accounted[node.value.id] += 1
        elif isinstance(node, ast.Call):
            read = env_read(node, names)
            if read and isinstance(read[1], ast.Name):
                uses[read[1].id].append(read[0])
                accounted[read[1].id] += 1
    return loads, uses, accounted


def _only_fallback(key: str, uses: tuple[dict[str, int], dict[str, list[str]], dict[str, int]]) -> str:
    """The variable whose environment read the module-level name `key` is only ever the fallback of, itself or through
    plain copies (`RABBITMQ_SIGNALS_BROKER_URL = "amqp://localhost:5672"`, `_BROKER_URL = RABBITMQ_SIGNALS_BROKER_URL`,
    `CELERY_BROKER_URL = os.environ.get("BROKER_URL", _BROKER_URL)`): the literal is that variable's default, not a
    locator of its own; "" when the name is used any other way, or for several variables."""
    loads, found, accounted = uses
    variables: set[str] = set()
    pending, seen = [key], set()
    while pending:
        name = pending.pop()
        if name in seen:
            continue
        seen.add(name)
        if not loads.get(name) or loads[name] != accounted.get(name, 0):
            return ""
        for use in found.get(name, ()):
            if use.startswith("="):
                pending.append(use[1:])
            else:
                variables.add(use)
    return variables.pop() if len(variables) == 1 else ""


def locator_facts(settings: list[PythonSiteFact], index: Index, names: Names, contexts: Contexts,
                  path: str, tree: ast.Module | None = None) -> list[ServiceLocator]:
    """`tree`: the module, to tell a literal that is only an environment read's fallback (`_only_fallback`)."""
    facts = []
    uses: tuple[dict[str, int], dict[str, list[str]], dict[str, int]] | None = None
    api_mail, placeholders = _unused_settings(settings)
    for setting in settings:
        if not isinstance(setting, Setting):
            continue
        key = setting.key
        database = _DATABASE_KEY.match(key)
        if (api_mail and SMTP_READS.match(key)) or (database and database.group(1) in placeholders) \
                or (key.startswith("CACHES.") and key.endswith(".LOCATION") and _hostless_cache(setting, settings)):
            continue  # a value nothing reads: no service is reached there
        # an environment read names its service by the variable too (`"HOST": env("SCANCODEIO_RQ_REDIS_HOST", ...)`)
        variable = setting.env_key if setting.origin == ENV_DEFAULT else ""
        is_url = bool(_URL_KEY.search(key.rsplit(".", 1)[-1]) or _DATABASE_AS_URL.match(key) or _URL_KEY.search(variable))
        if setting.origin not in (LITERAL, ENV_DEFAULT) or not (is_url or _HOST_KEY.search(key) or _HOST_KEY.search(variable)):
            continue
        if _ENV_NAME.match(setting.value):
            continue  # `KEY_MAIL_SERVER = "MAIL_SERVER"`: the name of a setting, not a host (no host has an underscore)
        host = host_of(setting.value, "url" if is_url else "either" if key.endswith(("LOCATION", "hosts")) else "host")
        if is_url and host and _web_address(key, setting.value, host):
            continue
        if host and setting.source in _SETTING_SOURCES:
            fallback_of = ""
            if tree is not None and setting.origin == LITERAL and setting.context == "module" and not setting.function \
                    and "." not in key:
                uses = _fallback_uses(tree, names) if uses is None else uses
                fallback_of = _only_fallback(key, uses)
            located = replace(setting, origin=ENV_DEFAULT, env_key=fallback_of) if fallback_of else setting
            facts.append(convert(located, ServiceLocator, locator=f"`{key}`", host=host,
                                 loopback=host in LOOPBACK, derived_into=_derived_into(setting, names)))
    for site in index.calls:
        call = site.node
        where = _CLIENTS.get(names.qualify(call.func) or "")
        if where is None:
            continue
        node = call.args[0] if where == 0 and call.args else next(
            (k.value for k in call.keywords if k.arg in (where, "url", "host")), None)
        if node is None:
            continue
        value = describe(node, names)
        host = host_of(value.text, "either" if where == 0 else "host") if value.origin in (LITERAL, ENV_DEFAULT) else ""
        if host:
            api = (names.qualify(call.func) or "").rsplit(".", 1)[-1]
            facts.append(fact_at(ServiceLocator, path, node, contexts.of(site), site.statement_line, f"{api}:{host}",
                                 locator=f"`{api}()`", host=host, loopback=host in LOOPBACK, origin=value.origin,
                                 value=value.text, env_key=value.env_key, module_kind=contexts.module_kind))
    return facts
