"""Facts about Python modules. Every one says what kind of module it is in and whether it runs at start;
most also say in which context the code runs (a request or job handler, start-up code, a function,
the module body), which is what most rules judge by."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, RolledUp, base, doc, kind

STARTED, IMPORTED, UNREACHED, UNKNOWN = "started", "imported", "unreached", "unknown"
"""A module's `reach` (link.reach)."""
_ENV_LAYER_SET_IN = ("With `env_layer`, a production deploy file that sets that variable, or may (it loads variables it "
                     "does not name: a compose `env_file`, a Kubernetes `envFrom`), in words (link.deploy_env): the "
                     "deploy it describes runs the replacement, not this value; `\"\"` otherwise.")


@base
class PythonFact(Fact):
    """What every Python fact says about its module and when the code runs."""

    module_kind: str = doc("The module: `app`, `settings`, `server_config` (gunicorn's config) or `cli_script`.",
                           default="app")
    in_main_block: bool = doc("Inside `if __name__ == \"__main__\":`.", default=False)
    at_start: bool = doc("Runs whenever a web process starts: start-up code, or import-time code of a module that "
                         "serves requests (outside a main guard).", default=False)
    run_as_process: bool = doc("The module is what a declared process runs (`python app.py`, `python -m app`), "
                               "marked by link.", default=False)
    statement_line: int | None = doc("The first line of the statement holding it (inline suppressions on it count).",
                                     default=None)
    reach: str = doc("Whether a production process runs the module, from link: `started` (a start command runs it), "
                     "`imported` (a started module imports it, or a framework loads it by name), `unreached` (the "
                     "project's starts are resolved and none reaches it: judged one severity lower) or `unknown`.",
                     default="unknown")
    env_set_by: str = doc("A production deploy file that sets the environment variable the fact reads (`env_key`), "
                          "from link.deploy_env (`docker-compose.yml`), when every production deploy sets it; `\"\"` "
                          "otherwise.", default="")
    set_again_by: str = doc("The settings modules production deploy files name (`DJANGO_SETTINGS_MODULE`), each of "
                            "which sets this base settings module's value again, in words (settings `app.settings.prod` "
                            "that docker-compose.yml runs), from link.python: the processes those files run do not "
                            "run this value, whatever their environment; or the production config classes built on this "
                            "config class that each set it again (config class `Production`, from the analyzer); "
                            "`\"\"` otherwise.",
                            default="")
    also_run_by: str = doc("With `set_again_by`: a production-named settings module the code falls back to when "
                           "DJANGO_SETTINGS_MODULE is unset (wsgi.py's `setdefault`), in words, that does not set the "
                           "value again: a deploy outside the repository's deploy files still runs it; `\"\"` "
                           "otherwise.", default="")
    tested_call: str = doc("The project function an `if` around it calls as its whole test (`if in_debug_mode():`), "
                           "as imported (`khoj.utils.helpers.in_debug_mode`), `!` before it for the branch that runs "
                           "when it is false, when no environment read decides the branch in this module: link makes "
                           "it the fact's `condition` when that function returns an environment read "
                           "(python.env_function); `\"\"` otherwise.", default="")
    env_unset_in: str = doc("A production compose file or manifest that runs the app without the variable the fact "
                            "reads (link.deploy_env): its processes run with the environment it lists, and no "
                            "production deploy file sets the variable (nor one a settings class may read for it) or "
                            "loads variables it does not name, so the code's fallback is what they run; `\"\"` "
                            "otherwise.", default="")


@kind("python.env_function")
class EnvFunction(PythonFact):
    """A module-level function without parameters that returns an environment read (`def in_debug_mode(): return
    is_env_var_true("KHOJ_DEBUG")`, through a helper of the module reading the variable it is given): a branch
    testing its call is opt-in, as `if os.getenv("KHOJ_DEBUG"):` is (link, one hop across modules)."""

    module: str = doc("The module's dotted name (`khoj.utils.helpers`).")
    name: str = doc("The function's name.")
    env_key: str = doc("The variable it reads.")


@kind("python.configuration_class")
class ConfigurationClass(PythonFact):
    """A django-configurations class (built on `configurations.Configuration`) that no class of its module builds on,
    named neither for production, development nor tests, and not built on a production-named one (`class
    Build(Base)`, the settings the image build's `collectstatic` runs): a process runs it only when
    DJANGO_CONFIGURATION names it. Link makes its facts opt-in when the start code and the deploy files select
    other classes and none names it."""

    module: str = doc("The module's dotted name.")
    name: str = doc("The class's name.")


@base
class PythonSiteFact(PythonFact):
    """A fact at a place in the code: where it runs."""

    context: str = doc("Where the code runs: `request_handler`, `job_handler`, `startup`, `function` or `module`.")
    function: str = doc("The enclosing handler or function's qualified name (`\"\"` in the module body).")
    site: str = doc("How messages name the place: request handler `add()`, app factory `create_app()`, "
                    "the module body.")
    framework: str = doc("The handler's framework (`flask`, `django`, `celery`, ...), when known.", default="")


@base
class SettingFields(PythonSiteFact):
    """A setting's fields (python.setting, and python.session_cache made from one)."""

    key: str = doc("The setting (`DEBUG`, `CACHES.default.BACKEND`, `broker_url`).")
    value: str = doc("Its value: a literal's text, an environment read's fallback, or the expression.")
    module: str = doc("The module's dotted name (`app.settings.prod`).")
    origin: str = doc("`literal`, `env_default` (the fallback of an environment read), `env` or `expression`.")
    env_key: str = doc("The environment variable read, when there is one.")
    source: str = doc("`settings`, `server_config`, `config_class`, `app_config`, `module`, `option_default` or "
                      "`env_setdefault` (`os.environ.setdefault(\"X\", default)`).")
    in_memory: bool = doc("A value of a database dict that names SQLite's in-memory database (`\"NAME\": \":memory:\"`): "
                          "no file holds its data.", default=False)


