"""Running the per-repository tasks: a local process pool, or an existing Dask cluster.

Either way the parent only submits tasks and appends each finished task's line to the spool (a JSONL
file in the work dir) as it arrives, keeping a bounded number of tasks in flight, so its memory does
not grow with the fleet. A task that raises (a bug, a worker killed under it) is recorded as
failed with the reason; the audit goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from itertools import islice
from pathlib import Path

from twelvefactor_lint.audit.schema import unaudited
from twelvefactor_lint.audit.sources import Source
from twelvefactor_lint.audit.task import Options, audit_repo, spool_line

IN_FLIGHT_PER_WORKER = 2
"""Tasks submitted ahead per worker: enough to keep it busy, few enough to keep the parent small."""


class Spool:
    """The finished tasks, one JSON line each, appended (and flushed) as they finish; `--resume`
    reads back which sources are done."""

    def __init__(self, path: Path, resume: bool):
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not resume:
            path.write_text("", encoding="utf-8")
        self._handle = path.open("a", encoding="utf-8")

    def done(self) -> set[str]:
        return {key for key, _ in self._lines()}

    def append(self, line: dict) -> None:
        self._handle.write(json.dumps(line, ensure_ascii=False) + "\n")
        self._handle.flush()

    def close(self) -> None:
        self._handle.close()

    def loaders(self, keys: Iterable[str]) -> tuple[list[Callable[[], dict]], dict[str, float]]:
        """A loader per wanted source's latest record, in name order, and each one's duration."""
        latest: dict[str, tuple[int, str, float]] = {}
        for key, (offset, name, seconds) in self._lines():
            latest[key] = (offset, name, seconds)
        chosen = sorted((latest[key] for key in set(keys) if key in latest), key=lambda entry: entry[1])
        return [self._loader(offset) for offset, _, _ in chosen], {name: seconds for _, name, seconds in chosen}

    def _loader(self, offset: int) -> Callable[[], dict]:
        def load() -> dict:
            with self.path.open("rb") as handle:
                handle.seek(offset)
                return json.loads(handle.readline())["record"]
        return load

    def _lines(self) -> Iterator[tuple[str, tuple[int, str, float]]]:
        """(key, (offset, name, seconds)) of every complete line; a line cut short by a crash is ignored."""
        with self.path.open("rb") as handle:
            offset = 0
            for raw in handle:
                try:
                    line = json.loads(raw)
                    yield line["key"], (offset, line["record"]["name"], float(line["seconds"]))
                except (ValueError, KeyError, TypeError):
                    pass
                offset += len(raw)


def _failed(source: Source, error: BaseException) -> dict:
    reason = f"the audit task failed: {type(error).__name__}: {error}".splitlines()[0][:300]
    return spool_line(source, unaudited(source.name, source.location, source.ref, "failed", reason), 0.0)


def run_local(sources: list[Source], options: Options, spool: Spool, jobs: int) -> None:
    """The tasks over `jobs` local worker processes (a pool broken by a dying worker is replaced)."""
    queue = iter(sources)
    pending: dict[Future, Source] = {}
    pool = ProcessPoolExecutor(max_workers=jobs)
    try:
        while True:
            for source in islice(queue, max(0, jobs * IN_FLIGHT_PER_WORKER - len(pending))):
                try:
                    pending[pool.submit(audit_repo, source, options)] = source
                except BrokenProcessPool:
                    pool.shutdown(wait=False, cancel_futures=True)
                    pool = ProcessPoolExecutor(max_workers=jobs)
                    pending[pool.submit(audit_repo, source, options)] = source
            if not pending:
                return
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                source = pending.pop(future)
                try:
                    spool.append(future.result())
                except Exception as error:  # noqa: BLE001 - recorded; the audit goes on
                    spool.append(_failed(source, error))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def run_dask(sources: list[Source], options: Options, spool: Spool, address: str) -> None:
    """The same tasks on an existing Dask `distributed` cluster; workers get the sources themselves,
    this client only collects the records."""
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise RuntimeError("--scheduler needs Dask: pip install 'twelvefactor-lint[dask]'") from None
    with Client(address) as client:
        window = max(1, sum(client.nthreads().values())) * IN_FLIGHT_PER_WORKER
        queue = iter(sources)
        pending: dict[str, Source] = {}

        def submit(source: Source):
            future = client.submit(audit_repo, source, options, pure=False, key=f"12f-lint-audit-{os.urandom(8).hex()}")
            pending[future.key] = source
            return future

        completed = as_completed([submit(source) for source in islice(queue, window)])
        for future in completed:
            source = pending.pop(future.key)
            try:
                spool.append(future.result())
            except Exception as error:  # noqa: BLE001 - a task that raised or killed its workers
                spool.append(_failed(source, error))
            future.release()
            following = next(queue, None)
            if following is not None:
                completed.add(submit(following))
