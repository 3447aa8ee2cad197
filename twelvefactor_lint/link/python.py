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
from twelvefactor_lint.facts import Fact

_CACHE_SESSIONS = ("django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db")
_LOCAL_CACHES = ("LocMemCache", "FileBasedCache")
_LIMITER_STORAGE = ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL")


def link(facts: list[Fact]) -> list[Fact]:
    facts = _settings_chains(_routed_views(facts))
    containers: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == "python.module_state":
            containers[fact.attrs["name"]].append(fact)
    writes = [f for f in facts if f.kind == "python.imported_state_write"]
    facts = [f for f in facts if f.kind != "python.imported_state_write"]
    return facts + [w for w in (_resolved_write(w, containers) for w in writes) if w is not None]


def _resolved_write(write: Fact, containers: dict[str, list[Fact]]) -> Fact | None:
    """The imported write as a state mutation, if it names a module-level container of the project.

    Several modules can match a dotted suffix (copies of one app in a tutorial repository); the
    one closest to the importing file wins.
    """
    module, _, name = write.attrs["qualified"].rpartition(".")
    candidates = [c for c in containers.get(name, ()) if c.attrs["module"] == module or c.attrs["module"].endswith("." + module)]
    if not module or not candidates:
        return None
    source = max(candidates, key=lambda c: (len(os.path.commonprefix([c.path, write.path])), c.path))
    return Fact("python.state_mutation", write.path, write.line, write.column, write.end_line, write.end_column,
                attrs={**write.attrs, "container": source.attrs["container"], "defined_at": f"{source.path}:{source.line}",
                       "definition_path": source.path, "definition_line": source.line},
                anchor=write.anchor)


def _routed_views(facts: list[Fact]) -> list[Fact]:
    """Keep the state writes of view-shaped functions that a URLconf routes to, as the writes they are;
    drop the others (a function taking `request` that nothing routes is not known to serve requests)."""
    routes = {f.attrs["view"]: f for f in facts if f.kind == "python.url_route"}
    kept = []
    for fact in facts:
        if fact.kind != "python.view_candidate_write":
            kept.append(fact)
            continue
        route = routes.get(fact.attrs["view"])
        if route is not None:
            site = f"Django view `{fact.attrs['function']}()` (routed in {route.path}:{route.line})"
            kept.append(replace(fact, kind=fact.attrs["write_kind"]).with_attrs(site=site))
    return kept


def _settings_chains(facts: list[Fact]) -> list[Fact]:
    settings: dict[str, list[Fact]] = defaultdict(list)
    bases: dict[str, list[str]] = defaultdict(list)
    paths: dict[str, str] = {}
    for fact in facts:
        if fact.kind == "python.setting" and fact.attrs.get("source") == "settings":
            settings[fact.attrs["module"]].append(fact)
            paths[fact.attrs["module"]] = fact.path
        elif fact.kind == "python.star_import":
            bases[fact.attrs["module"]].append(fact.attrs["imports"])
            paths[fact.attrs["module"]] = fact.path
    derived = _session_caches(settings, bases, paths)
    overridden = _overridden_secrets(facts, settings, bases, paths)
    limiter_storage = any(f.kind == "python.setting" and f.attrs.get("key") in _LIMITER_STORAGE
                          and not str(f.attrs.get("value", "")).startswith("memory://") for f in facts)
    return [
        f.with_attrs(storage_configured=limiter_storage) if f.kind == "python.call" and f.attrs.get("api") == "rate_limiter"
        else f.with_attrs(overridden=True) if id(f) in overridden else f for f in facts
    ] + derived


def _leaves(settings: dict[str, list[Fact]], bases: dict[str, list[str]], paths: dict[str, str]) -> list[str]:
    """Production settings modules that no other one star-imports: what a deploy points DJANGO_SETTINGS_MODULE at."""
    imported = {_known(b, settings, bases) for targets in bases.values() for b in targets}
    return [m for m in sorted(set(settings) | set(bases)) if m not in imported and scope.classify(paths[m]) == scope.PROD]


