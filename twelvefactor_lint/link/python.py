"""Link phase 2, python: project-level reasoning over the Python analyzer's facts.

- A view-shaped function's state writes count only when a URLconf routes to it, under the route's
  condition (a view routed only `if settings.DEBUG:` is development code).
- A handler's write to an imported name (`from app.data import RECIPES`) becomes a
  state mutation when that name is a module-level container in the project; writes
  to anything else imported (a framework's `session`, an ORM object) are dropped.
- Django settings chains: a settings module that no other one star-imports is a
  deployable settings module (a leaf); its effective settings are its bases'
  (`from .base import *`, in order) overridden by its own. Cache-based sessions whose
  cache alias resolves to `LocMemCache`/`FileBasedCache`, or to the implicit LocMem
  default when no `CACHES` is set, become a `python.session_cache` fact at the
  `SESSION_ENGINE` line — judged on production leaves only, not dev or test settings.
- Model file fields whose uploads a production settings module stores with `FileSystemStorage` (set, or
  Django's default) become a `python.local_media` fact.
- A value in a base settings module that every production leaf built on it sets again (a secret, its
  env fallback, `DEBUG`, a channel layer, a database, a service's location) is marked `overridden`: it never
  reaches a deploy.
- A rate limiter created without `storage_uri` reads its storage from config
  (`RATELIMIT_STORAGE_URI`): when the project sets one, the limiter is marked configured.
"""

from __future__ import annotations

import os.path
import re
from collections import Counter, defaultdict
from dataclasses import replace
from typing import TypeVar

from twelvefactor_lint.analyze.secret_shape import password_digest
from twelvefactor_lint.devprod import PROD_WORDS, is_dev_class, is_dev_flag, words
from twelvefactor_lint.discover import scope
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import KINDS, Fact, convert
from twelvefactor_lint.facts.compose import ComposeService
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.dockerfile import DockerfileFilesystem
from twelvefactor_lint.facts.platform import EnvVar, SettingsModule
from twelvefactor_lint.facts.python import (
    BackgroundWork,
    Call,
    ConfigDefault,
    ConfigurationClass,
    EnvFunction,
    ImportedStateWrite,
    LocalMedia,
    LogFileSink,
    ModuleRefs,
    ModuleState,
    PythonFact,
    PythonSiteFact,
    RequiredEnv,
    SecretEnvFallback,
    SecretLiteral,
    SecretRandomFallback,
    ServiceLocator,
    SessionCache,
    Setting,
    StarImport,
    StateMutation,
    UrlCredentials,
    UrlRoute,
    ViewCandidateWrite,
)
from twelvefactor_lint.link.start_chains import repository_paths

_CONFIG_WORDS = frozenset({"config", "settings", "configuration", "conf"})
_CACHE_SESSIONS = ("django.contrib.sessions.backends.cache", "django.contrib.sessions.backends.cached_db")
_LOCAL_CACHES = ("LocMemCache", "FileBasedCache")
_STORAGE_KEYS = ("STORAGES.default.BACKEND", "DEFAULT_FILE_STORAGE")
_STORAGE_DISTRIBUTIONS = frozenset({"django-storages", "django-s3-storage", "django-gcloud-storage"})
_STORAGE_MODULES = ("storages", "django_s3_storage")
"""What gives a Django project a storage other than the filesystem to select: django-storages (S3, GCS, Azure, ...)."""
_MIGRATION = re.compile(r"(^|/)\w*migrations/")
"""A Django migrations package (`app/migrations/`, `dojo/db_migrations/`): its fields copy the models' at some past
point; the models module is what a reader fixes."""
_LIMITER_STORAGE = ("RATELIMIT_STORAGE_URI", "RATELIMIT_STORAGE_URL")
W = TypeVar("W", bound=Fact)
S = TypeVar("S", bound=PythonSiteFact)
Late = dict[str, list[tuple[int, str, frozenset[str]]]]
"""Settings module -> the star imports it runs after its own settings: (line, module imported, dicts it binds whole)."""
_OVERRIDABLE = (Setting, SecretLiteral, SecretEnvFallback, SecretRandomFallback, UrlCredentials, ServiceLocator)
"""Facts about a value a settings module binds at module level: what production runs is the leaf's value."""


def link(facts: list[Fact]) -> list[Fact]:
    facts = _replaced_logging(_listed_handlers(_log_switches(_settings_chains(_routed_views(_env_tested(_default_dev_configs(
        _unselected_configurations(facts))))))))
    facts = _compose_databases(facts)
    containers: dict[str, list[ModuleState]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, ModuleState):
            containers[fact.name].append(fact)
    writes = [f for f in facts if isinstance(f, ImportedStateWrite)]
    facts = [f for f in facts if not isinstance(f, ImportedStateWrite)]
    return _divergent_constants(facts + [w for w in (_resolved_write(w, containers) for w in writes) if w is not None])


def _divergent_constants(facts: list[Fact]) -> list[Fact]:
    """A handler's constant, idempotent write (`FLAGS.update({A, B})`) leaves every process with the same value only
    if it is the only kind of write the state gets: another handler adding other constants, or anything else, makes
    the copies differ by which handler each process ran. Keep `constant_values` only when every handler's write to the
    same state (its defining file and name) is the same."""
    by_state: dict[tuple[str, str], set[str]] = defaultdict(set)
    for fact in facts:
        if isinstance(fact, StateMutation):
            by_state[(fact.definition_path or fact.path, fact.name)].add(fact.constant_values)
    if not any(isinstance(f, StateMutation) and f.constant_values for f in facts):
        return facts
    modules = {f.path: f.module for f in facts if isinstance(f, ModuleRefs)}
    imported_by: dict[str, set[str]] = defaultdict(set)
    """`pkg.mod.NAME` -> the files that import it by name (`from pkg.mod import NAME`)."""
    for fact in facts:
        if isinstance(fact, ModuleRefs):
            for name in fact.imports:
                imported_by[name].add(fact.path)
    return [replace(f, constant_values="") if isinstance(f, StateMutation) and f.constant_values
            and (len(by_state[(f.definition_path or f.path, f.name)]) > 1 or _read_elsewhere(f, modules, imported_by))
            else f for f in facts]


def _read_elsewhere(write: StateMutation, modules: dict[str, str], imported_by: dict[str, set[str]]) -> bool:
    """Another module imports the written state by name (`from web.home.utils import defaultFilters` in the views
    that read it): a reader that may run in a process where no handler put the constants in yet."""
    defining = modules.get(write.definition_path or write.path, "")
    if not defining:
        return False
    qualified = f"{defining}.{write.name}"
    return any(path not in (write.path, write.definition_path or write.path)
               for name, paths in imported_by.items()
               if name == qualified or qualified.endswith("." + name) or name.endswith("." + qualified)
               for path in paths)


_PASSWORD_VARIABLE = re.compile(r"(?i)pass(word|wd)?$")
"""A compose service's variable that sets its database's password (`POSTGRES_PASSWORD`, `MYSQL_ROOT_PASSWORD`)."""


