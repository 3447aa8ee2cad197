"""PID files nothing reads, and a systemd unit that only describes a server which daemonizes itself.

A PID file in `/tmp` that no start command of the project names is inert (`inert`): the server writes it, nothing
kills, signals or reloads the server by it, and the container's scratch space starts empty each time.

A gunicorn config with `daemon = True` and `pidfile = "gunicorn.pid"` forces the unit that starts it to say
`Type=forking` and `PIDFile=.../gunicorn.pid`: systemd tracks a forking service through that file. The
server's setting is the problem (TF801 reports it where it is set); the unit's two lines are its consequence,
one problem reported twice more. A unit whose `PIDFile=` names the PID file such a config writes loses
its `Type=forking` fact (and any PID file fact of its command).

Python code that detaches the process (the double fork around `os.setsid()`, `DaemonContext()`) is judged by who
calls it, by name (`ModuleRefs.daemon_calls`). Called only under an `if` on a daemon switch (`if args.daemon:`), it
is an opt-in mode (`--daemon`), not how the process runs: its `condition` says so, one severity lower. A definition
in a vendored library (a `vendor/` or `third_party/` directory, or a root `lib/` bundling many packages) that no
code of the project itself calls is the library's feature, not the project's: dropped (when every module was read).
A project function reached only through functions of its own module (`Call.reached_through`) that no other module,
console script or start command names, in a module other modules import for something else, is dead code: dropped
too (when every module was read).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable
from dataclasses import replace

from twelvefactor_lint.analyze.python.api_calls import LIVE
from twelvefactor_lint.devprod import names_prod_file
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.kubernetes import Workload
from twelvefactor_lint.facts.process import Daemonizes, PidFile, ProcessStart
from twelvefactor_lint.facts.python import Call, ModuleRefs, Setting
from twelvefactor_lint.link.reach import Modules

_SCRATCH = ("/tmp/", "/var/tmp/")


def link(facts: list[Fact], paths: Iterable[str] = (), complete: bool = True) -> list[Fact]:
    facts = _container_deployed_units(_daemon_modes(_inert_pid_files(facts), _vendored(paths), complete))
    server_settings = [f for f in facts if isinstance(f, Setting) and f.source == "server_config"]
    daemonizing = {f.path for f in server_settings if f.key == "daemon" and f.value == "True"}
    pid_files = {posixpath.basename(f.value) for f in server_settings
                 if f.key == "pidfile" and f.origin == "literal" and f.path in daemonizing}
    if not pid_files:
        return facts
    units = {f.path for f in facts if isinstance(f, Daemonizes) and f.declared
             and posixpath.basename(f.pid_file) in pid_files}
    return [f for f in facts if not (isinstance(f, (Daemonizes, PidFile)) and f.path in units)]


def _inert_pid_files(facts: list[Fact]) -> list[Fact]:
    """A PID file in `/tmp` that no start command names (to kill, signal or reload the server by it) is written and
    never read: the container's scratch space starts empty each time, so it cannot even go stale."""
    commands = " ".join(f.command for f in facts if isinstance(f, ProcessStart))
    return [replace(f, inert=True) if isinstance(f, PidFile) and f.target.startswith(_SCRATCH)
            and f.target not in commands else f for f in facts]


_WRAPPERS = frozenset({"exec", "env", "nice", "ionice", "nohup", "sudo", "chpst", "setuidgid", "s6-setuidgid", "gosu",
                       "su-exec", "runuser", "tini", "dumb-init", "poetry", "pipenv", "uv", "run"})
_GENERIC = frozenset({"sh", "bash", "dash", "zsh", "python", "python3", "screen", "tmux", "docker", "docker-compose",
                      "podman", "make", "npm", "node", "java", "true", "false", "echo", "test", "["})
_BIN_VARIABLE = re.compile(r"^\$\{?([A-Za-z][A-Za-z0-9]*)_(?:BIN|CMD|EXE|PATH)\}?$")


