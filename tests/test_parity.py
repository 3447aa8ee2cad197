"""Factor X: one module choosing a different kind of backing service by environment (link.parity)."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run

SPLIT = """import os

if os.environ.get("APP_ENV") == "development":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SQLALCHEMY_DATABASE_URI = "sqlite:///dev.db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"]}}
    SQLALCHEMY_DATABASE_URI = os.environ["DATABASE_URL"]
"""


def _messages(tmp_path, catalogue, files):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return [(f.line, f.severity, f.message) for f in result.findings if f.rule == "TF1001"]


def test_the_kinds_each_branch_gives_are_named_and_an_env_read_names_none(tmp_path, catalogue):
    [(line, severity, message)] = _messages(tmp_path, catalogue, {"app/settings.py": SPLIT})
    assert (line, severity) == (4, "info")
    assert "is a local-memory cache when `os.environ.get('APP_ENV') == 'development'` but Redis" in message


def test_settings_split_across_modules_are_not_compared(tmp_path, catalogue):
    files = {"app/settings/dev.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}\n',
             "app/settings/prod.py": 'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}\n'}
    assert _messages(tmp_path, catalogue, files) == []


def test_a_ci_branch_or_an_option_naming_the_backend_is_no_environment_switch(tmp_path, catalogue):
    code = """import os

if os.environ.get("GITHUB_WORKFLOW"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}

if os.getenv("SQLITE", "False") == "True":
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache"}}
"""
    assert _messages(tmp_path, catalogue, {"app/settings.py": code}) == []
