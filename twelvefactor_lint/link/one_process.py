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

The other way round, a request handler's write gets `several_processes` (TF601's proof for `error`) when a production
deploy file proves that several processes serve requests: a web server started with more than one worker (`gunicorn
-w 4`, `uvicorn --workers 3`, hypercorn `-w`, uwsgi `--processes`), a server config saying so (gunicorn's `workers = 4`
or `multiprocessing.cpu_count() * 2 + 1`, which is at least 3; a uWSGI ini's `processes`/`workers`), `WEB_CONCURRENCY`
set above 1 by a deploy file for a gunicorn or uvicorn start that leaves its count to it, or more than one copy of a
serving process (compose `deploy.replicas`/`scale`, a Kubernetes workload's `replicas`, kustomize overlay or HPA, a
Heroku formation's quantity). A job handler's (a Celery task's) gets it when a production worker start runs more than
one copy or tells Celery to run more than one process (`--concurrency 4`). Without such proof the write gets
`served_by` instead: the deploy's serving start, in words, whose count is unknown or the server's default of one.

A start proves (or hints) only for the modules it runs: those under the directory of the file declaring it (its
service directory: a Dockerfile at the root covers the whole project), under the import root of an application its
command names (`gunicorn bugbug_http.app` resolves to `http_service/bugbug_http/app.py`: all of `http_service/`),
or imported from that application, transitively. A start whose application is not resolved (a server config names
it, the project's console script) may run any module, and so may Kubernetes workloads, HPAs and the app's own server
call, which name no application. So in a repository of several services, the three gunicorn workers of one service say
nothing of the module state of another that a single uvicorn process serves. Worker starts count for job handlers
the same way.
"""

from __future__ import annotations

import ast
import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial

from twelvefactor_lint.analyze.python.handlers import JOB, REQUEST
from twelvefactor_lint.analyze.shell.programs import APP, DEV_SERVER, WEB_SERVER, WORKER
from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService, Scaled
from twelvefactor_lint.facts.kubernetes import Hpa, Workload
from twelvefactor_lint.facts.platform import EnvVar
from twelvefactor_lint.facts.process import AppTarget, Started
from twelvefactor_lint.facts.python import Call, ModuleRefs, PythonFact, Setting, StateMutation
from twelvefactor_lint.link.reach import Modules, console_scripts, module_loads, start_targets

Runs = Callable[[str], bool]
"""Whether a start runs (serves or imports) the module at a path."""
_ANYWHERE: Runs = lambda path: True  # noqa: E731

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


def _shown(command: str, limit: int = 60) -> str:
    return command if len(command) <= limit else command[:limit - 3].rstrip() + "..."


def _at_least(expression: str) -> int:
    """The least value of a worker-count expression, counting one CPU for `cpu_count()` (`multiprocessing.cpu_count()
    * 2 + 1` is at least 3); 0 when it reads anything else (the environment, a name)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return 0

    def value(node: ast.expr) -> int | None:
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.Call) and not node.keywords:
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            args = [value(a) for a in node.args]
            if any(a is None for a in args):
                return None
            if name == "cpu_count" and not args:
                return 1
            if name in ("max", "min", "int") and args:
                return {"max": max, "min": min, "int": lambda *a: a[0]}[name](*args)  # type: ignore[operator]
            return None
        if isinstance(node, ast.BinOp):
            left, right = value(node.left), value(node.right)
            if left is None or right is None:
                return None
            if isinstance(node.op, ast.Add):
                return left + right
            if isinstance(node.op, ast.Mult):
                return left * right
            if isinstance(node.op, ast.FloorDiv) and right:
                return left // right
        return None

    found = value(tree.body)
    return found if found is not None and found > 0 else 0


def _config_workers(facts: list[Fact]) -> list[tuple[int, str]]:
    """The worker counts production server configs set, with their words: gunicorn's `workers` (a literal, a
    `cpu_count()` expression at its least, or the fallback of an environment read no deploy file sets), a uWSGI
    ini's `processes`/`workers`. A count 0: set, but not known."""
    deployed = {f.name for f in facts if isinstance(f, EnvVar) and _production(f.path)}
    found = []
    for fact in facts:
        if isinstance(fact, Setting) and fact.source == "server_config" and fact.key == "workers" \
                and _production(fact.path):
            where = f"{fact.path}:{fact.line}"
            if fact.origin == "literal" and fact.value.isdigit():
                found.append((int(fact.value), f"`workers = {fact.value}` ({where})"))
            elif fact.origin in ("expr", "expression") and _at_least(fact.value):
                found.append((_at_least(fact.value), f"`workers = {_shown(fact.value)}`, at least "
                                                      f"{_at_least(fact.value)} ({where})"))
            elif fact.origin == "env_default" and fact.value.isdigit() and fact.env_key \
                    and fact.env_key not in deployed and "*" not in deployed:
                found.append((int(fact.value), f"`workers` falling back to {fact.value} when `${fact.env_key}` is "
                                               f"unset, which no deploy file sets ({where})"))
            elif fact.origin == "env_default" and fact.value.isdigit() and fact.env_key:
                found.append((0, f"`workers` falling back to {fact.value} when `${fact.env_key}` is unset, which "
                                 f"the deploy's environment may set ({where})"))
            else:
                found.append((0, ""))
        elif isinstance(fact, AppTarget) and _production(fact.path) and fact.workers:
            found.append((fact.workers, f"uWSGI `processes = {fact.workers}` ({fact.path})"))
    return found


_CONCURRENCY = re.compile(r"(?:^|\s)(?:-c\s*|--concurrency[=\s]+)(\d+)(?=\s|$)")
_ONE_PROCESS_POOLS = re.compile(r"(?:^|\s)(?:-P\s*|--pool[=\s]+)(solo|threads|gevent|eventlet)(?=\s|$)")


def _celery_processes(command: str) -> int:
    """The literal number of worker processes a `celery worker` command line asks for (`-c 4`, `--concurrency=4`);
    1 for a pool that runs in one process (`-P solo`, `threads`, `gevent`); 0: not given (one per CPU)."""
    if "celery" not in command:
        return 0
    if _ONE_PROCESS_POOLS.search(command):
        return 1
    counts = _CONCURRENCY.findall(command)
    return int(counts[-1]) if counts else 0


def _serving_workloads(facts: list[Fact]) -> set[str]:
    """The Kubernetes workloads that serve requests: those whose container command starts a web server, and those
    that run their image's own start (no command) in a project whose production image starts one."""
    serving = [f for f in facts if isinstance(f, Started) and _serving(f)]
    by_command = {f.workload for f in serving if f.workload}
    image_serves = any(f.level == "image" for f in serving)
    return by_command | {f.workload for f in facts if isinstance(f, Workload) and not f.has_command and not f.one_off
                         and image_serves and f.role != "infra" and not f.foreign_image}


def _under(path: str, directory: str) -> bool:
    return not directory or path.startswith(directory.rstrip("/") + "/")


def _import_root(path: str, modules: Modules) -> str:
    """The directory a module's top package is imported from (`http_service` for
    `http_service/bugbug_http/app.py` when `bugbug_http/` holds an `__init__.py`; the file's own directory else)."""
    directory = posixpath.dirname(path)
    while directory and posixpath.join(directory, "__init__.py") in modules.paths:
        directory = posixpath.dirname(directory)
    return directory


def _nearest(found: set[str], root: str) -> set[str]:
    """Of the files an import may name, those under the importer's own import root when there are (`app.config`
    imported by one service's `app/main.py` is its own, not the `app/config.py` of a sibling service)."""
    if len(found) < 2:
        return found
    return {f for f in found if _under(f, root)} or found


class _Starts:
    """Which modules each production start runs (see the module docstring): `runs(start)` answers for a path."""

    def __init__(self, facts: list[Fact], paths: Iterable[str]):
        self.modules = Modules(p for p in paths if p.endswith(".py"))
        self.scripts = console_scripts(facts)
        self.refs = {f.path: f for f in facts if isinstance(f, ModuleRefs)}
        self.cache: dict[int, Runs] = {}

    def runs(self, start: Started) -> Runs:
        if id(start) not in self.cache:
            self.cache[id(start)] = self._runs(start)
        return self.cache[id(start)]

    def _runs(self, start: Started) -> Runs:
        declared = posixpath.dirname(start.started_by_path or start.path)
        targets, loaded = start_targets(start.command, self.modules, self.scripts)
        if not declared or not targets:
            return _ANYWHERE
        own = {t for t in targets if _under(t, declared)}  # `app.main` of each service: the one beside its deploy file
        targets = own or targets
        roots = {declared, *(_import_root(t, self.modules) for t in targets)}
        if "" in roots:
            return _ANYWHERE
        closure: list[set[str] | None] = []

        def runs(path: str) -> bool:
            if any(_under(path, root) for root in roots):
                return True
            if not closure:
                closure.append(self._closure(targets | loaded))
            reached = closure[0]
            return reached is None or path in reached

        return runs

    def _closure(self, started: set[str]) -> set[str] | None:
        """The project files the started ones import, transitively, as reach follows them; None when a production one
        was not analyzed (what it imports is not known) or imports a module of the project by a name it computes."""
        reached: set[str] = set()
        pending = list(started)
        while pending:
            path = pending.pop()
            if path in reached:
                continue
            reached.add(path)
            pending += self.modules.parents(path)
            ref = self.refs.get(path)
            if ref is None and _production(path):
                return None
            if ref is None:
                continue  # a test or script module production code imports: its imports are not followed by reach
            root = _import_root(path, self.modules)
            found, doubt = module_loads(path, ref, self.modules, partial(_nearest, root=root))
            if doubt:
                return None
            pending += found
        return reached


Found = list[tuple[str, Runs]]
"""Words of a deploy, each with the modules the start it speaks of runs."""


def _several_serving(facts: list[Fact], starts_run: _Starts) -> tuple[Found, Found]:
    """(proof, hints): the words of every production deploy that runs several processes serving requests, and of
    the serving starts whose count is left unknown (the server's default, `$WEB_CONCURRENCY`, a chart's default),
    each with the modules its start runs. A project that starts its server in its own code (`uvicorn.run(app)` from
    `python main.py`) serves from each copy of the app process that runs it."""
    in_process = any(isinstance(f, Call) and f.api in ("serve", "embedded_server") and _production(f.path)
                     for f in facts)
    proof: Found = []
    hints: Found = []

    def prove(runs: Runs, words: str) -> None:
        proof.append((words, runs))

    def hint(runs: Runs, words: str) -> None:
        hints.append((words, runs))

    starts = sorted((f for f in facts if isinstance(f, Started) and _serving(f)), key=lambda f: (f.path, f.line))
    configs = _config_workers(facts)
    configured = [(n, words) for n, words in configs if n > 1]
    concurrency = sorted({(f.value, f.where) for f in facts if isinstance(f, EnvVar) and f.name == "WEB_CONCURRENCY"
                          and _production(f.path) and f.value.isdigit() and int(f.value) > 1})
    apps = sorted((f for f in facts if isinstance(f, Started) and f.main_role == APP and f.replicas > 1
                   and _production(f.started_by_path or f.path) and f.role != "infra" and not f.dev_image
                   and in_process), key=lambda f: (f.path, f.line))
    for start in [*starts, *apps]:
        runs = starts_run.runs(start)
        where = f"{start.source}, {start.path}:{start.line}"
        main = f"`{_shown(start.main or start.command)}`"
        if start.replicas > 1 and not start.replicas_condition:
            prove(runs, f"{main} runs as {start.replicas} copies ({where})")
        elif start.replicas > 1:
            hint(runs, f"{main} runs as {start.replicas} copies {start.replicas_condition} ({where})")
        if start.main_role != WEB_SERVER or start in apps:
            continue
        if start.workers > 1:
            prove(runs, f"{main} runs {start.workers} worker processes ({where})")
        elif start.workers == 0 and configured:
            prove(runs, f"{main} ({where}) runs the worker count of its config, {configured[0][1]}")
        elif start.workers == 0 and concurrency and not configs and re.search(r"gunicorn|uvicorn", start.main):
            value, env_where = concurrency[0]
            prove(runs, f"{main} ({where}) runs `WEB_CONCURRENCY={value}` worker processes, set by {env_where}")
        elif start.workers == 0 and configs:
            unknown = next((words for _, words in configs if words), "")
            hint(runs, f"{main} in {start.source} at {start.path}:{start.line} runs the worker count of its config"
                         + (f", {unknown}" if unknown else ", which does not say it is above one"))
        elif start.workers == 0:
            hint(runs, f"{main} in {start.source} at {start.path}:{start.line} leaves its worker count to the "
                         f"server's default of one, unless `$WEB_CONCURRENCY` or a config raises it")
    images = {f.path for f in starts if f.level == "image"}

    def image_runs(dockerfile: str) -> Runs:
        runs = [starts_run.runs(f) for f in starts if f.level == "image" and f.path == dockerfile]
        return lambda path: any(run(path) for run in runs)

    for service in sorted((f for f in facts if isinstance(f, ComposeService) and f.replicas > 1 and not f.command
                           and f.role != "infra" and f.built_dockerfile in images and _production(f.path)),
                          key=lambda f: (f.path, f.line)):
        prove(image_runs(service.built_dockerfile),
              f"compose service `{service.service}` runs {service.replicas} copies of the server its image "
              f"`{service.built_dockerfile}` starts ({service.path}:{service.line})")
    for call in sorted((f for f in facts if isinstance(f, Call) and f.api == "serve" and f.has_workers
                        and _production(f.path)), key=lambda f: (f.path, f.line)):
        count = int(call.workers) if call.workers_origin == "literal" and call.workers.isdigit() else 0
        if count > 1:
            prove(_ANYWHERE, f"the app's own server call runs {count} worker processes (`workers={count}` at "
                         f"{call.path}:{call.line})")
    serving = _serving_workloads(facts)
    for fact in sorted((f for f in facts if isinstance(f, Workload) and f.workload in serving and not f.has_command),
                       key=lambda f: (f.path, f.line)):
        if fact.replicas > 1 and not fact.replicas_condition:
            prove(_ANYWHERE, f"{fact.source} runs {fact.replicas} replicas of the image's server ({fact.path})")
    for hpa in sorted((f for f in facts if isinstance(f, Hpa) and f.workload in serving), key=lambda f: f.path):
        prove(_ANYWHERE, f"a HorizontalPodAutoscaler scales `{hpa.workload}`, which serves requests ({hpa.path})")
    return proof, hints


def _several_working(facts: list[Fact], starts_run: _Starts) -> tuple[Found, Found]:
    """(proof, hints): the words of every production worker start that runs several processes (more than one copy,
    or a Celery concurrency above one), and of the Celery workers left to their default (a process per CPU), each with
    the modules its start runs."""
    proof: Found = []
    hints: Found = []
    for start in sorted((f for f in facts if isinstance(f, Started) and _production(f.started_by_path or f.path)
                         and f.main_role == WORKER and not f.dev_image and f.role != "infra"),
                        key=lambda f: (f.path, f.line)):
        runs = starts_run.runs(start)
        where = f"{start.source}, {start.path}:{start.line}"
        command = start.main or start.command
        main = f"`{_shown(command)}`"
        processes = _celery_processes(command)
        if start.replicas > 1 and not start.replicas_condition:
            proof.append((f"{main} runs as {start.replicas} copies ({where})", runs))
        if processes > 1:
            proof.append((f"{main} runs {processes} worker processes ({where})", runs))
        elif not processes and "celery" in command:
            hints.append((f"{main} in {start.source} at {start.path}:{start.line} runs Celery's default pool of one "
                          f"process per CPU, which a one-CPU container makes one", runs))
    return proof, hints


def _words(found: list[str]) -> str:
    return found[0] + (f" (and {len(found) - 1} more)" if len(found) > 1 else "") if found else ""


def _for(found: Found, path: str) -> str:
    """The words of the deploys whose start runs the module at `path`."""
    return _words(list(dict.fromkeys(words for words, runs in found if runs(path))))


def link(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    if not any(isinstance(f, StateMutation) and f.context in (REQUEST, JOB) for f in facts):
        return facts
    paths = list(paths)
    words = _in_process(facts, paths) or _one_worker(facts)
    starts = _Starts(facts, paths)
    proof, hints = _several_serving(facts, starts)
    working, waiting = _several_working(facts, starts)
    told: dict[tuple[str, str], tuple[str, str]] = {}

    def told_of(context: str, path: str) -> tuple[str, str]:
        """(several_processes, served_by) of a request (or job) handler's write in the module at `path`."""
        if context == REQUEST and words:
            return "", ""
        if (context, path) not in told:
            several, unknown = (proof, hints) if context == REQUEST else (working, waiting)
            found = _for(several, path)
            told[context, path] = found, "" if found else _for(unknown, path)
        return told[context, path]

    def linked(fact: Fact) -> Fact:
        if not isinstance(fact, StateMutation):
            return fact
        if fact.context == REQUEST:
            several, served = told_of(REQUEST, fact.path)
            return replace(fact, one_process=words, several_processes=several, served_by=served)
        if fact.context == JOB:
            several, served = told_of(JOB, fact.path)
            return replace(fact, several_processes=several, served_by=served)
        return fact

    return [linked(f) for f in facts]