@kind("python.setting")
class Setting(SettingFields):
    """A configuration value the app sets: a settings-module constant, a config-class attribute, `app.config[...]`,
    `config.update(...)`, Celery's `broker=`. Dict settings are flattened (`CACHES.default.BACKEND`)."""

    unused_config: str = doc("For a gunicorn config file (`source` `server_config`) that no file of the repository "
                             "loads, copies or mounts (no `-c`/`--config`, COPY, volume or `GUNICORN_CMD_ARGS` names "
                             "it, and it is not `./gunicorn.conf.py` beside a start), while a production start loads "
                             "another config: that start, in words (`build/app/start.sh runs gunicorn -c "
                             "/workspace/gunicorn.conf.py`); set by link.server_configs. `\"\"`: none.", default="")

    overridden: bool = doc("In a base settings module, every production settings module built on it sets the setting "
                           "again (set by link), or a later statement of the module sets it again unconditionally "
                           "without reading it: the value never reaches a deploy.", default=False)
    default_cache_unread: bool = doc("A `CACHES.default` setting of a project where nothing uses the default cache "
                                     "(link.unused_backends: no `django.core.cache.cache`/`caches` import, `cache_page`, "
                                     "cache middleware, cache sessions, throttling or app known to store in it); a "
                                     "Flask-Caching `CACHE_TYPE` of one whose `Cache` objects nothing reads or writes "
                                     "(only `init_app`: no `.get`/`.set`, `@cached`, `@memoize`).",
                                     default=False)
    cache_library_absent: bool = doc("A Flask-Caching `CACHE_TYPE` setting of a project that neither imports "
                                     "Flask-Caching or Flask-Cache (`flask_caching`, `flask_cache`, `flask.ext.cache`) "
                                     "nor declares either as a dependency (link.unused_backends): nothing reads the "
                                     "key, it configures no cache.", default=False)
    default_cache_memos: bool = doc("A `CACHES.default` setting of a project whose only use of the default cache is "
                                    "read-through memos of fixed entries with a timeout (`cache.get(\"prisons\")`, "
                                    "compute, `cache.set(\"prisons\", v, timeout=3600)`; no `delete`, counter, lock, "
                                    "cache sessions, `cache_page`, throttling or app known to store in it; tests "
                                    "aside): a process's own copy is refetched, never shared state "
                                    "(link.unused_backends).", default=False)
    session_unused: bool = doc("A Flask-Session `SESSION_TYPE` setting of a project where nothing uses the session "
                               "(link.unused_backends): no `session` or `flash` import, no Flask-Login `user_loader` "
                               "and no extension keeping state in it (Flask-WTF, Authlib, Flask-Security, ...).",
                               default=False)
    session_store: str = doc("A Flask-Session `SESSION_TYPE` setting of a project that never initialises Flask-Session "
                             "(no `Session(app)`): what keeps its sessions instead, in words (Flask-KVSession with its "
                             "simplekv store, or Flask's own signed cookie); `\"\"` otherwise (link.unused_backends).",
                             default="")
    channel_layer_unused: bool = doc("A `CHANNEL_LAYERS.*.BACKEND` setting of a project where no code imports Channels' "
                                     "consumers, its layer API (`get_channel_layer`) or a library built on them "
                                     "(link.unused_backends): no message passes through the layer.", default=False)
    runtime_test: str = doc("The `if` the setting is under when no env-driven flag decides it, a value read at run "
                            "time (a database row, a config object): \"when `row.mode == 'dev'`\"; `\"\"` otherwise.",
                            default="")
    unselected_base: str = doc("In a config class that the module's config map (`configs = {\"production\": Live, "
                               "...}`) does not list, the classes it lists that are built on it, each of which sets the "
                               "key again, in words (`` `Development`, `Live`, `Test` ``): no selected config runs "
                               "the base's value; `\"\"` otherwise.", default="")
    default_config_of: str = doc("In a config class named for development that the app selects when an environment "
                                 "variable is unset (`create_app(os.getenv(\"APP_ENV\") or \"development\")`), that "
                                 "variable (set by link, which then judges the class as production config); `\"\"` "
                                 "otherwise.", default="")
    read_again: str = doc("A literal a later module-level statement sets again from a read that may find nothing: in a "
                          "branch (`if os.path.isfile(INI): ... DEBUG = section.getboolean(\"debug\", DEBUG)`) or "
                          "falling back to the literal itself: that statement, shortened (the literal is its fallback). "
                          "A literal a later unconditional statement replaces is `overridden` instead; `\"\"` "
                          "otherwise.", default="")
    read_again_env: bool = doc("With `read_again`: what that statement reads is the environment (`os.environ`, "
                               "`dj_database_url.config()`, `env.db()`), not a config file.", default=False)
    env_layer: str = doc("For a module-level value of a settings module, the environment variable under whose "
                         "test every settings chain a production deploy may run sets it again later (`if "
                         "os.environ.get(\"REDIS_URL\"): CACHES = {...}` further down, or in each production settings "
                         "module built on it), set by link: the value runs only when the variable is unset; `\"\"` "
                         "otherwise.", default="")
    env_layer_by: str = doc("With `env_layer`, where the value is set again, in words (`a later statement "
                            "(settings.py:296)`).", default="")
    env_layer_set_in: str = doc(_ENV_LAYER_SET_IN, default="")


@kind("python.config_default")
class ConfigDefault(PythonSiteFact):
    """An environment read with a literal fallback that picks a config (a call's argument, a mapping's key):
    `create_app(os.getenv("APP_ENV") or "development")`, `configs[os.getenv("APP_ENV", "dev")]`,
    `from_object(os.getenv("CONFIG_CLASS", "app.config.LocalConfig"))`. Link matches the fallback to a config class
    named for development."""

    env_key: str = doc("The variable read.")
    selects: str = doc("The fallback: a config's name (`development`) or a dotted class path.")


@kind("python.session_cache")
class SessionCache(SettingFields):
    """Django cache-based sessions whose cache is process-local, on a deployable settings module (made by link)."""

    engine: str = doc("The session engine's last part (`cache`, `cached_db`).")
    alias: str = doc("The cache alias it uses.")
    backend: str = doc("How that cache is local (`` `LocMemCache` ``, the implicit default).")
    chain: str = doc("Which settings module, and through which base: settings `a` via `b`.")


@kind("python.star_import")
class StarImport(PythonSiteFact):
    """`from .base import *` in a settings module (link follows settings chains)."""

    module: str = doc("The importing module.")
    imports: str = doc("The module imported, absolute.")


@kind("python.env_globals")
class EnvGlobals(PythonSiteFact):
    """A settings module that sets its module-level names from the environment at import (`globals().update(os.environ)`,
    `for key, value in os.environ.items(): globals()[key] = value`): each setting it and the modules it star-imports
    bind before it is only a default that the variable of the same name replaces."""

    module: str = doc("The module's dotted name.")


@kind("python.config_file_load")
class ConfigFileLoad(PythonSiteFact):
    """A Flask config loaded from a Python file the code names (`app.config.from_pyfile("config.py")`,
    `from_object("config")`, `import config` then `from_object(config)`), with no load after it in the same function
    that lets the environment set values (`from_envvar()`, `from_prefixed_env()`, a path read from a variable).
    A path taken from the environment, or a file that may be absent (`silent=True`), is not one."""

    loader: str = doc("`from_pyfile` or `from_object`.")
    loaded: str = doc("The file as the code names it, relative (`config.py`, `instance/config.py`), or the module "
                      "(`config`, `settings.prod`).")


@kind("python.config_module_read")
class ConfigModuleRead(PythonSiteFact):
    """Settings read off a module the code imports (`from netbox import configuration`, then
    `SECRET_KEY = getattr(configuration, "SECRET_KEY")` or `DATABASE = configuration.DATABASE`), the secret key among
    them: link tells whether that module is a deploy's file or a committed file of literals. At the secret key's read;
    one per imported module."""

    module: str = doc("The reading module's dotted name.")
    name: str = doc("The imported name the settings are read off (`configuration`).")
    imports: str = doc("The module it names, absolute (`netbox.configuration`).")
    settings: tuple[str, ...] = doc("The settings read off it (`SECRET_KEY`, `DATABASE`, `REDIS`).")


