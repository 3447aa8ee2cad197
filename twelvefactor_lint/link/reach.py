"""Link phase 2b, production reachability: which production Python modules a production process ever runs.

A module is `started` when a declared start command runs it (`gunicorn app.wsgi`, `uvicorn main:app`,
`celery -A proj`, `python run.py`, `python -m pkg`, `manage.py ...`), and `imported` when a started module
loads it: an import statement (relative, star, in a function or a guard: over-reaching is safe), a dotted
string a framework imports by name (settings, URLconfs, `include("x.urls")`, celery `include=`,
`import_module("x")`), or a Django application's package (`INSTALLED_APPS`: the whole package, since Django
loads its models, admin, signals, tasks and commands). It is `unreached` when the project's starts are
resolved, the closure looks sound and the module is outside it; `unknown` otherwise. Rules see it as every
Python fact's `reach`; the engine judges `unreached` one severity lower (see judge.engine).

When in doubt the answer is `unknown` for every module, which changes nothing:
- no production start is resolved, or one runs a Python process whose module is not found (`celery worker`
  without `-A`, `uwsgi --ini` whose ini names it), or runs the project's own console script (its module is
  in packaging metadata, which link does not read);
- a start target or a reached production module was read by no analyzer (its imports are not known);
- a reached module is a plugin loader (imports names it computes from a directory listing, or entry points);
- the closure covers less than `MIN_COVERAGE` of the production Python files (a start the process model
  reads only in part, an App Engine or serverless layout).
Settings and server-config modules are never `unreached`: a deploy chooses them by environment
(`DJANGO_SETTINGS_MODULE`, `gunicorn.conf.py` read from the working directory), so each production one is a
root of the closure too. Neither are modules in a directory a framework loads whole (migrations, revisions).
"""

from __future__ import annotations

import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from twelvefactor_lint.analyze.shell.programs import APP, DEV_SERVER, SCHEDULER, WEB_SERVER, WORKER
from twelvefactor_lint.discover import scope
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.process import AppTarget, Started
from twelvefactor_lint.facts.python import (
    IMPORTED,
    STARTED,
    UNKNOWN,
    UNREACHED,
    Call,
    ModuleRefs,
    PythonFact,
    SecretRandomFallback,
)

MIN_COVERAGE = 0.5
"""Below this share of the production Python files reached, the closure is taken as incomplete. On the tune
half, sound closures reach 68 % to 100 % of a repository's production files, and the two incomplete ones
(an App Engine app whose start is implicit, a start the process model reads in part) 1 % and 4 %: half
sits well inside the gap, on the side of `unknown`."""

_PYTHON_ROLES = frozenset({WEB_SERVER, WORKER, SCHEDULER, APP, DEV_SERVER})
"""A start running one of these runs Python code of the project: if none of its targets is found, the
closure may miss what it runs (`exec "$@"` runs the image's command, a start of its own)."""
_MODULE_FLAGS = frozenset({"-m", "-A", "--app", "--module", "-a"})
_MODULE_WORD = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")
_DOTTED_WORD = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)(?::[\w.()]*)?|([A-Za-z_]\w*):[A-Za-z_][\w.()]*")
_KEPT_KINDS = frozenset({"settings", "server_config"})
_SERVED = re.compile(r"(?P<module>[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*):(?P<attr>[\w.()]+)")
_VENV_BIN = re.compile(r"(?:^|/)\.?(?:venv|env|virtualenv)/bin/")
_LOADED_DIRS = frozenset({"versions", "migrations"})
"""Directories a framework loads every module of (alembic's revisions, Django's migrations) when it runs."""


@dataclass(frozen=True)
class Reach:
    """Each production Python file's reach, and why the whole answer is `unknown` when it is."""

    of: dict[str, str]
    doubt: str = ""
    outside: frozenset[str] = frozenset()
    """When the closure covers too little to call anything `unreached` (`doubt` says so): the production files
    outside what the resolved starts reach. A hint a rule may state as a doubt (TF201), never a proof."""

    def summary(self) -> dict[str, int]:
        counts = dict.fromkeys((STARTED, IMPORTED, UNREACHED, UNKNOWN), 0)
        for value in self.of.values():
            counts[value] += 1
        return counts

    def line(self) -> str:
        """One line for `12f-lint processes`: how many production modules each answer has, and any doubt."""
        if not self.of:
            return ""
        counts = ", ".join(f"{n} {value}" for value, n in self.summary().items() if n)
        return f"Production Python modules: {counts}" + (f" ({self.doubt})" if self.doubt else "") + "\n"


