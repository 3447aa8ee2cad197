"""Functions that only refresh this process's own module state, and the scheduled jobs that run them (TF611).

A scheduler a web process starts runs its jobs once per process: wrong for work that must happen once (a mail, a
database write, a call to another service that changes something), right for a job whose whole effect is to refresh
what this process holds: `global _plugins; _plugins = fetch_plugins()` every minute re-reads data other services own
into the module globals that this process's requests read. A separate clock process could not refresh them.

A function refreshes process state when it rebinds module globals (`global X; X = ...`), or replaces the items of a
module container (`X[k] = v`, `X.update(...)`, `X.clear()`), and shows no effect beyond: no call whose name says it
writes or sends (`post`, `save`, `commit`, `send_mail`, `set_...`, `delete`, ...), no change to anything that is not
its own local or module state (`db.session.add(...)`, `self.items.append(...)`, `obj.attr = ...`), no counter or
growth of module state (`X += 1`, `X.append(...)`: what it holds then depends on how often this process ran it), no
file opened to write, no random value (`random`, `secrets`, `uuid`: each process would hold a different one). The module
functions it calls must do the same; the project functions of other modules it calls are settled by link against
their modules' `python.state_refresh` facts (one hop: what those call in turn is judged by name only).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.python.state import MUTATORS, absolute_import
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts.python import PythonFact, StateRefresh

_EFFECTS = re.compile(
    r"^(post|put|patch|delete|request|send\w*|commit|execute\w*|save\w*|write\w*|insert\w*|upsert\w*|create\w*|"
    r"bulk_\w+|remove\w*|unlink|rmtree|flush|publish\w*|emit|delay|apply_async|notify\w*|\w*mail\w*|set|setex|set_\w+|"
    r"hset\w*|hdel|incr\w*|decr\w*|[lr]?push\w*|enqueue\w*|upload\w*|dump|run|popen|call|check_call|check_output|"
    r"system|kill|terminate|merge|truncate|drop\w*|purge\w*|clean\w*|delete_\w+|trigger\w*|dispatch\w*|backup\w*|"
    r"export\w*|archive\w*|rotate\w*|forgive\w*|ban\w*|add_job|schedule\w*|process\w*|handle\w*)$",
    re.IGNORECASE)
"""What a call's name says it writes, sends or changes outside the process."""
_REFRESHING = {"update", "clear", "__setitem__"}
"""What replaces a module container's items rather than growing it."""
_RANDOM = ("random.", "secrets.", "uuid.", "os.urandom")
_WRITE_MODES = re.compile(r"[wax+]")


@dataclass
class Summary:
    refreshes: set[str] = field(default_factory=set)
    """The module state it rebinds or refills."""
    calls: set[str] = field(default_factory=set)
    """The absolute names of imported functions it calls (link settles the project's own)."""
    ok: bool = True