@kind("python.deploy_config_module")
class DeployConfigModule(PythonSiteFact):
    """Settings that take their secret key from a Python module the repository ships only as a template, made
    by link: a settings module star-importing it (`from .settings_deployment import *` beside
    `settings_deployment.py.example`), or a Flask app loading it (python.config_file_load: `from_pyfile("config.py")`
    beside `config.example.py`) when nothing else in the project sets the secret key. Each deploy writes that Python
    file, so no environment variable can set what it carries."""

    module: str = doc("The importing settings module, or the module loading the Flask config.")
    how: str = doc("How it takes the module, in words: `star-imports`, `` loads its config (`from_pyfile()`) from ``.",
                   default="star-imports")
    imports: str = doc("The module imported, absolute (for Flask: the file or module as the code names it).")
    template: str = doc("The template the repository ships in its place (`app/settings_deployment.py.example`).")
    settings: str = doc("The core settings the settings chain leaves to it, in words (`SECRET_KEY, DATABASES`): "
                                 "always the secret key.")


@kind("python.file_settings")
class FileSettings(PythonSiteFact):
    """Settings a module takes from a config file it reads at import (an INI file a `ConfigParser` reads, YAML, JSON
    or TOML a loader parses), in a module that reads no environment variable, the secret key among them: that file,
    not the environment, carries the deploy's config. At the file's read; one per module."""

    module: str = doc("The module's dotted name.")
    file: str = doc("The file as the code names it (`app.ini`, `config.yml`).")
    format: str = doc("`INI`, `YAML`, `JSON` or `TOML`.")
    settings: str = doc("The settings taken from it, in words (`SECRET_KEY, DATABASES`): always the secret key.")


@kind("python.service_locator")
class ServiceLocator(PythonSiteFact):
    """Where code names a backing service: a locator-named setting or a client constructor's host/URL."""

    locator: str = doc("How messages name it: `` `DATABASE_URL` `` or `` `create_engine()` ``.")
    host: str = doc("The host it names, lower-case.")
    loopback: bool = doc("The host is a loopback address (`localhost`, `127.0.0.1`, `::1`, `0.0.0.0`).")
    origin: str = doc("`literal` or `env_default`.")
    value: str = doc("The value as written.")
    env_key: str = doc("The environment variable read, for `env_default`.")
    key: str = doc("The setting, for a setting (`\"\"` for a constructor).", default="")
    module: str = doc("The settings module's dotted name, for a setting (`\"\"` for a constructor).", default="")
    source: str = doc("The setting's source, for a setting (see python.setting).", default="")
    overridden: bool = doc("In a base settings module, every production settings module built on it sets the setting "
                           "again (set by link): the value never reaches a deploy.", default=False)
    layered_by: str = doc("In a defaults file that a config layer a deploy supplies is loaded over (python.config_defaults),"
                          " that load: a deploy replaces the value without a code change; `\"\"` otherwise.", default="")
    derived_into: str = doc("For a module-level setting, the module's other settings computed from it at import, in "
                            "words (`` `CACHE_REDIS_URL` ``): a loader that replaces the key later leaves them holding "
                            "this value; `\"\"` when none.", default="")
    env_layer: str = doc("For a module-level literal of a config module an app framework's loader sets every key of "
                         "from a prefixed environment variable (invenio-app: `INVENIO_<KEY>`, set by link), or that "
                         "a later settings statement sets again under a test of a variable (see python.setting), the "
                         "variable that replaces it; `\"\"` otherwise.", default="")
    env_layer_by: str = doc("With `env_layer`, the loader, in words (`invenio-app's config loader (`invenio-app` in "
                            "requirements.txt)`).", default="")
    env_layer_set_in: str = doc(_ENV_LAYER_SET_IN, default="")
    mounted_by: str = doc("In a Python file a compose file bind-mounts into a container "
                          "(`./contrib/compose/web_custom_conf.py:/nitrate-config/nitrate_custom_conf.py`) when the "
                          "host is a service of that compose file, the mount in words (`` `container-compose.yml:47` "
                          "mounts it into service `web` ``, set by link): the compose deploy's own config file, naming "
                          "its own stack's service, not app code; `\"\"` otherwise.", default="")