def _compose_databases(facts: list[Fact]) -> list[Fact]:
    """An environment fallback URL whose host is a service of the project's compose file that sets the very password
    the URL carries (`postgis://openstates:openstates@db:5432` beside a compose service `db` with `POSTGRES_PASSWORD:
    openstates`): the local stack's database, reached by its compose name; `compose_database` says which."""
    urls = [f for f in facts if isinstance(f, UrlCredentials) and f.env_default and f.password_digest]
    if not urls:
        return facts
    services = {(f.path, f.service) for f in facts if isinstance(f, ComposeService)}
    passwords: dict[str, dict[str, str]] = defaultdict(dict)  # service name -> password digest -> where
    for fact in facts:
        if isinstance(fact, EnvVar) and (fact.path, fact.service) in services and fact.value \
                and _PASSWORD_VARIABLE.search(fact.name):
            passwords[fact.service].setdefault(password_digest(fact.value), f"service `{fact.service}` in {fact.path}")
    if not passwords:
        return facts
    found: dict[int, Fact] = {}
    for url in urls:
        host = url.url.rsplit("@", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0]
        where = passwords.get(host, {}).get(url.password_digest)
        if where:
            found[id(url)] = replace(url, compose_database=where)
    return [found.get(id(f), f) for f in facts] if found else facts


_OFF_VALUES = {"", "0", "false", "no", "off", "n", "f"}


def _listed_handlers(facts: list[Fact]) -> list[Fact]:
    """A logging config's file handler that only a handler list read from the environment may name (`listed_by`,
    opt-in) is what runs when a production deploy file sets that variable to a list naming it
    (`DJANGO_LOG_HANDLERS: console,file` in the Kubernetes Deployment): no longer opt-in."""
    listed = [f for f in facts if isinstance(f, LogFileSink) and f.listed_by]
    if not listed:
        return facts
    values: dict[str, set[str]] = defaultdict(set)
    for fact in facts:
        if isinstance(fact, EnvVar) and fact.value and not fact.dev_only and scope.classify(fact.path) == scope.PROD:
            values[fact.name] |= {n for n in re.split(r"[\s,;:]+", fact.value.strip("[]\"'")) if n}
    chosen = {id(f) for f in listed if any(f.listed_by[-1] in values.get(v, ()) for v in f.listed_by[:-1])}
    return [replace(f, condition="", listed_by=()) if isinstance(f, LogFileSink) and id(f) in chosen else f
            for f in facts] if chosen else facts


def _log_switches(facts: list[Fact]) -> list[Fact]:
    """A logging config's file handler picked by an environment switch whose fallback picks it (`"json_file" if not
    LOG_STDOUT else "console"`, `switch`) is opt-in when production code sets the switch the other way before the
    settings load (`os.environ.setdefault("LOG_STDOUT", "yes")` in the `conf/docker.py` settings the image runs):
    the file is what a deploy gets only when it overrides that setting."""
    switched = {id(f) for f in facts if isinstance(f, LogFileSink) and f.switch and not f.condition}
    if not switched:
        return facts
    setters: dict[str, list[Call]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, Call) and fact.api == "env_setdefault" and fact.arg_origin == "literal" \
                and fact.arg2_origin == "literal" and not fact.condition and not fact.dev_only \
                and scope.classify(fact.path) == scope.PROD:
            setters[fact.arg].append(fact)
    found: list[Fact] = []
    for fact in facts:
        if isinstance(fact, LogFileSink) and id(fact) in switched:
            variable, file_when_set = fact.switch.lstrip("!"), not fact.switch.startswith("!")
            setter = next((c for c in sorted(setters.get(variable, ()), key=lambda c: (c.path, c.line))
                           if (c.arg2.strip().lower() not in _OFF_VALUES) != file_when_set), None)
            if setter is not None:
                fact = replace(fact, condition=f"when {variable} is {'set' if file_when_set else 'not set'} "
                                               f"({setter.path}:{setter.line} sets it to `{setter.arg2}`)")
        found.append(fact)
    return found


def _replaced_logging(facts: list[Fact]) -> list[Fact]:
    """A settings module's logging config that a settings module it star-imports afterwards, always, binds again
    (`LOGGING = {...}` in `sefaria/settings.py`, then `from sefaria.local_settings_example import *` at the end, which
    sets its own `LOGGING`; the deploy's `local_settings.py` takes its place) is a default the later settings replace:
    its file handlers are opt-in, "unless the settings imported after it leave `LOGGING` alone". So is an entry of
    any other dict setting such a module binds again (`CACHES.default.BACKEND` before the local settings' `CACHES`):
    python.setting and python.service_locator, module-level values of a settings module."""
    sinks: list[LogFileSink | Setting | ServiceLocator] = [
        f for f in facts if isinstance(f, LogFileSink) and f.config and not f.condition
        or isinstance(f, (Setting, ServiceLocator)) and f.source == "settings" and "." in f.key and not f.condition
        and f.context == "module" and not f.function and f.origin in {"literal", "env_default"} and not f.overridden]
    if not sinks:
        return facts
    rebinding: dict[str, ModuleState] = {}
    for fact in facts:  # a dict bound at module level, unconditionally: the whole config bound again
        if isinstance(fact, ModuleState) and not fact.condition and fact.container == "dict":
            rebinding.setdefault(f"{fact.module}:{fact.name}", fact)
    later: dict[str, list[StarImport]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, StarImport) and not fact.condition and fact.context == "module" \
                and not fact.ci_only and not fact.dev_only:  # `if os.environ.get("CIRCLECI"): from .ci import *`
            later[fact.path].append(fact)
    modules = {key.partition(":")[0] for key in rebinding}
    found: dict[int, str] = {}
    for sink in sinks:
        config = sink.config if isinstance(sink, LogFileSink) else sink.key.split(".")[0]
        for star in sorted(later.get(sink.path, ()), key=lambda f: f.line):
            module = next((m for m in sorted(modules) if m == star.imports or m.endswith("." + star.imports)
                           or star.imports.endswith("." + m)), "")
            setting = rebinding.get(f"{module}:{config}") if module else None
            if star.line > (sink.statement_line or sink.line) and setting is not None and setting.path != sink.path:
                found[id(sink)] = (f"if the settings imported after it leave `{config}` alone "
                                   f"(`{star.imports}`, imported at line {star.line}, binds its own at "
                                   f"{setting.path}:{setting.line})")
                break
    return [replace(f, condition=found[id(f)]) if id(f) in found else f for f in facts]


def _default_dev_configs(facts: list[Fact]) -> list[Fact]:
    """A config class named for development that an environment read's fallback selects (`create_app(os.getenv(
    "APP_ENV") or "development")` with a `Development` class, `os.getenv("CONFIG_CLASS") or "app.config.LocalConfig"`)
    is what a deploy that forgets the variable runs: its facts are production config, not development only, and its
    settings name the variable (`default_config_of`)."""
    defaults = [f for f in facts if isinstance(f, ConfigDefault)]
    if not defaults:
        return facts

    def selecting(fact: PythonSiteFact) -> str:
        if not fact.dev_only or not fact.site.startswith("config class"):
            return ""
        module = dotted_module(fact.path)
        return next((d.env_key for d in defaults if _selects(d.selects, fact.function, module)), "")

    linked: list[Fact] = []
    for fact in facts:
        env_key = selecting(fact) if isinstance(fact, PythonSiteFact) else ""
        if env_key and isinstance(fact, Setting):
            fact = replace(fact, dev_only=False, default_config_of=env_key)
        elif env_key:
            fact = replace(fact, dev_only=False)
        linked.append(fact)
    return linked


