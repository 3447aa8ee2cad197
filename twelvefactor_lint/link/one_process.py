"""Link phase 2c, one serving process: a project that serves its requests from a server it starts itself.

An application that builds its ASGI server and runs it inside its own process (`uvicorn.Server(config)` in a
thread of a bot, `uvicorn.run(app)` from its own main, aiohttp's `run_app`, waitress) serves every request from
that one process: module-level state its request handlers write is not split between copies unless the process
itself is copied. So when the project starts such a server and no production deploy file runs a web server
(gunicorn, uwsgi, a server CLI: their workers are copies), names a server config (a uWSGI ini's `module`,
gunicorn's config module), or runs more than one copy of any process (compose `deploy.replicas`/`scale`, a
Kubernetes workload, a Heroku formation), each request handler's `python.state_mutation` gets `one_process`:
the server, in words. TF601 then judges the state a warning, not an error: per-process, but one process.
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
from twelvefactor_lint.facts.python import Call, PythonFact, StateMutation

_SERVING_ROLES = frozenset({WEB_SERVER, DEV_SERVER})


def _production(path: str) -> bool:
    return scope.classify(path) == scope.PROD


def _served_elsewhere(facts: list[Fact], paths: Iterable[str]) -> bool:
    """A production deploy file runs a web server or a server config, or more than one copy of a process."""
    if any(posixpath.basename(p).startswith("gunicorn") and _production(p) for p in paths):
        return True
    for fact in facts:
        if isinstance(fact, (Scaled, ComposeService)) and fact.replicas > 1 and fact.role != "infra":
            return True
        if isinstance(fact, AppTarget) or isinstance(fact, PythonFact) and fact.module_kind == "server_config":
            return True
        if isinstance(fact, Started) and _production(fact.started_by_path or fact.path) and fact.role != "infra" \
                and not fact.dev_image and _SERVING_ROLES & set(fact.roles):
            return True
    return False


def link(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    servers = sorted((f for f in facts if isinstance(f, Call) and f.api in ("serve", "embedded_server")
                      and f.one_process and _production(f.path)), key=lambda f: (f.path, f.line))
    writes = [f for f in facts if isinstance(f, StateMutation) and f.context == REQUEST]
    if not servers or not writes or _served_elsewhere(facts, paths):
        return facts
    first = servers[0]
    sites = len({(f.path, f.line) for f in servers})  # `uvicorn.Server(uvicorn.Config(app))` is one server
    more = f" (and {sites - 1} more)" if sites > 1 else ""
    words = (f"the app runs its server inside its own process (`{first.one_process}` at {first.path}:{first.line}"
             f"{more}) and no deploy file runs a web server or a second copy")
    return [replace(f, one_process=words) if isinstance(f, StateMutation) and f.context == REQUEST else f
            for f in facts]