@kind("python.call")
class Call(PythonSiteFact):
    """A call to a library API a rule judges, with the arguments that decide the judgement. Each keyword the
    API's table names has three fields: `has_X` (given), `X` (its text) and `X_origin` (`literal`, `env_default`,
    `env`, `expression`); the others stay empty."""

    api: str = doc("What is called: `app_run`, `serve`, `embedded_server`, `make_server`, `web_app`, `memory_cache`, "
                   "`sqlite_connect`, `create_engine`, `local_store`, `socketio`, `local_broker`, `rate_limiter`, "
                   "`signal_handler`, `daemonize`, `setsid`, `migrate`, `migrate_named`, `call_command`, `create_all`, "
                   "`register_tortoise`, ...")
    arg: str = doc("The first positional argument's text.", default="")
    arg_origin: str = doc("Its origin (`literal`, `env_default`, `env`, `expression`).", default="")
    arg_name: str = doc("Its qualified name, when it is a name (`signal.SIGTERM`).", default="")
    arg2: str = doc("The second positional argument's text.", default="")
    arg2_origin: str = doc("Its origin.", default="")
    arg2_name: str = doc("Its qualified name, when it is a name.", default="")
    has_debug: bool = doc("`debug=` is given.", default=False)
    debug: str = doc("`debug=`'s text.", default="")
    debug_origin: str = doc("`debug=`'s origin.", default="")
    has_port: bool = doc("`port=` is given.", default=False)
    port: str = doc("`port=`'s text.", default="")
    port_origin: str = doc("`port=`'s origin.", default="")
    has_host: bool = doc("`host=` is given.", default=False)
    host: str = doc("`host=`'s text.", default="")
    host_origin: str = doc("`host=`'s origin.", default="")
    has_listen: bool = doc("`listen=` is given (waitress).", default=False)
    listen: str = doc("`listen=`'s text.", default="")
    listen_origin: str = doc("`listen=`'s origin.", default="")
    has_message_queue: bool = doc("`message_queue=` is given (Socket.IO), also through `init_app`.", default=False)
    message_queue: str = doc("`message_queue=`'s text.", default="")
    message_queue_origin: str = doc("`message_queue=`'s origin.", default="")
    has_client_manager: bool = doc("`client_manager=` is given (Socket.IO).", default=False)
    client_manager: str = doc("`client_manager=`'s text.", default="")
    client_manager_origin: str = doc("`client_manager=`'s origin.", default="")
    has_storage_uri: bool = doc("`storage_uri=` is given (a rate limiter).", default=False)
    storage_uri: str = doc("`storage_uri=`'s text.", default="")
    storage_uri_origin: str = doc("`storage_uri=`'s origin.", default="")
    has_generate_schemas: bool = doc("`generate_schemas=` is given (Tortoise).", default=False)
    generate_schemas: str = doc("`generate_schemas=`'s text.", default="")
    generate_schemas_origin: str = doc("`generate_schemas=`'s origin.", default="")
    command: str = doc("For `call_command`: the management command.", default="")
    callee: str = doc("For `migrate_named` (a call whose name says it migrates the database: `migrate_db()`, "
                      "`apply_migrations()`): the function's name.", default="")
    daemon_idiom: bool = doc("For `setsid`: the function also forks and lets the parent exit.", default=False)
    reached_through: tuple[str, ...] = doc(
        "For a detaching call (`daemonize`, `setsid` in the daemon idiom): the module-level functions and classes of "
        "its module through which other modules reach it (the one around it and its callers in the module, "
        "transitively), with `\"\"` among them when the module's own body, a decorator or a use other than a call "
        "reaches it: link drops a detaching call nothing reaches.", default=())
    read_only: bool = doc("For an embedded store (`sqlite_connect`, `shelve`...): it is opened read-only (a read-only "
                          "mode, or a function that never writes it).", default=False)
    storage_configured: bool = doc("For `rate_limiter`: the project configures limiter storage "
                                   "(`RATELIMIT_STORAGE_URI`), set by link.", default=False)
    limits_unused: bool = doc("For `rate_limiter`: no code of the project declares a limit (no `default_limits`/"
                              "`application_limits`, no `@limiter.limit(...)`, no `RATELIMIT_DEFAULT`/"
                              "`RATELIMIT_APPLICATION` setting): the limiter counts nothing (link.unused_backends).",
                              default=False)
    has_storage: bool = doc("`storage=` is given (a Django model file field).", default=False)
    storage: str = doc("`storage=`'s text.", default="")
    storage_origin: str = doc("`storage=`'s origin.", default="")
    path_from_caller: bool = doc("For an embedded store: its path is handed in (`self._dbpath`, a parameter without a "
                                 "default), so what it opens is decided elsewhere.", default=False)
    connector_module: bool = doc("For an embedded store: the module is connector code (`connectors/`, "
                                 "`query_runner/`) that reads other systems' data.", default=False)
    has_reload: bool = doc("`reload=` is given (uvicorn).", default=False)
    reload: str = doc("`reload=`'s text.", default="")
    reload_origin: str = doc("`reload=`'s origin.", default="")
    has_workers: bool = doc("`workers=` is given (uvicorn).", default=False)
    workers: str = doc("`workers=`'s text.", default="")
    workers_origin: str = doc("`workers=`'s origin.", default="")
    one_process: str = doc("For `serve` and `embedded_server` (`uvicorn.Config`/`uvicorn.Server`, hypercorn's "
                           "`serve()`): the server called (`uvicorn.run`) when it serves from the calling process alone "
                           "(no `workers=` above 1, no `**kwargs`; uvicorn, aiohttp's `run_app`, waitress, bjoern); "
                           "`\"\"` otherwise.", default="")
    dev_server: bool = doc("For `app_run`: the server it starts is a development server (Flask's or Quart's "
                           "`app.run()`, Flask-SocketIO's with `allow_unsafe_werkzeug=True`).", default=False)
    in_main_runner: bool = doc("For `app_run` and `serve`: in the function only the module's main guard calls (`main()`).",
                               default=False)
    bound_to: tuple[str, ...] = doc("For `web_app` at module level: the names the app is bound to (`app`, and aliases "
                                    "such as `application = app`).", default=())
    served_as: str = doc("For `web_app`: the `module:attr` every production start command serving this module names "
                         "when that is another object (`api.main:versioned_app`), set by link; `\"\"`: the app itself, "
                         "or not known.", default="")


@kind("python.background_work")
class BackgroundWork(PythonSiteFact):
    """Work started on the side and not awaited: a thread, process or timer started, a task or future dropped,
    FastAPI `BackgroundTasks.add_task`."""

    mechanism: str = doc("`thread`, `process`, `timer`, `create_task`, `ensure_future`, `run_in_executor`, "
                         "`executor_submit` or `background_tasks`.")
    api: str = doc("What starts it (`threading.Thread`, `asyncio`, `.submit()`).")


@kind("python.scheduler_start")
class SchedulerStart(PythonSiteFact):
    """An in-process scheduler started (APScheduler, Flask-APScheduler)."""

    api: str = doc("The scheduler class (`BackgroundScheduler`).")
    jobs: str = doc("The jobs the module adds to it (`add_job(f, ...)`, `@scheduler.scheduled_job`), in words; `\"\"`: "
                    "none found.", default="")
    refreshes: str = doc("When every job only refreshes this process's own module state (rebinds module globals or "
                         "refills module containers from what it reads, with no write, send or other effect its code "
                         "shows): that state, in words (`` `_plugins`, `_providers` ``); link clears it when a project "
                         "function of another module the jobs call does more. `\"\"`: otherwise.", default="")
    refresh_calls: tuple[str, ...] = doc("The imported functions those jobs call, by absolute name, for link to "
                                         "settle (`!` before a job itself, which must refresh state).", default=())


@kind("python.state_refresh")
class StateRefresh(PythonFact):
    """A module function whose whole visible effect is to refresh module state of its process (`global X; X = ...`
    from what it reads, `X.update(...)`): link settles with it the scheduled jobs of other modules that call it."""

    module: str = doc("The module's dotted name.")
    name: str = doc("The function's name.")
    refreshes: tuple[str, ...] = doc("The module state it rebinds or refills.")
    calls: tuple[str, ...] = doc("The imported functions it calls, by absolute name (not followed: one hop).",
                                 default=())


@kind("python.file_write")
class FileWrite(PythonSiteFact):
    """A file written to local disk in app code (uploads included)."""

    api: str = doc("How (`open()`, `.save()`, `shutil.copyfileobj()`).")
    target: str = doc("The path expression, shortened to 60 characters.")
    upload: bool = doc("What is written is an uploaded file.")
    others: str = doc("The other local files the same handler writes (`` `b.json` (line 14) ``), for a write that is "
                      "not an upload; `\"\"`: none.", default="")
    served: bool = doc("The same function reads the file back or answers with it (`open(p)` to read, `send_file(p)`, "
                       "`FileResponse(p)`): a scratch file made for this response (with `others`: all of them are).",
                       default=False)
    consumed: str = doc("For a file written under a directory named for temporary files (`control/tmp/`), the call of "
                        "the same function that reads it back after the write (`import_hashes(path)`): a scratch file "
                        "made and used within one request or job; `\"\"`: none.", default="")
    cache: str = doc("For a file the function writes only when it is missing (it tests `os.path.exists(p)` and reads "
                     "the file when it exists), the HTTP call whose answer it writes (`` `requests.get()` ``): a "
                     "read-through cache of another service's data, fetched again when lost; `\"\"`: none.",
                     default="")
    store: str = doc("For a file written under the project's persistent file store — a path built on Django's "
                     "`settings.MEDIA_ROOT`, Flask's `UPLOAD_FOLDER`, or a setting naming the media, upload or data "
                     "root (`settings.DATA_DIR`) — that the same function neither deletes nor hands to an upload, a "
                     "mail or another transfer afterwards: that setting (`` `settings.MEDIA_ROOT` ``); kept data on "
                     "this disk even when a job writes it. `\"\"`: none.", default="")
    moved_to: str = doc("Where the written file is then renamed or moved into place (`os.rename(tmp, path)`, in the "
                        "same handler, also when a helper it calls wrote `tmp`): `` `path` (line 157) ``; one problem, "
                        "folded into this write. `\"\"`: none.", default="")
    places: tuple[tuple[str, int, int], ...] = doc("The renames folded into this write (for an upload: a move of "
                                                   "the same handler to the same path on another branch), as (path, "
                                                   "line, column): the "
                                                   "finding's related locations.", default=())