_CONFIGURATION = "DJANGO_CONFIGURATION"


def _unselected_configurations(facts: list[Fact]) -> list[Fact]:
    """The facts of a django-configurations class a process runs only when DJANGO_CONFIGURATION names it
    (python.configuration_class: `class Build(Base)`, the settings the image build's `collectstatic` runs) are opt-in
    when the production start code's fallback (`os.environ.setdefault("DJANGO_CONFIGURATION", "Development")` in
    wsgi.py) and the production deploy files (a Dockerfile's `ENV`, a compose service's or Kubernetes container's
    environment) select other classes, each by a literal, and none names it. Without such a selection, or with one
    whose value the repository does not show (`${CONFIGURATION}`), nothing changes."""
    classes = [f for f in facts if isinstance(f, ConfigurationClass)]
    if not classes:
        return facts
    selected: set[str] = set()
    for fact in facts:
        if isinstance(fact, Call) and fact.api == "env_setdefault" and fact.arg == _CONFIGURATION \
                and scope.classify(fact.path) == scope.PROD:
            if fact.arg2_origin != "literal":
                return facts
            selected.add(fact.arg2)
        elif isinstance(fact, EnvVar) and fact.name == _CONFIGURATION and not fact.dev_only \
                and scope.classify(fact.path) == scope.PROD:
            if not fact.value:
                return facts
            selected.add(fact.value)
    if not selected:
        return facts
    unselected = {(f.path, f.name): f"if {_CONFIGURATION} selects config class `{f.name}`, which neither the start "
                  f"code nor a deploy file names" for f in classes if f.name not in selected}
    return [replace(f, condition=unselected[(f.path, f.function)])
            if isinstance(f, PythonSiteFact) and not f.condition and f.site.startswith("config class")
            and (f.path, f.function) in unselected else f for f in facts]


def _selects(fallback: str, cls: str, module: str) -> bool:
    """Whether a fallback picks the development config class `cls` of `module`: its dotted path
    (`app.config.LocalConfig`: one module path must end the other), its name, or its words without the config ones
    (`development` for `Development` and `DevelopmentConfig`)."""
    path, _, name = fallback.rpartition(".")
    if path:
        return name == cls and (f".{module}".endswith(f".{path}") or f".{path}".endswith(f".{module}"))
    return fallback == cls or is_dev_class(fallback) and words(fallback) == [w for w in words(cls) if w not in _CONFIG_WORDS]


def _env_tested(facts: list[Fact]) -> list[Fact]:
    """Code under `if in_debug_mode():` whose function (imported from the project) returns an environment read is
    opt-in as under `if os.getenv("KHOJ_DEBUG"):`: its condition names the variable; a development flag's branch
    (`KHOJ_DEBUG`) is development code."""
    functions: dict[str, list[EnvFunction]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, EnvFunction):
            functions[fact.name].append(fact)
    if not functions:
        return facts
    found: list[Fact] = []
    for fact in facts:
        called = fact.tested_call if isinstance(fact, PythonFact) and not fact.condition else ""
        module, _, name = called.lstrip("!.").rpartition(".")
        read = next((f for f in functions.get(name, ()) if f.module == module or module.endswith("." + f.module)
                     or f.module.endswith("." + module)), None) if module else None
        if read is None:
            found.append(fact)
            continue
        taken = not called.startswith("!")
        condition = f"when {read.env_key} is {'set' if taken else 'not set'}, as `{name}()` reads it"
        found.append(replace(fact, condition=condition, dev_only=fact.dev_only or taken and is_dev_flag(read.env_key)))
    return found


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
    written = {"name": source.writes, "through_method": name.rstrip("()")} if source.writes else {}
    constant = {"constant_values": ""} if source.read else {}  # its own module reads it: maybe before any write
    return convert(write, StateMutation, container=source.container, defined_at=f"{source.path}:{source.line}",
                   definition_path=source.path, definition_line=source.line,
                   read_back=write.read_back or source.read, **written, **constant)


def _routed_views(facts: list[Fact]) -> list[Fact]:
    """Keep the state writes of view-shaped functions that a URLconf routes to, as the writes they are;
    drop the others (a function taking `request` that nothing routes is not known to serve requests)."""
    routes = {f.view: f for f in facts if isinstance(f, UrlRoute)}
    by_name: dict[str, list[UrlRoute]] = defaultdict(list)
    for url_route in (f for f in facts if isinstance(f, UrlRoute)):
        by_name[url_route.view.rpartition(".")[2]].append(url_route)
    kept: list[Fact] = []
    for fact in facts:
        if isinstance(fact, BackgroundWork) and fact.context == "request_handler" and not fact.condition:
            kept.append(_debug_routed(fact, by_name))
            continue
        if isinstance(fact, StateMutation):
            kept.append(_under_route_condition(fact, routes))
            continue
        if not isinstance(fact, ViewCandidateWrite):
            kept.append(fact)
            continue
        route = routes.get(fact.view)
        if route is not None:
            site = f"Django view `{fact.function}()` (routed in {route.path}:{route.line})"
            kept.append(_conditional(convert(fact, KINDS[fact.write_kind], site=site), route))
    return kept


_HANDLER_IN_SITE = re.compile(r"request handler `([\w.]+)\(\)`")


def _debug_routed(work: BackgroundWork, by_name: dict[str, list[UrlRoute]]) -> BackgroundWork:
    """Work started by a view that the URLconf routes only when a development flag is on (`if settings.DEBUG:
    urlpatterns += [path("ingest_ocp_payload/", ingest_ocp_payload)]`): development code. Not under another switch:
    `if settings.API_ONLY == "0":` routes the web UI most deploys serve. The view is the function, or the request
    handler the site names for a helper it calls; routed as itself or re-exported by a module of the same package
    (`masu.api.views` for `masu.api.ingest_ocp_payload`)."""
    module = dotted_module(work.path)
    package = module.rpartition(".")[0]
    named = _HANDLER_IN_SITE.search(work.site)
    found: list[UrlRoute] = []
    for name in {work.function.rpartition(".")[2], named.group(1).rpartition(".")[2] if named else ""} - {""}:
        found += [r for r in by_name.get(name, ()) if _same_module(r.view.rpartition(".")[0], module)
                  or package and _same_module(r.view.rpartition(".")[0].rpartition(".")[0], package)]
    if not found or not all(r.condition and r.dev_only for r in found):
        return work  # a route under another switch (`if settings.API_ONLY == "0":`) may be what every deploy serves
    return replace(work, condition=found[0].condition, dev_only=True)


def _same_module(one: str, other: str) -> bool:
    """One dotted module names the other, as imported or by its file path (`masu.api` and `koku.masu.api`)."""
    return bool(one and other) and (one == other or one.endswith("." + other) or other.endswith("." + one))


def _under_route_condition(write: StateMutation, routes: dict[str, UrlRoute]) -> StateMutation:
    """A handler's write under the condition of the route that serves the handler, if any."""
    module = dotted_module(write.path)
    for name in (write.handler, write.function):
        route = routes.get(f"{module}.{name}") if name else None
        if route is not None:
            return _conditional(write, route)
    return write


