"""Work the process starts on the side: schedulers (TF611) and detached threads and tasks (TF612).

A `.start()` is resolved to what it starts: an inline constructor
(`Thread(...).start()`), a name bound in the same function or at module level, or a
module class that subclasses `Thread`/`Process`. A thread joined in the same
function is not detached, nor one the function's `finally` stops (`t.join()`, `t.cancel()`, or `.set()` on an
`Event` the function made, the heartbeat's stop signal), nor one a helper starts and hands back a way to stop
(`return stopped.set`, `return t`) when every caller in the module binds that and stops it in its own `finally`: a
heartbeat or monitor bound to the job that runs it. A task or future is detached when its result is thrown
away (`asyncio.create_task(...)` as a statement, `executor.submit(...)` unused). A task a connection's handler
starts serves that connection: it lives as long as the connection and must run in the process holding it, so it is
not detached work. Such handlers are websocket handlers (a Starlette/FastAPI `WebSocketEndpoint`, a function taking a
`WebSocket` or routed by `.websocket(...)`), Channels consumers (websocket or HTTP: a server-sent events consumer's
keepalive loop) and streaming handlers: an async generator (a stream's body) or a function that builds a streaming
response (`StreamingResponse`, `EventSourceResponse`, aiohttp's `StreamResponse`), when the task is handed the
stream's queue or the response (it feeds the stream or keeps it alive); a task a stream starts to save its results
after the last event is detached work still.
"""

from __future__ import annotations

import ast
import re

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.index import Function, Index, Site
from twelvefactor_lint.analyze.python.names import Names, class_family, last_name
from twelvefactor_lint.analyze.python.refresh import Refreshes, job_refresh, local_imports
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


def _unless_paused(start: ast.Call) -> str:
    """APScheduler's `start(paused=not config.scheduler)`: configuration decides whether its jobs run (a deploy that
    runs the scheduler elsewhere starts this one paused), an opt-in; "" when nothing may pause it."""
    paused = next((k.value for k in start.keywords if k.arg == "paused"), None)
    if paused is None or isinstance(paused, ast.Constant) and not paused.value:
        return ""
    return f"when jobs are not paused by `paused={ast.unparse(paused)}`"


def background_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[PythonSiteFact]:
    resolver = _Resolver(index, names)
    connections = _connection_tasks(index, names, resolver)
    joined = {(id(s.function), s.node.func.value.id) for s in index.calls
              if isinstance(s.node.func, ast.Attribute) and s.node.func.attr == "join"
              and isinstance(s.node.func.value, ast.Name)}
    stopping = _stopped_in_finally(index, names)
    handed_back = _stopped_by_callers(index, stopping)
    facts: list[PythonSiteFact] = []
    for site in index.calls:
        call, func = site.node, site.node.func
        if not isinstance(func, ast.Attribute):
            found = _TASK_SPAWNERS.get(names.qualify(func) or "")
            if found and id(call) in index.discarded and id(call) not in connections:
                facts.append(_work(site, contexts, path, found, "asyncio"))
            continue
        if func.attr == "start" and not call.args:
            constructor = resolver.constructor(func.value, site.function)
            if constructor in _SCHEDULERS:
                jobs = _jobs(index, names, func.value)
                refreshes = Refreshes(names, path)
                summary = job_refresh([job for job, _ in jobs], refreshes,
                                      {k: v for _, local in jobs for k, v in local.items()})
                facts.append(fact_at(SchedulerStart, path, call, contexts.of(site), site.statement_line, constructor,
                                     api=constructor.rsplit(".", 1)[-1], module_kind=contexts.module_kind,
                                     condition=_unless_paused(call),
                                     jobs=", ".join(dict.fromkeys(f"`{ast.unparse(job)}`" for job, _ in jobs)),
                                     refreshes=", ".join(f"`{n}`" for n in sorted(summary.refreshes))
                                     if summary.ok and (summary.refreshes or summary.calls) else "",
                                     refresh_calls=tuple(sorted(summary.calls)) if summary.ok else ()))
            elif resolver.kind(constructor):
                name = func.value.id if isinstance(func.value, ast.Name) else ""
                if (id(site.function), name) not in joined and not _bound_to_function(
                        site.function, name, stopping, handed_back) and not _relays_connection(
                        site, index, names, resolver):
                    facts.append(_work(site, contexts, path, resolver.kind(constructor), constructor))
        elif func.attr == "add_task" and _is_background_tasks(func.value, site.function):
            facts.append(_work(site, contexts, path, "background_tasks", "BackgroundTasks.add_task"))
        elif func.attr in _LOOP_SPAWNERS and id(call) in index.discarded and call.args and (
                func.attr != "submit" or _is_executor(func.value, resolver.constructor(func.value, site.function))) \
                and id(call) not in connections:
            facts.append(_work(site, contexts, path, _LOOP_SPAWNERS[func.attr], f".{func.attr}()"))
    return facts


_JOB_DECORATORS = {"scheduled_job", "task"}
"""APScheduler's `@scheduler.scheduled_job(...)`, Flask-APScheduler's `@scheduler.task(...)`."""


