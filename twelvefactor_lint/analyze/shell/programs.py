"""What a simple command is, by its program and arguments: a web server, a worker, a migration...

The vocabulary of the process model (web server, app server, worker, scheduler, proxy, ...) and of
the start-time mistakes twelve-factor names: dev servers, migrations and build work at start.
"""

from __future__ import annotations

import re

WEB_SERVER, DEV_SERVER, WORKER, SCHEDULER, MIGRATION, BUILD, PROXY, MONITOR, APP, RUN_CMD = (
    "web_server", "dev_server", "worker", "scheduler", "migration", "build", "proxy", "monitor", "app", "run_cmd")
LONG_RUNNING = {WEB_SERVER, DEV_SERVER, WORKER, SCHEDULER, PROXY, MONITOR, APP, RUN_CMD}

_SERVERS = {"gunicorn", "uvicorn", "hypercorn", "daphne", "uwsgi", "waitress-serve", "granian", "bjoern",
            "gunicorn_django", "mod_wsgi-express", "meinheld", "twistd"}
_PROXIES = {"nginx", "traefik", "caddy", "haproxy", "envoy", "httpd", "apache2"}
_WORKERS = {"rqworker", "dramatiq", "huey_consumer", "huey_consumer.py", "arq", "faust", "kombu"}
_SCHEDULERS = {"cron", "crond", "rqscheduler", "supercronic"}
_INSTALLERS = {("pip", "install"), ("pip3", "install"), ("poetry", "install"), ("uv", "sync"), ("pipenv", "install"),
               ("npm", "ci"), ("npm", "install"), ("npm", "i"), ("yarn", "install"), ("pnpm", "install"),
               ("apt-get", "install"), ("apt", "install"), ("apk", "add"), ("yum", "install"), ("dnf", "install"),
               ("git", "clone"), ("git", "pull"), ("git", "checkout"), ("conda", "install"), ("bundle", "install")}
_ASSET_BUILDS = {("npm", "run"), ("yarn", "build"), ("yarn", "run"), ("pnpm", "build"), ("pnpm", "run"), ("webpack", ""),
                 ("vite", "build"), ("assets", "build"), ("pybabel", "compile")}
_BUILD_SCRIPT = re.compile(r"build|compile|dist|bundle|webpack|assets|css|prepare", re.IGNORECASE)
_MANAGE_BUILDS = {"collectstatic", "compilemessages", "compress", "assets"}
_MIGRATIONS = {("alembic", "upgrade"), ("aerich", "upgrade"), ("yoyo", "apply"), ("piccolo", "migrations")}


INTERPRETER_FLAGS = frozenset({"-u", "-O", "-OO", "-B", "-E", "-s", "-I"})
"""Python's own flags that may come before the script or `-m module` (`python -u main.py`)."""


_COMBINED_M = re.compile(r"-[uOBEsI]+m")
"""Interpreter flags run together with `-m` (`-um`, `-Bm`)."""


def python_target(argv: tuple[str, ...]) -> tuple[str, ...] | None:
    """`python -m gunicorn x` -> (`gunicorn`, `x`); `python manage.py migrate` -> (`manage.py`, `migrate`)."""
    name = argv[0].rsplit("/", 1)[-1] if argv else ""
    if not re.fullmatch(r"python[\d.]*|pypy3?", name):
        return None
    rest = [a for a in argv[1:] if a not in INTERPRETER_FLAGS]
    if rest and _COMBINED_M.fullmatch(rest[0]):  # `python -um app`: `-u -m app`
        rest[0] = "-m"
    if len(rest) >= 2 and rest[0] == "-m":
        return tuple(rest[1:])
    return tuple(rest) if rest and not rest[0].startswith("-") else None


_CHECKS_ONLY = frozenset({"--check", "--plan", "--dry-run", "--sql"})
"""Flags with which a migration command applies nothing: `manage.py migrate --check` (exits non-zero on unapplied
migrations) and `--plan` print or test the state, `alembic upgrade --sql` / `flask db upgrade --sql` print the SQL."""


def program_role(argv: tuple[str, ...]) -> str | None:
    """The role of a simple command in the process model, None for ordinary one-shot commands."""
    role = _role(argv)
    if role == MIGRATION and any(a.split("=", 1)[0] in _CHECKS_ONLY for a in argv):
        return None  # `migrate --check`: tests whether the schema is current, migrates nothing
    return role