@kind("python.required_env")
class RequiredEnv(PythonSiteFact):
    """A settings module's module-level check that stops the app when an environment variable is unset (`if
    "SECRET_KEY" not in os.environ: raise ...`, also in a loop over a literal list of names): link reads it to tell
    that the settings a deploy runs refuse a base module's fallback."""

    variable: str = doc("The variable required; with `refuses`, the setting checked.")
    module: str = doc("The module's dotted name.")
    refuses: tuple[str, ...] = doc("For a check of a setting's value rather than the environment (`if not SECRET_KEY "
                                   "or SECRET_KEY in {\"\", \"random_secret_key\"}: raise ...`): the literal values it "
                                   "stops on; `()`: a check that the variable is set.", default=())
    outside_development: bool = doc("The check sits in the body of an `if` that holds in every environment but "
                                    "development (`if ENVIRONMENT != \"local\":`, `if not DEBUG:`): every deploy runs "
                                    "it, though it carries that `condition`.", default=False)


@kind("python.config_defaults")
class ConfigDefaults(PythonSiteFact):
    """A config file loaded as defaults, with a layer a deploy supplies loaded over it in the same function
    (`app.config.from_pyfile("default_config.py")`, then `from_pyfile(path, silent=True)` or `from_envvar(...)`)."""

    loaded: str = doc("The defaults: a file's name (`default_config.py`) or a dotted module (`config.defaults`).")
    layered_by: str = doc("The load over it, in words: `` `from_envvar()` (line 12) ``.")


REFUSED = ("Where the app stops when the secret still holds its fallback (`line 195`: `if not DEBUG and "
           "SECRET_KEY.startswith(\"autokey-\"): sys.exit(1)`, or a `raise`): production refuses it; or, set by link, "
           "the settings every deploy file runs stopping when the variable is unset (`fala/settings/production.py:13, "
           "in settings ... that ... runs`); `\"\"`: no such check.")


FLASK_KEY = ("The value is a Flask app's `SECRET_KEY` (bound to `SECRET_KEY`, `app.secret_key` or "
             "`app.config[\"SECRET_KEY\"]`, or passed as `SECRET_KEY=`, in a module importing flask): link asks whether "
             "anything of the app signs with it (`signs_nothing`).")
FLASK_SIGNS_NOTHING = ("A Flask app's `SECRET_KEY` (`flask_key`) that nothing of the app signs with (set by link): no "
                       "module of its package, nor one they import, uses Flask's `session` or `flash`, itsdangerous, "
                       "an extension that signs with the key (Flask-Login, Flask-WTF, JWT extensions, any extension "
                       "not known to leave it alone) or reads the key itself (`jwt.encode(..., "
                       "app.config[\"SECRET_KEY\"])`).")


DJANGO_SIGNS_NOTHING = ("nothing installed signs with the key (the settings module lists its apps and middleware "
                        "in full, without sessions or messages apps, session engine or CSRF middleware), or nothing of "
                        "the project uses what signs with it (set by link): no admin, no login or password-reset views "
                        "(`django.contrib.auth.urls`, `rest_framework.urls`, `login()`), no messages API, no "
                        "`request.session`, no signed cookies or `django.core.signing`, no read of the key, and only "
                        "installed apps known to leave it alone.")


@kind("python.secret_env_fallback")
class SecretEnvFallback(PythonSiteFact):
    """A secret-named environment read with a literal fallback (`os.getenv("SECRET_KEY", "dev")`)."""

    env_key: str = doc("The variable.")
    looks_real: bool = doc("The fallback looks like a real secret (long, random-looking), not a made-up word.",
                           default=False)
    own_key: bool = doc("The variable is the app's own secret (`SECRET_KEY`, `JWT_SECRET`), not a service's "
                        "credential.", default=False)
    placeholder: bool = doc("The fallback is a placeholder (`changeme`, `fillmein`): kept only for the app's own key, "
                            "which signs with it unless the app refuses it.", default=False)
    checked: bool = doc("The app checks requests against it: a function calling `compare_digest` uses the name the read "
                        "is bound to (a basic-auth password): with the fallback it lets in anyone with the code, "
                        "like an own key.", default=False)
    overridden: bool = doc("In a base settings module, every production settings module built on it sets the setting "
                           "again (set by link): the value never reaches a deploy.", default=False)
    refused: str = doc(REFUSED, default="")
    flask_key: bool = doc(FLASK_KEY, default=False)
    django_key: bool = doc("The read is bound to Django's `SECRET_KEY` in a settings module's body: link asks whether "
                           "anything of the project signs with it (`signs_nothing`).", default=False)
    signs_nothing: bool = doc(FLASK_SIGNS_NOTHING + " Or, for Django's key (`django_key`): " + DJANGO_SIGNS_NOTHING,
                              default=False)


@kind("python.secret_random_fallback")
class SecretRandomFallback(PythonSiteFact):
    """A secret-named environment read whose fallback is made up at start (`os.getenv("SECRET_KEY") or
    secrets.token_hex()`): every process and restart gets a different secret."""

    env_key: str = doc("The variable (or the setting, for a key made up in code).")
    config_saved: str = doc("Where the made-up key is saved with the app's configuration, in words (`CONFIG.write()` "
                            "at line 282 after `CONFIG.JWT_SECRET = ...`, python-dotenv's `set_key()` into `.env`): "
                            "generated on the first start only, then read back from the configuration by later "
                            "starts and by every process that reads it; `\"\"`: not saved.", default="")
    persisted: bool = doc("The made-up key is written to a local file to be read back (`.secret_key` in the data "
                          "folder): each container keeps its own.", default=False)
    in_code: bool = doc("No environment read offers another value: the code always makes the key up "
                        "(`app.secret_key = os.urandom(24)`, `URLSafeTimedSerializer(token_hex())`).", default=False)
    refused: str = doc(REFUSED, default="")
    settings_field: bool = doc("The key is the default of a pydantic settings field (`SECRET_KEY: str = "
                               "token_urlsafe()` in a `BaseSettings` class or a model it derives from): the variable "
                               "of the same name overrides it.", default=False)
    preloaded: bool = doc("Made up in a module body that production starts load only through gunicorn with "
                          "`--preload` (set by link): made once in the master, shared by its workers.", default=False)
    signs_nothing: bool = doc("Django's `SECRET_KEY` in a settings module that lists its apps and middleware in full, "
                              "with nothing that signs with the key (no sessions or messages app, no session engine, no "
                              "CSRF middleware); or " + FLASK_SIGNS_NOTHING[0].lower() + FLASK_SIGNS_NOTHING[1:],
                              default=False)
    flask_key: bool = doc(FLASK_KEY, default=False)
    overridden: bool = doc("In a base settings module, every production settings module built on it sets the setting "
                           "again (set by link): the value never reaches a deploy.", default=False)