def _jobs(index: Index, names: Names, scheduler: ast.expr) -> list[tuple[ast.expr, dict[str, str]]]:
    """What the module schedules on the scheduler `.start()` is called on (the same expression, `_scheduler`):
    `add_job(f, ...)`/`add_job(func=f)` callables and functions decorated `@<scheduler>.scheduled_job(...)`, each with
    the names its function imports itself (`from app.jobs import sync` inside a lifespan)."""
    text = ast.unparse(scheduler)
    found: list[tuple[ast.expr, dict[str, str]]] = []
    for site in index.calls:
        func = site.node.func
        if isinstance(func, ast.Attribute) and func.attr == "add_job" and ast.unparse(func.value) == text:
            job = site.node.args[0] if site.node.args else next(
                (k.value for k in site.node.keywords if k.arg == "func"), None)
            if job is not None:
                found.append((job, local_imports(list(ast.walk(site.function))) if site.function is not None else {}))
    for name, function in names.functions.items():
        for decorator in function.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            if isinstance(target, ast.Attribute) and target.attr in _JOB_DECORATORS \
                    and ast.unparse(target.value) == text:
                found.append((ast.Name(name, ast.Load()), {}))
    return found


_EVENT = "<event>"
_STOPS = {"join", "cancel", "set", "stop", "terminate", "kill", "shutdown"}


def _stopped_in_finally(index: Index, names: Names) -> dict[int, set[str]]:
    """id(function) -> the names its `finally` blocks stop: `x()` (a stopper a helper handed back), `x.join()`,
    `x.cancel()`, `x.set()` ...; an `Event` the function made and sets there is listed as `_EVENT` too."""
    events = {(id(site.function), target.id) for site in index.assignments if site.function is not None
              and isinstance(site.node, ast.Assign) and isinstance(site.node.value, ast.Call)
              and (names.qualify(site.node.value.func) or "") in ("threading.Event", "multiprocessing.Event")
              for target in site.node.targets if isinstance(target, ast.Name)}
    in_finally = {id(node) for statement in index.tries for part in statement.finalbody for node in ast.walk(part)}
    found: dict[int, set[str]] = {}
    for site in index.calls:
        func = site.node.func
        name = func.id if isinstance(func, ast.Name) else func.value.id if isinstance(func, ast.Attribute) \
            and func.attr in _STOPS and isinstance(func.value, ast.Name) else ""
        if not name or site.function is None or id(site.node) not in in_finally:
            continue
        stopped = found.setdefault(id(site.function), set())
        stopped.add(name)
        if (id(site.function), name) in events:
            stopped.add(_EVENT)
    return found


def _stopped_by_callers(index: Index, stopping: dict[int, set[str]]) -> set[str]:
    """The module functions that return a value (a stopper) whose every call in the module is bound to a name the
    calling function stops in its `finally` (`cancel = set_interval(5, beat)` ... `finally: cancel()`)."""
    calls: dict[str, list[bool]] = {}
    bound = {id(site.node.value): target.id for site in index.assignments if isinstance(site.node, ast.Assign)
             and isinstance(site.node.value, ast.Call) for target in site.node.targets if isinstance(target, ast.Name)}
    for site in index.calls:
        if isinstance(site.node.func, ast.Name):
            name = bound.get(id(site.node))
            calls.setdefault(site.node.func.id, []).append(
                site.function is not None and name is not None and name in stopping.get(id(site.function), ()))
    return {name for name, stopped in calls.items() if stopped and all(stopped)}


def _bound_to_function(function: Function | None, thread: str, stopping: dict[int, set[str]],
                       handed_back: set[str]) -> bool:
    """A thread the function stops in its `finally` (itself, or an `Event` it made), or one it starts and hands
    back to callers that all stop it so."""
    if function is None:
        return False
    stopped = stopping.get(id(function), set())
    if thread in stopped or _EVENT in stopped:
        return True
    return function.name in handed_back and any(
        isinstance(node, ast.Return) and node.value is not None for node in ast.walk(function))


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


_SOCKET_BASE = re.compile(r"(WebSocketEndpoint|WebsocketConsumer|HttpConsumer|^AsyncConsumer)$", re.IGNORECASE)
"""Classes whose instances serve one connection: Starlette's websocket endpoint, Channels' consumers (websocket and
HTTP: `AsyncHttpConsumer` holds a long-poll or server-sent events response open)."""
_STREAMING_RESPONSES = {"StreamingResponse", "EventSourceResponse", "StreamResponse", "StreamingHttpResponse"}
"""Responses that stay open while their body streams (Starlette/FastAPI, sse-starlette, aiohttp, Django)."""
_SOCKET_ROUTES = {"websocket", "websocket_route", "add_websocket_route", "add_api_websocket_route"}


