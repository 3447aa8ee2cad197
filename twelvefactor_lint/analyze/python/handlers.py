"""Which functions serve a request or a job: the code twelve-factor's "stateless" applies to.

Recognised: Flask/Quart/Sanic routes and request hooks (also nested in an app factory), FastAPI/Starlette endpoints
(decorators and `add_api_route`/`add_url_rule`/`Route(...)` registrations), Django
function views (in view modules, or behind view decorators) and class-based views /
DRF viewsets, Channels consumers, Celery/RQ/Dramatiq/Huey tasks. Module-level helpers
called directly from a handler count too, one call deep — but not from code only a flag the module sets to `False`
lets run (`dead_code`). A `.route()` of an object built elsewhere whose pattern is a URL with a scheme or a regular
expression (`visit_router.route("https://pypi.org/.+")`, `priority_router.route("pkg:npm/.*")`) is an in-house
dispatcher's, not a web framework's: what it routes serves no request.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from twelvefactor_lint.analyze.python.index import Function, Index, walk
from twelvefactor_lint.analyze.python.names import Names, last_name

REQUEST, JOB = "request_handler", "job_handler"
THREAD = "thread"
"""The framework of a function a `threading.Thread`/`Timer` runs: a job context for state, not for other rules."""
WORKER = "worker"
"""The framework of a started process's consumer loop (see `worker_loops`): a job context for state only."""
_THREAD_STARTERS: dict[str, tuple[str, int | None]] = {"threading.Thread": ("target", None),
                                                       "threading.Timer": ("function", 1)}
"""The keyword, and the position when it may be passed positionally, of the function each starter runs."""

_WEB_CONSTRUCTORS = {
    "flask.Flask": "flask", "flask.Blueprint": "flask", "quart.Quart": "quart", "quart.Blueprint": "quart",
    "apiflask.APIFlask": "flask", "apiflask.APIBlueprint": "flask", "flask_smorest.Blueprint": "flask",
    "fastapi.FastAPI": "fastapi", "fastapi.APIRouter": "fastapi", "fastapi.routing.APIRouter": "fastapi",
    "starlette.applications.Starlette": "starlette", "sanic.Sanic": "sanic", "sanic.Blueprint": "sanic",
}
_TASK_CONSTRUCTORS = {
    "celery.Celery": "celery", "huey.RedisHuey": "huey", "huey.Huey": "huey", "huey.SqliteHuey": "huey",
    "huey.MemoryHuey": "huey", "huey.PriorityRedisHuey": "huey", "dramatiq": "dramatiq",
}
_TASK_DECORATORS = {
    "celery.shared_task": "celery", "celery.task": "celery", "celery.decorators.task": "celery",
    "celery.decorators.periodic_task": "celery", "dramatiq.actor": "dramatiq", "rq.decorators.job": "rq",
    "rq.job": "rq", "huey.contrib.djhuey.task": "huey", "huey.contrib.djhuey.periodic_task": "huey",
    "huey.contrib.djhuey.db_task": "huey", "huey.contrib.djhuey.db_periodic_task": "huey",
}
_ROUTE_METHODS = {"route", "get", "post", "put", "patch", "delete", "head", "options", "trace", "websocket",
                  "api_route", "before_request", "before_app_request", "after_request", "teardown_request"}
_UNAMBIGUOUS_ROUTE_METHODS = {"route", "api_route", "websocket", "before_request", "before_app_request"}
_TASK_METHODS = {"task", "periodic_task", "db_task", "db_periodic_task", "actor"}
_REGISTRATIONS = {"add_url_rule": "flask", "add_api_route": "fastapi", "add_route": "starlette",
                  "add_websocket_route": "starlette", "add_api_websocket_route": "fastapi"}
_ROUTE_CLASSES = {"starlette.routing.Route", "starlette.routing.WebSocketRoute", "fastapi.routing.APIRoute"}
_DJANGO_VIEW_DECORATOR = re.compile(
    r"^(django|rest_framework)\..*\.(api_view|require_http_methods|require_GET|require_POST|require_safe|"
    r"login_required|permission_required|csrf_exempt|user_passes_test|staff_member_required)$")
_VIEW_BASE = re.compile(r"(View|ViewSet|APIView|Endpoint|HTTPEndpoint|WebSocketEndpoint)$")
_CONSUMER_BASE = re.compile(r"Consumer$")
_TASK_BASE = re.compile(r"(^|\.)Task$")


