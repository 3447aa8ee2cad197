"""Calls to the library APIs the rules judge, with the arguments that decide the judgement.

One table maps qualified names (import aliases resolved) to an `api` id. Each fact
carries the first argument and the keyword arguments the table names, each as its
literal text and origin (literal, env read with fallback, env read, expression),
and `has_<kw>` for presence. Run-style calls (`app.run(...)`) and ORM schema calls
(`db.create_all()`) are recognised by method name on a known or app-like receiver.
"""

from __future__ import annotations

import ast
import re

from twelvefactor_lint.analyze.python.context import APP_CONSTRUCTORS, FACTORY_NAMES, Contexts, fact_at, main_runners
from twelvefactor_lint.analyze.python.index import Function, Index, Site, walk
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.python.values import describe
from twelvefactor_lint.facts.python import Call

_NONE: tuple[str, ...] = ()
_API: dict[str, tuple[str, tuple[str, ...]]] = {
    # factor III/VII: debug and listen port
    "fastapi.FastAPI": ("web_app", ("debug",)),
    "starlette.applications.Starlette": ("web_app", ("debug",)),
    "uvicorn.run": ("serve", ("port", "host", "reload", "workers")),
    "aiohttp.web.run_app": ("serve", ("port", "host")),
    "waitress.serve": ("serve", ("port", "listen")),
    "hypercorn.run": ("serve", ("port",)),
    "bjoern.run": ("serve", ("port",)),
    "wsgiref.simple_server.make_server": ("make_server", _NONE),
    # factor VI: an ASGI server the application builds and runs inside its own process (one process, no workers)
    "uvicorn.Config": ("embedded_server", ("workers",)),
    "uvicorn.Server": ("embedded_server", _NONE),
    "hypercorn.asyncio.serve": ("embedded_server", _NONE),
    "hypercorn.trio.serve": ("embedded_server", _NONE),
    "werkzeug.serving.run_simple": ("make_server", _NONE),
    # factor VI: process-local backends
    "aiocache.SimpleMemoryCache": ("memory_cache", _NONE),
    "aiocache.Cache": ("aiocache", _NONE),
    "fastapi_cache.backends.inmemory.InMemoryBackend": ("memory_cache", _NONE),
    "sqlite3.connect": ("sqlite_connect", _NONE),
    "aiosqlite.connect": ("sqlite_connect", _NONE),
    "sqlalchemy.create_engine": ("create_engine", _NONE),
    "sqlalchemy.ext.asyncio.create_async_engine": ("create_engine", _NONE),
    "sqlmodel.create_engine": ("create_engine", _NONE),
    "shelve.open": ("local_store", _NONE),
    "dbm.open": ("local_store", _NONE),
    "diskcache.Cache": ("local_store", _NONE),
    "diskcache.FanoutCache": ("local_store", _NONE),
    "diskcache.Index": ("local_store", _NONE),
    "tinydb.TinyDB": ("local_store", _NONE),
    "sqlitedict.SqliteDict": ("local_store", _NONE),
    "lmdb.open": ("local_store", _NONE),
    "flask_socketio.SocketIO": ("socketio", ("message_queue", "client_manager")),
    "socketio.Server": ("socketio", ("message_queue", "client_manager")),
    "socketio.AsyncServer": ("socketio", ("message_queue", "client_manager")),
    "huey.MemoryHuey": ("local_broker", _NONE),
    "huey.FileHuey": ("local_broker", _NONE),
    "huey.SqliteHuey": ("local_broker", _NONE),
    "huey.contrib.sql_huey.SqlHuey": ("sql_broker", _NONE),
    "dramatiq.brokers.stub.StubBroker": ("local_broker", _NONE),
    "flask_limiter.Limiter": ("rate_limiter", ("storage_uri",)),
    "slowapi.Limiter": ("rate_limiter", ("storage_uri",)),
    "limits.storage.MemoryStorage": ("memory_limiter_storage", _NONE),
    # factor VI: Django model fields whose files go to the default storage
    "django.db.models.FileField": ("model_file_field", ("storage",)),
    "django.db.models.ImageField": ("model_file_field", ("storage",)),
    # which settings module runs when DJANGO_SETTINGS_MODULE is unset (wsgi.py, asgi.py, manage.py)
    "os.environ.setdefault": ("env_setdefault", _NONE),
    # factor IX: signal handling
    "signal.signal": ("signal_handler", _NONE),
    # factor VIII: daemonizing
    "daemon.DaemonContext": ("daemonize", _NONE),
    "os.setsid": ("setsid", _NONE),
    "os.daemon": ("daemonize", _NONE),
    # factor XII: schema changes at start
    "alembic.command.upgrade": ("migrate", _NONE),
    "flask_migrate.upgrade": ("migrate", _NONE),
    "django.core.management.call_command": ("call_command", _NONE),
    "tortoise.contrib.fastapi.register_tortoise": ("register_tortoise", ("generate_schemas",)),
    "tortoise.Tortoise.generate_schemas": ("generate_schemas", _NONE),
}
_CONNECTOR_DIRS = {"connectors", "connector", "query_runner", "query_runners", "data_sources", "datasources"}
"""Code that reads other systems' data (a query runner, a sync connector): an embedded store there is the
user's data source or the run's scratch copy more often than the app's own state."""
_MIGRATION_NAME = re.compile(
    r"^_?(?:(?:db|database|schema)_)?migrate(?:_(?:db|database|schema|up|all|head|latest))?$"
    r"|^_?(?:run|apply|do|perform|execute|ensure)_(?:[a-z]+_)?migrations?(?:_(?:up|all|head|latest))?$"
    r"|^_?(?:upgrade|migrate)_(?:db|database|schema)$|^_?db_upgrade$")
