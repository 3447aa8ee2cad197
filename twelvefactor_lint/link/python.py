"""Link phase 2, python: project-level reasoning over the Python analyzer's facts.

- A view-shaped function's state writes count only when a URLconf routes to it.
- A handler's write to an imported name (`from app.data import RECIPES`) becomes a
  state mutation when that name is a module-level container in the project; writes
  to anything else imported (a framework's `session`, an ORM object) are dropped.
- Django settings chains: a settings module that no other one star-imports is a
  deployable settings module (a leaf); its effective settings are its bases'
  (`from .base import *`, in order) overridden by its own. Cache-based sessions whose
  cache alias resolves to `LocMemCache`/`FileBasedCache`, or to the implicit LocMem
  default when no `CACHES` is set, become a `python.session_cache` fact at the
  `SESSION_ENGINE` line — judged on production leaves only, not dev or test settings.
- A secret literal in a base settings module that every production leaf built on it sets again is
  marked `overridden`: the literal never reaches a deploy.
- A rate limiter created without `storage_uri` reads its storage from config
  (`RATELIMIT_STORAGE_URI`): when the project sets one, the limiter is marked configured.
"""

from __future__ import annotations

import os.path
from collections import defaultdict
from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import KINDS, Fact, convert
from twelvefactor_lint.facts.python import (
    Call,
    ImportedStateWrite,
    ModuleState,
    SecretLiteral,
    SessionCache,
    Setting,
    StarImport,
    StateMutation,
    UrlRoute,
    ViewCandidateWrite,
)

_CACHE_SESSIONS = ("django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db")
_LOCAL_CACHES = ("LocMemCache", "FileBasedCache")
_LIMITER_STORAGE = ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL")


def link(facts: list[Fact]) -> list[Fact]:
    facts = _settings_chains(_routed_views(facts))
    containers: dict[str, list[ModuleState]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, ModuleState):
            containers[fact.name].append(fact)
    writes = [f for f in facts if isinstance(f, ImportedStateWrite)]
    facts = [f for f in facts if not isinstance(f, ImportedStateWrite)]
    return facts + [w for w in (_resolved_write(w, containers) for w in writes) if w is not None]


def _resolved_write(write: ImportedStateWrite, containers: dict[str, list[ModuleState]]) -> StateMutation | None:
    """The imported write as a state mutation, if it names a module-level container of the project.

    Several modules can match a dotted suffix (copies of one app in a tutorial repository); the
    one closest to the importing file wins.
    """
    module, _, name = write.qualified.rpartition(".")
    candidates = [c for c in containers.get(name, ()) if c.module == module or c.module.endswith("." + module)]
    if not module or not candidates:
        return None
    source = max(candidates, key=lambda c: (len(os.path.commonprefix([c.path, write.path])), c.path))
    return convert(write, StateMutation, container=source.container, defined_at=f"{source.path}:{source.line}",
                   definition_path=source.path, definition_line=source.line)


def _routed_views(facts: list[Fact]) -> list[Fact]:
    """Keep the state writes of view-shaped functions that a URLconf routes to, as the writes they are;
    drop the others (a function taking `request` that nothing routes is not known to serve requests)."""
    routes = {f.view: f for f in facts if isinstance(f, UrlRoute)}
    kept = []
    for fact in facts:
        if not isinstance(fact, ViewCandidateWrite):
            kept.append(fact)
            continue
        route = routes.get(fact.view)
        if route is not None:
            site = f"Django view `{fact.function}()` (routed in {route.path}:{route.line})"
            kept.append(convert(fact, KINDS[fact.write_kind], site=site))
    return kept


def _settings_chains(facts: list[Fact]) -> list[Fact]:
    settings: dict[str, list[Setting]] = defaultdict(list)
    bases: dict[str, list[str]] = defaultdict(list)
    paths: dict[str, str] = {}
    for fact in facts:
        if isinstance(fact, Setting) and fact.source == "settings":
            settings[fact.module].append(fact)
            paths[fact.module] = fact.path
        elif isinstance(fact, StarImport):
            bases[fact.module].append(fact.imports)
            paths[fact.module] = fact.path
    derived: list[Fact] = list(_session_caches(settings, bases, paths))
    overridden = _overridden_secrets(facts, settings, bases, paths)
    limiter_storage = any(isinstance(f, Setting) and f.key in _LIMITER_STORAGE and not f.value.startswith("memory://")
                          for f in facts)
    return [
        replace(f, storage_configured=limiter_storage) if isinstance(f, Call) and f.api == "rate_limiter"
        else replace(f, overridden=True) if isinstance(f, SecretLiteral) and id(f) in overridden else f for f in facts
    ] + derived