@kind("python.secret_literal")
class SecretLiteral(PythonSiteFact):
    """A secret-named name, key or argument bound to a literal that looks like a secret."""

    key: str = doc("The name, key or argument.")
    shape: str = doc("What the value looks like: `provider` (a provider's token format: `AKIA...`, `ghp_...`, a PEM "
                     "private key, a JWT), `random` (long, mixed and high-entropy like a generated key), `hash` (a "
                     "password hash: `$2b$12$...`, `pbkdf2_sha256$...`), `test_key` (a test key its provider publishes: "
                     "reCAPTCHA's, Turnstile's), `insecure_marker` (Django's `django-insecure-` prefix: a placeholder "
                     "its framework marks), `browser_key` (a Google Maps key, named for maps: public by design) or "
                     "`word` (anything else: a name, a label, a guessable password).",
                     default="word")
    sure: bool = doc("Its shape, not only its name, says it is a secret (`shape` is `provider` or `random`).",
                     default=False)
    said_public: bool = doc("A comment calls it a public key (`# Public API key` alone on the line above, or at the "
                            "end of its line): the author says it is published, not a secret.", default=False)
    overridden: bool = doc("In a base settings module, every production settings module built on it sets the name "
                           "again (set by link): the literal never reaches a deploy.", default=False)


@kind("python.url_credentials")
class UrlCredentials(PythonSiteFact):
    """A service URL literal with a password in it."""

    url: str = doc("The URL, password masked (`postgres://app:***@db`).")
    scheme: str = doc("Its scheme.")
    env_default: bool = doc("It is an environment read's fallback.")
    local_default: bool = doc("The credential is a product's documented default account that works only from the "
                              "same host (RabbitMQ's `guest:guest` on `localhost`): no secret is committed.",
                              default=False)
    public_default: bool = doc("The credential is a product's published default account on any host (RabbitMQ's "
                               "`guest:guest`): everyone knows it, so no secret is committed.", default=False)
    loopback_word: bool = doc("The host is a loopback address (`localhost`, `127.0.0.1`) and the password a word, not "
                              "generated (`postgres:postgres@localhost`): a local development database's stock account.",
                              default=False)
    option_default: bool = doc("It is the default of a command-line option (`parser.add_argument(\"--dburl\", "
                               "default=...)`, `click.option(default=...)`): a tool run by hand, whose user passes the "
                               "URL.", default=False)
    overridden: bool = doc("In a base settings module, every production settings module built on it sets the setting "
                           "again (set by link): the value never reaches a deploy.", default=False)
    password_digest: str = doc("A short digest of the password (never the password): link compares it with the "
                               "passwords the project's compose services set.", default="")
    compose_database: str = doc("Set by link: the URL's host is a service of the project's compose file that sets the "
                                "same password in its environment (``service `db` in docker-compose.yml``): the local "
                                "stack's database; `\"\"`: not one.", default="")


@kind("python.local_lock")
class LocalLock(PythonSiteFact):
    """A process-local lock (module-level `threading.Lock()`, a file lock) guarding shared work."""

    lock: str = doc("The lock as written.")
    lock_kind: str = doc("What kind of lock it is.")
    effect: str = doc("What it guards, in words.")


@kind("python.log_file_sink")
class LogFileSink(PythonFact):
    """Logs written to a file: a file handler, `basicConfig(filename=)`, a dictConfig handler, loguru `add(path)`,
    `sys.stdout` redirected."""

    api: str = doc("How, in words (`logging.FileHandler`, `logging.basicConfig(filename=...)`).")
    target: str = doc("The file (`a file` when not literal).")
    rotation: str = doc("How it rotates or retains logs (`maxBytes=`, `TimedRotatingFileHandler`), else `\"\"`.",
                        default="")
    config: str = doc("For a dictConfig handler, the logging config it belongs to (`LOGGING`, `dictConfig({...})`): "
                      "its file handlers are one decision; `\"\"` for a handler, sink or redirect in code.", default="")
    others: str = doc("The other file handlers of the same setup in code (one function, or the module body), folded into "
                      "this one: `1 more in this file: line 75`; or the other of the two file handlers of a logging "
                      "config that a logger lists together: `1 more in this config: line 127`; `\"\"`: none.", default="")
    places: tuple[tuple[str, int, int], ...] = doc("Those handlers as (path, line, column): the finding's related "
                                                   "locations (`--fix` rewrites them too).", default=())
    switch: str = doc("For a dictConfig handler a logger uses only when an environment switch says so (`\"json_file\" "
                      "if not LOG_STDOUT else \"console\"`) and the switch's own fallback picks it: the variable, `!` "
                      "before it when the handler is picked while the variable is unset or false (`!LOG_STDOUT`); link "
                      "makes it opt-in when settings a deploy runs set the switch the other way; `\"\"`: none.",
                      default="")
    listed_by: tuple[str, ...] = doc("For a dictConfig handler only a handler list read from the environment may name "
                                     "(opt-in), the variables that list comes from and, last, the handler's name "
                                     "(`(\"DJANGO_LOG_HANDLERS\", \"file\")`): link keeps it a warning when a production "
                                     "deploy file sets one of them to a list naming it; `()`: none.", default=())


@kind("python.url_route")
class UrlRoute(PythonFact):
    """A Django URLconf entry (`path("x/", views.detail)`): link keeps the state writes of views it routes."""

    view: str = doc("The view's qualified name (`polls.pages.detail`).")


@kind("python.module_state")
class ModuleState(PythonFact):
    """A mutable container bound at module or class level (`CARTS = {}`, `class RoomView: board = {}`), or on
    `self` by a module-level instance's `__init__` (`store = Store()`): link resolves imported writes to it."""

    module: str = doc("The module's dotted name; for a class or instance attribute, the class's or instance's "
                      "(`pkg.views.RoomView`, `pkg.store.store`).")
    name: str = doc("The name.")
    container: str = doc("What it is (`dict`, `list`, `defaultdict`, `TTLCache`).")
    writes: str = doc("For a method (`name` is `add()`): the container it writes (`RoomView.board`, `store.data`), "
                      "so a handler in another module calling it writes that container, one hop away.", default="")
    read: bool = doc("Its module reads it somewhere (`X.get(k)`, `k in X`, `for v in X`, a value `X.pop(k)` returns), "
                     "beyond the statements that only write it.", default=False)


