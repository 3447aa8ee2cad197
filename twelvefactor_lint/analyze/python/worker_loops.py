"""Worker loops: a process that consumes a queue, broker or pub/sub channel in a loop (TF601's job contexts).

A loop is a consumer loop when it blocks on a receive (`q.get()`, `consumer.poll()`, `pubsub.listen()`,
`redis.blpop(...)`) or iterates a consumer (`for msg in consumer:`). It is a worker when it runs in what a
start command launches: a function the main guard calls (or one it calls in turn), a click/typer command, a
Django management command's `handle()`, or the main guard itself. Module state the loop writes, itself or
through a module function it calls, is that process's own copy: a second replica of the worker never sees it.
One-shot commands (seed, migrate, import) have no consumer loop, so they stay out; so do loops that only
fill locals (nothing to report).
"""

from __future__ import annotations

import ast
import re

from twelvefactor_lint.analyze.python.handlers import JOB, WORKER, Function, Handler, direct_callees, is_cli_decorator
from twelvefactor_lint.analyze.python.index import walk
from twelvefactor_lint.analyze.python.names import Names, is_main_guard, last_name

_RECEIVES = {"consume", "poll", "receive", "recv", "listen", "get_message", "blpop", "brpop", "brpoplpush",
             "blmove", "bzpopmin", "bzpopmax", "xread", "xreadgroup", "basic_get", "receive_messages", "pull",
             "dequeue", "next_message", "fetch_message"}
_QUEUE_NAME = re.compile(r"queue|(^|_)q$|inbox|mailbox|(^|_)jobs?$|(^|_)tasks?$", re.IGNORECASE)
"""A receiver whose `.get()` is a queue's (`jobs.get()`, `work_q.get()`), not a dict's or a client's."""
_CONSUMER_NAME = re.compile(r"consumer|subscriber|subscription|pubsub", re.IGNORECASE)


def worker_loops(tree: ast.Module, names: Names, known: list[Handler]) -> list[Handler]:
    """Handlers for the consumer loops a started process runs: the loop's function (only its writes inside the
    loop count: setup before it runs once) and the module functions called inside the loop."""
    seen = {id(h.function) for h in known}
    found: dict[int, Handler] = {}

    def add(handler: Handler) -> None:
        if id(handler.function) not in seen:
            found.setdefault(id(handler.function), handler)

    for qualname, entry in _entry_points(tree, names):
        owner = qualname.split(".")[0] if "." in qualname else None
        for function, name in [(entry, qualname), *((c, c.name) for c in direct_callees(entry, names))]:
            loops = [node for node in walk(function) if isinstance(node, ast.stmt) and _is_consumer_loop(node, names)]
            if not loops:
                continue
            span = (min(n.lineno for n in loops), max(n.end_lineno or n.lineno for n in loops))
            add(Handler(function, name, JOB, WORKER, within=span))
            for callee in _called_in(loops, names, owner):
                add(Handler(callee, _name_of(callee, owner, names), JOB, WORKER, via=name))
    for statement in tree.body:  # `if __name__ == "__main__": while True: handle(q.get())`
        if is_main_guard(statement):
            loops = [node for node in walk(statement) if isinstance(node, ast.stmt) and _is_consumer_loop(node, names)]
            for callee in _called_in(loops, names, None):
                add(Handler(callee, callee.name, JOB, WORKER))
    return list(found.values())


def _entry_points(tree: ast.Module, names: Names) -> list[tuple[str, Function]]:
    """(qualified name, function) for what a start command runs: main-guard calls, CLI commands, `handle()`."""
    called = {node.func.id for statement in tree.body if is_main_guard(statement) for node in walk(statement)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    entries = [(name, function) for name, function in names.functions.items()
               if name in called or any(is_cli_decorator(d, names) for d in function.decorator_list)]
    for class_name, cls in names.classes.items():
        if any((names.qualify(b) or "").endswith("BaseCommand") for b in cls.bases):
            entries += [(f"{class_name}.{item.name}", item) for item in cls.body
                        if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and item.name == "handle"]
    return entries


def _is_consumer_loop(node: ast.AST, names: Names) -> bool:
    if isinstance(node, ast.While):
        return any(_is_receive(n) for statement in node.body for n in walk(statement))
    if isinstance(node, (ast.For, ast.AsyncFor)):
        source = node.iter
        if isinstance(source, ast.Call) and isinstance(source.func, ast.Attribute) and source.func.attr in _RECEIVES:
            return True
        last = last_name(source)
        built = names.constructors.get(source.id, "") if isinstance(source, ast.Name) else ""
        return bool(_CONSUMER_NAME.search(last)) or built.endswith("Consumer")
    return False


def _is_receive(node: ast.AST) -> bool:
    """A blocking receive: a broker/pub-sub read, or `.get()` on something named like a queue."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
        return False
    if node.func.attr in _RECEIVES:
        return True
    receiver = node.func.value
    name = last_name(receiver)
    return node.func.attr == "get" and bool(_QUEUE_NAME.search(name))


def _called_in(loops: list[ast.stmt], names: Names, owner: str | None) -> list[Function]:
    """Module functions (and, in a class, its own methods through `self.`) called inside the loops."""
    methods = {item.name: item for item in names.classes[owner].body
               if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))} if owner in names.classes else {}
    found: list[Function] = []
    for loop in loops:
        for node in walk(loop):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            target = names.functions.get(func.id) if isinstance(func, ast.Name) else methods.get(func.attr) if (
                isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "self") else None
            if target is not None and target not in found:
                found.append(target)
    return found


def _name_of(function: Function, owner: str | None, names: Names) -> str:
    return function.name if function.name in names.functions and names.functions[function.name] is function \
        else f"{owner}.{function.name}"
