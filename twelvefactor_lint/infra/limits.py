"""A wall-clock limit on analyzing one file, so that one hostile file cannot hang the run.

On POSIX the main thread arms `SIGALRM` (`setitimer`) around the call; the handler raises
`FileTimeout`, a BaseException so that an analyzer's `except Exception` cannot swallow it.
Where that cannot work - no SIGALRM (Windows), a thread other than the main one, or an
alarm someone else already armed (which we must not steal) - the call runs unlimited.

A process pool keeps the limit: each worker runs its tasks on its own main thread, so the
same alarm guards each file in each worker (a thread pool would fall back to no limit).
The alarm interrupts Python code and the regex engine, not a long call inside a C
extension (libyaml, tree-sitter): that is interrupted when it returns; a pool that must
bound those too can kill a worker past its deadline.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

DEFAULT_FILE_TIMEOUT = 10.0
"""Seconds one file's analysis may take (`file-timeout` in the config)."""


class FileTimeout(BaseException):
    """Raised inside the guarded call when its time is up."""


def _can_arm() -> bool:
    return (
        hasattr(signal, "setitimer")
        and threading.current_thread() is threading.main_thread()
        and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    )


def _expired(signum, frame) -> None:
    raise FileTimeout


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise FileTimeout in the body after `seconds`, where the platform allows (see module doc)."""
    if not _can_arm():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _expired)
    try:
        signal.setitimer(signal.ITIMER_REAL, seconds)
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


MAX_DOTS_PER_LINE = 1000


def too_dotted_for_toml(text: str) -> bool:
    """tomllib holds every prefix of a dotted key (`a.a.a... = 1`), quadratic in its length: 200 KB of them
    exhaust memory, while a real TOML line has a handful of dots. A scanned file over the bound is not read."""
    return any(line.count(".") > MAX_DOTS_PER_LINE for line in text.splitlines())


@contextmanager
def paused() -> Iterator[None]:
    """The armed limit stopped for the body, the time left resumed after: set-up that a file merely triggers
    first in a process (importing libcst, probing the interpreters on PATH) is the process's cost, not the
    file's, and on a loaded machine it alone can outlast the limit - skipping that file in one run and not
    in another (with other `--jobs`, the first file to trigger it differs)."""
    armed = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    remaining = signal.getitimer(signal.ITIMER_REAL)[0] if armed else 0.0
    if not remaining:
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, 0)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, remaining)