class Modules:
    """The project's Python files by every dotted name an import may give them (`src.app.models` is also
    `app.models` and `models`: the source root is not known) and by directory."""

    def __init__(self, paths: Iterable[str]):
        self.by_name: dict[str, tuple[str, ...]] = {}
        """Tuples, not sets: a project has some five names per file, most of them naming that one file."""
        self.by_dir: dict[str, list[str]] = defaultdict(list)
        self.by_base: dict[str, list[str]] = defaultdict(list)
        self.paths = set()
        for path in paths:
            self.paths.add(path)
            self.by_base[posixpath.basename(path)].append(path)
            parts = dotted_module(path).split(".")
            for start in range(len(parts)):
                name = ".".join(parts[start:])
                self.by_name[name] = (*self.by_name.get(name, ()), path)
            for directory in _directories(path):
                self.by_dir[directory].append(path)

    def module(self, name: str) -> set[str]:
        return set(self.by_name.get(name, ()))

    def longest(self, name: str) -> set[str]:
        """The files of the longest prefix of `name` that is a module (`app.views.index` -> app/views.py)."""
        parts = name.split(".")
        for end in range(len(parts), 0, -1):
            found = self.by_name.get(".".join(parts[:end]))
            if found:
                return set(found)
        return set()

    def file(self, name: str) -> set[str]:
        """Files a command's `dir/run.py` may be: the path from the root, else the longest tail that matches."""
        parts = [p for p in name.split("/") if p and p != "."]
        candidates = self.by_base.get(parts[-1], []) if parts else []
        for start in range(len(parts)):
            tail = "/".join(parts[start:])
            found = {p for p in candidates if p == tail or p.endswith("/" + tail)}
            if found:
                return found
        return set()

    def package(self, path: str) -> list[str]:
        """Every file of the package a file belongs to (its directory's, below it too) — not the files under a
        directory whose name is no Python identifier (`conference/tools/voteengine-0.99/`: a vendored tool kept
        beside the package): no import can name them, so loading the package never loads them."""
        directory = posixpath.dirname(path)
        files = self.by_dir.get(directory, [])
        return [f for f in files if _importable_below(f, directory)] if any("-" in f or f.count(".") > 1
                                                                            for f in files) else files

    def parents(self, path: str) -> list[str]:
        """The `__init__.py` files importing `path` runs first."""
        inits = (f"{directory}/__init__.py" for directory in _directories(path) if directory not in ("", "/"))
        return [init for init in inits if init in self.paths and init != path]


def _importable_below(path: str, directory: str) -> bool:
    """Every directory between `directory` and the file `path` is named as a Python identifier."""
    below = path[len(directory):].strip("/").split("/")[:-1] if directory else path.split("/")[:-1]
    return all(part.isidentifier() for part in below)


def _directories(path: str) -> list[str]:
    """The directories holding `path`, innermost first, up to the root (`""`, or `/` for a file named
    outside the project by its absolute path)."""
    found, directory = [], posixpath.dirname(path)
    while True:
        found.append(directory)
        parent = posixpath.dirname(directory)
        if parent == directory:
            return found
        directory = parent


class Lazy(Protocol):
    """Production modules' refs read on demand (a focused run analyzes only the named files and their context)."""

    wanted: frozenset[str]
    """The production Python files whose reach is judged: once the closure takes in all of them, the rest of it
    changes nothing they are judged by (reached is never `unreached`, whatever doubt follows)."""

    def load(self, paths: Sequence[str]) -> dict[str, ModuleRefs | None]:
        """Each file's refs (None: it has none), read as `analyze` reads them; a file it skips is left out."""
        ...

    def may_be_kept(self, path: str) -> bool:
        """Whether a file not read yet may be a settings module or a server config (a root of the closure)."""
        ...


class _Refs:
    """The refs the analyzed files brought, and (given a `Lazy`) the others, read in batches as the closure
    comes to them. A file the lazy read skips is no module at all, as in a full run: `skipped` makes the
    computation start again without it."""

    def __init__(self, facts: list[Fact], lazy: Lazy | None):
        self.known: dict[str, ModuleRefs | None] = {f.path: f for f in facts if isinstance(f, ModuleRefs)}
        self.lazy = lazy
        self.skipped: set[str] = set()

    def get(self, path: str, upcoming: Sequence[str] = ()) -> ModuleRefs | None:
        if path not in self.known and self.lazy is not None:
            batch = [path, *dict.fromkeys(p for p in reversed(upcoming[-_BATCH:]) if p not in self.known)]
            loaded = self.lazy.load(batch)
            self.skipped |= {p for p in batch if p not in loaded}
            self.known.update(loaded)
            if self.skipped:
                raise _Skipped
        return self.known.get(path)


