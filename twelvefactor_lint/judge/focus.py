"""Focus: when files are named (as pre-commit names the staged ones), report on those files only,
but read what linking needs around them (every deploy file, and the Python files `link.needs` finds).

Cross-file facts need the other files: a compose `command:` supplies a Dockerfile's start
command, and a handler mutates a dict defined in another module. Linting a staged Dockerfile or
view alone would report a missing CMD that compose supplies, or miss the imported state.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from twelvefactor_lint.discover.walk import is_shell_script
from twelvefactor_lint.model import Result, SkippedFile

_UNREACHED = ("a shell script no start command in the project runs (12f-lint reads a script through the "
              "Dockerfile, compose file or Procfile that starts it)")


@dataclass(frozen=True)
class Focus:
    files: frozenset[str]
    dirs: tuple[str, ...]

    def covers(self, path: str) -> bool:
        return path in self.files or any(d == "." or path == d or path.startswith(d + "/") for d in self.dirs)


def _rel(path: Path, root: Path) -> str:
    """The path as discovery names it: relative to the resolved root with `/`, else absolute."""
    absolute = Path(os.path.abspath(path))
    try:
        return PurePosixPath(absolute.relative_to(root)).as_posix()
    except ValueError:
        return absolute.as_posix()


def focus_for(paths: list[Path], root: Path) -> Focus | None:
    """The report's scope when at least one named path is a file; None when only directories are named."""
    if not any(p.is_file() for p in paths):
        return None
    resolved = root.resolve()
    return Focus(frozenset(_rel(p, resolved) for p in paths if not p.is_dir()),
                 tuple(_rel(p, resolved) for p in paths if p.is_dir()))


def narrowed(result: Result, focus: Focus) -> Result:
    """The result restricted to the focused files; a context file's internal error is not this run's."""
    findings = tuple(f for f in result.findings if focus.covers(f.path))
    files = tuple(p for p in result.files if focus.covers(p))
    skipped = [s for s in result.skipped if focus.covers(s.path)]
    unreached = sorted(focus.files - set(files) - {s.path for s in skipped})
    skipped += [SkippedFile(path, _UNREACHED) for path in unreached if is_shell_script(Path(result.root) / path)]
    return replace(
        result,
        findings=findings,
        suppressed=tuple(f for f in result.suppressed if focus.covers(f.path)),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        files=files,
        analyzed=len(files),
        processes=tuple(p for p in result.processes if focus.covers(p.declared_at.rpartition(":")[0])),
        tracebacks=result.tracebacks if any(f.rule == "TF002" for f in findings) else (),
    )