@base
class StateWrite(PythonSiteFact):
    """A handler's write to module- or class-level state."""

    name: str = doc("The state's name (`CARTS`, `Cart.items`).")
    qualified: str = doc("Its qualified name (`pkg.data.CARTS` when imported).")
    container: str = doc("What it is (`dict`, `list`, `module global`).")
    defined_at: str = doc("Where it is bound: `line 9`, or `PATH:LINE` in another module.")
    operation: str = doc("The first write, in words (`` `.append()` ``, `item assignment`), and how many more.")
    writes: int = doc("How many writes the handler makes.")
    handler: str = doc("The handler the write is reached from.")
    session_key: str = doc("A key that comes from the session, a cookie, the user or a token, else `\"\"`.")
    cache_like: bool = doc("The name says it is a cache (`_cache`, `memo`).")
    live_objects: bool = doc("The name says it holds live objects (browser sessions, connections, sockets, clients): "
                             "they cannot move to a shared store, only stay with one process.", default=False)
    rebinding: bool = doc("Every write replaces the whole value (`global X; X = ...`, `Cls.attr = ...`) rather than "
                          "changing a container or a counter in place: as often a per-process memo or latch as state.",
                          default=False)
    own_connection: bool = doc("Every write adds (or removes) the connection the handler serves (`sockets.append(ws)`, "
                               "`ws` its `WebSocket` parameter or its `web.WebSocketResponse()`): a registry of this "
                               "process's open connections, which live where they were accepted.", default=False)
    waiters: bool = doc("Every write parks a future or an event (`W[k] = loop.create_future()`, `asyncio.Event()`, "
                        "a tuple carrying one) or removes an entry: a registry of waiters that a later request or a "
                        "callback completes, live objects of this process that no shared store could hold.",
                        default=False)
    probe: bool = doc("The handler is a health or readiness probe (`readiness()`): what it keeps answers for its own "
                      "process by design.", default=False)
    through_method: str = doc("The method of a module-level instance whose call makes every write (`store.add()` "
                              "writing `self.data`), else `\"\"`: one hop, so less sure than a direct write.",
                              default="")
    request_scoped: bool = doc("A global every write rebinds (`global X; X = ...`) whose every read in the module is "
                               "in a function that binds it on every path it serves before the read (a method "
                               "dispatch's unnamed methods aside): each request reads what it just wrote, so nothing "
                               "crosses requests — a race between threads, not shared state.", default=False)
    read_back: bool = doc("The state is read somewhere in the handler's module or (imported) in its own module, beyond "
                          "the statements that only write it: what one request leaves there another one uses. Without "
                          "it, the container only grows or holds references (asyncio tasks, handles) nobody asks for.",
                          default=False)
    removals_only: bool = doc("Every write removes (`.pop()`, `del X[k]`, `.discard()`, `.clear()`): the handler evicts "
                              "what the process holds; where it is filled is a finding of its own when a handler does it.",
                              default=False)
    bookkeeping: str = doc("For a registry of live objects: the other state the same handler writes beside it (idle "
                           "timestamps, usage counts, an index), folded into this one finding, else `\"\"`.", default="")
    one_process: str = doc("For a request handler's write: the server the application starts inside its own process "
                           "(`uvicorn.Config` at PATH:LINE), in words, when that is how the project serves requests: "
                           "no production deploy file runs a web server (gunicorn, uwsgi, a server CLI) or more than "
                           "one copy of any process; set by link. One process then holds the state, so it is not "
                           "shared between copies today; `\"\"` otherwise.", default="")
    several_processes: str = doc("The production deploy evidence that several processes run the handler, in words "
                                 "(`` `gunicorn -w 4 app:app` runs 4 worker processes (Dockerfile CMD, Dockerfile:9) ``): "
                                 "a web server started with more than one worker (flag, server config, "
                                 "`WEB_CONCURRENCY`) or more than one copy of the serving process (compose replicas, "
                                 "a Kubernetes workload's replicas or HPA, a Heroku formation) for a request handler; "
                                 "more than one copy or a Celery concurrency above one of a worker start for a job "
                                 "handler; set by link, for a request handler only from a start that runs its module "
                                 "(declared in a directory holding it, whose application's import root holds it or "
                                 "whose application imports it; a start whose application is not resolved may run "
                                 "any). Each of them keeps its own copy of the state; `\"\"`: not proven (unknown, or "
                                 "the server's default of one).", default="")
    served_by: str = doc("For a handler's write without `several_processes`: the production start that runs it (its "
                         "module, as for `several_processes`) with a "
                         "process count left unknown (a web server's default of one, unless `$WEB_CONCURRENCY` or a "
                         "config raises it; Celery's default of one per CPU), in words; set by link. `\"\"`: no such "
                         "start.",
                         default="")
    places: tuple[tuple[str, int, int], ...] = doc("The bookkeeping's writes, as (path, line, column): the finding's "
                                                   "related locations.", default=())
    constant_values: str = doc("Every write puts only constants (literals, UPPER_CASE module constants, enum members) "
                               "into the container in a way repeating it changes nothing (`S.update({A, B})`, "
                               "`S.add(A)`, `D[K] = V`, `D.setdefault(K, V)`): the writes, in words; link clears it "
                               "unless every handler's write to the same state is that one. Every process that runs it "
                               "ends with the same value, so nothing diverges between processes. `\"\"`: otherwise.",
                               default="")


@kind("python.state_mutation")
class StateMutation(StateWrite):
    """A request or job handler (or a helper it calls) writes module- or class-level state."""


@kind("python.imported_state_write")
class ImportedStateWrite(StateWrite):
    """A handler writes an imported name; link turns it into a `python.state_mutation` when the name is a
    module-level container of the project, and drops it otherwise."""


@kind("python.view_candidate_write")
class ViewCandidateWrite(StateWrite):
    """A state write in a function shaped like a Django view that nothing marks as a handler; link keeps it
    (as `write_kind`) when a URLconf routes to the view."""

    write_kind: str = doc("What it becomes when routed: `python.state_mutation` or `python.imported_state_write`.")
    view: str = doc("The qualified name a URLconf would route.")


@kind("python.local_media")
class LocalMedia(PythonSiteFact):
    """Django model file fields whose uploads a production settings module keeps on `FileSystemStorage` (set so, or
    Django's default), made by link at that setting, else at the deployed `MEDIA_ROOT`, else at the first field."""

    backend: str = doc("The storage, in words, and the settings module that chooses it.")
    fields: int = doc("How many model file fields (`FileField`, `ImageField` without `storage=`) the project has.")
    field: str = doc("The first of them (`PATH:LINE`), and how many more.")
    selected_by: str = doc("The environment variable the storage setting reads, falling back to `FileSystemStorage` "
                           "(`STORAGES_DEFAULT_BACKEND`), when the project has another backend for it to select "
                           "(django-storages) and no deploy file sets it to a filesystem storage: the local disk is "
                           "only the fallback; `\"\"` otherwise.", default="")


@kind("python.file_datastore")
class FileDatastore(PythonSiteFact):
    """A serialised file loaded and written back (`json.load` ... `json.dump` on one path): the app's data is a
    file on one container's disk."""

    store: str = doc("The class or function that keeps it.")
    cache: bool = doc("The file is named a cache (the class, the method writing it or what the write names says "
                      "`cache`): what is lost with it can be computed or fetched again.", default=False)
    caller_path: bool = doc("The loading and the writing method both open a path their caller passes (`save(path)`, "
                            "`load(path)`): an export/import API, whose file is wherever the caller says.", default=False)


@kind("python.import")
class Import(PythonFact):
    """A module's import of a top-level package (the first import of each): link checks it against the
    project's dependency declarations."""

    module: str = doc("The top-level package (`django`).")
    dotted: str = doc("The module as imported (`django.core.wsgi`).")
    deferred: str = doc("When the import runs, if not on import of the module (`when `export()` runs`, "
                        "`when `settings.USE_S3``); `\"\"`: at module level.", default="")
    fallback_for: tuple[str, ...] = doc("For an import in an `except ImportError:` handler, the top-level packages its "
                                        "`try` body imports: it runs only when they fail (`()` otherwise).",
                                        default=())