"""A project function named for migrating the database (`migrate_db`, `apply_migrations`, `run_migration_up`,
`upgrade_db`): what it does is in another module, so only its name says it migrates."""
_RUN_RECEIVERS = {"app", "application", "flask_app", "api", "server"}
_SOCKETIO_RECEIVERS = {"socketio", "sio", "socket_io"}


def call_facts(tree: ast.Module, index: Index, names: Names, contexts: Contexts, path: str) -> list[Call]:
    facts = []
    configured_queue = _has_init_app_queue(index)
    runners = main_runners(tree, names)
    # every function of the module that opens a SQLite database only queries it: a lookup file, not state
    apis = [(site, found) for site in index.calls if (found := _api_of(site.node, names, site.function)) is not None]
    connects = [site for site, (api, _) in apis if api == "sqlite_connect"]
    queries_only = bool(connects) and all(_only_queries(s.function) for s in connects)
    for site, (api, keywords) in apis:
        call = site.node
        if api == "migrate_named" and site.function is not None and _MIGRATION_NAME.match(site.function.name):
            continue  # the migration helper's own steps: the call of the helper speaks for them
        if api == "migrate_named" and not _migrates_database(call, site, index):
            continue  # `action_class.migrate()`: a domain object's own migration (renamed rows, settings)
        fields = _arguments(call, keywords, names)
        if api == "socketio" and configured_queue:
            fields["has_message_queue"] = True
        if api == "call_command":
            fields["command"] = fields["arg"]
        if api == "migrate_named":
            fields["callee"] = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
        if api == "sqlite_connect":
            fields["read_only"] = bool(call.args) and (_opens_read_only(call.args[0], site.function) or queries_only)
        if api in ("sqlite_connect", "local_store"):
            fields["path_from_caller"] = bool(call.args) and _from_caller(call.args[0], site.function)
            fields["connector_module"] = bool(_CONNECTOR_DIRS & set(path.lower().split("/")[:-1]))
        in_runner = site.function is not None and id(site.function) in runners
        if api == "app_run" and _factory_built(call, names) and not (in_runner or call.lineno in contexts.main_lines):
            continue  # a module-level `create_app().run()` is a developer's script (profiling, a debug server)
        if api in ("app_run", "serve"):
            fields["in_main_runner"] = in_runner
        if api == "app_run":
            fields["dev_server"] = _runs_dev_server(call, names)
        if api in ("serve", "embedded_server"):
            fields["one_process"] = _one_process(call, names)
        if api == "setsid":
            fields["daemon_idiom"] = _forks_and_exits(site.function, names)
        if api == "daemonize" or api == "setsid" and fields["daemon_idiom"]:
            fields["reached_through"] = reached_through(site, tree, index)
        if api == "web_app" and site.function is None:
            fields["bound_to"] = _bound_names(call, index)
        facts.append(fact_at(Call, path, call, contexts.of(site), site.statement_line, api, api=api,
                             module_kind=contexts.module_kind, **fields))
    return facts