class _Skipped(Exception):
    """A lazily read file turned out skipped: it is no module of the project."""


_BATCH = 96
"""Files read at once ahead of the closure (over worker processes when there are enough)."""


def compute(facts: Iterable[Fact], paths: Iterable[str], lazy: Lazy | None = None) -> Reach:
    """The production Python files' reach; `lazy` reads the refs of production files not among `facts`."""
    facts = list(facts)
    refs = _Refs(facts, lazy)
    paths = list(paths)
    while True:
        try:
            return _compute(facts, [p for p in paths if p not in refs.skipped], refs)
        except _Skipped:
            continue


def _compute(facts: list[Fact], paths: list[str], refs: _Refs) -> Reach:
    python = [p for p in paths if p.endswith(".py")]
    prod = [p for p in python if scope.classify(p) == scope.PROD]
    if not prod or refs.lazy is not None and not refs.lazy.wanted:
        return Reach({})
    unknown = Reach(dict.fromkeys(prod, UNKNOWN), "")
    modules = Modules(python)
    started, loaded, doubt = _started(facts, modules)
    if not doubt and not started:
        doubt = "no production start command runs a module of the project"
    if doubt:
        return replace(unknown, doubt=doubt)
    chosen = {p for p in prod if (ref := refs.known.get(p)) and ref.module_kind in _KEPT_KINDS}  # by environment, maybe
    wanted = refs.lazy.wanted if refs.lazy is not None else frozenset()
    reached, doubt, complete = _closure(started, loaded | chosen, refs, modules, wanted)
    if not complete:  # every wanted file is reached
        return Reach({p: STARTED if p in started else IMPORTED for p in wanted})
    if refs.lazy is not None and not doubt:  # settings modules not read yet are roots too
        candidates = [p for p in prod if p not in refs.known and refs.lazy.may_be_kept(p)]
        more = {p for p in candidates if (ref := refs.get(p, candidates)) and ref.module_kind in _KEPT_KINDS}
        if more - reached:
            reached, doubt, _ = _closure(set(), more, refs, modules, frozenset(), reached)
    if doubt:
        return replace(unknown, doubt=doubt)
    kinds = {path: ref.module_kind for path, ref in refs.known.items() if ref is not None}
    of = {p: STARTED if p in started else IMPORTED if p in reached
          else UNKNOWN if kinds.get(p, "settings") in _KEPT_KINDS or _loaded_by_directory(p) else UNREACHED
          for p in prod}
    covered = sum(p in reached for p in prod)
    if covered < MIN_COVERAGE * len(prod):
        return replace(unknown, doubt=f"the start commands reach {covered} of {len(prod)} production Python files",
                       outside=frozenset(p for p, value in of.items() if value == UNREACHED))
    return Reach(of)


def _loaded_by_directory(path: str) -> bool:
    return any(part in _LOADED_DIRS for part in path.split("/")[:-1])


def _started(facts: list[Fact], modules: Modules) -> tuple[set[str], set[str], str]:
    """The files production (and development) start commands run and load (see `_targets`), or why they
    are not known."""
    started: set[str] = set()
    loaded: set[str] = set()
    scripts = console_scripts(facts)
    configured = _configured_apps(facts, modules)
    for start in (f for f in facts if isinstance(f, Started)):
        declared = start.started_by_path or start.path
        role = scope.classify(declared)
        if role in (scope.TEST, scope.DOCS, scope.BUILD) or start.role == "infra":
            continue
        found, more = start_targets(start.command, modules, scripts)
        if not found and posixpath.basename(start.main.split()[0] if start.main else "") == "uwsgi":
            found = configured
        started |= found
        loaded |= more
        if role == scope.PROD and (not found and start.main_role in _PYTHON_ROLES
                                   or not start.main_role and _own_program(start.main, modules, scripts)):
            where = f"{declared}:{start.started_by_line or start.line}"
            return set(), set(), f"{where} runs `{start.main[:80]}`: its module is not known"
    return started, loaded, ""