def _leaves(settings: dict[str, list[Setting]], bases: dict[str, list[str]], paths: dict[str, str]) -> list[str]:
    """Production settings modules that no other one star-imports: what a deploy points DJANGO_SETTINGS_MODULE at."""
    imported = {_known(b, settings, bases) for targets in bases.values() for b in targets}
    return [m for m in sorted(set(settings) | set(bases)) if m not in imported and scope.classify(paths[m]) == scope.PROD]


def _chain(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]], seen: set[str]) -> set[str]:
    if module in seen:
        return set()
    seen.add(module)
    return {module}.union(*(_chain(_known(b, settings, bases), settings, bases, seen) for b in bases.get(module, ())))


def _overridden_secrets(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                        paths: dict[str, str]) -> set[int]:
    """id() of secret literals in a base settings module that every production leaf built on it sets again
    (`SECRET_KEY = read_key_file()` in `prod.py` over `base.py`'s literal): the literal never reaches a deploy."""
    modules = {path: module for module, path in paths.items()}
    leaves = [(leaf, _chain(leaf, settings, bases, set())) for leaf in _leaves(settings, bases, paths)]
    found = set()
    for fact in facts:
        module = modules.get(fact.path)
        if not isinstance(fact, SecretLiteral) or module is None or fact.context != "module":
            continue
        using = [leaf for leaf, chain in leaves if module in chain and leaf != module]
        effective = [_effective(leaf, settings, bases, set()).get(fact.key) for leaf in using]
        if using and all(e is not None and e.path != fact.path for e in effective):
            found.add(id(fact))
    return found


def _effective(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]],
               seen: set[str]) -> dict[str, Setting]:
    if module in seen:
        return {}
    seen.add(module)
    merged: dict[str, Setting] = {}
    for base in bases.get(module, ()):
        merged.update(_effective(_known(base, settings, bases), settings, bases, seen))
    for fact in sorted(settings.get(module, ()), key=lambda f: f.line):
        if "." not in fact.key:  # a whole dict setting replaces the base's, leaves and all
            merged = {k: v for k, v in merged.items() if not k.startswith(fact.key + ".")}
        merged[fact.key] = fact
    return merged


def _known(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]]) -> str:
    """A star import names a module by its import path; the project knows it by its file path."""
    for known in (*settings, *bases):
        if known == module or known.endswith("." + module):
            return known
    return module


def _session_caches(settings: dict[str, list[Setting]], bases: dict[str, list[str]], paths: dict[str, str]) -> list[SessionCache]:
    imported = {_known(b, settings, bases) for targets in bases.values() for b in targets}
    found: dict[tuple[str, int], SessionCache] = {}
    for leaf in sorted(set(settings) | set(bases)):
        if leaf in imported or scope.classify(paths[leaf]) not in (scope.PROD,):
            continue
        effective = _effective(leaf, settings, bases, set())
        engine = effective.get("SESSION_ENGINE")
        if engine is None or engine.value not in _CACHE_SESSIONS:
            continue
        alias_fact = effective.get("SESSION_CACHE_ALIAS")
        alias = alias_fact.value if alias_fact is not None and alias_fact.value else "default"
        backend = _backend(effective, alias)
        if backend is None:
            continue
        chain = f"settings `{leaf}`" if leaf == engine.module else f"settings `{leaf}` via `{engine.module}`"
        found.setdefault((engine.path, engine.line), convert(
            engine, SessionCache, engine=engine.value.rsplit(".", 1)[-1], alias=alias, backend=backend, chain=chain))
    return list(found.values())


def _backend(effective: dict[str, Setting], alias: str) -> str | None:
    """How the alias's cache is local, or None when it is shared (or unknown)."""
    if not any(key == "CACHES" or key.startswith("CACHES.") for key in effective):
        return "the implicit `LocMemCache` default (no `CACHES` setting)"
    backend = effective.get(f"CACHES.{alias}.BACKEND")
    if backend is not None and backend.value.endswith(_LOCAL_CACHES):
        return f"`{backend.value.rsplit('.', 1)[-1]}`"
    return None
