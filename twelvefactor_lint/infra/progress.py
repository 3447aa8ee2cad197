"""Progress on stderr for a person waiting at a terminal: the phase and files done / total, on one
line rewritten in place, once the run has taken longer than DELAY; nothing on a pipe or in CI logs."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

DELAY = 1.0
"""Seconds before the first line: a run faster than this shows none."""
_INTERVAL = 0.1
"""At most ten updates a second: writing to a terminal is not free."""


class Progress:
    def __init__(self, stream: TextIO, enabled: bool = True, clock: Callable[[], float] = time.monotonic):
        self.stream, self.clock = stream, clock
        self.enabled = enabled and _is_terminal(stream)
        self.started = clock()
        self.shown = 0.0
        self.visible = False
        self.phase, self.done, self.total = "", 0, 0

    def start(self, phase: str, total: int = 0) -> None:
        self.phase, self.done, self.total = phase, 0, total
        self._show(force=True)

    def advance(self, done: int) -> None:
        self.done = done
        self._show(force=done == self.total)

    def finish(self) -> None:
        """Clear the line, so the report starts on a clean one."""
        if self.visible:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self.visible = False

    def _show(self, force: bool) -> None:
        now = self.clock()
        if not self.enabled or now - self.started < DELAY or (not force and now - self.shown < _INTERVAL):
            return
        counts = f" {self.done}/{self.total} files" if self.total else ""
        self.stream.write(f"\r\033[K12f-lint: {self.phase}{counts}")
        self.stream.flush()
        self.shown, self.visible = now, True


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
