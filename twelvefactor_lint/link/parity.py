"""Link phase 2c, dev/prod parity (factor X): one settings module that picks a different *kind* of backing
service by environment.

"The twelve-factor developer resists the urge to use different backing services between development
and production": SQLite when `DEBUG` or `APP_ENV` says development and PostgreSQL otherwise, a
local-memory or dummy cache in development and Redis in production. Within one module, a setting
(Django's `DATABASES`/`CACHES`, `SQLALCHEMY_DATABASE_URI`, `CACHE_TYPE`, a Celery broker) that is
given a local kind in a branch an environment switch selects (a development flag, or a condition naming
the environment), and a server kind in another, is a `python.parity_split`; a CI-only branch counts for
neither, and an option naming the backend itself (`if os.getenv("SQLITE")`) is a deploy's choice.
Values that are only read from the environment name no kind and count for nothing; settings split
across modules (a `dev.py` beside a `prod.py`) are not compared.
"""

from __future__ import annotations

import re

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.python import ParitySplit, Setting

_SERVICE_KEYS = (
    (re.compile(r"^DATABASES\.[\w-]+\.ENGINE$|^(SQLALCHEMY_DATABASE_URI|DATABASE_URL|DATABASE_URI|DB_URL)$", re.I), "database"),
    (re.compile(r"^CACHES\.[\w-]+\.BACKEND$|^(CACHE_TYPE|CACHE_URL|CACHE_REDIS_URL)$", re.I), "cache"),
    (re.compile(r"^(CELERY_BROKER_URL|BROKER_URL|broker_url|broker)$"), "broker"),
)
_LOCAL = (
    (re.compile(r"sqlite", re.I), "SQLite"),
    (re.compile(r"locmem|SimpleCache|^simple$", re.I), "a local-memory cache"),
    (re.compile(r"dummy|NullCache|^null$", re.I), "a dummy cache"),
    (re.compile(r"filebased|FileSystemCache|^filesystem$", re.I), "a file cache on local disk"),
    (re.compile(r"^memory://|^filesystem://", re.I), "an in-process broker"),
)
_SERVER = (
    (re.compile(r"postgres|postgis|psycopg", re.I), "PostgreSQL"),
    (re.compile(r"mysql|mariadb", re.I), "MySQL"),
    (re.compile(r"oracle", re.I), "Oracle"),
    (re.compile(r"mssql|sql_server", re.I), "SQL Server"),
    (re.compile(r"redis", re.I), "Redis"),
    (re.compile(r"memcache", re.I), "Memcached"),
    (re.compile(r"^amqps?://|rabbitmq", re.I), "RabbitMQ"),
)


def _service(key: str) -> str:
    return next((service for pattern, service in _SERVICE_KEYS if pattern.search(key)), "")


def _kind(value: str, table: tuple[tuple[re.Pattern[str], str], ...]) -> str:
    return next((words for pattern, words in table if pattern.search(value)), "")


_ENVIRONMENT_SWITCH = re.compile(r"debug|develop|\bdev\b|_dev\b|\bdev_|local|app_env|\benv\b|_env\b|environment|stag|prod",
                                 re.IGNORECASE)
"""A condition that names the environment (`DEBUG`, `APP_ENV == "development"`, `RELAY_CHANNEL == "local"`), not
an option naming the backend itself (`if os.getenv("SQLITE")`: a deploy's choice, not a development shortcut)."""


def _switched(setting: Setting) -> bool:
    return setting.dev_only or bool(_ENVIRONMENT_SWITCH.search(setting.condition))


def link(facts: list[Fact]) -> list[Fact]:
    by_key: dict[tuple[str, str], list[Setting]] = {}
    for fact in facts:
        # a CI-only branch (`if os.environ.get("GITHUB_WORKFLOW")`) is neither development nor production
        if isinstance(fact, Setting) and fact.value and fact.origin in ("literal", "env_default") and not fact.ci_only \
                and _service(fact.key):
            by_key.setdefault((fact.path, fact.key), []).append(fact)
    found: list[Fact] = []
    for (path, key), settings in sorted(by_key.items()):
        local = [s for s in settings if _kind(s.value, _LOCAL)]
        server = [s for s in settings if _kind(s.value, _SERVER) and s not in local]  # `LocMemCache` is no Memcached
        if not local or not server or not any(_switched(s) for s in local):
            continue
        here, there = local[0], server[0]
        found.append(ParitySplit(path, here.line, here.column, key=key, service=_service(key),
                                 local=_kind(here.value, _LOCAL), server=_kind(there.value, _SERVER),
                                 switch=here.condition, server_line=there.line, anchor=f"parity:{key}",
                                 definition_line=here.statement_line or 0))
    return facts + found