def _conditional(write: W, route: UrlRoute) -> W:
    """Routed only when configuration says so (`if settings.DEBUG:`): opt-in, or development code."""
    if not route.condition or write.condition:
        return write
    return replace(write, condition=route.condition, dev_only=route.dev_only)


def _settings_chains(facts: list[Fact]) -> list[Fact]:
    settings: dict[str, list[Setting]] = defaultdict(list)
    bases: dict[str, list[str]] = defaultdict(list)
    built_on: dict[str, list[str]] = defaultdict(list)
    """The star imports a module always runs (not `if DEVELOPMENT_MODE: from .dev_settings import *`)."""
    paths: dict[str, str] = {}
    for fact in facts:
        if isinstance(fact, Setting) and fact.source == "settings":
            settings[fact.module].append(fact)
            paths[fact.module] = fact.path
        elif isinstance(fact, StarImport):
            bases[fact.module].append(fact.imports)
            if not fact.condition and not fact.ci_only:  # not under `if "test" in sys.argv[1]:` either
                built_on[fact.module].append(fact.imports)
            paths[fact.module] = fact.path
    leaves = _leaves(settings, bases, paths, _default_settings_modules(facts), built_on)
    arms = _alternatives(facts, settings, bases, paths)
    alternatives = {m for on, off in arms.values() for m in on | off}
    no_arm = {module: [b for b in found if _known(b, settings, bases) not in alternatives]
              for module, found in bases.items()} if arms else bases  # what runs when no deploy selects an arm
    derived: list[Fact] = [*_session_caches(settings, no_arm, paths), *_local_media(facts, settings, no_arm, leaves)]
    placed = _placed_star_imports(facts, settings, bases, paths)
    overridden = _overridden(facts, settings, bases, paths, leaves, arms=arms)
    replaced_late: set[int] = set()
    why: dict[str, str] = {}
    if placed:  # what the settings an image copies into place set again never reaches the image's deploy
        wholes: dict[str, frozenset[str]] = defaultdict(frozenset)
        for fact in facts:  # a dict the copied module binds at module level, unconditionally: replaced whole
            if isinstance(fact, ModuleState) and fact.container == "dict" and not fact.condition:
                wholes[fact.module] |= {fact.name}
        late = {module: [(line, base, wholes[base]) for line, base, _ in found] for module, found in placed.items()}
        replaced_late = _overridden(facts, settings, bases, paths, leaves, late, arms) - overridden
        why = {paths[module]: "; ".join(dict.fromkeys(w for _, _, w in found)) for module, found in placed.items()}
    by_arms = _overridden(facts, settings, bases, paths, leaves, arms=arms, each_arm=True) - overridden if arms else set()
    run, placed_bases = _deployed_leaves(facts, settings, bases, paths)
    deployed_bases = {**bases, **placed_bases}  # with the bases of modules an image copies into place
    set_by_deploy = _overridden(facts, settings, deployed_bases, paths, sorted(run), arms=arms) if run else set()
    deploy = "; ".join(sorted(run.values()))
    fallbacks = _production_fallbacks(facts, settings, bases, paths) if set_by_deploy else {}
    run_anyway = set_by_deploy - _overridden(facts, settings, deployed_bases, paths, sorted({**run, **fallbacks}),
                                             arms=arms)
    also_run_by = "; ".join(sorted(fallbacks.values()))
    production = {leaf: f"the production settings `{leaf}`" for leaf in leaves if any(
        scope.is_prod_named(paths.get(m, "")) for m in _chain(leaf, settings, bases, set()))}
    refusing = _refusing(facts, run or production, settings, deployed_bases)
    unselected = _unselected_templates(facts, settings, bases, paths, run, built_on)
    limiter_storage = any(isinstance(f, Setting) and f.key in _LIMITER_STORAGE and not f.value.startswith("memory://")
                          for f in facts)
    selected = _env_selected(settings, bases, sorted(run) if run else leaves)
    off_arms = {paths[m] for _, off in arms.values() for m in off} - {paths[m] for on, _ in arms.values() for m in on}
    return [replace(f, dev_only=True) if f.path in off_arms and isinstance(f, PythonFact) and not f.dev_only
            else _env_layered(f, selected) for f in [
        replace(f, overridden=True, set_again_by=f.set_again_by or why.get(f.path, "; ".join(dict.fromkeys(why.values()))))
        if isinstance(f, _OVERRIDABLE) and id(f) in replaced_late
        else replace(f, storage_configured=limiter_storage) if isinstance(f, Call) and f.api == "rate_limiter"
        else _set_again(replace(f, overridden=True), id(f) in set_by_deploy, id(f) in run_anyway, deploy, also_run_by)
        if isinstance(f, _OVERRIDABLE) and id(f) in overridden
        else _set_again(f, True, id(f) in run_anyway, deploy, also_run_by)
        if isinstance(f, _OVERRIDABLE) and id(f) in set_by_deploy
        else _set_again(f, True, False, _arms_words(dotted_module(f.path), settings, bases, arms), "")
        if isinstance(f, _OVERRIDABLE) and id(f) in by_arms
        else replace(f, refused=refusing[id(f)]) if isinstance(f, SecretEnvFallback) and id(f) in refusing
        else replace(f, condition=unselected[f.path]) if f.path in unselected and not f.condition else f
        for f in facts
    ]] + derived


_SET_WHEN = re.compile(r"^when `?(\w+)`? is set$")
"""The condition of a branch that runs when an environment variable is set (`if os.environ.get("REDIS_URL"):`)."""


def _env_selected(settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                  production: list[str]) -> dict[tuple[str, int | None, str], tuple[str, str]]:
    """(path, statement line, key) of a module-level value of a settings module (a literal or an environment read's
    fallback, itself unconditional) -> (variable, where in words), when every settings chain that runs it sets the key
    again later under a test of that variable (`if os.environ.get("DJANGO_REDIS_URL"): CACHES = {...}` further down
    the module; `if "ELMO_MEMCACHED" in os.environ: CACHES["default"]["LOCATION"] = ...` in the package's
    `__init__.py` that star-imports it): the value is only what runs while the variable is unset, an
    environment-selected default. The chains are the production settings modules built on it (those the deploy
    files run, when they name any); a module no such chain reaches counts as its own."""
    replacing = {module: [(f, m.group(1)) for f in found if f.context == "module" and not f.function
                          and (m := _SET_WHEN.match(f.condition))]
                 for module, found in settings.items()}
    if not any(replacing.values()):
        return {}
    chains = {leaf: _chain(leaf, settings, bases, set()) for leaf in production}
    built_on: dict[str, set[str]] = {}
    found: dict[tuple[str, int | None, str], tuple[str, str]] = {}
    for module, own in settings.items():
        using = [chain for chain in chains.values() if module in chain] or [{module}]
        for fact in own:
            if fact.context != "module" or fact.function or fact.condition or fact.origin not in {"literal", "env_default"}:
                continue
            hits = []
            for chain in using:
                hit = None
                for other in sorted(chain):
                    if other != module and module not in built_on.setdefault(other, _chain(other, settings, bases, set())):
                        continue  # a module the chain runs before this one
                    hit = next(((r, var) for r, var in replacing.get(other, ())
                                if (r.key == fact.key or fact.key.startswith(r.key + "."))
                                and (other != module or (r.statement_line or r.line) > (fact.statement_line or fact.line))),
                               None)
                    if hit:
                        break
                if hit is None:
                    break
                hits.append(hit)
            if len(hits) != len(using) or len({var for _, var in hits}) != 1:
                continue
            where = "; ".join(dict.fromkeys(
                f"a later statement ({r.path}:{r.line})" if r.path == fact.path else f"`{r.module}` ({r.path}:{r.line})"
                for r, _ in hits))
            found[(fact.path, fact.statement_line, fact.key)] = (hits[0][1], where)
    return found