def _bound_names(call: ast.Call, index: Index) -> tuple[str, ...]:
    """The module-level names an object is bound to (`app = FastAPI()`), with their plain aliases
    (`application = app`), in order."""
    bound: list[str] = []
    for site in index.assignments:
        node = site.node
        if site.function is not None or not isinstance(node, ast.Assign):
            continue
        if node.value is call or isinstance(node.value, ast.Name) and node.value.id in bound:
            bound += [t.id for t in node.targets if isinstance(t, ast.Name) and t.id not in bound]
    return tuple(bound)


def _local_constructor(function: ast.AST | None, name: str, names: Names) -> str:
    """The qualified call a function assigns to its local `name` (`command = Command(...)` -> `aerich.Command`)."""
    if function is None:
        return ""
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return names.qualify(node.value.func) or ""
    return ""


def _api_of(call: ast.Call, names: Names, function: ast.AST | None = None) -> tuple[str, tuple[str, ...]] | None:
    qualified = names.qualify(call.func) or ""
    if qualified in _API:
        return _API[qualified]
    func = call.func
    if isinstance(func, ast.Name):
        return _named_migration(func.id)
    if not isinstance(func, ast.Attribute):
        return None
    receiver = func.value
    constructor = names.constructors.get(receiver.id, "") if isinstance(receiver, ast.Name) else ""
    if func.attr == "run":
        if constructor in APP_CONSTRUCTORS or _factory_built(call, names) or (
                isinstance(receiver, ast.Name) and receiver.id in _RUN_RECEIVERS and not constructor
                and not names.is_imported(receiver.id)):
            return "app_run", ("debug", "port", "host")
        if constructor == "flask_socketio.SocketIO" or (isinstance(receiver, ast.Name) and receiver.id in _SOCKETIO_RECEIVERS):
            return "app_run", ("debug", "port", "host")
    if func.attr in _AERICH_MIGRATES and isinstance(receiver, ast.Name) \
            and "aerich.Command" in (constructor, _local_constructor(function, receiver.id, names)):
        return "migrate", _NONE
    if func.attr == "create_all" and (constructor.endswith("SQLAlchemy") or isinstance(receiver, ast.Name) and receiver.id == "db"
                                      or isinstance(receiver, ast.Attribute) and receiver.attr == "metadata"):
        return "create_all", _NONE
    if _creates_schema(func.attr, call):
        return "create_all", _NONE
    return _named_migration(func.attr)


_AERICH_MIGRATES = frozenset({"upgrade", "migrate", "init_db"})
"""Methods of aerich's `Command` (Tortoise ORM's migration tool) that change the schema: `upgrade()` applies the
migrations, `migrate()` writes and `init_db()` creates the tables with the first one."""
_BARE_MIGRATE = re.compile(r"^_?migrate$")
_DATABASE_WORD = re.compile(r"^(?:\w*db|databases?|schemas?|orm|sql\w*|engines?|conn|connections?|stores?|storage|"
                            r"migrat\w*|alembic)$")


def _migrates_database(call: ast.Call, site: Site, index: Index) -> bool:
    """Whether a call whose name says it migrates says so of the database: a name that names it (`migrate_db`,
    `run_migrations`), a plain function `migrate()`, or a method `migrate()` of a receiver named for it (`db.migrate()`,
    `migrator.migrate()`, `self.migrate()` in a class `Database`). The bare method of another object
    (`action_class.migrate()`, `settings.migrate()`) migrates that object's own data, not the schema."""
    func = call.func
    if not isinstance(func, ast.Attribute) or not _BARE_MIGRATE.match(func.attr):
        return True
    receiver = ast.unparse(func.value)
    if receiver in ("self", "cls") and site.function is not None:
        owner = index.owners.get(id(site.function))
        receiver = owner.name if owner is not None else receiver
    words = re.findall(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])", receiver)
    return any(_DATABASE_WORD.match(word.lower()) for word in words)


def _named_migration(name: str) -> tuple[str, tuple[str, ...]] | None:
    """`migrate_named` for a call named for migrating the database that the table does not know."""
    return ("migrate_named", _NONE) if _MIGRATION_NAME.match(name) else None


def _factory_built(call: ast.Call, names: Names) -> bool:
    """`app.run()` on an app an app factory returned (`app = create_app()`)."""
    receiver = call.func.value if isinstance(call.func, ast.Attribute) else None
    constructor = names.constructors.get(receiver.id, "") if isinstance(receiver, ast.Name) else ""
    return constructor.rsplit(".", 1)[-1] in FACTORY_NAMES


_DEV_SERVER_FRAMEWORKS = ("flask", "quart", "apiflask")
"""Frameworks whose `app.run()` is their development server (Sanic's, say, is its production server)."""