def _role(argv: tuple[str, ...]) -> str | None:
    if not argv:
        return None
    target = python_target(argv)
    if target is not None:
        return _python_role(target)
    name = argv[0].rsplit("/", 1)[-1]
    args = argv[1:]
    words = [a for a in args if not a.startswith("-")]
    first = words[0] if words else ""
    if name in {"$@", "${@}"}:
        return RUN_CMD
    if _MIGRATE_THEN_SERVE.match(name):
        return APP
    if name in _SERVERS:
        return DEV_SERVER if _reloads(args) else WEB_SERVER
    if name == "flask" and first == "run" or name == "fastapi" and first == "dev":
        return DEV_SERVER
    if name == "fastapi" and first == "run":
        return WEB_SERVER
    if name == "django-admin" or name.endswith("manage.py"):
        return _manage_role(first)
    if name == "flask" and words[:2] == ["db", "upgrade"]:
        return MIGRATION
    if name == "flask" and words[:2] == ["assets", "build"]:
        return BUILD
    if (name, first) in _MIGRATIONS:
        return MIGRATION
    if name == "celery":
        return _celery_role(args)
    if name == "rq" and first == "worker" or name in _WORKERS:
        return WORKER
    if name in _SCHEDULERS:
        return SCHEDULER
    if name in _PROXIES:
        return PROXY
    if (name, first) in _ASSET_BUILDS and first == "run" and not _BUILD_SCRIPT.search(words[1] if len(words) > 1 else ""):
        return None  # `npm run start` / `serve` starts a server from what was built; it builds nothing
    if (name, first) in _INSTALLERS or (name, first) in _ASSET_BUILDS or (name, "") in _ASSET_BUILDS:
        return BUILD
    if name in {"watchmedo", "nodemon"}:
        return DEV_SERVER
    if name in {"echo", "printf", "logger"}:
        return None  # `echo "update-db"` says what happens next; it changes nothing
    return _project_command_role(words)


_MIGRATE_WORD = re.compile(r"^((update|upgrade|migrate)[-_](db|database|schema)|(db|database)[-_](upgrade|migrate))$")
"""A subcommand that names the schema change (`run-command main update-db`, `app db-upgrade`)."""


_MIGRATE_THEN_SERVE = re.compile(r"^(?:migrate[-_](?:and|then)[-_](?:serve|start|run)"
                                 r"|(?:serve|start|run)(?:[-_]server)?[-_]with[-_]migrations?)$")
"""A subcommand (or console script) whose name says it migrates and then serves (`migrate-and-serve`,
`serve-with-migrations`)."""


def migrates_then_serves(argv: tuple[str, ...]) -> bool:
    """The command's name says it migrates the database, then runs the server in the same process."""
    target = python_target(argv) or argv
    return any(_MIGRATE_THEN_SERVE.match(w.rsplit("/", 1)[-1]) for w in target[:3] if not w.startswith("-"))


def _project_command_role(words: list[str]) -> str | None:
    """A project's own console script given a management subcommand (`umap migrate`, `ftcli db upgrade`,
    `run-command main update-db`, `app collectstatic`): Django-style entry points and migration tools
    (`dbmate migrate`) alike. One that migrates and then serves (`app migrate-and-serve`) is the app."""
    if any(_MIGRATE_THEN_SERVE.match(w) for w in words[:2]):
        return APP
    if words[:1] == ["migrate"] or words[:2] == ["db", "upgrade"] or any(_MIGRATE_WORD.match(w) for w in words):
        return MIGRATION
    if words[:1] and words[0] in _MANAGE_BUILDS - {"assets"}:
        return BUILD
    return None


_PYTHON_TOOLS = frozenset({"venv", "virtualenv", "compileall", "py_compile", "ensurepip", "pip", "pip3", "json.tool",
                           "zipapp", "sysconfig", "site", "platform", "tabnanny", "pip_audit"})
"""Modules run with `python -m` that do one job and exit (make a venv, compile bytecode, print a setting): not the
project's app, so neither the process a line exists to run nor a long-running one."""


def _python_role(target: tuple[str, ...]) -> str | None:
    module, args = target[0], target[1:]
    words = [a for a in args if not a.startswith("-")]
    if module.endswith("manage.py"):
        return _manage_role(words[0] if words else "")
    if module == "http.server":
        return DEV_SERVER
    if module in {"pip", "pip3"} and words[:1] == ["install"]:
        return BUILD
    if module in _PYTHON_TOOLS:
        return None  # `python -m venv /tmp/venv`, `python -m compileall src`: a step that ends, no app process
    if module == "setup.py" or module.endswith("/setup.py"):
        return BUILD
    if module in _SERVERS or module in {"celery", "flask", "alembic", "rq", "dramatiq", "huey_consumer", "arq"}:
        return program_role((module, *args))
    if module.endswith(".py") or "." in module or module.isidentifier():
        return APP
    return None


_MANAGE_MIGRATE = re.compile(r"^(?!(?:check|show|make|test|plan|squash|fake|elasticsearch|opensearch|search|index|es|solr)_)"
                             r"[a-z0-9]+_migrate$|^migrate_schemas$")