def _programs(command: str) -> set[str]:
    """The programs a command line runs, by name (`/srv/venv/bin/celery` and `python -m celery` are `celery`;
    `${CELERY_BIN}`, the stock celery unit's variable, is `celery`); shells, interpreters, wrappers and
    container tools are no program of the app."""
    found: set[str] = set()
    for segment in re.split(r"&&|\|\||[;|\n]", command):
        words = segment.replace("'", " ").replace('"', " ").split()
        while words and (posixpath.basename(words[0]) in _WRAPPERS or "=" in words[0] or words[0].startswith("-")):
            words = words[1:]
        if not words:
            continue
        first = words[0]
        variable = _BIN_VARIABLE.match(first)
        name = variable[1].lower() if variable else posixpath.basename(first)
        if re.fullmatch(r"python[\d.]*", name) and "-m" in words[:-1]:
            name = words[words.index("-m") + 1]
        if name and name not in _GENERIC and not re.fullmatch(r"python[\d.]*", name) and not name.startswith("$"):
            found.add(name)
    return found


def _container_deployed_units(facts: list[Fact]) -> list[Fact]:
    """A systemd unit that starts a program the repository's production container deploy also runs (a Kubernetes
    workload of the project's app named for it or running it, a service of a compose file named for production): the
    unit is a legacy or alternative host install's, beside the deploy that runs the app; its forking and PID file
    lines are said at info, naming that deploy. A repository whose only deploy is the units keeps them."""
    units = {f.path: f for f in facts if isinstance(f, ProcessStart) and f.path.endswith(".service")}
    if not units:
        return facts
    deployed: dict[str, str] = {}
    for fact in facts:
        if fact.dev_only:
            continue
        if isinstance(fact, Workload) and fact.role == "app":
            for name in (fact.name, fact.container):
                deployed.setdefault(name, f"{fact.source} in {fact.path}")
        elif isinstance(fact, ProcessStart) and (fact.workload or fact.service and names_prod_file(
                posixpath.basename(fact.path))) and not fact.path.endswith(".service"):
            for name in _programs(fact.command):
                deployed.setdefault(name, f"{fact.source} in {fact.path}")
    if not deployed:
        return facts
    by_unit = {path: next((deployed[p] for p in sorted(_programs(start.command)) if p in deployed), "")
               for path, start in units.items()}
    return [replace(f, container_deploy=by_unit[f.path]) if isinstance(f, (Daemonizes, PidFile))
            and by_unit.get(f.path) else f for f in facts]


_VENDOR_DIRS = frozenset({"vendor", "vendored", "_vendor", "third_party", "thirdparty", "third-party", "3rdparty"})
_LIBRARY_DIRS = frozenset({"lib", "libs"})
_BUNDLE = 10
"""A root `lib/` holding this many top-level packages and modules is a bundle of libraries shipped with the
project (Tautulli's `lib/cherrypy`, `lib/plexapi`, ...), not the project's own code laid out under `lib/`."""


def _vendored(paths: Iterable[str]) -> Callable[[str], bool]:
    """Whether a repository file is a vendored library's: under a vendor-named directory, or in a package of a root
    `lib/` bundling many."""
    tops: dict[str, set[str]] = {}
    for path in paths:
        parts = path.split("/")
        if len(parts) > 1 and parts[0] in _LIBRARY_DIRS and path.endswith(".py"):
            tops.setdefault(parts[0], set()).add(parts[1].removesuffix(".py"))
    bundles = {directory for directory, names in tops.items() if len(names) >= _BUNDLE}

    def vendored(path: str) -> bool:
        parts = path.split("/")
        return any(p in _VENDOR_DIRS for p in parts[:-1]) or len(parts) > 2 and parts[0] in bundles
    return vendored