def _env_layered(fact: W, selected: dict[tuple[str, int | None, str], tuple[str, str]]) -> W:
    """A settings value (python.setting, python.service_locator) an environment-selected statement sets again later:
    `env_layer` names the variable, `env_layer_by` the statement (`_env_selected`)."""
    if not selected or not isinstance(fact, (Setting, ServiceLocator)) or fact.overridden or fact.env_layer:
        return fact
    hit = selected.get((fact.path, fact.statement_line, fact.key))
    return replace(fact, env_layer=hit[0], env_layer_by=hit[1]) if hit else fact


def _set_again(fact: S, set_again: bool, run_anyway: bool, deploy: str, also_run_by: str) -> S:
    """`set_again_by` (and `also_run_by`) for a value the settings the deploy files run set again — also when every
    production leaf sets it again (`overridden`): a rule that does not drop overridden values says who sets it."""
    if not set_again:
        return fact
    return replace(fact, set_again_by=deploy, also_run_by=also_run_by if run_anyway else "")


def _leaves(settings: dict[str, list[Setting]], bases: dict[str, list[str]], paths: dict[str, str],
            defaults: set[str], built_on: dict[str, list[str]]) -> list[str]:
    """Production settings modules that no other one star-imports: what a deploy points DJANGO_SETTINGS_MODULE
    at; and the module wsgi.py/manage.py fall back to (`os.environ.setdefault("DJANGO_SETTINGS_MODULE",
    "config.django.base")`), which runs whenever the variable is unset, however many modules build on it. Not a
    module always built on development or test settings (`built_on`: a package's `__init__.py` doing `from .dev
    import *`, what `manage.py` falls back to on a laptop), unless it is named for production."""
    imported = {_known(b, settings, bases) for targets in bases.values() for b in targets}
    fallen_back = {_known(d, settings, bases) for d in defaults}
    return [m for m in sorted(set(settings) | set(bases))
            if (m not in imported or m in fallen_back) and scope.classify(paths[m]) == scope.PROD
            and (scope.is_prod_named(paths[m]) or not _built_on_development(m, settings, built_on, paths))]


_TEMPLATE_ROLES = {scope.DEV: "development", scope.TEST: "test", scope.DOCS: "example"}


def _unselected_templates(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                          paths: dict[str, str], run: dict[str, str], built_on: dict[str, list[str]]) -> dict[str, str]:
    """Path of a settings module no deploy file selects, no code falls back to and no other imports, always built on
    development, test or example settings (`default_settings.py` doing `from .staging_example import *`, a template
    an install guide copies), while the deploy files select others -> the condition its facts carry: a deploy runs
    it only if it is pointed at it."""
    if not run:
        return {}
    selected = set(run) | {_known(f.arg2, settings, bases) for f in _fallen_back(facts)}
    imported = {_known(b, settings, bases) for targets in bases.values() for b in targets}
    unknown = any(isinstance(f, EnvVar) and f.name == "DJANGO_SETTINGS_MODULE" and not f.value and not f.dev_only
                  and scope.classify(f.path) == scope.PROD for f in facts)
    commands = [c for f in facts if isinstance(c := getattr(f, "command", None), str) and c]
    found = {}
    for module in sorted(set(bases) - imported - selected):
        if scope.classify(paths[module]) != scope.PROD or scope.is_prod_named(paths[module]):
            continue
        base = next((m for m in sorted(_chain(module, settings, built_on, set()))
                     if m in paths and scope.classify(paths[m]) in _TEMPLATE_ROLES), "")
        if base:
            found[paths[module]] = (f"if a deploy selects `{module}`: it builds on the "
                                    f"{_TEMPLATE_ROLES[scope.classify(paths[base])]} settings `{base}`, and the deploy "
                                    f"files select `{'`, `'.join(sorted(run))}`")
        elif not unknown and not set(words(module.rsplit(".", 1)[-1])) & _DEPLOY_TARGET_WORDS \
                and not any(module.split(".", 1)[-1] in command for command in commands):
            found[paths[module]] = (f"if a deploy selects `{module}`: no deploy file, start command or settings module "
                                    f"names it, and the deploy files select `{'`, `'.join(sorted(run))}`")
    return found


_DEPLOY_TARGET_WORDS = PROD_WORDS | {"heroku", "aws", "gcp", "azure", "k8s", "kubernetes", "cloud", "deploy",
                                     "deployment", "release", "staging", "stage", "server", "servers", "render", "fly",
                                     "railway", "dokku", "openshift", "paas", "ecs", "eks", "gke", "aks", "platform",
                                     "prd", "uat", "preprod", "hosted", "site"}
"""Words of a settings module named for where it is deployed (`settings/heroku.py`, `settings/staging.py`): a
platform outside the repository (config vars, a Helm values file elsewhere) may select it."""


def _built_on_development(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                          paths: dict[str, str]) -> bool:
    """A settings module whose star imports reach a development or test settings module — and none names production:
    one that imports both picks one of them (`try: from .dev import *` / `except ImportError: from .prod import *`)."""
    if any(scope.is_prod_named(paths.get(m, "")) for m in (_known(b, settings, bases) for b in bases.get(module, ()))):
        return False
    return any(m in paths and scope.classify(paths[m]) in {scope.DEV, scope.TEST}
               for m in _chain(module, settings, bases, set()))


