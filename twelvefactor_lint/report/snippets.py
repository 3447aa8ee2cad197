"""Code snippets around findings: the one reason a reporter may read a scanned file again.

Reads stay inside the project root (a report path never leads a reader elsewhere), each file is
read once per report, and long lines are cut so a minified file cannot bloat the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.discover.sources import decode_text, split_lines

CONTEXT = 2
MAX_LINE = 240
MAX_LINES = 12


@dataclass(frozen=True)
class SnippetLine:
    number: int
    text: str
    hit: bool


class SnippetReader:
    def __init__(self, root: str, max_bytes: int = 4 * 1024 * 1024):
        self.root = Path(root).resolve()
        self.max_bytes = max_bytes
        self._lines: dict[str, list[str] | None] = {}

    def _file_lines(self, path: str) -> list[str] | None:
        if path not in self._lines:
            self._lines[path] = self._read(path)
        return self._lines[path]

    def _read(self, path: str) -> list[str] | None:
        try:
            target = (self.root / path).resolve()
            if not target.is_relative_to(self.root) or target.stat().st_size > self.max_bytes:
                return None
            return split_lines(decode_text(target.read_bytes()))
        except (OSError, ValueError):
            return None

    def around(self, path: str, line: int, end_line: int) -> tuple[SnippetLine, ...]:
        """The finding's lines with CONTEXT lines either side, at most MAX_LINES; empty when unreadable."""
        lines = self._file_lines(path)
        if not lines or line > len(lines):
            return ()
        first = max(1, line - CONTEXT)
        last = min(len(lines), max(line, end_line) + CONTEXT, first + MAX_LINES - 1)
        return tuple(SnippetLine(n, _cut(lines[n - 1]), line <= n <= end_line) for n in range(first, last + 1))


def _cut(text: str) -> str:
    text = text.expandtabs(4)
    return text if len(text) <= MAX_LINE else text[:MAX_LINE] + " …"