@dataclass(frozen=True)
class Handler:
    function: Function
    qualname: str
    context: str
    framework: str
    via: str = ""
    """For a helper: the handler that calls it."""
    within: tuple[int, int] | None = None
    """Only writes on these lines count (a worker's consumer loop, not the one-shot setup before it)."""

    def describe(self) -> str:
        kind = "request handler" if self.context == REQUEST else "background thread" if self.framework == THREAD \
            else "worker loop" if self.framework == WORKER else "job handler"
        if self.via:
            return f"helper `{self.qualname}()` called from {kind} `{self.via}()`"
        return f"{kind} `{self.qualname}()`"


def find_handlers(index: Index, names: Names, path: str) -> list[Handler]:
    direct: dict[int, Handler] = {}
    is_view_module = _is_view_module(path)
    for name, function in names.functions.items():
        found = _from_decorators(function, names) or (
            _django_function_view(function, "django") if is_view_module else None)
        if found:
            direct[id(function)] = Handler(function, name, *found)
    for function in index.nested:  # routes declared inside an app factory (`def create_app(): @app.route(...)`)
        found = _from_decorators(function, names)
        if found:
            direct[id(function)] = Handler(function, function.name, *found)
    for function, context, framework in _registered(index, names):
        direct.setdefault(id(function), Handler(function, function.name, context, framework))
    for class_name, (context, framework) in _handler_classes(names).items():
        for item in names.classes[class_name].body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and not _is_static_or_class(item):
                if context == JOB and item.name != "run":
                    continue
                direct[id(item)] = Handler(item, f"{class_name}.{item.name}", context, framework)
    local = local_server_commands(index, names)
    handlers = [h for h in direct.values() if not local or id(outermost(h.function, index)) not in local]
    dead = dead_code(index, names) if handlers else set()
    for handler in list(handlers):
        for helper in direct_callees(handler.function, names, dead):
            if id(helper) not in direct:
                direct[id(helper)] = Handler(helper, helper.name, handler.context, handler.framework, handler.qualname)
                handlers.append(direct[id(helper)])
    return handlers


_CLI_DECORATORS = {"click.command", "click.group", "typer.Typer.command"}