def _connection_tasks(index: Index, names: Names, resolver: _Resolver) -> set[int]:
    """id() of the task-starting calls that serve one open connection: in the methods of a websocket endpoint class or
    Channels consumer (and of their subclasses), in functions taking a `WebSocket`, routed by `.websocket(...)` or
    registered by `add_websocket_route`/`WebSocketRoute`, and in streaming handlers (async generators, functions
    building a streaming response) when the task is handed the stream's queue or response: it feeds or keeps alive
    that connection (a task a stream starts with neither, to save its results, is detached work). Functions nested in
    those count too."""
    classes = class_family(names, lambda _, bases: any(_SOCKET_BASE.search(b) for b in bases))
    streaming = {id(site.function) for site in index.calls if site.function is not None
                 and last_name(site.node.func) in _STREAMING_RESPONSES}
    registered = {value.id for site in index.calls
                  if isinstance(site.node.func, ast.Attribute) and site.node.func.attr in _SOCKET_ROUTES
                  or (names.qualify(site.node.func) or "").endswith("WebSocketRoute")
                  for value in site.node.args if isinstance(value, ast.Name)}
    found: set[int] = set()
    for site in index.calls:
        func = site.node.func
        if (func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")) not in _TASK_SPAWNERS.values():
            continue  # only where a task is started
        function = site.function
        while function is not None:
            owner = index.owners.get(id(function))
            if owner is not None and owner.name in classes or function.name in registered \
                    or _takes_websocket(function) or any(_routes_websocket(d) for d in function.decorator_list) \
                    or (id(function) in streaming or _async_generator(function)) and _feeds(site, index, resolver):
                found.add(id(site.node))
                break
            function = index.parents.get(id(function))
    return found


_CONSUMER_METHODS = ({"connect", "websocket_connect", "open", "on_connect", "receive", "receive_json", "websocket_receive",
                      "on_message", "on_receive"},
                     {"disconnect", "websocket_disconnect", "on_close", "on_disconnect"})
"""A class that handles a connection's opening or messages and its closing serves one connection (a Channels consumer built on a
project base class, a tornado `WebSocketHandler`), whatever its bases are called."""


def _relays_connection(site: Site, index: Index, names: Names, resolver: _Resolver) -> bool:
    """A thread a connection's handler starts on one of its own methods that loops sending to that connection
    (`Thread(target=self.loop_read).start()`, `loop_read` reading an SSH channel and calling `self.send(...)` until it
    closes): it relays a stream to the socket and ends with it, so it must run where the connection is. A thread
    running other work (an agent's whole task) is detached work still."""
    function = site.function
    owner = index.owners.get(id(function)) if function is not None else None
    if owner is None:
        return False
    thread = site.node.func.value if isinstance(site.node.func, ast.Attribute) else None
    if isinstance(thread, ast.Name) and function is not None:
        thread = resolver.local.get((id(function), thread.id))
    if not isinstance(thread, ast.Call):
        return False
    target = next((k.value for k in thread.keywords if k.arg == "target"), None)
    if not (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) and target.value.id == "self"):
        return False
    methods = {m.name: m for m in owner.body if isinstance(m, (ast.FunctionDef, ast.AsyncFunctionDef))}
    serves_one = owner.name in class_family(names, lambda _, bases: any(_SOCKET_BASE.search(b) for b in bases)) \
        or all(set(methods) & group for group in _CONSUMER_METHODS)
    method = methods.get(target.attr)
    return serves_one and method is not None and any(
        isinstance(call, ast.Call) and last_name(call.func).startswith("send")
        and ast.unparse(call.func).startswith("self.")
        for loop in ast.walk(method) if isinstance(loop, (ast.For, ast.While)) for call in ast.walk(loop))


_STREAM_FEEDS = re.compile(r"Queue$|^create_memory_object_stream$|" + "|".join(sorted(_STREAMING_RESPONSES)))
"""What a task feeding or keeping alive a stream is handed: the queue the stream reads (`asyncio.Queue()`, anyio's
memory object stream) or the streaming response itself."""


def _feeds(site: Site, index: Index, resolver: _Resolver) -> bool:
    """The task is handed a name the function (or one it is nested in) bound to a queue or a streaming response."""
    handed = {node.id for node in ast.walk(site.node) if isinstance(node, ast.Name)}
    function = site.function
    while function is not None:
        for name in handed:
            value = resolver.local.get((id(function), name))
            if isinstance(value, ast.Call) and _STREAM_FEEDS.search(last_name(value.func)):
                return True
        function = index.parents.get(id(function))
    return False


def _async_generator(function: Function) -> bool:
    """An `async def` that yields (not in a function nested in it): the body of a stream."""
    if not isinstance(function, ast.AsyncFunctionDef):
        return False
    pending: list[ast.AST] = list(function.body)
    while pending:
        node = pending.pop()
        if isinstance(node, (ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            pending.extend(ast.iter_child_nodes(node))
    return False


def _takes_websocket(function: Function) -> bool:
    return any(arg.annotation is not None and ast.unparse(arg.annotation).rsplit(".", 1)[-1] == "WebSocket"
               for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs])


def _routes_websocket(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return isinstance(target, ast.Attribute) and target.attr in _SOCKET_ROUTES
