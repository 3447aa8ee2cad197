"""Which findings get fixed: those of rules with a fix, in files under the paths given, inside the
root, that still hold what was analyzed. Unsafe fixes wait for `--unsafe-fixes`."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.discover.sources import digest
from twelvefactor_lint.discover.walk import DOCKERFILE, PYTHON, kind_of
from twelvefactor_lint.model import Finding, Result

Fixer = Callable[[bytes, Sequence[Finding]], tuple[bytes, tuple[Finding, ...]]]


@dataclass(frozen=True)
class Change:
    path: str
    """The file as the report names it."""
    target: Path
    """The real file to write (a symlink inside the root is written through to its target)."""
    before: bytes
    after: bytes
    fixed: tuple[Finding, ...]


@dataclass(frozen=True)
class Proposal:
    changes: tuple[Change, ...] = ()
    notices: tuple[str, ...] = ()
    """Files that were not fixed, and why."""
    held_back: int = 0
    """Findings whose fixes change behaviour: applied only with `--unsafe-fixes`."""


def propose(result: Result, targets: Sequence[Path], unsafe: bool) -> Proposal:
    safety = {rule.id: rule.autofix.safety for rule in result.catalogue.rules if rule.autofix is not None}
    by_path: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        if finding.fixable:
            by_path[finding.path].append(finding)
    changes, notices, held_back = [], [], 0
    for path, findings in sorted(by_path.items()):
        fixer = fixer_for(path)
        if fixer is None:
            continue
        target, data, problem = read_writable(path, result, targets)
        if target is None or data is None:
            notices.append(f"{path}: not fixed: {problem}")
            continue
        after, fixed = fixer(data, findings)
        unsafe_fixed = [f for f in fixed if safety[f.rule] != "safe"]
        if unsafe_fixed and not unsafe:
            held_back += len(unsafe_fixed)
            after, fixed = fixer(data, [f for f in findings if safety[f.rule] == "safe"])
        if fixed and after != data:
            changes.append(Change(path, target, data, after, fixed))
    return Proposal(tuple(changes), tuple(notices), held_back)


def read_writable(path: str, result: Result, targets: Sequence[Path]) -> tuple[Path | None, bytes | None, str]:
    """The real file behind a reported path and its content, when it may be written and still holds what was
    analyzed; else None and why not."""
    target, problem = _writable(path, Path(result.root).resolve(), targets)
    data = _read(target) if target is not None else None
    if target is None or data is None or digest(data) != result.digests.get(path):
        return None, None, problem or "it changed since it was analyzed"
    return target, data, ""


def fixer_for(path: str) -> Fixer | None:
    """The fixer for the file's kind, imported only when a file of that kind has something to fix."""
    kind = kind_of(path.rsplit("/", 1)[-1])
    if kind == PYTHON:
        from twelvefactor_lint.fix.python import fix_python

        return fix_python
    if kind == DOCKERFILE:
        from twelvefactor_lint.fix.dockerfile import fix_dockerfile

        return fix_dockerfile
    return None


def _unresolved(path: Path) -> Path:
    """The absolute path with its directories' symlinks resolved, not the file's own."""
    return path.parent.resolve() / path.name


def _writable(path: str, root: Path, targets: Sequence[Path]) -> tuple[Path | None, str]:
    """The real file behind `path` when a fix may write it, else None and why not."""
    if Path(path).is_absolute():
        return None, "it is outside the project root"
    named = _unresolved(root / path)
    given = [p.resolve() if p.is_dir() else _unresolved(p.absolute()) for p in targets]
    if not any(named == p or named.is_relative_to(p) for p in given):
        return None, "it is not under the paths given"
    real = named.resolve()
    if not real.is_relative_to(root) or not real.is_file():
        return None, "it is a symlink leading out of the project root"
    return real, ""


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except OSError:
        return None
