"""Analysis over worker processes, started only when there is enough work to pay for them.

Each worker is a process of its own (the `ast` work is CPU-bound, so threads would share one
core), runs its files on its own main thread - where `limits.time_limit` arms its alarm - and
sends each file's outcome as soon as it has it. So the parent always knows which file a worker
is on: when a worker dies (a crash in a C extension, the out-of-memory killer) that file alone
gets `lost(item, reason)` and the rest of its batch goes to a new worker; when a worker is still on
one file past `deadline` seconds (a C call the alarm cannot interrupt), it is killed the same way.
Outcomes come back in the order of `items`, whatever the finishing order, so output never depends
on `--jobs`.

The parent may have work of its own that finds more items (a scan of which files need analysing): given as
`more`, it runs a slice at a time while the workers analyse, and what each slice yields joins the queue.
"""

from __future__ import annotations

import gc
import os
import select
import signal
import sys
import time
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

T = TypeVar("T")
R = TypeVar("R")

_IDLE_EXIT = 5.0
"""Seconds an idle worker asked to end may take (its exit hooks) before it is killed."""
MIN_ITEMS_PER_WORKER = 24
"""Fewer files than this per worker run faster in the one process than the workers take to start."""
_BATCH = 16


def cpu_count() -> int:
    """The CPUs this process may run on (a container's or taskset's share, not the machine's)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def worker_count(jobs: int, items: int) -> int:
    """Workers for `items` files: `jobs` (0 = one per CPU), fewer when the files would not keep them busy."""
    wanted = jobs if jobs > 0 else cpu_count()
    return max(1, min(wanted, items // MIN_ITEMS_PER_WORKER))


def map_in_order(work: Callable[[T], R], items: Sequence[T], jobs: int,
                 lost: Callable[[T, str], R], deadline: float | None = None,
                 progress: Callable[[int], None] | None = None,
                 more: Iterator[Sequence[T]] | None = None) -> list[R]:
    """`[work(item) for item in [*items, *chain.from_iterable(more)]]`, over worker processes when `worker_count`
    says it pays, `more`'s slices run between the outcomes; `progress` hears how many items are done."""
    count = worker_count(jobs, len(items))
    if count == 1 and more is not None:  # too few to start workers for: the parent's work first, then decide
        items = [*items, *chain.from_iterable(more)]
        more, count = None, worker_count(jobs, len(items))
    if count == 1:
        results = []
        with _few_collections():
            for item in items:
                results.append(work(item))
                if progress is not None:
                    progress(len(results))
        return results
    return _Pool(work, items, lost, deadline, progress, more).run(count)