class Refreshes:
    """Summaries of a module's functions, worked out once each."""

    def __init__(self, names: Names, path: str):
        self.names = names
        self.dotted = dotted_module(path)
        self.is_package = PurePosixPath(path).name == "__init__.py"
        self._done: dict[str, Summary] = {}

    def of(self, name: str) -> Summary:
        """The summary of module function `name` (a cycle counts as no effect of its own)."""
        if name not in self._done:
            self._done[name] = Summary()
            self._done[name] = self._summarize(self.names.functions[name])
        return self._done[name]

    def imported(self, name: str, local_imports: dict[str, str]) -> str:
        qualified = local_imports.get(name) or self.names.imports.get(name, "")
        return absolute_import(qualified, self.dotted, self.is_package) if qualified else ""

    def _summarize(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Summary:
        found = Summary()
        nodes = list(ast.walk(function))
        globals_ = {n for node in nodes if isinstance(node, ast.Global) for n in node.names}
        own_imports = local_imports(nodes)
        params = {a.arg for a in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]}
        params |= {a.arg for a in (function.args.vararg, function.args.kwarg) if a is not None}
        stored = {n.id for n in nodes if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
        locals_ = (params | stored | set(own_imports)) - globals_
        module_level = set(self.names.values) | set(self.names.functions) | set(self.names.classes)

        def root(node: ast.expr) -> ast.expr:
            while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
                node = node.func if isinstance(node, ast.Call) else node.value
            return node

        def state_name(node: ast.expr) -> str:
            """The module-level name `node` is rooted at directly (`X`, `X[k]`), "" otherwise."""
            while isinstance(node, ast.Subscript):
                node = node.value
            return node.id if isinstance(node, ast.Name) and node.id not in locals_ \
                and (node.id in module_level or node.id in globals_) else ""

        def is_local(node: ast.expr) -> bool:
            base = root(node)
            return isinstance(base, ast.Name) and base.id in locals_

        for node in nodes:
            if not found.ok:
                break
            if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    for part in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                        if isinstance(part, ast.Name) and part.id in globals_:
                            if isinstance(node, ast.AugAssign):
                                found.ok = False  # a counter: what it holds depends on how often this process ran
                            found.refreshes.add(part.id)
                        elif isinstance(part, ast.Subscript) and state_name(part) and not isinstance(node, ast.AugAssign):
                            found.refreshes.add(state_name(part))
                        elif isinstance(part, (ast.Attribute, ast.Subscript)) and not is_local(part):
                            found.ok = False
            elif isinstance(node, ast.Delete):
                found.ok = found.ok and all(is_local(t) for t in node.targets)
            elif isinstance(node, ast.Call):
                self._call(node, found, locals_, own_imports, state_name, is_local)
        return found

    def _call(self, node: ast.Call, found: Summary, locals_: set[str], local_imports: dict[str, str],
              state_name, is_local) -> None:
        func = node.func
        qualified = self.names.qualify(func) or ""
        if qualified.startswith(_RANDOM):
            found.ok = False
            return
        if isinstance(func, ast.Name):
            if func.id == "open":
                mode = node.args[1] if len(node.args) > 1 else next(
                    (k.value for k in node.keywords if k.arg == "mode"), None)
                found.ok = found.ok and not (mode is not None and (
                    not isinstance(mode, ast.Constant) or _WRITE_MODES.search(str(mode.value))))
            elif func.id in locals_ and func.id not in local_imports:
                return
            elif func.id in self.names.functions and func.id not in local_imports:
                callee = self.of(func.id)
                found.ok = found.ok and callee.ok
                found.refreshes |= callee.refreshes
                found.calls |= callee.calls
            elif func.id in local_imports or func.id in self.names.imports:
                if _EFFECTS.match(func.id):
                    found.ok = False
                imported = self.imported(func.id, local_imports)
                if imported:
                    found.calls.add(imported)
            return
        if not isinstance(func, ast.Attribute):
            return
        if func.attr in MUTATORS:
            name = state_name(func.value)
            if name and func.attr in _REFRESHING:
                found.refreshes.add(name)
            elif not is_local(func.value):
                found.ok = False
            return
        if _EFFECTS.match(func.attr):
            found.ok = False
            return
        base = func.value
        if isinstance(base, ast.Name) and base.id not in locals_ | set(self.names.functions) \
                and (base.id in local_imports or base.id in self.names.imports):
            imported = self.imported(base.id, local_imports)
            if imported:
                found.calls.add(f"{imported}.{func.attr}")


def local_imports(nodes: list[ast.AST]) -> dict[str, str]:
    """Names a function imports itself (`from app.services import sync` inside it), as `Names.imports` writes them."""
    found: dict[str, str] = {}
    for node in nodes:
        if isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            for alias in node.names:
                if alias.name != "*":
                    joined = f"{base}{alias.name}" if base.endswith(".") else f"{base}.{alias.name}"
                    found[alias.asname or alias.name] = joined if base else alias.name
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = alias.name if alias.asname else alias.name.split(".")[0]
    return found


def refresh_facts(names: Names, path: str, refreshes: Refreshes | None = None) -> list[PythonFact]:
    """A `python.state_refresh` for each module function that refreshes module state and shows no other effect."""
    refreshes = refreshes or Refreshes(names, path)
    facts: list[PythonFact] = []
    for name, function in names.functions.items():
        summary = refreshes.of(name)
        if summary.ok and summary.refreshes:
            facts.append(StateRefresh(path, function.lineno, module=refreshes.dotted, name=name,
                                      refreshes=tuple(sorted(summary.refreshes)), calls=tuple(sorted(summary.calls)),
                                      anchor=name))
    return facts


def job_refresh(jobs: list[ast.expr], refreshes: Refreshes, local_imports: dict[str, str]) -> Summary:
    """What the jobs a scheduler runs do together: `ok` when every job is a module function (or an imported one,
    for link to settle) whose summary shows no effect beyond refreshing module state; not ok without any job."""
    total = Summary(ok=bool(jobs))
    for job in jobs:
        if isinstance(job, ast.Name) and job.id in refreshes.names.functions and job.id not in local_imports:
            summary = refreshes.of(job.id)
            total.ok = total.ok and summary.ok
            total.refreshes |= summary.refreshes
            total.calls |= summary.calls
        elif isinstance(job, ast.Name) and (job.id in local_imports or job.id in refreshes.names.imports):
            imported = refreshes.imported(job.id, local_imports)
            total.ok = total.ok and bool(imported) and not _EFFECTS.match(job.id)
            total.calls.add(f"!{imported}")  # the job itself: link must find it refreshing state
        elif isinstance(job, ast.Attribute) and isinstance(job.value, ast.Name) \
                and job.value.id in refreshes.names.imports:
            imported = refreshes.imported(job.value.id, local_imports)
            total.ok = total.ok and bool(imported) and not _EFFECTS.match(job.attr)
            total.calls.add(f"!{imported}.{job.attr}")
        else:
            total.ok = False
    return total
