"""Link phase 2c, one serving process: a project that serves its requests from a server it starts itself.

An application that builds its ASGI server and runs it inside its own process (`uvicorn.Server(config)` in a
thread of a bot, `uvicorn.run(app)` from its own main, aiohttp's `run_app`, waitress) serves every request from
that one process: module-level state its request handlers write is not split between copies unless the process
itself is copied. So when the project starts such a server and no production deploy file runs a web server
(gunicorn, uwsgi, a server CLI: their workers are copies), names a server config (a uWSGI ini's `module`,
gunicorn's config module), or runs more than one copy of any process (compose `deploy.replicas`/`scale`, a
Kubernetes workload, a Heroku formation), each request handler's `python.state_mutation` gets `one_process`:
the server, in words. TF601 then judges the state a warning, not an error: per-process, but one process.

The same holds for a project whose deploy files run a pre-fork server told to run one worker: when every production
start that serves requests is a web server given exactly one worker process (`gunicorn --workers=1`, `-w 1`, `uwsgi
--processes 1`, or, with no count on its command line, every production server config saying so: gunicorn's
`workers = 1`, a uWSGI ini's `processes = 1`) and nothing runs more than one copy of any process, that worker serves
every request (its threads share the module state). A count left to the server's default is not evidence:
`$WEB_CONCURRENCY` may raise it.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.analyze.python.handlers import REQUEST
from twelvefactor_lint.analyze.shell.programs import DEV_SERVER, WEB_SERVER
from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService, Scaled
from twelvefactor_lint.facts.process import AppTarget, Started
from twelvefactor_lint.facts.python import Call, PythonFact, Setting, StateMutation

_SERVING_ROLES = frozenset({WEB_SERVER, DEV_SERVER})


def _production(path: str) -> bool:
    return scope.classify(path) == scope.PROD


def _serving(fact: Fact) -> bool:
    return isinstance(fact, Started) and _production(fact.started_by_path or fact.path) and fact.role != "infra" \
        and not fact.dev_image and bool(_SERVING_ROLES & set(fact.roles))


def _served_elsewhere(facts: list[Fact], paths: Iterable[str]) -> bool:
    """A production deploy file runs a web server or a server config, or more than one copy of a process."""
    if any(posixpath.basename(p).startswith("gunicorn") and _production(p) for p in paths):
        return True
    for fact in facts:
        if _copies(fact) or _serving(fact):
            return True
        if isinstance(fact, AppTarget) or isinstance(fact, PythonFact) and fact.module_kind == "server_config":
            return True
    return False


def _copies(fact: Fact) -> bool:
    return isinstance(fact, (Scaled, ComposeService)) and fact.replicas > 1 and fact.role != "infra"


def _in_process(facts: list[Fact], paths: Iterable[str]) -> str:
    servers = sorted((f for f in facts if isinstance(f, Call) and f.api in ("serve", "embedded_server")
                      and f.one_process and _production(f.path)), key=lambda f: (f.path, f.line))
    if not servers or _served_elsewhere(facts, paths):
        return ""
    first = servers[0]
    sites = len({(f.path, f.line) for f in servers})  # `uvicorn.Server(uvicorn.Config(app))` is one server
    more = f" (and {sites - 1} more)" if sites > 1 else ""
    return (f"the app runs its server inside its own process (`{first.one_process}` at {first.path}:{first.line}"
            f"{more}) and no deploy file runs a web server or a second copy")


def _configured_workers(facts: list[Fact]) -> int:
    """The worker count every production server config sets (gunicorn's `workers`, a uWSGI ini's `processes`), when
    they all set the same literal; 0 otherwise (none set, a value read from the environment, several counts)."""
    counts = {int(f.value) if f.origin == "literal" and f.value.isdigit() else 0 for f in facts
              if isinstance(f, Setting) and f.source == "server_config" and f.key == "workers" and _production(f.path)}
    counts |= {f.workers for f in facts if isinstance(f, AppTarget) and _production(f.path)}
    return counts.pop() if len(counts) == 1 else 0


def _one_worker(facts: list[Fact]) -> str:
    """Every production start that serves requests runs a web server told to run one worker, and nothing runs a
    second copy: that worker serves every request."""
    if any(_copies(f) for f in facts):
        return ""
    starts = sorted((f for f in facts if isinstance(f, Started) and _serving(f)), key=lambda f: (f.path, f.line))
    configured = _configured_workers(facts)
    if not starts or any(f.main_role != WEB_SERVER or (f.workers or configured) != 1 for f in starts):
        return ""
    paths = list(dict.fromkeys(f.path for f in starts))
    more = f" and {len(paths) - 1} more" if len(paths) > 1 else ""
    how = "its command line" if all(f.workers for f in starts) else "its config"
    return (f"every production start runs its web server with one worker process, as {how} says ({paths[0]}{more}), "
            f"and no deploy runs a second copy")


def link(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    if not any(isinstance(f, StateMutation) and f.context == REQUEST for f in facts):
        return facts
    words = _in_process(facts, paths) or _one_worker(facts)
    if not words:
        return facts
    return [replace(f, one_process=words) if isinstance(f, StateMutation) and f.context == REQUEST else f
            for f in facts]