@contextmanager
def _few_collections() -> Iterator[None]:
    """Analysis makes millions of short-lived `ast` nodes, which reference counting frees; the cycle
    collector running every 700 of them, over every live object too, cost a tenth of a cold run."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(20_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


class _Worker:
    def __init__(self, context, work: Callable):
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_serve, args=(child, work), daemon=True)
        self.process.start()
        child.close()
        self.batch: deque[int] = deque()
        self.since = time.monotonic()

    def stop(self, idle: bool = False) -> None:
        """Kill the worker; an `idle` one (done with its batches) is asked to end first, so the processes it
        started end with it (see `_serve`)."""
        if idle:
            try:
                self.conn.send(None)
                self.process.join(_IDLE_EXIT)
            except OSError:
                pass
        self.process.kill()
        self.process.join()
        self.conn.close()


class _Pool:
    def __init__(self, work: Callable, items: Sequence, lost: Callable, deadline: float | None,
                 progress: Callable[[int], None] | None = None, more: Iterator[Sequence] | None = None):
        self.work, self.lost, self.deadline, self.progress, self.more = work, lost, deadline, progress, more
        self.items = list(items)
        self.results: list = [None] * len(items)
        self.queue = deque(range(len(items)))
        self.done = 0
        import multiprocessing  # here, not at the top: a run that needs no pool does not pay for its import

        # fork shares the loaded modules at no cost; where fork is unsafe (macOS) or missing, spawn
        self.context = multiprocessing.get_context("fork" if sys.platform.startswith("linux") else "spawn")

    def run(self, count: int) -> list:
        workers = [_Worker(self.context, self.work) for _ in range(count)]
        watch = _Watch(workers)
        try:
            while self.more is not None or self.done < len(self.items):
                for worker in workers:
                    self._feed(worker, count)
                ready = watch.ready(timeout=0 if self.more is not None else 1.0)
                for index, worker in enumerate(workers):
                    if worker.conn in ready or worker.process.sentinel in ready:
                        if not self._receive(worker, worker.conn in ready):
                            workers[index] = watch.swap(worker, self._replace(
                                worker, f"the analyzer process died ({_exit(worker)})"))
                    elif self._overdue(worker):
                        workers[index] = watch.swap(worker, self._replace(
                            worker, f"analysis took longer than {self.deadline:g} s and was stopped"))
                if self.more is not None:  # a slice each turn, however busy the workers keep the pipes
                    self._extend(next(self.more, None))
                if self.progress is not None:
                    self.progress(self.done)
        finally:
            for worker in workers:
                worker.stop(idle=not worker.batch)
        return self.results

    def _extend(self, found: Sequence | None) -> None:
        """Queue the items a slice of the parent's work found; None: that work is done."""
        if found is None:
            self.more = None
            return
        self.queue.extend(range(len(self.items), len(self.items) + len(found)))
        self.items.extend(found)
        self.results.extend([None] * len(found))

    def _feed(self, worker: _Worker, count: int) -> None:
        if worker.batch or not self.queue:
            return
        size = max(1, min(_BATCH, len(self.queue) // (4 * count)))
        batch = [self.queue.popleft() for _ in range(min(size, len(self.queue)))]
        worker.batch.extend(batch)
        worker.since = time.monotonic()
        worker.conn.send([(i, self.items[i]) for i in batch])

    def _receive(self, worker: _Worker, sent: bool) -> bool:
        """Take the outcome the worker has `sent` (one: the next `ready` tells whether another waits, where asking
        the pipe itself builds a selector each time); False when it is gone."""
        if not sent:
            return worker.process.is_alive()
        try:
            index, outcome = worker.conn.recv()
        except (EOFError, OSError):
            return False
        self.results[index] = outcome
        worker.batch.remove(index)
        worker.since = time.monotonic()
        self.done += 1
        return True

    def _overdue(self, worker: _Worker) -> bool:
        return bool(worker.batch) and self.deadline is not None and time.monotonic() - worker.since > self.deadline

    def _replace(self, worker: _Worker, reason: str) -> _Worker:
        """Stop `worker`, give its current file `reason`, requeue the rest of its batch, start another."""
        worker.stop()
        if worker.batch:
            culprit = worker.batch.popleft()
            self.results[culprit] = self.lost(self.items[culprit], reason)
            self.done += 1
            self.queue.extendleft(reversed(worker.batch))
        return _Worker(self.context, self.work)


class _Watch:
    """Which workers have sent an outcome or died: one `poll` object for the pool's life, where `wait` from
    multiprocessing builds a selector on every call (thousands in a cold run, most of the parent's work while
    the workers analyze); that `wait` where pipes cannot be polled (Windows)."""

    def __init__(self, workers: list[_Worker]):
        self._poll = select.poll() if hasattr(select, "poll") else None
        self._objects: dict[int, Connection | int] = {}
        self._fds: dict[int, tuple[int, int]] = {}
        for worker in workers:
            self._add(worker)

    def _add(self, worker: _Worker) -> None:
        conn, sentinel = worker.conn.fileno(), worker.process.sentinel
        self._fds[id(worker)] = (conn, sentinel)
        self._objects.update({conn: worker.conn, sentinel: sentinel})
        if self._poll is not None:
            self._poll.register(conn, select.POLLIN)
            self._poll.register(sentinel, select.POLLIN)

    def swap(self, old: _Worker, new: _Worker) -> _Worker:
        """Watch `new` instead of `old` (stopped: its descriptors, kept from `_add`, may be reused by `new`'s)."""
        for fd in self._fds.pop(id(old)):
            del self._objects[fd]
            if self._poll is not None:
                self._poll.unregister(fd)
        self._add(new)
        return new

    def ready(self, timeout: float) -> set:
        """The pipes with something to read and the sentinels of ended workers, waiting up to `timeout` s."""
        if self._poll is None:
            from multiprocessing.connection import wait

            return set(wait(list(self._objects.values()), timeout=timeout))
        return {self._objects[fd] for fd, _ in self._poll.poll(timeout * 1000)}


def _exit(worker: _Worker) -> str:
    code = worker.process.exitcode
    if code is not None and code < 0:
        return f"killed by {signal.Signals(-code).name}"
    return f"exit code {code}"


def _serve(conn: Connection, work: Callable) -> None:
    """A worker: run each batch's items, sending each outcome as it is ready, until the parent says it is done
    (`None`: the worker returns, and the process's exit hooks stop what its work started) or is gone (a forked
    sibling may hold this pipe open, so EOF alone cannot tell)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    parent = os.getppid()
    with _few_collections():  # frozen, the objects inherited by fork are also never written by the collector
        while True:
            while not conn.poll(1.0):
                if os.getppid() != parent:
                    return
            try:
                batch = conn.recv()
            except EOFError:
                return
            if batch is None:
                return
            for index, item in batch:
                conn.send((index, work(item)))