def _chain(module: str, settings: dict[str, list[Fact]], bases: dict[str, list[str]], seen: set[str]) -> set[str]:
    if module in seen:
        return set()
    seen.add(module)
    return {module}.union(*(_chain(_known(b, settings, bases), settings, bases, seen) for b in bases.get(module, ())))


def _overridden_secrets(facts: list[Fact], settings: dict[str, list[Fact]], bases: dict[str, list[str]],
                        paths: dict[str, str]) -> set[int]:
    """id() of secret literals in a base settings module that every production leaf built on it sets again
    (`SECRET_KEY = read_key_file()` in `prod.py` over `base.py`'s literal): the literal never reaches a deploy."""
    modules = {path: module for module, path in paths.items()}
    leaves = [(leaf, _chain(leaf, settings, bases, set())) for leaf in _leaves(settings, bases, paths)]
    found = set()
    for fact in facts:
        module = modules.get(fact.path)
        if fact.kind != "python.secret_literal" or module is None or fact.attrs.get("context") != "module":
            continue
        using = [leaf for leaf, chain in leaves if module in chain and leaf != module]
        effective = [_effective(leaf, settings, bases, set()).get(fact.attrs["key"]) for leaf in using]
        if using and all(e is not None and e.path != fact.path for e in effective):
            found.add(id(fact))
    return found


def _effective(module: str, settings: dict[str, list[Fact]], bases: dict[str, list[str]], seen: set[str]) -> dict[str, Fact]:
    if module in seen:
        return {}
    seen.add(module)
    merged: dict[str, Fact] = {}
    for base in bases.get(module, ()):
        merged.update(_effective(_known(base, settings, bases), settings, bases, seen))
    for fact in sorted(settings.get(module, ()), key=lambda f: f.line):
        if "." not in fact.attrs["key"]:  # a whole dict setting replaces the base's, leaves and all
            merged = {k: v for k, v in merged.items() if not k.startswith(fact.attrs["key"] + ".")}
        merged[fact.attrs["key"]] = fact
    return merged


def _known(module: str, settings: dict[str, list[Fact]], bases: dict[str, list[str]]) -> str:
    """A star import names a module by its import path; the project knows it by its file path."""
    for known in (*settings, *bases):
        if known == module or known.endswith("." + module):
            return known
    return module


def _session_caches(settings: dict[str, list[Fact]], bases: dict[str, list[str]], paths: dict[str, str]) -> list[Fact]:
    imported = {_known(b, settings, bases) for targets in bases.values() for b in targets}
    found: dict[tuple[str, int], Fact] = {}
    for leaf in sorted(set(settings) | set(bases)):
        if leaf in imported or scope.classify(paths[leaf]) not in (scope.PROD,):
            continue
        effective = _effective(leaf, settings, bases, set())
        engine = effective.get("SESSION_ENGINE")
        if engine is None or engine.attrs["value"] not in _CACHE_SESSIONS:
            continue
        alias_fact = effective.get("SESSION_CACHE_ALIAS")
        alias = alias_fact.attrs["value"] if alias_fact is not None and alias_fact.attrs["value"] else "default"
        backend = _backend(effective, alias)
        if backend is None:
            continue
        chain = f"settings `{leaf}`" if leaf == engine.attrs["module"] else f"settings `{leaf}` via `{engine.attrs['module']}`"
        found.setdefault((engine.path, engine.line), Fact(
            "python.session_cache", engine.path, engine.line, engine.column, engine.end_line, engine.end_column,
            attrs={**engine.attrs, "engine": engine.attrs["value"].rsplit(".", 1)[-1], "alias": alias,
                   "backend": backend, "chain": chain}, anchor=engine.anchor))
    return list(found.values())


def _backend(effective: dict[str, Fact], alias: str) -> str | None:
    """How the alias's cache is local, or None when it is shared (or unknown)."""
    if not any(key == "CACHES" or key.startswith("CACHES.") for key in effective):
        return "the implicit `LocMemCache` default (no `CACHES` setting)"
    backend = effective.get(f"CACHES.{alias}.BACKEND")
    if backend is not None and backend.attrs["value"].endswith(_LOCAL_CACHES):
        return f"`{backend.attrs['value'].rsplit('.', 1)[-1]}`"
    return None