def _daemon_modes(facts: list[Fact], vendored: Callable[[str], bool], complete: bool) -> list[Fact]:
    """A daemonizing call judged by the project's calls of its function or class (or of `DaemonContext`): all under
    a daemon switch -> opt-in (`condition`); none, in a vendored library -> dropped."""
    detaching = [f for f in facts if isinstance(f, Call) and (f.api == "daemonize" or f.api == "setsid" and f.daemon_idiom)]
    if not detaching:
        return facts
    refs = [f for f in facts if isinstance(f, ModuleRefs)]
    calls = [(r.path, call) for r in refs for call in r.daemon_calls]
    options = sorted({o for r in refs if not vendored(r.path) for o in r.daemon_options})
    used = _used_elsewhere(facts, refs)
    judged: dict[int, Fact | None] = {}
    for fact in detaching:
        names = {_called_as(fact.function), *(("DaemonContext",) if fact.api == "daemonize" else ())} - {""}
        method = fact.function.rpartition(".")[2] if "." in fact.function else ""
        # a method is also called by its own name in its module (`if self.run_as_daemon: self.daemonize()`)
        matching = [(path, call) for path, call in calls
                    if call.rstrip("?") in names or path == fact.path and method and call.rstrip("?") == method]
        project = [call for path, call in matching if not vendored(path)]
        own = project + [call for path, call in matching if vendored(fact.path) and _package(path) == _package(fact.path)]
        if vendored(fact.path) and not project and complete:
            judged[id(fact)] = None
        elif complete and all(path == fact.path for path, _ in matching) and fact.reached_through \
                and LIVE not in fact.reached_through and not used(fact.path, fact.reached_through):
            judged[id(fact)] = None  # dead code: nothing outside its module reaches the functions that reach it
        elif own and all(call.endswith("?") for call in own) and not fact.condition:
            mode = f"when run with `{options[0]}`" if options else "when its daemon mode is switched on"
            judged[id(fact)] = replace(fact, condition=mode)
    if not judged:
        return facts
    return [kept for f in facts if (kept := judged.get(id(f), f)) is not None]


def _used_elsewhere(facts: list[Fact], refs: list[ModuleRefs]) -> Callable[[str, tuple[str, ...]], bool]:
    """Whether one of a module's functions or classes, given by name, may be used from outside the module: code of
    another module names it (an import, a call through an imported module, a callback, a dotted string, a console
    script), a start command names it, or no other module imports the module at all (it may be run or loaded by a
    name not seen here). False only for a module other code uses for something else."""
    modules = Modules(r.path for r in refs)
    named: dict[str, set[str]] = {}
    """Function or class name -> the other modules' references that may name it (`pkg.mod.name`, `pkg.mod.*`)."""
    scripts = [entry.partition("=")[2].strip().replace(":", ".") for f in facts
               if isinstance(f, Declared) for entry in f.scripts]
    for ref in refs:
        for name in (*ref.imports, *ref.uses, *(n.replace(":", ".") for n in ref.names)):
            named.setdefault(name.rpartition(".")[2], set()).add(f"{ref.path}\0{name}")
    for name in scripts:
        named.setdefault(name.rpartition(".")[2], set()).add(f"\0{name}")

    imported = {path for ref in refs for name in (*ref.imports, *ref.uses) if not name.endswith(".*")
                for path in modules.module(name) | modules.module(name.rpartition(".")[0]) if path != ref.path}
    commands = " ".join(f.command for f in facts if isinstance(f, ProcessStart))

    def used(path: str, functions: tuple[str, ...]) -> bool:
        if path not in imported:  # a module no other one imports may be run or loaded by a name not seen here
            return True
        if any(re.search(rf"\b{re.escape(function)}\b", commands) for function in functions):
            return True  # `python -c "from app.daemon import start; start()"`
        for function in (*functions, "*"):
            for entry in named.get(function, ()):
                where, _, name = entry.partition("\0")
                if where != path and path in modules.module(name.rpartition(".")[0]):
                    return True
        return False
    return used


def _called_as(function: str) -> str:
    """How code calls what a function's daemonizing runs in: a method through its class (`Daemonizer(engine)`
    builds the plugin whose `daemonize` forks; a method name alone is any object's), else the function's name."""
    head, _, name = function.partition(".")
    return head if name and head[:1].isupper() else function.rpartition(".")[2]


def _package(path: str) -> tuple[str, ...]:
    """The vendored package a file belongs to: its path up to the directory under the bundle or vendor directory."""
    parts = path.split("/")
    at = next((i for i, p in enumerate(parts[:-1]) if p in _VENDOR_DIRS or i == 0 and p in _LIBRARY_DIRS), 0)
    return tuple(parts[:at + 2])
