"""The words that tell a developer's setup from a deploy: one vocabulary for every place that asks.

File roles (`settings/localdev.py`, `docker-compose.override.yml`), Helm arms (`eq .Values.env "local"`,
`.Values.devMode`), shell and Python conditions (`$IS_LOCAL_DEV`, `APP_ENV == "development"`), compose
environments (`FLASK_ENV: development`), dispatcher arms (`dev-server)`) and config classes
(`DevelopmentConfig`) all read these words, so a word added here is understood everywhere.
"""

from __future__ import annotations

import re

from twelvefactor_lint.infra.deferred_re import deferred

ENVIRONMENT_WORDS = frozenset({"dev", "devel", "develop", "development", "local", "localdev"})
"""A word naming a development environment: `settings/localdev.py`, `APP_ENV=development`, `settings.local`."""
DEV_WORDS = ENVIRONMENT_WORDS | {"debug"}
"""Those and debug mode, which only development turns on (`settings/debug.py`, `$DEBUG`, `.Values.debug`)."""
_RELOAD_WORDS = frozenset({"hotreload", "reload"})
"""A value selecting live reload (`mode: hotreload`): what a developer runs against a source checkout."""
PROD_WORDS = frozenset({"prod", "prd", "production", "live"})
"""A word naming production: `docker-compose.prod.yml`, `settings/production.py`, `eq .Values.env "live"`."""
_LOOSE = frozenset({"local"})
"""Alone a name says development (`$IS_LOCAL`, `settings.local`); inside a longer one it names a thing
(`LOCAL_STORAGE`, `local_cache`), not an environment."""
_PREFIXES = frozenset({"is", "run", "use", "enable"})
_SUFFIXES = frozenset({"mode", "enabled", "env", "environment"})
_TEST_ARMS = frozenset({"test", "tests"})

_IDENTIFIER_WORD = deferred(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_FILE_WORD = deferred(r"[._-]+")


def words(name: str) -> list[str]:
    """The lower-case words of an identifier or dotted name, camel case split too: `config.DevelopmentConfig`
    is config, development, config; `IS_LOCAL_DEV` is is, local, dev; `localDev` is local, dev."""
    return [w.lower() for w in _IDENTIFIER_WORD.findall(name)]


def file_words(name: str) -> set[str]:
    """The lower-case words of a file name, split at `.`, `_` and `-` only (`Dockerfile-dev`: dockerfile, dev)."""
    return {w for w in _FILE_WORD.split(name.lower()) if w}


def names_dev_file(name: str) -> bool:
    """A file named for development (`settings/localdev.py`, `entrypoint-dev.sh`, `docker-compose.override.yml`:
    compose's override file is the developers' layer), unless it is also named for production."""
    found = file_words(name)
    return bool(found & (DEV_WORDS | {"override"})) and not found & PROD_WORDS


def names_prod_file(name: str) -> bool:
    """A file named for production (`docker-compose.prod.yml`, `settings/production.py`)."""
    return bool(file_words(name) & PROD_WORDS)


def is_dev_value(value: str) -> bool:
    """A whole value that names development (`"development"`, `local`, `hotreload`), quotes and case aside."""
    return value.strip().strip("\"'").lower() in DEV_WORDS | _RELOAD_WORDS


def is_prod_value(value: str) -> bool:
    """A whole value that names production (`prod`, `"live"`)."""
    return value.strip().strip("\"'").lower() in PROD_WORDS


def is_dev_flag(name: str, debug: bool = True) -> bool:
    """A switch, variable or setting whose name says development: `IS_DEVELOPMENT`, `SPOKANE_TECH_DEV`,
    `$IS_LOCAL`, `localDev`, `oncall.devMode` (`debug`: `DEBUG`, `settings.DEBUG` count too)."""
    found = words(name)
    vocabulary = DEV_WORDS if debug else ENVIRONMENT_WORDS
    core = [w for w in found if w not in _PREFIXES and w not in _SUFFIXES]
    return any(w in vocabulary - _LOOSE for w in found) or core == ["local"]


def names_dev_value(value: str) -> bool:
    """A compared value that names a development configuration, whole or as one word of a dotted or camel-case
    name (`"development"`, `config.DevelopmentConfig`, `settings.dev`)."""
    return is_dev_value(value) or any(w in DEV_WORDS - _LOOSE for w in words(value))


def is_dev_class(name: str) -> bool:
    """A config class named for development: `DevelopmentConfig`, `LocalConfig`, `DebugSettings` (not
    `DeviceConfig`)."""
    return any(w in DEV_WORDS for w in words(name))


def is_dev_arm(pattern: str) -> bool:
    """A dispatcher's `case` arm that only development or tests select: every alternative starts with such a
    word (`dev|local)`, `dev-server)`, `test)`)."""
    return all(_first_word(p) in DEV_WORDS | _TEST_ARMS for p in pattern.split("|"))


def _first_word(pattern: str) -> str:
    return re.split(r"[_\-*]", pattern.strip().strip("\"'").lower(), maxsplit=1)[0]