def _runs_dev_server(call: ast.Call, names: Names) -> bool:
    """An `app.run()` that starts a development server: Flask-SocketIO's told `allow_unsafe_werkzeug=True`, or
    the app of a module that uses a framework whose `run()` is its development server, and no other."""
    if any(k.arg == "allow_unsafe_werkzeug" and isinstance(k.value, ast.Constant) and k.value.value is True
           for k in call.keywords):
        return True
    frameworks = {dotted.split(".")[0] for dotted in names.imports.values()}
    return bool(frameworks & set(_DEV_SERVER_FRAMEWORKS)) and not frameworks & {"sanic", "flask_socketio", "socketio"}


_ONE_PROCESS_SERVERS = frozenset({"uvicorn.run", "uvicorn.Config", "uvicorn.Server", "hypercorn.asyncio.serve",
                                  "hypercorn.trio.serve", "aiohttp.web.run_app", "waitress.serve", "bjoern.run"})
"""Servers that serve from the calling process unless told to fork workers (`hypercorn.run` reads its config's
`workers`, so it is left out)."""


def _one_process(call: ast.Call, names: Names) -> str:
    """The server called (`uvicorn.run`) when it serves from the calling process alone: no `workers=` above 1 (a
    literal), and no `**kwargs` that could carry one; `""` otherwise."""
    qualified = names.qualify(call.func) or ""
    if qualified not in _ONE_PROCESS_SERVERS or any(k.arg is None for k in call.keywords):
        return ""
    workers = next((k.value for k in call.keywords if k.arg == "workers"), None)
    alone = workers is None or isinstance(workers, ast.Constant) and workers.value in (None, 0, 1)
    return qualified if alone else ""


def _creates_schema(method: str, call: ast.Call) -> bool:
    """The other spellings of `create_all`: async SQLAlchemy's `conn.run_sync(Base.metadata.create_all)`,
    peewee's `db.create_tables([...])`, Pony's `db.generate_mapping(create_tables=True)`."""
    if method == "run_sync":
        return bool(call.args) and isinstance(call.args[0], ast.Attribute) and call.args[0].attr == "create_all" \
            and isinstance(call.args[0].value, ast.Attribute) and call.args[0].value.attr == "metadata"
    if method == "create_tables":
        return bool(call.args)
    return method == "generate_mapping" and any(
        k.arg == "create_tables" and isinstance(k.value, ast.Constant) and k.value.value is True for k in call.keywords)


def _arguments(call: ast.Call, keywords: tuple[str, ...], names: Names) -> dict[str, object]:
    fields: dict[str, object] = {"arg": "", "arg_origin": "", "arg2": "", "arg2_origin": "", "arg_name": "", "arg2_name": ""}
    if call.args and not isinstance(call.args[0], ast.Starred):
        first = describe(call.args[0], names)
        fields["arg"], fields["arg_origin"] = first.text, first.origin
        fields["arg_name"] = names.qualify(call.args[0]) or ""
    if len(call.args) > 1 and not isinstance(call.args[1], ast.Starred):
        second = describe(call.args[1], names)
        fields["arg2"], fields["arg2_origin"] = second.text, second.origin
        fields["arg2_name"] = names.qualify(call.args[1]) or ""
    given = {k.arg: k.value for k in call.keywords if k.arg}
    for keyword in keywords:
        fields[f"has_{keyword}"] = keyword in given
        value = describe(given[keyword], names) if keyword in given else None
        fields[keyword] = value.text if value else ""
        fields[f"{keyword}_origin"] = value.origin if value else ""
    return fields


def _from_caller(path: ast.expr, function: ast.AST | None) -> bool:
    """The location is handed in: an attribute of the object (`self._dbpath`, set by whoever built it) or a
    parameter with no default. Who opens what — a user's data source, a per-run scratch file, the app's
    own database — is decided elsewhere."""
    if isinstance(path, ast.Attribute) and isinstance(path.value, ast.Name) and path.value.id == "self":
        return True
    if not isinstance(path, ast.Name) or not isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        return False
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    required = positional[: len(positional) - len(arguments.defaults)]
    keyword_only = [a for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True) if d is None]
    return any(a.arg == path.id for a in (*required, *keyword_only))


