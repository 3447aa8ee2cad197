"""Link phase 2, default cache: whether anything in the project uses Django's default cache.

A per-process default cache (`LocMemCache`) is a problem only for what is stored in it. The evidence of a use, read
from every Python file's module refs (python.module_refs), in tests too:

- code importing `django.core.cache.cache` or `caches`, or the `cache_page` decorator;
- dotted strings naming the cache middleware (`django.middleware.cache.*`), cache-backed sessions
  (`django.contrib.sessions.backends.cache`/`cached_db`) or DRF throttles (`rest_framework.throttling.*`);
- imports of libraries keeping their state in it (DRF throttling, django-ratelimit, cacheops, cachalot);
- installed applications that do (`robots`, `compressor`, `axes`, `allauth`, `waffle`, `sorl.thumbnail`, ...).

With none of them, `CACHES.default` settings get `default_cache_unread`. Template fragment caching (`{% cache %}`)
lives in templates the analyzers do not read: a gap. A run that has not analyzed every production module (a focused
run) claims nothing.
"""

from __future__ import annotations

from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.python import ModuleRefs, Setting

_IMPORTS = ("django.core.cache.cache", "django.core.cache.caches", "django.views.decorators.cache.cache_page")
_IMPORT_PREFIXES = ("rest_framework.throttling", "django_ratelimit", "ratelimit", "cacheops", "cachalot")
_NAME_PREFIXES = ("django.middleware.cache.", "django.contrib.sessions.backends.cache",
                  "django.contrib.sessions.backends.cached_db", "rest_framework.throttling.", "axes.handlers.cache")
_APPS = frozenset({"robots", "compressor", "axes", "sorl.thumbnail", "health_check.cache", "cachalot", "cacheops",
                   "django_ratelimit", "ratelimit", "allauth", "waffle", "imagekit", "wagtail.images"})
"""Installed applications (or their packages: `allauth.account` is allauth's) that keep state in the default cache
unless told otherwise: django-allauth's login-attempt limits, django-waffle's flags, wagtail's renditions."""
_DEFAULT_KEYS = ("CACHES.default", "CACHES.default.BACKEND")


def link(facts: list[Fact], complete: bool) -> list[Fact]:
    if not complete or not any(isinstance(f, Setting) and f.key in _DEFAULT_KEYS for f in facts):
        return facts
    refs = [f for f in facts if isinstance(f, ModuleRefs)]
    if any(_uses_default_cache(ref) for ref in refs):
        return facts
    return [replace(f, default_cache_unread=True) if isinstance(f, Setting) and f.key in _DEFAULT_KEYS else f
            for f in facts]


def _uses_default_cache(ref: ModuleRefs) -> bool:
    return any(i in _IMPORTS or any(i == p or i.startswith(p + ".") for p in _IMPORT_PREFIXES) for i in ref.imports) \
        or any(name.startswith(_NAME_PREFIXES) for name in ref.names) \
        or any(app.split(".apps.")[0] in _APPS or app.split(".")[0] in _APPS for app in ref.apps)
