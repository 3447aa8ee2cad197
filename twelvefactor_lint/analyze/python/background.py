"""Work the process starts on the side: schedulers (TF611) and detached threads and tasks (TF612).

A `.start()` is resolved to what it starts: an inline constructor
(`Thread(...).start()`), a name bound in the same function or at module level, or a
module class that subclasses `Thread`/`Process`. A thread joined in the same
function is not detached. A task or future is detached when its result is thrown
away (`asyncio.create_task(...)` as a statement, `executor.submit(...)` unused).
"""

from __future__ import annotations

import ast

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.index import Function, Index, Site
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.facts.python import BackgroundWork, PythonSiteFact, SchedulerStart

_SCHEDULERS = {
    "apscheduler.schedulers.background.BackgroundScheduler", "apscheduler.schedulers.asyncio.AsyncIOScheduler",
    "apscheduler.schedulers.gevent.GeventScheduler", "apscheduler.schedulers.tornado.TornadoScheduler",
    "apscheduler.schedulers.twisted.TwistedScheduler", "apscheduler.schedulers.qt.QtScheduler",
    "apscheduler.AsyncScheduler", "flask_apscheduler.APScheduler",
}
_THREADS = {"threading.Thread": "thread", "threading.Timer": "timer", "multiprocessing.Process": "process"}
_TASK_SPAWNERS = {"asyncio.create_task": "create_task", "asyncio.ensure_future": "ensure_future"}
_LOOP_SPAWNERS = {"create_task": "create_task", "ensure_future": "ensure_future", "run_in_executor": "run_in_executor",
                  "submit": "executor_submit"}


class _Resolver:
    """What a name or expression was built by: local assignments first, then module-level ones."""

    def __init__(self, index: Index, names: Names):
        self.names = names
        self.local: dict[tuple[int, str], ast.expr] = {}
        for site in index.assignments:
            node = site.node
            if isinstance(node, ast.Assign) and site.function is not None:
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.local[(id(site.function), target.id)] = node.value
        self.thread_classes = {
            name: kind for name, cls in names.classes.items() for base in cls.bases
            for kind in [_THREADS.get(names.qualify(base) or "")] if kind}

    def constructor(self, node: ast.expr, function: Function | None) -> str:
        if isinstance(node, ast.Name):
            value = self.local.get((id(function), node.id)) if function is not None else None
            if value is None:
                return self.names.constructors.get(node.id, "")
            node = value
        if isinstance(node, ast.Call):
            qualified = self.names.qualify(node.func) or ""
            if isinstance(node.func, ast.Name) and node.func.id in self.thread_classes:
                return f"thread subclass {node.func.id}"
            return qualified
        return ""

    def kind(self, constructor: str) -> str:
        if constructor.startswith("thread subclass "):
            return self.thread_classes[constructor.rsplit(" ", 1)[1]]
        return _THREADS.get(constructor, "")


def background_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[PythonSiteFact]:
    resolver = _Resolver(index, names)
    joined = {(id(s.function), s.node.func.value.id) for s in index.calls
              if isinstance(s.node.func, ast.Attribute) and s.node.func.attr == "join"
              and isinstance(s.node.func.value, ast.Name)}
    facts: list[PythonSiteFact] = []
    for site in index.calls:
        call, func = site.node, site.node.func
        if not isinstance(func, ast.Attribute):
            found = _TASK_SPAWNERS.get(names.qualify(func) or "")
            if found and id(call) in index.discarded:
                facts.append(_work(site, contexts, path, found, "asyncio"))
            continue
        if func.attr == "start" and not call.args:
            constructor = resolver.constructor(func.value, site.function)
            if constructor in _SCHEDULERS:
                facts.append(fact_at(SchedulerStart, path, call, contexts.of(site), site.statement_line, constructor,
                                     api=constructor.rsplit(".", 1)[-1], module_kind=contexts.module_kind))
            elif resolver.kind(constructor):
                name = func.value.id if isinstance(func.value, ast.Name) else ""
                if (id(site.function), name) not in joined:
                    facts.append(_work(site, contexts, path, resolver.kind(constructor), constructor))
        elif func.attr == "add_task" and _is_background_tasks(func.value, site.function):
            facts.append(_work(site, contexts, path, "background_tasks", "BackgroundTasks.add_task"))
        elif func.attr in _LOOP_SPAWNERS and id(call) in index.discarded and call.args and (
                func.attr != "submit" or _is_executor(func.value, resolver.constructor(func.value, site.function))):
            facts.append(_work(site, contexts, path, _LOOP_SPAWNERS[func.attr], f".{func.attr}()"))
    return facts


def _work(site: Site, contexts: Contexts, path: str, mechanism: str, api: str) -> BackgroundWork:
    return fact_at(BackgroundWork, path, site.node, contexts.of(site), site.statement_line, mechanism,
                   mechanism=mechanism, api=api, module_kind=contexts.module_kind)


def _is_executor(receiver: ast.expr, constructor: str) -> bool:
    if constructor.startswith("concurrent.futures."):
        return True
    text = ast.unparse(receiver).lower()
    return "executor" in text or "pool" in text


def _is_background_tasks(receiver: ast.expr, function: Function | None) -> bool:
    """A FastAPI `BackgroundTasks` parameter of the enclosing function."""
    if not isinstance(receiver, ast.Name) or function is None:
        return False
    for arg in [*function.args.args, *function.args.kwonlyargs]:
        if arg.arg == receiver.id and arg.annotation is not None and "BackgroundTasks" in ast.unparse(arg.annotation):
            return True
    return False