def _deployed_leaves(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                     paths: dict[str, str]) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The production settings modules production deploy files set DJANGO_SETTINGS_MODULE to (a compose service's
    `environment`, a Dockerfile's `ENV`), with the first file naming each, in words. A base module's env fallback that each of
    them sets again (`set_again_by`) is not what a file that runs the app without the variable runs (a
    `settings.docker` setting the database host from `POSTGRES_HOST` over base's `DB_HOST` fallback). Other leaves
    may still run it: `overridden` stays theirs.

    A module the image puts in place (`RUN cp docker/config.py settings/config.py` for `settings.config`) is the
    repository's file it copies; its star imports then resolve beside the place it is copied to (`from .common
    import *` is `settings.common`): those bases come back too, by module."""
    known = set(settings) | set(bases)
    images = {f.path: f for f in facts if isinstance(f, DockerfileFilesystem) and not f.target}
    modules = {path: module for module, path in paths.items()}
    named: dict[str, str] = {}
    placed_bases: dict[str, list[str]] = {}
    for fact in sorted((f for f in facts if isinstance(f, SettingsModule)), key=lambda f: f.path):
        module, copied_from = _known(fact.module, settings, bases), ""
        if module not in known and fact.path in images:
            copied = [p for p in repository_paths(images[fact.path], fact.module.replace(".", "/") + ".py", facts)
                      if p in modules]
            if copied:
                module, source, target = modules[copied[0]], modules[copied[0]].rpartition(".")[0], fact.module.rpartition(".")[0]
                placed_bases[module] = [target + b[len(source):] if source and b.startswith(source + ".") else b
                                        for b in bases.get(module, ())]
                copied_from = f", copied from {copied[0]}"
        if module in known and not fact.dev_only and scope.classify(fact.path) == scope.PROD \
                and scope.classify(paths[module]) == scope.PROD:
            named.setdefault(module, f"settings `{fact.module}` that {fact.path} runs{copied_from}")
    return named, placed_bases


def _refusing(facts: list[Fact], run: dict[str, str], settings: dict[str, list[Setting]],
              bases: dict[str, list[str]]) -> dict[int, str]:
    """id() of a settings module's secret fallback (python.secret_env_fallback, not refused in its own module) -> where
    the settings every deploy file runs on top of that module stop when the variable is unset (`if "SECRET_KEY" not
    in os.environ: raise ...` in `settings.production`): no deploy runs the fallback."""
    required: dict[tuple[str, str], RequiredEnv] = {}
    refusals: dict[tuple[str, str], RequiredEnv] = {}
    for fact in facts:
        if isinstance(fact, RequiredEnv) and (not fact.condition or fact.outside_development):
            (refusals if fact.refuses else required).setdefault((fact.module, fact.variable), fact)
    if not (required or refusals) or not run:
        return {}
    fallbacks = {(f.path, f.statement_line): f for f in facts if isinstance(f, Setting) and f.source == "settings"}
    chains = {leaf: _chain(leaf, settings, bases, set()) for leaf in run}
    found = {}
    for fact in facts:
        if not isinstance(fact, SecretEnvFallback) or fact.refused or fact.context != "module":
            continue
        module = dotted_module(fact.path)
        using = [leaf for leaf, chain in chains.items() if module in chain]
        setting = fallbacks.get((fact.path, fact.statement_line))

        def check_of(leaf: str, fact: SecretEnvFallback = fact, setting: Setting | None = setting) -> RequiredEnv | None:
            for m in sorted(chains[leaf]):
                if (m, fact.env_key) in required:
                    return required[(m, fact.env_key)]
                refusal = refusals.get((m, setting.key)) if setting is not None else None
                if refusal is not None and setting is not None and setting.value in refusal.refuses:
                    return refusal  # the production settings stop on the very value the base falls back to
            return None

        checks = [check for leaf in using for check in [check_of(leaf)] if check]
        if using and len(checks) == len(using):
            found[id(fact)] = f"{checks[0].path}:{checks[0].line}, in {run[using[0]]}"
    return found


def _production_fallbacks(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                          paths: dict[str, str]) -> dict[str, str]:
    """Production-named settings modules the code falls back to when DJANGO_SETTINGS_MODULE is unset
    (`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")` in wsgi.py), in words: a deploy
    outside the repository's deploy files (mod_wsgi, a PaaS) runs them, whatever the deploy files name. Not manage.py's
    fallback: it starts management commands, which in the deploy files' containers see the variable those files set."""
    known = set(settings) | set(bases)
    found: dict[str, str] = {}
    for fact in sorted(_fallen_back(facts), key=lambda f: f.path):
        if os.path.basename(fact.path) == "manage.py":
            continue  # management commands: in the deploy files' containers the variable is set, and a deploy outside
            # them (mod_wsgi, a PaaS) serves through wsgi.py
        module = _known(fact.arg2, settings, bases)
        if module in known and scope.is_prod_named(paths[module]) and scope.classify(paths[module]) == scope.PROD:
            found.setdefault(module, f"settings `{fact.arg2}` that {fact.path} falls back to")
    return found


def _default_settings_modules(facts: list[Fact]) -> set[str]:
    """Settings modules production code falls back to when DJANGO_SETTINGS_MODULE is unset — unless a
    production deploy file (a Dockerfile's ENV, a compose service's environment) sets the variable."""
    if any(isinstance(f, SettingsModule) and scope.classify(f.path) == scope.PROD for f in facts):
        return set()
    return {f.arg2 for f in _fallen_back(facts)}


def _fallen_back(facts: list[Fact]) -> list[Call]:
    """`os.environ.setdefault("DJANGO_SETTINGS_MODULE", "<module>")` in production code (wsgi.py, asgi.py, manage.py)."""
    return [f for f in facts if isinstance(f, Call) and f.api == "env_setdefault" and f.arg == "DJANGO_SETTINGS_MODULE"
            and f.arg2_origin == "literal" and scope.classify(f.path) == scope.PROD]


def _chain(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]], seen: set[str]) -> set[str]:
    if module in seen:
        return set()
    seen.add(module)
    return {module}.union(*(_chain(_known(b, settings, bases), settings, bases, seen) for b in bases.get(module, ())))


_NOT_DEPLOYED_ARM = re.compile(r"(?i)(^|_)(CI|GITHUB|TRAVIS|TESTS?|TESTING|LOCAL|DEV|DEVELOPMENT)(_|$)")
"""A settings module's name, or the variable selecting it, that says it is for CI, tests or a developer's machine."""


def _alternatives(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                  paths: dict[str, str]) -> dict[str, tuple[frozenset[str], frozenset[str]]]:
    """Importing settings module -> (the production settings modules it star-imports each under its own test of an
    environment variable, the CI, test or development ones it so imports), when there are two production ones or
    more: one per deploy (django-split-settings' `include()` of `docker.py`, `heroku.py` or `render.py` as
    `IN_DOCKER`, `ON_HEROKU` or `ON_RENDER` selects it, or `if`/`elif` star imports). Such arms exclude each other:
    a value one of them sets is not replaced by another, and a base's value is replaced only if every production arm
    replaces it (`_overridden`: then it is what the selected settings set again, `set_again_by`). A CI, test or
    development arm beside them (`github.py` under `GITHUB_CI`) is not a deploy's: its facts are development only."""
    found: dict[str, tuple[set[str], set[str]]] = defaultdict(lambda: (set(), set()))
    for star in (f for f in facts if isinstance(f, StarImport) and f.condition.startswith("when ")):
        module = _known(star.imports, settings, bases)
        if module not in paths:
            continue  # a module the repository does not hold (a developer's `local.py`) sets nothing here
        variable = star.condition[len("when "):].split(" ")[0].strip("`")
        name = module.rpartition(".")[2]
        off = star.dev_only or scope.classify(paths[module]) != scope.PROD or bool(
            _NOT_DEPLOYED_ARM.search(name) or _NOT_DEPLOYED_ARM.search(variable))
        found[star.module][1 if off else 0].add(module)
    return {m: (frozenset(on), frozenset(off)) for m, (on, off) in found.items() if len(on) >= 2}


def _variants(chain: set[str], arms: dict[str, tuple[frozenset[str], frozenset[str]]] | None, module: str,
              each_arm: bool) -> list[frozenset[str]]:
    """The sets of settings modules to leave out of a leaf's chain (`chain`) when judging a value of `module`: for a
    module of an alternative, the other alternatives; else with `each_arm`, one set per production arm the leaf may
    run (the other arms and the CI, test or development ones left out), without it all of them (what runs when no
    arm is selected); one empty set without alternatives."""
    variants = [frozenset[str]()]
    for importer in sorted(chain & set(arms or {})):
        on, off = (arms or {})[importer]
        if module in on | off:
            variants = [done | ((on | off) - {module}) for done in variants]
        elif each_arm:
            variants = [done | (on - {arm}) | off for done in variants for arm in sorted(on)]
        else:
            variants = [done | on | off for done in variants]
    return variants