def is_cli_decorator(decorator: ast.expr, names: Names) -> bool:
    """`@click.command()`, `@cli.command()` (a click group, also one nested in another: `@auth.command()` under
    `@cli.group()`), `@app.command()` (typer), `@app.cli.command()`."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if (names.qualify(target) or "") in _CLI_DECORATORS:
        return True
    if not (isinstance(target, ast.Attribute) and target.attr == "command"):
        return False
    owner = target.value
    if isinstance(owner, ast.Attribute):
        return owner.attr == "cli"
    if isinstance(owner, ast.Name):
        return names.constructors.get(owner.id, "").startswith(("typer.", "click.")) or _click_group(owner.id, names)
    return False


def _click_group(name: str, names: Names, depth: int = 0) -> bool:
    """A module function made a click group: `@click.group()`, or `@cli.group()` under a group itself."""
    group = names.functions.get(name)
    if group is None or depth > 4:
        return False
    for decorator in group.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (names.qualify(target) or "").startswith("click."):
            return True
        if isinstance(target, ast.Attribute) and target.attr == "group" and isinstance(target.value, ast.Name) \
                and _click_group(target.value.id, names, depth + 1):
            return True
    return False


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
_SERVE_METHODS = frozenset({"run", "run_app", "serve"})


def outermost(function: Function, index: Index) -> Function:
    """The module- or class-level function a (possibly nested) function is defined in."""
    while (parent := index.parents.get(id(function))) is not None:
        function = parent
    return function


def local_server_commands(index: Index, names: Names) -> set[int]:
    """id() of CLI commands (click, typer) that serve a web server of their own only on a loopback address they name
    (`uvicorn.run(app, host="127.0.0.1", port=8085)` in `keep auth login`, for the OAuth callback): a throwaway
    server for the person running the command (a login callback, a local preview), reachable from nowhere else, not
    the deployed service. The app it builds is no app factory and its routes no request handlers of the service."""
    local: set[int] = set()
    public: set[int] = set()
    for site in index.calls:
        call, function = site.node, site.function
        if function is None or last_name(call.func) not in _SERVE_METHODS:
            continue
        host = next((k.value for k in call.keywords if k.arg == "host"), None)
        if host is None:
            continue
        command = outermost(function, index)
        if isinstance(host, ast.Constant) and host.value in _LOOPBACK:
            if any(is_cli_decorator(d, names) for d in command.decorator_list):
                local.add(id(command))
        else:
            public.add(id(command))
    return local - public


def thread_workers(index: Index, names: Names, handlers: list[Handler]) -> list[Handler]:
    """Module functions handed to `threading.Thread(target=f)` / `threading.Timer(s, f)`: worker threads of
    the process that starts them, so module state they mutate is that process's own copy (TF601; the caller
    asks only in modules that serve requests). Kept out of `find_handlers`: the other rules' handler contexts
    (file writes, detached work) do not apply to them."""
    known = {id(h.function) for h in handlers}
    found: dict[int, Handler] = {}
    for site in index.calls:
        starter = _THREAD_STARTERS.get(names.qualify(site.node.func) or "")
        if starter is None:
            continue
        keyword, position = starter
        target = next((k.value for k in site.node.keywords if k.arg == keyword), None)
        if target is None and position is not None and len(site.node.args) > position:
            target = site.node.args[position]
        if isinstance(target, ast.Name) and target.id in names.functions:
            function = names.functions[target.id]
            if id(function) not in known:
                found.setdefault(id(function), Handler(function, target.id, JOB, THREAD))
    return list(found.values())


def _is_view_module(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return PurePosixPath(path).stem in {"views", "api", "endpoints", "viewsets"} or "views" in parts[:-1]


def _from_decorators(function: Function, names: Names) -> tuple[str, str] | None:
    for decorator in function.decorator_list:
        found = _decorator_context(decorator, names)
        if found:
            return found
    return None


def _decorator_context(decorator: ast.expr, names: Names) -> tuple[str, str] | None:
    call = decorator if isinstance(decorator, ast.Call) else None
    target = call.func if call else decorator
    qualified = names.qualify(target) or ""
    if qualified in _TASK_DECORATORS:
        return JOB, _TASK_DECORATORS[qualified]
    if _DJANGO_VIEW_DECORATOR.match(qualified):
        return REQUEST, "django"
    if not isinstance(target, ast.Attribute):
        return None
    method, owner = target.attr, target.value
    constructor = names.constructors.get(owner.id) if isinstance(owner, ast.Name) else None
    unknown_owner = constructor is None
    if method in _TASK_METHODS and (unknown_owner or constructor in _TASK_CONSTRUCTORS):
        return JOB, _TASK_CONSTRUCTORS.get(constructor or "", "celery")
    if method in _ROUTE_METHODS:
        if constructor in _WEB_CONSTRUCTORS:
            return REQUEST, _WEB_CONSTRUCTORS[constructor]
        if unknown_owner and (method in _UNAMBIGUOUS_ROUTE_METHODS or _first_arg_is_url(call)) \
                and not _routes_no_request_path(call):
            return REQUEST, "web"
    return None


_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
_PATTERN_START = (".", "^", "(", "[", "\\", "*")


def _routes_no_request_path(call: ast.Call | None) -> bool:
    """A `.route(...)` of an object built elsewhere whose pattern is no path of a request: an absolute URL or an
    identifier with a scheme (`"https://pypi.org/pypi/[^/]+/json"`, `"pkg:npm/.*"`) or a regular expression
    (`".+/repomd.xml"`). Web frameworks match a request's path (`"/items/<id>"`, `""` or `"<id>"` under a
    blueprint's prefix); a router of URLs to fetch or package identifiers to process is a dispatcher of the
    project's own, run by its jobs or commands, and the functions it routes to serve no request."""
    if call is None or not call.args:
        return False
    first = call.args[0]
    if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
        return False
    pattern = first.value
    return bool(_SCHEME.match(pattern)) or pattern.startswith(_PATTERN_START)


def _first_arg_is_url(call: ast.Call | None) -> bool:
    if call is None or not call.args:
        return False
    first = call.args[0]
    return isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value.startswith("/")


def _django_function_view(function: Function, framework: str) -> tuple[str, str] | None:
    params = function.args.posonlyargs + function.args.args
    if params and params[0].arg == "request" and not function.name.startswith("_"):
        return REQUEST, framework
    return None


_VIEW_KEYWORDS = frozenset({"view_func", "endpoint", "route"})