def _opens_read_only(path: ast.expr, function: ast.AST | None) -> bool:
    """A SQLite URI opened read-only (`file:x.db?mode=ro`, `immutable=1`), built in place or in a local
    variable of the same function: data shipped with the app, not state."""
    parts = [path]
    if isinstance(path, ast.Name) and function is not None:
        parts += [n.value for n in walk(function) if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == path.id for t in n.targets)]
    return any(isinstance(n, ast.Constant) and isinstance(n.value, str) and ("mode=ro" in n.value or "immutable=1" in n.value)
               for part in parts for n in walk(part))


_WRITING_SQL = re.compile(r"\b(INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|VACUUM|ATTACH|PRAGMA)\b", re.IGNORECASE)


def _only_queries(function: ast.AST | None) -> bool:
    """The function that opens the database only queries it: it executes statements, each a literal that reads
    (`SELECT`, in place or through a local name), and never commits — a lookup file shipped with the app (a
    search index built at release), not state. A function that executes nothing (it hands the connection on)
    says nothing."""
    if function is None:
        return False
    constants = {t.id: n.value.value for n in ast.walk(function) if isinstance(n, ast.Assign)
                 and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                 for t in n.targets if isinstance(t, ast.Name)}
    statements = []
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr in ("commit", "executescript", "backup"):
                return False
            if node.func.attr in ("execute", "executemany"):
                sql = node.args[0] if node.args else None
                text = sql.value if isinstance(sql, ast.Constant) else constants.get(sql.id) \
                    if isinstance(sql, ast.Name) else None
                if not isinstance(text, str):
                    return False
                statements.append(text)
    return bool(statements) and not any(_WRITING_SQL.search(text) for text in statements)


LIVE = ""
"""In `reached_through`: something other than a call of the module's functions reaches the code."""


def reached_through(site: Site[ast.Call], tree: ast.Module, index: Index) -> tuple[str, ...]:
    """The module-level functions and classes through which code of other modules reaches the call: the one around
    it (a method's class), and those of the module that call one of them by name, transitively. `LIVE` among them
    when the module's own body reaches it (a call at module level, under the main guard), a decorator may register
    one (`@click.command`, `@app.task`), one is used other than by a call (a callback, a registry entry), or it is a
    method of a class built on another (a management command's `handle`: its framework calls it)."""
    top = _top_level(site.function, index)
    if top is None:
        return (LIVE,)
    owner = index.owners.get(id(_outermost(site.function, index)))
    if owner is not None and any(not (isinstance(b, ast.Name) and b.id == "object") for b in owner.bases):
        return (top, LIVE)  # a framework's subclass (a management command, a service): the framework calls it
    reached = {top}
    changed = True
    while changed:
        changed = False
        for call in index.calls:
            func = call.node.func
            if isinstance(func, ast.Name) and func.id in reached:
                caller = _top_level(call.function, index)
                if caller is None:
                    return (*sorted(reached), LIVE)
                if caller not in reached:
                    reached.add(caller)
                    changed = True
    called = {id(call.node.func) for call in index.calls}
    for node in walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in reached \
                and node.decorator_list and index.parents.get(id(node)) is None and id(node) not in index.owners:
            return (*sorted(reached), LIVE)
        if isinstance(node, ast.Name) and node.id in reached and id(node) not in called:
            return (*sorted(reached), LIVE)
    return tuple(sorted(reached))


def _outermost(function: Function | None, index: Index) -> Function | None:
    while function is not None and (parent := index.parents.get(id(function))) is not None:
        function = parent
    return function


def _top_level(function: Function | None, index: Index) -> str | None:
    """The name of the module-level function or class a function is (or is in); None at module level."""
    function = _outermost(function, index)
    if function is None:
        return None
    owner = index.owners.get(id(function))
    return owner.name if owner is not None else function.name


def _forks_and_exits(function: ast.AST | None, names: Names) -> bool:
    """The daemon idiom around `os.setsid()`: the same function forks and lets the parent exit
    (`os.fork()` + `os._exit()`/`sys.exit()`), as opposed to starting a child in a new session."""
    if function is None:
        return False
    called = {names.qualify(n.func) for n in walk(function) if isinstance(n, ast.Call)}
    return "os.fork" in called and bool(called & {"os._exit", "sys.exit", "exit"})


def _has_init_app_queue(index: Index) -> bool:
    """`socketio.init_app(app, message_queue=...)` configures the queue after construction."""
    return any(isinstance(s.node.func, ast.Attribute) and s.node.func.attr == "init_app"
               and any(k.arg in {"message_queue", "client_manager"} for k in s.node.keywords) for s in index.calls)