def _arms_words(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                arms: dict[str, tuple[frozenset[str], frozenset[str]]]) -> str:
    """The production alternatives built on `module`, in words (`the settings `app.settings.docker`, `...heroku` that
    `app.settings` selects by environment variable`)."""
    return "; ".join(f"the settings `{'`, `'.join(sorted(on))}` that `{importer}` selects by environment variable"
                     for importer, (on, _) in sorted(arms.items())
                     if module in _chain(importer, settings, bases, set()) and module not in on)


def _overridden(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                paths: dict[str, str], production: list[str],
                late: Late | None = None,
                arms: dict[str, tuple[frozenset[str], frozenset[str]]] | None = None, each_arm: bool = False) -> set[int]:
    """id() of facts about a module-level setting in a base settings module that every one of the `production`
    settings modules built on it sets again (`DEBUG = False`, `SECRET_KEY = os.environ["SECRET_KEY"]` in `prod.py`
    over `base.py`'s defaults): the base value never reaches a deploy, so nothing about it is judged. With `late`
    (module -> (line, module, the dicts that module binds whole) of a star import it runs after its own settings,
    `from .settings_local import *` at the end of `settings.py`), a leaf's own values the import sets again are found
    too."""
    modules = {path: module for module, path in paths.items()}
    leaves = [(leaf, _chain(leaf, settings, bases, set())) for leaf in production]
    keys_at: dict[tuple[str, int | None], set[str]] = defaultdict(set)
    for found in settings.values():
        for setting in found:
            keys_at[(setting.path, setting.statement_line)].add(setting.key)
    effective: dict[tuple[str, frozenset[str]], dict[str, Setting]] = {}
    found_ids = set()
    for fact in facts:
        module = modules.get(fact.path)
        if not isinstance(fact, _OVERRIDABLE) or module is None or fact.context != "module" \
                or isinstance(fact, Setting) and fact.source != "settings":
            continue
        keys = {fact.key} if isinstance(fact, (Setting, ServiceLocator)) and fact.key \
            else keys_at.get((fact.path, fact.statement_line), set())
        using = [leaf for leaf, chain in leaves if module in chain]
        if not keys or not using or module in using and module not in (late or {}):
            continue  # a module that runs as it is keeps its values (but what a star import after them sets again)
        runs = [(leaf, skip) for leaf, chain in leaves if leaf in using
                for skip in _variants(chain, arms, module, each_arm) if module not in skip]
        for run in runs:
            if run not in effective:
                effective[run] = _effective(run[0], settings, bases, set(), late, run[1])
        if runs and all(_set_elsewhere(effective[run], key, fact.path) for run in runs for key in keys):
            found_ids.add(id(fact))
    return found_ids


def _set_elsewhere(effective: dict[str, Setting], key: str, path: str) -> bool:
    """The leaf's effective value of `key` (or of the whole dict setting holding it) comes from another module."""
    value = effective.get(key)
    if value is None:  # a dict entry the leaf dropped by binding the whole dict again
        top = effective.get(key.split(".")[0])
        return top is not None and top.path != path and "." in key
    return value.path != path


def _effective(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]],
               seen: set[str], late: Late | None = None, skip: frozenset[str] = frozenset()) -> dict[str, Setting]:
    """The settings a module ends with: its bases' (star-imported first), then its own in order; a `late` star
    import (line, module, dicts it binds whole) sets its values at its line, over what the module set before it."""
    if module in seen:
        return {}
    seen.add(module)
    merged: dict[str, Setting] = {}
    for base in bases.get(module, ()):
        if _known(base, settings, bases) not in skip:  # another deploy's alternative (`_alternatives`)
            merged.update(_effective(_known(base, settings, bases), settings, bases, seen, late, skip))
    own = settings.get(module, ())
    both_arms = {(f.key, _complement(f.condition)) for f in own if f.condition}
    pending = sorted((late or {}).get(module, ()))
    for fact in sorted(own, key=lambda f: f.line):
        while pending and pending[0][0] < fact.line:
            _, base, whole = pending.pop(0)
            merged = _imported_over(merged, _effective(base, settings, bases, seen, late), whole)
        if fact.condition and fact.key in merged and (fact.key, fact.condition) not in both_arms:
            continue  # set again only when a variable says so (`if env("REDIS_URL"): CACHES = ...`): unset, the base's runs
        if "." not in fact.key:  # a whole dict setting replaces the base's, leaves and all
            merged = {k: v for k, v in merged.items() if not k.startswith(fact.key + ".")}
        merged[fact.key] = fact
    for _, base, whole in pending:
        merged = _imported_over(merged, _effective(base, settings, bases, seen, late), whole)
    return merged


def _imported_over(merged: dict[str, Setting], imported: dict[str, Setting], whole: frozenset[str]) -> dict[str, Setting]:
    """`merged` after a star import binding `imported`: a dict it binds whole (`whole`, or as one expression) replaces
    the one before, entries and all (the dict's name then maps to one of its new entries); a value it sets only
    under a condition (`if X: KEY = ...`) may leave the one before."""
    imported = {k: v for k, v in imported.items() if not v.condition or k not in merged}
    whole = whole | {k for k in imported if "." not in k}
    kept = {k: v for k, v in merged.items() if "." not in k or k.split(".")[0] not in whole}
    # a dict bound whole stands for its entries the base set and it does not (`_set_elsewhere`), by one of its own
    binders = {name: v for k, v in imported.items() for name in whole if k.startswith(name + ".")}
    return kept | binders | imported


def _placed_star_imports(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                         paths: dict[str, str]) -> dict[str, list[tuple[int, str, str]]]:
    """Settings modules an image completes: a star import of a module the repository does not hold where it is
    imported (`from .settings_local import *` at the end of `arches/settings.py`, always run) that a Dockerfile COPYs
    into place from another file (`COPY docker/settings_local.py .../arches/settings_local.py`). In that image the
    copied file is part of the chain: what it sets after the importing module's own values replaces them. Importing
    module -> (line of the import, the copied file's module, in words)."""
    known = set(settings) | set(bases)
    modules = {path: module for module, path in paths.items() if module in settings}
    images = [f for f in facts if isinstance(f, DockerfileFilesystem) and not f.target]
    found: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for star in (f for f in facts if isinstance(f, StarImport) and f.context == "module" and not f.condition):
        if _known(star.imports, settings, bases) in known or star.module not in paths:
            continue
        target = star.imports.replace(".", "/") + ".py"
        for image in images:
            copied = [p for p in repository_paths(image, target, facts) if p in modules and p != target]
            if copied and scope.classify(image.path) == scope.PROD:  # named `settings_local.py`, yet what the image runs
                found[star.module].append((star.line, modules[copied[0]],
                                           f"`{copied[0]}`, which {image.path} copies into place as `{target}`, "
                                           f"star-imported after them"))
                break
    return found