@kind("python.module_refs")
class ModuleRefs(PythonFact):
    """Every module a Python file may load (one per analyzed file, at line 1): link follows them from the modules
    production start commands run to tell which files a production process ever runs (`reach`)."""

    module: str = doc("The file's dotted module name (from its path).")
    imports: tuple[str, ...] = doc("The modules its import statements name, absolute (`pkg.mod`, and `pkg.mod.name` for "
                                   "`from pkg.mod import name`: it may be a submodule), in functions and guards too.")
    names: tuple[str, ...] = doc("Dotted strings that may name a module a framework loads by name (`\"app.urls\"`, "
                                 "`\"app.tasks.send\"`, `\"main:app\"`) and `.py` file names.")
    apps: tuple[str, ...] = doc("Django applications it installs (`INSTALLED_APPS` entries): each one's whole package "
                                "is loaded (models, admin, signals, tasks, commands).")
    dynamic: tuple[str, ...] = doc("Imports by a computed name: the literal dotted prefix of each (`app.plugins.` for "
                                   "`import_module(f\"app.plugins.{name}\")`), `.` for a package scan of its own "
                                   "package (`pkgutil.iter_modules`), `\"\"` for a name not known at all in a module "
                                   "that lists directories or reads entry points (a plugin loader).")
    start_calls: tuple[str, ...] = doc("Functions of other modules its start-up code (an app factory, a lifespan or "
                                       "startup hook, a web module's body) calls through an import, absolute "
                                       "(`app.db.init_db.main`): link counts their bodies as start-up code.",
                                       default=())
    flask_caches: tuple[str, ...] = doc("The names it binds Flask-Caching `Cache` objects to (`cache = Cache()`), `?` "
                                        "for one bound to no name (`Cache(app)`).", default=())
    cache_uses: tuple[str, ...] = doc("The names on which it uses a Flask-Caching method (`cache.get`, "
                                      "`@cache.cached`, `@cache.memoize`; not `init_app`), whatever they hold: "
                                      "link.unused_backends reads them.", default=())
    django_cache_calls: tuple[str, ...] = doc("How it uses Django's default cache (`django.core.cache.cache`), one "
                                              "entry per call: `get:<key>` for a `.get` of a literal key, "
                                              "`memo:<key>` for a `.set`/`.get_or_set` of a literal key with a "
                                              "timeout (a read-through memo's steps), "
                                              "else the method (`delete`, `incr`, `add`, `set` without a timeout, `?` "
                                              "for the cache handed on as a value): link.unused_backends reads them.",
                                              default=())
    daemon_calls: tuple[str, ...] = doc("The daemonizing functions and classes it calls, by name (`daemonize`, "
                                        "`Daemonizer`), `?` after one only an `if` on a daemon switch runs "
                                        "(`if args.daemon:`): link tells an opt-in daemon mode from a process that "
                                        "always detaches, and a library's daemonizer nobody calls.", default=())
    daemon_options: tuple[str, ...] = doc("Command-line options it declares that name a daemon mode (`--daemon`).",
                                          default=())
    session_uses: tuple[str, ...] = doc("What in it uses a Flask session beyond an imported `session`: `user_loader` "
                                        "(Flask-Login loading users back from the session), `flask.session`, "
                                        "`flask.flash` (link.unused_backends).", default=())
    session_stores: tuple[str, ...] = doc("The session extensions it initialises: `flask_session` (`Session(app)`), "
                                          "`flask_kvsession`, and `simplekv.<Store>` for each simplekv store it builds.",
                                          default=())
    limit_uses: tuple[str, ...] = doc("Where it declares rate limits: receivers of `.limit()`/`.shared_limit()` on a "
                                      "name saying `limit` (`@limiter.limit(...)`), and `default_limits`/"
                                      "`application_limits` (`**` for `**kwargs`) given to a `Limiter`.", default=())
    key_uses: tuple[str, ...] = doc("What in it signs with a web app's secret key that its imports do not show: "
                                    "`flask.session`/`flask.flash` through `import flask`, `SECRET_KEY` for a read of "
                                    "the key itself (`jwt.encode(..., app.config[\"SECRET_KEY\"])`, "
                                    "`current_app.secret_key`) other than handing it to another `SECRET_KEY`.",
                                    default=())
    uses: tuple[str, ...] = doc("What it calls, or passes to a call or puts in a dict, through an imported module, "
                                "absolute (`daemonize.start_server` after `from app.utils import daemonize`: "
                                "`app.utils.daemonize.start_server`), and `pkg.mod.*` for `from pkg.mod import *`; the "
                                "standard library is left out. With `imports`, link tells a module's function other "
                                "modules use from one nothing outside it names.", default=())


@kind("python.undeclared_import")
class UndeclaredImport(RolledUp):
    """An import that no dependency declaration of the project provides (made by link): one per module and set
    of declarations, at its first sure place; its other places are `places`."""

    module: str = doc("The top-level package (a namespace package's subpackage: `google.cloud.storage`).")
    checked: str = doc("The declaration files checked, comma-separated.")
    locks: str = doc("The lock files checked too, comma-separated (`\"\"`: none).", default="")
    doubt: str = doc("Why a clean install may have it or production may not need it after all (a lock file pins it, "
                     "a declared distribution's name resembles it, it is imported only in a function); `\"\"`: sure.",
                     default="")
    also: str = doc("The other places it is imported (`app/b.py:2, app/c.py:7`), `\"\"` when none.", default="")


@kind("python.sys_path_outside")
class SysPathOutside(PythonFact):
    """`sys.path` extended with a static path outside the project root."""

    expression: str = doc("The path expression, shortened to 120 characters.")
    resolved: str = doc("The path it resolves to, relative to the project root (`../common`).")
    inside: tuple[str, ...] = doc("Directories inside the project the entry may name instead: where a working-directory-"
                                  "relative entry lands from the script's own directory (`utils/` + `../apps`), and what "
                                  "an existence test around it falls back to (`elif os.path.exists(\"./apps\")`); link "
                                  "drops the fact when one of them exists.", default=())


@kind("python.parity_split")
class ParitySplit(Fact):
    """One module choosing a different kind of backing service by environment (made by link): a local kind
    (SQLite, a local-memory or dummy cache, an in-memory broker) in the branch an environment switch
    selects, a server (PostgreSQL, Redis, RabbitMQ) in another."""

    key: str = doc("The setting (`DATABASES.default.ENGINE`, `CACHES.default.BACKEND`, `SQLALCHEMY_DATABASE_URI`).")
    service: str = doc("What it locates: `database`, `cache` or `broker`.")
    local: str = doc("The local kind, in words (`SQLite`, `a local-memory cache`).")
    server: str = doc("The server kind elsewhere in the module, in words (`PostgreSQL`, `Redis`).")
    switch: str = doc("The condition selecting the local kind (`when APP_ENV is set`; `\"\"`: the server's branch has one).")
    server_line: int = doc("The line setting the server kind.")