def _configured_apps(facts: list[Fact], modules: Modules) -> set[str]:
    """The files the server config files a start command names load (uWSGI `module =`, `wsgi-file =`): what a
    `uwsgi --ini app.ini` start runs."""
    found: set[str] = set()
    for fact in (f for f in facts if isinstance(f, AppTarget)):
        found |= modules.file(fact.target) if fact.target.endswith(".py") else modules.longest(fact.target)
    return found


def console_scripts(facts: list[Fact]) -> dict[str, str]:
    """The project's console scripts (from its packaging metadata): command -> the module it runs."""
    found: dict[str, str] = {}
    for declared in (f for f in facts if isinstance(f, Declared) and f.scripts):
        for entry in declared.scripts:
            command, _, target = entry.partition("=")
            found.setdefault(command, target.partition(":")[0])
    return found


def _own_program(main: str, modules: Modules, scripts: dict[str, str]) -> bool:
    """Whether a command's program is the project's own console script (`dispatch server start`, `venv/bin/monkey`)
    whose module its packaging metadata does not name (`scripts`: those it names, which `_targets` resolves)."""
    words = [w for w in main.split() if "=" not in w and w != "exec"]
    if not words or posixpath.basename(words[0]) in scripts:
        return False
    program = words[0]
    return bool(_VENV_BIN.search(program)) or posixpath.basename(program).replace("-", "_") in modules.by_name


def start_targets(command: str, modules: Modules, scripts: dict[str, str]) -> tuple[set[str], set[str]]:
    """(project files a command runs: `x.py` files, `pkg.mod:app` and dotted modules, `-m`/`-A`/`--app` modules,
    a `FLASK_APP`, what `flask run` loads by default, the module of the project's console script; files it loads
    without an import: a celery app's package)."""
    words = [w.strip("\"'[],;()") for w in command.split()]
    found: set[str] = set()
    loaded: set[str] = set()
    celery = False
    for i, word in enumerate(words):
        flag, _, value = word.partition("=")
        celery = celery or posixpath.basename(word) == "celery"
        if posixpath.basename(word) in scripts:
            found |= modules.longest(scripts[posixpath.basename(word)])
        if word.endswith(".py"):
            found |= modules.file(word)
        elif flag in _MODULE_FLAGS and (value or i + 1 < len(words)):
            target = (value or words[i + 1]).split(":")[0]
            apps = modules.longest(target) if _MODULE_WORD.fullmatch(target) else modules.file(target)
            found |= apps
            if celery:  # the worker imports its task modules by configuration (`include`, `imports`, autodiscovery)
                loaded |= {p for app in apps for p in modules.package(app)}
        elif flag == "FLASK_APP" and value:
            found |= modules.longest(value.split(":")[0]) | (modules.file(value) if value.endswith(".py") else set())
        elif match := _DOTTED_WORD.fullmatch(word):
            found |= modules.longest(match.group(1) or match.group(2))
        elif posixpath.basename(word) == "flask" and "run" in words[i + 1:]:
            found |= modules.file("app.py") | modules.file("wsgi.py")
    return found, loaded


def _closure(started: set[str], loaded: set[str], refs: _Refs, modules: Modules, wanted: frozenset[str],
             reached: set[str] | None = None) -> tuple[set[str], str, bool]:
    """Every file the started and loaded ones load, transitively (added to `reached`); or why that is not known.
    The flag is False when the walk stopped early: every `wanted` file is in it (or about to be)."""
    reached = set() if reached is None else reached
    pending = [*started, *loaded]
    missing = set(wanted) - reached - set(pending)
    if wanted and not missing:
        return reached, "", False
    while pending:
        path = pending.pop()
        if path in reached:
            continue
        reached.add(path)
        before = len(pending)
        pending += modules.parents(path)
        ref = refs.get(path, pending)
        if ref is None:
            if path in started or scope.classify(path) == scope.PROD:
                return set(), f"{path} is loaded but was not analyzed: what it imports is not known", True
            continue  # a test or script module production code imports: rare, and never lowered itself
        found, doubt = module_loads(path, ref, modules)
        if doubt:
            return set(), doubt, True
        pending += found
        if missing:
            missing.difference_update(pending[before:])
            if not missing:
                return reached, "", False
    return reached, "", True