def _registered(index: Index, names: Names):
    """(function, context, framework) for functions handed to `add_url_rule`/`add_api_route`/`Route(...)`,
    or to a route or task decorator applied by hand (`app.get("/x")(view)`, `app.task()(job)`)."""
    for site in index.calls:
        node = site.node
        handed = [value.id for value in [*node.args, *(k.value for k in node.keywords if k.arg in _VIEW_KEYWORDS)]
                  if isinstance(value, ast.Name) and value.id in names.functions]
        if not handed:  # most calls hand on no function of the module: what they are is never asked
            continue
        found = None
        if isinstance(node.func, ast.Attribute) and node.func.attr in _REGISTRATIONS:
            found = REQUEST, _REGISTRATIONS[node.func.attr]
        elif names.qualify(node.func) in _ROUTE_CLASSES:
            found = REQUEST, "starlette"
        elif isinstance(node.func, ast.Call):
            found = _decorator_context(node.func, names)
        if found is not None:
            yield from ((names.functions[name], *found) for name in handed)


def _handler_classes(names: Names) -> dict[str, tuple[str, str]]:
    """Module classes whose instances serve requests or jobs, including subclasses of those."""
    found: dict[str, tuple[str, str]] = {}
    changed = True
    while changed:
        changed = False
        for name, cls in names.classes.items():
            if name in found:
                continue
            for base in cls.bases:
                qualified = names.qualify(base) or ""
                last = qualified.rsplit(".", 1)[-1]
                if last in found:
                    found[name] = found[last]
                elif _CONSUMER_BASE.search(last):
                    found[name] = (REQUEST, "channels")
                elif _VIEW_BASE.search(last):
                    found[name] = (REQUEST, "django" if qualified.startswith(("django", "rest_framework")) else "web")
                elif _TASK_BASE.search(qualified) and qualified.startswith(("celery", "huey")):
                    found[name] = (JOB, "celery")
                else:
                    continue
                changed = True
                break
    return found


def _is_static_or_class(function: Function) -> bool:
    return any(isinstance(d, ast.Name) and d.id in {"staticmethod", "classmethod", "property"} for d in function.decorator_list)


def direct_callees(function: Function, names: Names, dead: set[int] | frozenset[int] = frozenset()) -> list[Function]:
    """Module-level functions called by plain name from `function`, but not by calls in `dead` (`dead_code`)."""
    local = parameter_names(function)
    callees = []
    for node in walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and id(node) not in dead:
            target = names.functions.get(node.func.id)
            if target is not None and node.func.id not in local and target is not function and target not in callees:
                callees.append(target)
    return callees


def off_flags(index: Index, names: Names) -> set[str]:
    """Module-level names set to the literal `False` once, and bound nowhere else in the module (no second
    assignment, no `global` rebinding, no local of that name): a feature switched off in the code itself
    (`MICROBIT_FEATURE = False`). A test monkeypatching it does not run in production."""
    candidates = {name for name, value in names.values.items()
                  if isinstance(value, ast.Constant) and value.value is False}
    if not candidates:
        return set()
    bound: dict[str, int] = {}
    for site in index.assignments:
        node = site.node
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for target in targets:
            for name in (target.elts if isinstance(target, (ast.Tuple, ast.List)) else [target]):
                if isinstance(name, ast.Name) and name.id in candidates:
                    bound[name.id] = bound.get(name.id, 0) + 1
    return {name for name in candidates if bound.get(name, 0) == 1}


def dead_code(index: Index, names: Names) -> set[int]:
    """id() of every node that runs only when an `off_flags` flag is on: the body of `if FLAG:` (and of `if FLAG and
    ...:`), the `else` of `if not FLAG:`. Unreachable as the module is written."""
    flags = off_flags(index, names) if index.ifs else set()
    dead: set[int] = set()
    if not flags:
        return dead
    for branch in index.ifs:
        test = branch.test
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And):
            test = next((v for v in test.values if isinstance(v, ast.Name) and v.id in flags), test)
        if isinstance(test, ast.Name) and test.id in flags:
            statements = branch.body
        elif isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not) and isinstance(test.operand, ast.Name) \
                and test.operand.id in flags:
            statements = branch.orelse
        else:
            continue
        dead.update(id(node) for statement in statements for node in ast.walk(statement))
    return dead


def parameter_names(function: Function) -> set[str]:
    """Every name a function's signature binds, `*args` and `**kwargs` included."""
    args = function.args
    params = {a.arg for a in [*args.posonlyargs, *args.args, *args.kwonlyargs]}
    params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
    return params