"""A project's (or a library's) own management command whose name says it runs `migrate`: `distributed_migrate`
(migrate under a database lock), `cf_migrate` (migrate on Cloud Foundry's instance 0), `migrate_schemas`
(django-tenants, every tenant's schema). Commands named for looking at or writing migrations (`check_migrate`,
`makemigrations`, `showmigrations`) migrate nothing."""

_MANAGE_SERVERS = frozenset({"pyuwsgi", "run_gunicorn", "rungunicorn", "runuwsgi"})
"""Management commands that run a production server in the process (django-pyuwsgi's `pyuwsgi`, gunicorn's old
`run_gunicorn`): the long-running app itself."""


def _manage_role(subcommand: str) -> str | None:
    if subcommand in {"runserver", "runserver_plus"}:
        return DEV_SERVER
    if subcommand == "migrate" or _MANAGE_MIGRATE.match(subcommand):
        return MIGRATION
    if subcommand in _MANAGE_SERVERS:
        return APP
    if subcommand in _MANAGE_BUILDS:
        return BUILD
    if subcommand in {"rqworker", "qcluster", "process_tasks", "run_huey", "celery"}:
        return WORKER
    return None


def _celery_role(args: tuple[str, ...]) -> str | None:
    words = [a for a in args if not a.startswith("-")]
    if "worker" in words:
        return WORKER
    if "beat" in words:
        return SCHEDULER
    if "flower" in words:
        return MONITOR
    return None


def _reloads(args: tuple[str, ...]) -> bool:
    return any(a in {"--reload", "--reload-dir", "--py-autoreload"} or a.startswith(("--reload=", "--reload-dir=")) for a in args)


def embeds_beat(argv: tuple[str, ...]) -> bool:
    """`celery worker -B` / `--beat`: a scheduler embedded in a worker."""
    return any(a in {"-B", "--beat"} for a in argv) and "worker" in argv


_DEV_MODES = frozenset({"start-dev", "start:dev", "start_dev"})
"""Subcommands that start a server in its development mode (Keycloak's `kc.sh start-dev`, a Node app's
`npm run start:dev`): the server's own makers say it is not for production."""


def development_mode(argv: tuple[str, ...]) -> bool:
    """Whether the command starts a program in the development mode its subcommand names (`kc.sh start-dev`,
    `npm run start:dev`); a word an `echo` prints is not a command."""
    if not argv or argv[0].rsplit("/", 1)[-1] in {"echo", "printf", "logger"}:
        return False
    words = [a for a in argv[1:3] if not a.startswith("-")]
    return any(w in _DEV_MODES for w in words)


def build_step(argv: tuple[str, ...]) -> str:
    """What a build command does, flags aside (`python manage.py collectstatic --noinput` -> `manage.py
    collectstatic`, `pip install -r requirements.txt` -> `pip install requirements.txt`); "" for other commands.
    A start command and a Dockerfile RUN with the same step do the same build."""
    if program_role(argv) != BUILD:
        return ""
    target = python_target(argv) or argv
    return " ".join([target[0].rsplit("/", 1)[-1], *(w for w in target[1:] if not w.startswith("-"))])


def creates(step: str, path: str) -> bool:
    """Whether an install step (as `build_step` gives it) leaves `path` behind in the working directory: an in-tree
    `pip install -e .` or `setup.py install` the project's `.egg-info`, `npm install` its `node_modules`, `uv sync`
    or `poetry install` its `.venv`."""
    name = path.rstrip("/").rsplit("/", 1)[-1]
    words = step.split()
    program, first = (words + ["", ""])[:2]
    if name.endswith((".egg-info", ".egg-link")):
        return program == "setup.py" and first in {"install", "develop", "egg_info"} \
            or program in {"pip", "pip3"} and first == "install" and any(w.startswith(".") for w in words[2:])
    if name == "node_modules":
        return program in {"npm", "yarn", "pnpm"} and first in {"install", "ci", "i"}
    if name in {".venv", "venv"}:
        return (program, first) in {("uv", "sync"), ("poetry", "install"), ("pipenv", "install")}
    return False


def build_kind(argv: tuple[str, ...]) -> str:
    """`install` for installs and checkouts, `assets` for asset and static-file builds."""
    target = python_target(argv) or argv
    name = target[0].rsplit("/", 1)[-1]
    subcommand = target[1] if len(target) > 1 else ""
    if name.endswith("manage.py") or name in {"webpack", "vite", "assets", "pybabel"} or subcommand in _MANAGE_BUILDS:
        return "assets"
    if name in {"npm", "yarn", "pnpm"} and subcommand not in {"install", "ci", "i"}:
        return "assets"
    return "install"