def _complement(condition: str) -> str:
    """The condition of the other arm of the same `if`: "when X is set" <-> "when X is not set", "when `t`" <->
    "unless `t`"."""
    if condition.endswith(" is not set"):
        return condition[:-len(" is not set")] + " is set"
    if condition.endswith(" is set"):
        return condition[:-len(" is set")] + " is not set"
    if condition.startswith("unless "):
        return "when " + condition[len("unless "):]
    return "unless " + condition[len("when "):] if condition.startswith("when ") else ""


def _known(module: str, settings: dict[str, list[Setting]], bases: dict[str, list[str]]) -> str:
    """A star import names a module by its import path; the project knows it by its file path."""
    for known in (*settings, *bases):
        if known == module or known.endswith("." + module):
            return known
    return module


def _local_media(facts: list[Fact], settings: dict[str, list[Setting]], bases: dict[str, list[str]],
                 leaves: list[str]) -> list[LocalMedia]:
    """Model file fields (`FileField`, `ImageField` without a `storage=`) whose files a production settings
    module sends to `FileSystemStorage` — set so, or left at Django's default — become `python.local_media`
    at that setting (else at the `MEDIA_ROOT` those settings put the uploads under, else at the first field): uploads
    land on one container's disk. A storage configured
    by expression or to any other backend anywhere in the settings is taken as object storage — unless every such
    setting is in an opt-in branch (`if USE_S3:`): then the local default is what runs without the switch, and the
    fact carries the condition (`unless USE_S3 is set`), judged one severity lower."""
    fields = sorted((f for f in facts if isinstance(f, Call) and f.api == "model_file_field"
                     and not f.has_storage and scope.classify(f.path) == scope.PROD), key=lambda f: (f.path, f.line))
    fields = [f for f in fields if not _MIGRATION.search(f.path)] or fields  # a migration repeats a model's history
    storages = [f for found in settings.values() for f in found
                if f.key in _STORAGE_KEYS and scope.classify(f.path) == scope.PROD]
    remote = [f for f in storages if not f.value.endswith("FileSystemStorage")]
    if not fields or any(not f.condition for f in remote):
        return []
    unless = _negated(remote[0].condition) if remote else ""
    chosen: dict[tuple[str, int], list[tuple[str, Setting | None]]] = defaultdict(list)
    """The storage setting (or the first field) each leaf sends uploads to -> (leaf, its MEDIA_ROOT) of those leaves."""
    by_at: dict[tuple[str, int], Setting | Call] = {}
    for leaf in leaves:
        effective = {key: f for key, f in _effective(leaf, settings, bases, set()).items() if f not in remote}
        if "INSTALLED_APPS" not in effective:
            continue  # a package's defaults module (`conf/defaults.py`), not settings a deploy runs
        if "STORAGES" in effective or "STORAGES.default" in effective:
            continue  # set by an expression: what it holds is not known
        storage: Setting | Call = next((effective[key] for key in _STORAGE_KEYS if key in effective), None) or fields[0]
        by_at[(storage.path, storage.line)] = storage
        chosen[(storage.path, storage.line)].append((leaf, effective.get("MEDIA_ROOT")))
    found = []
    more = f" and {len(fields) - 1} more" if len(fields) > 1 else ""
    for key, placed in chosen.items():
        storage = by_at[key]
        # where a reviewer fixes it: the storage setting, else the MEDIA_ROOT most of these leaves put uploads under
        roots = Counter((r.path, r.line) for _, r in placed if r is not None).most_common(1)
        leaf, root = next(((lf, r) for lf, r in placed if r is not None and (r.path, r.line) == roots[0][0]),
                          placed[0]) if roots and not isinstance(storage, Setting) else placed[0]
        at = storage if isinstance(storage, Setting) else root or storage
        backend = f"`{storage.value}` (settings `{leaf}`)" if isinstance(storage, Setting) else \
            f"Django's default `FileSystemStorage` (settings `{leaf}` configure no other)"
        found.append(convert(at, LocalMedia, backend=backend, fields=len(fields), anchor=f"local_media:{leaf}",
                             field=f"{fields[0].path}:{fields[0].line}{more}", condition=storage.condition or unless,
                             selected_by=_selected_by(storage, facts)))
    return found


def _selected_by(storage: Setting | Call, facts: list[Fact]) -> str:
    """The variable a storage setting falling back to `FileSystemStorage` reads (`STORAGES_DEFAULT_BACKEND`), when the
    project has another backend for it to select (it declares or imports django-storages) and no deploy file gives it
    a filesystem value: the local disk is only the fallback of deploys that leave it unset; `""` otherwise."""
    if not isinstance(storage, Setting) or storage.origin != "env_default" or not storage.env_key:
        return ""
    if any(isinstance(f, EnvVar) and f.name == storage.env_key and f.value.endswith("FileSystemStorage")
           and not f.ci_only for f in facts):
        return ""
    other = any(isinstance(f, Declared) and _STORAGE_DISTRIBUTIONS & {n.partition("[")[0] for n in (*f.names, *f.locked)}
                for f in facts) or any(
        isinstance(f, ModuleRefs) and any(i.split(".")[0] in _STORAGE_MODULES for i in f.imports) for f in facts)
    return storage.env_key if other else ""


def _negated(condition: str) -> str:
    """When the other branch runs: "when X is set" -> "when X is not set", "when `a == b`" -> "unless `a == b`"."""
    for branch, other in ((" is not set", " is set"), (" is set", " is not set")):
        if condition.startswith("when ") and condition.endswith(branch):
            return condition.removesuffix(branch) + other
    if condition.startswith("unless "):
        return "when " + condition.removeprefix("unless ")
    return "unless " + condition.removeprefix("when ")


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
        backend = _backend(_same_branch(effective, engine, settings), alias)
        if backend is None:
            continue
        chain = f"settings `{leaf}`" if leaf == engine.module else f"settings `{leaf}` via `{engine.module}`"
        found.setdefault((engine.path, engine.line), convert(
            engine, SessionCache, engine=engine.value.rsplit(".", 1)[-1], alias=alias, backend=backend, chain=chain))
    return list(found.values())


def _same_branch(effective: dict[str, Setting], engine: Setting, settings: dict[str, list[Setting]]) -> dict[str, Setting]:
    """The effective settings as the branch that sets `SESSION_ENGINE` sees them: `if REDIS_URL:` setting both
    a Redis `CACHES` and the cache session engine is not undone by an `elif` that sets `LocMemCache`."""
    if not engine.condition:
        return effective
    beside = {f.key: f for f in settings.get(engine.module, ())
              if f.condition == engine.condition and f.key.startswith("CACHES")}
    if not beside:
        return effective
    return {**{k: v for k, v in effective.items() if not k.startswith("CACHES")}, **beside}


def _backend(effective: dict[str, Setting], alias: str) -> str | None:
    """How the alias's cache is local, or None when it is shared (or unknown)."""
    if not any(key == "CACHES" or key.startswith("CACHES.") for key in effective):
        return "the implicit `LocMemCache` default (no `CACHES` setting)"
    backend = effective.get(f"CACHES.{alias}.BACKEND")
    if backend is not None and backend.value.endswith(_LOCAL_CACHES):
        return f"`{backend.value.rsplit('.', 1)[-1]}`"
    return None