def module_loads(path: str, ref: ModuleRefs, modules: Modules,
                 narrow: Callable[[set[str]], set[str]] | None = None) -> tuple[list[str], str]:
    """The project files the module at `path` loads: what it imports, the dotted names it hands on, its installed apps,
    the packages of modules it imports by a computed name; or why that is not known. `narrow` picks among the files an
    import or a name may be (one service's own `app.config`)."""
    pick = narrow or (lambda files: files)
    found: list[str] = []
    for name in ref.imports:
        found += pick(modules.module(name))
    for name in ref.names:
        name = name.partition(":")[0]
        found += pick(modules.file(name) if name.endswith(".py") else modules.longest(name))
    for app in ref.apps:
        for file in modules.longest(app):
            found += modules.package(file) if file.endswith(("__init__.py", "/apps.py")) else [file]
    for prefix in ref.dynamic:
        if not prefix:
            return [], f"{path} imports modules by a name it computes from a directory listing"
        if "." not in prefix:  # `f"langchain_{name}"`: the project's own modules, or a third party's
            if any(name.startswith(prefix) for name in modules.by_name):
                return [], f"{path} imports a module by a name it computes (`{prefix}...`)"
            continue
        for file in (modules.longest(prefix[:prefix.rfind(".")]) if not prefix.startswith(".") else {path}):
            found += modules.package(file)
    return found, ""


def annotate(facts: list[Fact], reach: Reach) -> list[Fact]:
    """Every production Python fact with its file's `reach`."""
    of = reach.of
    if not any(value != UNKNOWN for value in of.values()):
        return facts
    return [replace(f, reach=of[f.path]) if isinstance(f, PythonFact) and of.get(f.path, UNKNOWN) != UNKNOWN
            else f for f in facts]


def served(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """Every module-level web app (`app = FastAPI(debug=True)`) whose module the production start commands serve
    only as another object (`uvicorn api.main:versioned_app`), with that `module:attr` as `served_as`. Not when a
    start serves the app itself or an alias of it, calls a factory (`main:create_app()`, `--factory`), or when no
    production start names the module: then which object runs is not known."""
    apps = [f for f in facts if isinstance(f, Call) and f.api == "web_app" and f.bound_to]
    if not apps:
        return facts
    modules = Modules(p for p in paths if p.endswith(".py"))
    targets: dict[str, set[str]] = defaultdict(set)
    for start in (f for f in facts if isinstance(f, Started)):
        if scope.classify(start.started_by_path or start.path) != scope.PROD or start.role == "infra" \
                or start.dev_image:
            continue
        words = [w.strip("\"'[],;") for w in start.command.split()]
        for word in words:
            if match := _SERVED.fullmatch(word):
                attr = "()" if "--factory" in words else match["attr"]
                for path in modules.module(match["module"]):
                    targets[path].add(f"{match['module']}:{attr}")
    judged = {id(app) for app in apps if len(served := targets.get(app.path, set())) == 1
              and (attr := next(iter(served)).partition(":")[2]).isidentifier() and attr not in app.bound_to}
    return [replace(f, served_as=next(iter(targets[f.path]))) if isinstance(f, Call) and id(f) in judged else f
            for f in facts]


def preloaded(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """Every key made up in a module body (`app.secret_key = token_hex()`) of a file that production starts load only
    through gunicorn with `--preload`, as its target or through one of the target's imports: the master imports the
    app once before it forks, so its workers share the key (`preloaded`). A file another production start loads too
    (a worker, a server without `--preload`) keeps its per-process key."""
    keys = {id(f) for f in facts if isinstance(f, SecretRandomFallback) and f.in_code and not f.function}
    if not keys:
        return facts
    modules = Modules(p for p in paths if p.endswith(".py"))
    refs = {f.path: f for f in facts if isinstance(f, ModuleRefs)}
    scripts = console_scripts(facts)
    preloading: set[str] = set()
    others: set[str] = set()
    for start in (f for f in facts if isinstance(f, Started)):
        if scope.classify(start.started_by_path or start.path) != scope.PROD or start.role == "infra":
            continue
        found, _ = start_targets(start.command, modules, scripts)
        loaded = found | {p for path in found if (ref := refs.get(path)) is not None
                          for name in ref.imports for p in modules.longest(name)}
        words = start.command.split()
        gunicorn = any(posixpath.basename(word) == "gunicorn" for word in words)
        (preloading if gunicorn and "--preload" in words else others).update(loaded)
    shared = preloading - others
    return [replace(f, preloaded=True) if isinstance(f, SecretRandomFallback) and id(f) in keys and f.path in shared
            else f for f in facts]
