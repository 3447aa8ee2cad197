"""Process-local locks held around effects other processes also have (TF615's lock facts).

A module-level `threading.Lock()` (or asyncio/multiprocessing lock, or a local file lock)
serialises only the threads of one process. Taken in a handler around a database write or an
outbound request, it looks like it protects a shared resource but does not: other workers and
replicas run the same section at the same time. Locks that only guard in-process structures
(no such call inside) or fill a per-process memo (double-checked: the block starts by returning the
memo when it is filled) are left alone.
"""

from __future__ import annotations

import ast

from twelvefactor_lint.analyze.python.context import Contexts, fact_at
from twelvefactor_lint.analyze.python.index import Index, walk
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.facts.python import LocalLock

_LOCKS = {
    "threading.Lock": "thread", "threading.RLock": "thread", "threading.Semaphore": "thread",
    "threading.BoundedSemaphore": "thread", "asyncio.Lock": "asyncio", "asyncio.Semaphore": "asyncio",
    "multiprocessing.Lock": "process", "multiprocessing.RLock": "process",
}
_FILE_LOCKS = {"filelock.FileLock", "filelock.SoftFileLock", "fasteners.InterProcessLock", "portalocker.Lock"}
_EFFECT_METHODS = {"save", "commit", "execute", "executemany", "create", "bulk_create", "update", "delete",
                   "insert_one", "update_one", "send", "send_mail", "publish", "post", "put", "patch", "charge"}
_EFFECT_MODULES = ("requests.", "httpx.", "urllib.request.", "aiohttp.", "boto3.", "stripe.", "smtplib.")


def lock_facts(index: Index, names: Names, contexts: Contexts, path: str) -> list[LocalLock]:
    facts = []
    for site in index.withs:
        for item in site.node.items:
            lock = _lock_kind(item.context_expr, names)
            if lock is None:
                continue
            effect = _first_effect(site.node.body, names)
            if effect and not _fills_memo(site.node.body):
                facts.append(fact_at(LocalLock, path, item.context_expr, contexts.of(site), site.statement_line, lock[1],
                                     lock=lock[1], lock_kind=lock[0], effect=effect))
    return facts


def _lock_kind(expr: ast.expr, names: Names) -> tuple[str, str] | None:
    """(kind, text) for a module-level process-local lock, or a file lock constructed in place."""
    if isinstance(expr, ast.Name) and expr.id in names.constructors:
        kind = _LOCKS.get(names.constructors[expr.id])
        return (kind, expr.id) if kind else None
    if isinstance(expr, ast.Call) and (names.qualify(expr.func) or "") in _FILE_LOCKS:
        return "file", ast.unparse(expr)[:60]
    return None


def _fills_memo(body: list[ast.stmt]) -> bool:
    """A double-checked memo (`async with lock: if _cache: return _cache`, then fetch and fill it): the lock
    only spares this process duplicate fetches of a value every process may fetch for itself."""
    first = body[0] if body else None
    return isinstance(first, ast.If) and bool(first.body) and isinstance(first.body[-1], ast.Return) and (
        isinstance(first.test, ast.Name) or isinstance(first.test, ast.Compare) and isinstance(first.test.left, ast.Name)
        and len(first.test.ops) == 1 and isinstance(first.test.ops[0], ast.IsNot))


def _first_effect(body: list[ast.stmt], names: Names) -> str:
    """The first call in the locked block that reaches outside the process (a DB write, a request)."""
    for statement in body:
        for node in walk(statement):
            if not isinstance(node, ast.Call):
                continue
            qualified = names.qualify(node.func) or ""
            method = node.func.attr if isinstance(node.func, ast.Attribute) else ""
            if qualified.startswith(_EFFECT_MODULES) or method in _EFFECT_METHODS:
                return ast.unparse(node.func)[:60] + "()"
    return ""
