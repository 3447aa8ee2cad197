"""Link phase 2, unused backends: whether anything in the project uses Django's default cache, or a Channels layer.

A per-process default cache (`LocMemCache`) is a problem only for what is stored in it. The evidence of a use, read
from every Python file's module refs (python.module_refs), in tests too:

- code importing `django.core.cache.cache` or `caches`, or the `cache_page` decorator;
- dotted strings naming the cache middleware (`django.middleware.cache.*`), cache-backed sessions
  (`django.contrib.sessions.backends.cache`/`cached_db`) or DRF throttles (`rest_framework.throttling.*`);
- imports of libraries keeping their state in it (DRF throttling, django-ratelimit, cacheops, cachalot);
- installed applications that do (`robots`, `compressor`, `axes`, `allauth`, `waffle`, `sorl.thumbnail`, ...),
  unless the settings give the app's own cache-alias setting another alias (`AXES_CACHE = "axes_cache"`,
  `WAFFLE_CACHE_NAME`, `COMPRESS_CACHE_BACKEND`, ...): the app then stores there, not in the default cache.

With none of them, `CACHES.default` settings get `default_cache_unread`. Template fragment caching (`{% cache %}`)
lives in templates the analyzers do not read: a gap. When the only evidence is code importing
`django.core.cache.cache`, and each such module (tests aside) only takes read-through memo steps of fixed entries with a
timeout, every key read being one the project stores that way (`cache.get("prisons")`, compute,
`cache.set("prisons", v, timeout=3600)`; see ModuleRefs.django_cache_calls), they get `default_cache_memos`: a process's
own copy is refetched, nothing is shared state. A `delete`, `incr`, `add`, a computed key, a `set` without a timeout,
the cache handed on as a value, or any other evidence above (cache sessions, throttling, an app storing in it) keeps the
cache shared state.

A Flask-Caching cache (`CACHE_TYPE = "SimpleCache"`) is the same: a problem only for what is stored in it. When no
module imports Flask-Caching or Flask-Cache (`flask_caching`, `flask_cache`, `flask.ext.cache`) and no dependency
declaration names either, nothing reads `CACHE_TYPE` at all (a key left in a config class): its settings get
`cache_library_absent`. When the
project binds its `Cache` objects to names (`cache = Cache()`) and no code uses a cache method (`.get`, `.set`,
`@cached`, `@memoize`, ...) on any such name — the object is only `init_app`'d — `CACHE_TYPE` settings get
`default_cache_unread` too. A `Cache` bound to no name, or none found, claims nothing. Jinja's `{% cache %}` of
Flask-Caching lives in templates: the same gap.

An in-process channel layer (`InMemoryChannelLayer`) is a problem only for the consumers and `group_send` calls
that pass messages through it: code importing Channels' consumers (`channels.generic.*`, `channels.consumer`), its
layer API (`channels.layers.get_channel_layer`) or a library built on them (djangochannelsrestframework,
channels-graphql-ws, strawberry's Channels integration). With none of them (`CHANNEL_LAYERS` set in a settings
template, `asgi.py` serving plain `get_asgi_application()`), `CHANNEL_LAYERS.*.BACKEND` settings get
`channel_layer_unused`.

A Flask-Session store (`SESSION_TYPE`) is a problem only for what the app keeps in its sessions: code importing
Flask's `session` or `flash` (or reaching `flask.session`), Flask-Login loading users back (`user_loader`; its
`login_user` alone writes an id nothing reads), or an extension keeping its state there (Flask-WTF's CSRF token,
Authlib, Flask-Security, Flask-Principal, Flask-Dance, Flask-Admin, ...). A Quart app's `session` counts only where
Quart-Session is used: Flask-Session never serves it. With none of them, `SESSION_TYPE` settings get
`session_unused`. A project that never initialises Flask-Session (no `Session(app)` call) never reads
`SESSION_TYPE`: its settings get `session_store`, what keeps the sessions instead (Flask-KVSession and its simplekv
store, else Flask's signed cookie).

A Flask-Limiter or slowapi `Limiter` counts only the limits declared: `default_limits`/`application_limits`, a
`@limiter.limit(...)` anywhere, or a `RATELIMIT_DEFAULT`/`RATELIMIT_APPLICATION` setting. With none, its `rate_limiter`
call gets `limits_unused`.

A Flask app's `SECRET_KEY` (a made-up or fallback one: TF617, TF302) matters only for what signs with it: Flask's
`session` and `flash`, itsdangerous, extensions built on the key (Flask-Login's remember cookie, Flask-WTF's CSRF
tokens, JWT extensions keyed on it) and code reading the key itself (`jwt.encode(..., app.config["SECRET_KEY"])`).
The app is the directory holding its top-level package (the module's own directory when it is in none), below it
too. When no module there imports or uses any of them, and every Flask extension imported is one known to leave the
key alone (Flask-SQLAlchemy, Flask-CORS, flask_shell2http, ...), the key's facts get `signs_nothing`.

Django's `SECRET_KEY` falling back to a literal (TF302) matters only for what signs with it (Django's list: sessions
stored in a signed cookie or made by a login, cookie-stored messages, password-reset tokens, `django.core.signing`).
Installed contrib apps (sessions, messages, auth) sign only when something uses them: the admin, a login or
password-reset view (`django.contrib.auth.urls`, `rest_framework.urls`, `login()`), the messages API,
`request.session`, signed cookies, a read of the key. When no module of the project (tests too) does, and every
installed app is the project's own or one known to leave the key alone (`_QUIET_DJANGO_APPS`: DRF, CORS, OpenAPI
helpers, ...), the fallback's fact gets `signs_nothing` (the settings module's own lists may already say so).
Django's CSRF token is random, not signed with the key: CSRF middleware alone signs nothing.

A run that has not analyzed every production module (a focused run) claims nothing.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.discover.scope import TEST, classify
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.python import Call, ModuleRefs, SecretEnvFallback, SecretRandomFallback, Setting

_IMPORTS = ("django.core.cache.cache", "django.core.cache.caches", "django.views.decorators.cache.cache_page")
_IMPORT_PREFIXES = ("rest_framework.throttling", "django_ratelimit", "ratelimit", "cacheops", "cachalot")
_NAME_PREFIXES = ("django.middleware.cache.", "django.contrib.sessions.backends.cache",
                  "django.contrib.sessions.backends.cached_db", "rest_framework.throttling.", "axes.handlers.cache")
_APPS = frozenset({"robots", "compressor", "axes", "sorl.thumbnail", "health_check.cache", "cachalot", "cacheops",
                   "django_ratelimit", "ratelimit", "allauth", "waffle", "imagekit", "wagtail.images"})
"""Installed applications (or their packages: `allauth.account` is allauth's) that keep state in the default cache
unless told otherwise: django-allauth's login-attempt limits, django-waffle's flags, wagtail's renditions."""
_APP_CACHE_SETTINGS = {"axes": "AXES_CACHE", "waffle": "WAFFLE_CACHE_NAME", "compressor": "COMPRESS_CACHE_BACKEND",
                       "imagekit": "IMAGEKIT_CACHE_BACKEND", "cachalot": "CACHALOT_CACHE",
                       "django_ratelimit": "RATELIMIT_USE_CACHE", "ratelimit": "RATELIMIT_USE_CACHE"}
"""The setting naming the cache alias an app of `_APPS` stores in (`"default"` unless set): settings giving it another
alias (`AXES_CACHE = "axes_cache"`) send the app's state there, not to the default cache."""
_APP_NAME_PREFIXES = {"axes.handlers.cache": "axes"}
"""Dotted names of `_NAME_PREFIXES` that are an app's own use of its cache alias."""
_DEFAULT_KEYS = ("CACHES.default", "CACHES.default.BACKEND")
_FLASK_KEY = "CACHE_TYPE"
_FLASK_CACHE_MODULES = ("flask_caching", "flask_cache", "flask.ext.cache")
_FLASK_CACHE_DISTRIBUTIONS = frozenset({"flask-caching", "flask-cache"})
_SESSION_KEY = "SESSION_TYPE"
_SESSION_IMPORTS = ("flask.session", "flask.flash", "flask.globals.session")
_QUART_SESSION_IMPORTS = ("quart.session", "quart.flash")
"""A Quart app's session: Flask-Session never serves it, Quart-Session (`quart_session`) does."""
_SESSION_PREFIXES = ("flask_wtf", "flask_security", "flask_principal", "authlib", "flask_oauthlib", "flask_dance",
                     "flask_openid", "flask_admin", "flask_appbuilder", "flask_oidc", "flask_pyoidc", "flask_saml2",
                     "flask_saml", "flask_cas", "flask_multipass", "flask_session_captcha", "flask_seasurf")
"""Imports of what keeps state in a Flask session: the session itself, flash messages, and extensions that store
their tokens or identities there."""
_LIMIT_KEYS = frozenset({"RATELIMIT_DEFAULT", "RATELIMIT_APPLICATION", "RATELIMIT_DEFAULTS"})
_CHANNEL_PREFIXES = ("channels.generic", "channels.consumer", "channels.layers", "djangochannelsrestframework",
                     "channels_graphql_ws", "graphene_subscriptions", "strawberry.channels")
_KEY_SIGNERS = ("flask.session", "flask.flash", "flask.sessions", "flask.ext", "itsdangerous",
                "werkzeug.contrib.securecookie", "werkzeug.securecookie", "secure_cookie", "authlib.integrations.flask_client",
                "authlib.flask", "social_flask", "social.apps.flask_app")
"""Imports that sign with a Flask app's `SECRET_KEY` (or may: the old `flask.ext.*` names any extension)."""
_QUIET_EXTENSIONS = frozenset({
    "flask_alembic", "flask_apispec", "flask_apscheduler", "flask_assets", "flask_babel", "flask_babelex",
    "flask_bcrypt", "flask_bootstrap", "flask_caching", "flask_cache", "flask_celery", "flask_classful",
    "flask_compress", "flask_cors", "flask_elasticsearch", "flask_env", "flask_executor", "flask_healthz",
    "flask_limiter", "flask_mail", "flask_marshmallow", "flask_migrate", "flask_moment", "flask_pymongo",
    "flask_redis", "flask_restful", "flask_restx", "flask_restplus", "flask_rq2", "flask_script", "flask_shell2http",
    "flask_smorest", "flask_sqlalchemy", "flask_swagger", "flask_swagger_ui", "flask_talisman", "flask_testing",
    "flask_uploads", "flask_sslify", "flask_pydantic", "flask_openapi3", "flask_prometheus_metrics"})
"""Flask extensions that never sign with the app's `SECRET_KEY` (databases, CORS, caching, rate limits, mail, REST
and OpenAPI helpers, background executors, command runners): any other extension may (Flask-Login, Flask-WTF,
Flask-Session, Flask-Security, Flask-JWT-Extended, Flask-SocketIO's sessions, ...)."""


_DJANGO_SIGNERS = ("django.contrib.admin", "django.contrib.messages", "django.contrib.auth.login",
                   "django.contrib.auth.views", "django.contrib.auth.forms", "django.contrib.auth.tokens",
                   "django.contrib.auth.update_session_auth_hash", "django.contrib.auth.urls",
                   "django.contrib.sessions", "django.core.signing", "django.utils.crypto.salted_hmac",
                   "rest_framework.urls", "itsdangerous")
"""What signs with Django's `SECRET_KEY` when it is used (Django's list: sessions other than the cache or database
ones, cookie messages, password-reset tokens, `django.core.signing`): the admin (its login and messages), a login or
password-reset view, the messages API, session stores and signing itself. Imported, or named in a dotted string
(`include("django.contrib.auth.urls")`, DRF's login views `rest_framework.urls`). `from django.contrib import auth`
(to call `auth.login`) counts too."""
_DJANGO_SIGNING_NAMES = ("django.contrib.admin", "django.contrib.auth.urls", "django.contrib.auth.views",
                         "rest_framework.urls")
"""Dotted strings naming what signs: URL confs and views with a login (a settings list naming the sessions or messages
app, or their middleware, signs nothing until something uses them)."""
_QUIET_DJANGO_APPS = frozenset({
    "django.contrib.auth", "django.contrib.contenttypes", "django.contrib.sessions", "django.contrib.messages",
    "django.contrib.staticfiles", "django.contrib.humanize", "django.contrib.postgres", "django.contrib.sites",
    "django.contrib.sitemaps", "django.contrib.gis", "django.contrib.syndication", "corsheaders", "rest_framework",
    "rest_framework.authtoken", "drf_spectacular", "drf_spectacular_sidecar", "drf_yasg", "django_filters",
    "django_extensions", "storages", "django_celery_beat", "django_celery_results", "health_check", "whitenoise",
    "django_prometheus", "django_q", "django_rq", "channels", "daphne", "graphene_django", "simple_history",
    "import_export", "mptt", "taggit", "phonenumber_field", "django_countries", "rest_framework_gis"})
"""Installed applications that never sign with `SECRET_KEY` by being installed: contrib apps that sign only when the
project uses them (a login, a message: looked for in the code), REST and OpenAPI helpers, CORS, storage, task queues,
metrics. Any other app not of the project (the admin, allauth, simple JWT, social auth, OTP, ...) may sign."""


def link(facts: list[Fact], complete: bool) -> list[Fact]:
    if complete:
        facts = _django_keys(_flask_keys(_sessions_and_limiters(facts)))
    settings = [f for f in facts if isinstance(f, Setting)
                and (f.key in _DEFAULT_KEYS or f.key == _FLASK_KEY or _channel_layer(f.key))]
    if not complete or not settings:
        return facts
    refs = [f for f in facts if isinstance(f, ModuleRefs)]
    elsewhere = _apps_caching_elsewhere(facts)
    users = [ref for ref in refs if _uses_default_cache(ref, elsewhere)]
    cache_unread = not users
    layer_unused = not any(_imports(ref, (), _CHANNEL_PREFIXES) for ref in refs)
    flask_unread = _flask_cache_unread(refs)
    flask_absent = not any(_imports(ref, (), _FLASK_CACHE_MODULES) for ref in refs) and not any(
        isinstance(f, Declared) and _FLASK_CACHE_DISTRIBUTIONS & {n.partition("[")[0] for n in (*f.names, *f.locked)}
        for f in facts)
    memos = _memos_only([ref for ref in users if classify(ref.path) != TEST], elsewhere)
    marked = {id(f): replace(f, default_cache_unread=cache_unread, default_cache_memos=memos) if f.key in _DEFAULT_KEYS
              else replace(f, default_cache_unread=flask_unread, cache_library_absent=flask_absent)
              if f.key == _FLASK_KEY
              else replace(f, channel_layer_unused=layer_unused) for f in settings}
    return [marked.get(id(f), f) for f in facts]


def _sessions_and_limiters(facts: list[Fact]) -> list[Fact]:
    """`session_unused`/`session_store` on Flask-Session's `SESSION_TYPE` settings, `limits_unused` on limiters."""
    sessions = [f for f in facts if isinstance(f, Setting) and f.key == _SESSION_KEY]
    limiters = [f for f in facts if isinstance(f, Call) and f.api == "rate_limiter"]
    if not sessions and not limiters:
        return facts
    refs = [f for f in facts if isinstance(f, ModuleRefs)]
    marked: dict[int, Fact] = {}
    if sessions:
        quart = any(_imports(ref, (), ("quart_session",)) for ref in refs)
        imports = _SESSION_IMPORTS + (_QUART_SESSION_IMPORTS if quart else ())
        unused = not any(any(not use.startswith("quart.") or quart for use in ref.session_uses)
                         or _imports(ref, imports, _SESSION_PREFIXES) for ref in refs)
        store = _session_store(refs)
        marked.update({id(f): replace(f, session_unused=unused, session_store=store) for f in sessions})
    if limiters:
        declared = any(ref.limit_uses for ref in refs) or any(
            isinstance(f, Setting) and f.key.upper() in _LIMIT_KEYS for f in facts)
        marked.update({id(f): replace(f, limits_unused=not declared) for f in limiters})
    return [marked.get(id(f), f) for f in facts]


def _session_store(refs: list[ModuleRefs]) -> str:
    """What keeps the sessions when no module initialises Flask-Session (or Quart-Session); `""` when one does."""
    stores = {s for ref in refs for s in ref.session_stores}
    if "flask_session" in stores or any(_imports(ref, (), ("quart_session",)) for ref in refs):
        return ""
    if "flask_kvsession" in stores:
        kept = sorted(s.removeprefix("simplekv.") for s in stores if s.startswith("simplekv."))
        return "Flask-KVSession" + (f" (simplekv `{'`, `'.join(kept)}`)" if kept else "")
    return "Flask's own signed cookie"


def _flask_cache_unread(refs: list[ModuleRefs]) -> bool:
    """The project's Flask-Caching `Cache` objects are all bound to names, and no code uses a cache method on any."""
    defined = {name for ref in refs for name in ref.flask_caches}
    return bool(defined) and "?" not in defined and not any(name in defined for ref in refs for name in ref.cache_uses)


def _channel_layer(key: str) -> bool:
    """`CHANNEL_LAYERS.default.BACKEND`: the class of one of the project's channel layers."""
    return key.startswith("CHANNEL_LAYERS.") and key.endswith(".BACKEND")


def _imports(ref: ModuleRefs, names: tuple[str, ...], prefixes: tuple[str, ...]) -> bool:
    """The module imports one of `names`, or a module (or name) under one of `prefixes`."""
    return any(i in names or any(i == p or i.startswith(p + ".") for p in prefixes) for i in ref.imports)


def _apps_caching_elsewhere(facts: list[Fact]) -> frozenset[str]:
    """The apps of `_APPS` whose cache-alias setting names another alias than `default`, in every settings module that
    sets it (`AXES_CACHE = "axes_cache"`, a literal): they keep nothing in the default cache."""
    values: dict[str, set[str]] = {}
    for fact in facts:
        if isinstance(fact, Setting) and fact.key in _APP_CACHE_SETTINGS.values() and not fact.overridden:
            values.setdefault(fact.key, set()).add(fact.value if fact.origin == "literal" else "")
    return frozenset(app for app, key in _APP_CACHE_SETTINGS.items()
                     if values.get(key) and all(value and value != "default" for value in values[key]))


def _memos_only(using: list[ModuleRefs], elsewhere: frozenset[str] = frozenset()) -> bool:
    """Every use of the default cache (`using`: the modules outside tests that use it) is a step of a read-through memo
    of one fixed entry with a timeout: the only evidence of a use is importing `django.core.cache.cache`, and each
    module doing so calls it only for that."""
    calls = [call for ref in using for call in ref.django_cache_calls]
    stored = {call.removeprefix("memo:") for call in calls if call.startswith("memo:")}
    return bool(using) and bool(stored) and all(
        call.startswith("memo:") or call.startswith("get:") and call.removeprefix("get:") in stored for call in calls) \
        and all(_imports(ref, ("django.core.cache.cache",), ()) and not _imports(ref, _IMPORTS[1:], _IMPORT_PREFIXES)
                and not any(_names_default_cache_user(name, elsewhere) for name in ref.names)
                and not any(_app_stores_in_default_cache(app, elsewhere) for app in ref.apps)
                and ref.django_cache_calls for ref in using)


def _uses_default_cache(ref: ModuleRefs, elsewhere: frozenset[str] = frozenset()) -> bool:
    """The module uses the default cache: imports what caches in it, names a cache middleware, session store or
    handler, or installs an app storing in it — unless the settings send that app to another alias (`elsewhere`)."""
    return _imports(ref, _IMPORTS, _IMPORT_PREFIXES) \
        or any(_names_default_cache_user(name, elsewhere) for name in ref.names) \
        or any(_app_stores_in_default_cache(app, elsewhere) for app in ref.apps)


def _names_default_cache_user(name: str, elsewhere: frozenset[str]) -> bool:
    return name.startswith(_NAME_PREFIXES) and not any(
        name.startswith(prefix) and app in elsewhere for prefix, app in _APP_NAME_PREFIXES.items())


def _app_stores_in_default_cache(app: str, elsewhere: frozenset[str]) -> bool:
    return any(name in _APPS and name not in elsewhere for name in (app.split(".apps.")[0], app.split(".")[0]))


def _flask_keys(facts: list[Fact]) -> list[Fact]:
    """Every Flask `SECRET_KEY` fact (`flask_key`) with `signs_nothing` when no module of its app signs with the key."""
    keys = [f for f in facts if isinstance(f, (SecretRandomFallback, SecretEnvFallback)) and f.flask_key]
    if not keys:
        return facts
    refs = {f.path: f for f in facts if isinstance(f, ModuleRefs)}
    quiet: dict[str, bool] = {}
    marked: dict[int, Fact] = {}
    for fact in keys:
        top = _app_directory(fact.path, refs)
        if top not in quiet:
            quiet[top] = not any(_signs(ref) for path, ref in refs.items() if top == "" or path.startswith(top + "/"))
        if quiet[top]:
            marked[id(fact)] = replace(fact, signs_nothing=True)
    return [marked.get(id(f), f) for f in facts] if marked else facts


def _django_keys(facts: list[Fact]) -> list[Fact]:
    """Every Django `SECRET_KEY` literal fallback (`django_key`) with `signs_nothing` when nothing of the project uses
    what signs with the key: whatever its settings install, a key nothing signs with forges nothing. The URL conf the
    settings name (`ROOT_URLCONF = "core.urls"`) must be among the analyzed modules: the views are known."""
    keys = [f for f in facts if isinstance(f, SecretEnvFallback) and f.django_key and not f.signs_nothing]
    if not keys:
        return facts
    refs = [f for f in facts if isinstance(f, ModuleRefs)]
    own = {ref.module.partition(".")[0] for ref in refs}
    if any(_django_signs(ref, own) for ref in refs):
        return facts
    modules = {ref.module for ref in refs}
    settings = {ref.path: ref for ref in refs}
    marked: dict[int, Fact] = {id(f): replace(f, signs_nothing=True) for f in keys
                               if (ref := settings.get(f.path)) is not None
                               and any(name.rpartition(".")[2] == "urls" and name in modules for name in ref.names)}
    return [marked.get(id(f), f) for f in facts] if marked else facts


def _django_signs(ref: ModuleRefs, own: set[str]) -> bool:
    """The module signs (or may sign) with Django's `SECRET_KEY`: it reads the key, uses `request.session` or a signed
    cookie, imports or names what signs, or installs an application that may (`_QUIET_DJANGO_APPS`: those that do not;
    the project's own apps are judged by their code)."""
    return bool(ref.key_uses) or _imports(ref, ("django.contrib.auth",), _DJANGO_SIGNERS) \
        or any(name == p or name.startswith(p + ".") for name in ref.names for p in _DJANGO_SIGNING_NAMES) \
        or any(app not in _QUIET_DJANGO_APPS and app.split(".apps.")[0] not in _QUIET_DJANGO_APPS
               and app.partition(".")[0] not in own and not app.startswith("django.contrib.auth")
               or app.startswith("django.contrib.admin") for app in ref.apps)


def _app_directory(path: str, refs: dict[str, ModuleRefs]) -> str:
    """The directory holding the module's top-level package (its own directory when it is in none): the app."""
    directory = posixpath.dirname(path)
    while directory and posixpath.join(directory, "__init__.py") in refs:
        directory = posixpath.dirname(directory)
    return directory


def _signs(ref: ModuleRefs) -> bool:
    """The module signs (or may sign) with a Flask app's `SECRET_KEY`: it uses Flask's session or flash, reads the
    key, imports itsdangerous or an extension not known to leave the key alone."""
    return bool(ref.key_uses) or _imports(ref, (), _KEY_SIGNERS) or any(
        (top := name.partition(".")[0]).startswith("flask_") and top not in _QUIET_EXTENSIONS for name in ref.imports)
