"""The run snapshot: a whole run's result, kept beside the facts pack and replayed while nothing it
depends on has changed - so a warm run with nothing changed decodes no facts, links nothing and judges
nothing.

Its key hashes what the result depends on: the code stamp (the facts cache's), the settings, the
paths named, the rule files (path, size, mtime), and every discovered file's path, kind, role, size,
mtime and inode. The files linking read or looked for beyond the discovered ones (a started script,
a `manage.py` it checked for) are kept with their stat (or "absent") and checked again. A run with a
file modified in the last seconds is not kept (its mtime cannot tell a later same-second edit), nor
one with an internal error (the next run tries again). JSON, one file per project, written
atomically like the pack; an unreadable or foreign snapshot is a miss.
"""

from __future__ import annotations

import itertools
import os
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import Skipped, SourceFile
from twelvefactor_lint.infra.cache import RACY_NS, code_stamp, project_file, read_json, write_json
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.model import Finding, Process, Related, Result, SkippedFile

_FORMAT = 1

Stat = tuple[int, int, int] | None
"""(size, mtime_ns, inode) of a file, None when it is absent."""


def stat_of(path: str | Path) -> Stat:
    try:
        info = os.stat(path)
    except OSError:
        return None
    return info.st_size, info.st_mtime_ns, info.st_ino


def files_under(root: Path, rel: str, limit: int) -> list[str]:
    """The regular files under the directory `rel` of `root` (a resolved path), sorted; at most `limit` looked at."""
    directory = (root / rel).resolve()
    if not directory.is_dir() or not directory.is_relative_to(root):
        return []
    found = []
    for path in itertools.islice(directory.rglob("*"), limit):
        if path.is_file() and not path.is_symlink():
            found.append(path.relative_to(root).as_posix())
    return sorted(found)


@dataclass
class Probes:
    """The files a run's linking read or looked for beyond the discovered ones, by path relative to the root,
    and the directories it listed."""

    root: Path
    seen: dict[str, Stat] = field(default_factory=dict)
    listed: dict[str, tuple[int, list[str]]] = field(default_factory=dict)

    def note(self, rel: str) -> None:
        if rel not in self.seen:
            self.seen[rel] = stat_of(self.root / rel)

    def list(self, rel: str, limit: int) -> list[str]:
        """`files_under`, remembered so a replay can list again."""
        self.listed[rel] = (limit, files_under(self.root, rel, limit))
        return self.listed[rel][1]


class RunSnapshot:
    """The snapshot of one project's last run: `replay` gives its result when the key still holds."""

    def __init__(self, directory: Path, root: Path, key_parts: Sequence[str], files: Sequence[SourceFile],
                 skipped: Sequence[Skipped], focused: bool = False):
        # a run of named files (pre-commit's) keeps its own: it does not cost the whole project's run its replay
        self._path = project_file(directory, root, "focus.run" if focused else "run")
        self._now = time.time()
        self._stats = [source.stat_seen or stat_of(source.path) for source in files]
        index = [f"{s.rel}\0{s.kind}\0{s.role}\0{stat}" for s, stat in zip(files, self._stats, strict=True)]
        self._key = _digest(code_stamp(), str(_FORMAT), *key_parts, *index, "skipped",
                            *(f"{s.rel}\0{s.reason}" for s in skipped))

    def replay(self, catalogue: Catalogue) -> Result | None:
        """The stored result, when it was made from what is there now; else None."""
        data = read_json(self._path)
        try:
            if not isinstance(data, dict) or data.get("key") != self._key:
                return None
            root = Path(data["result"]["root"]).resolve()
            if any(stat_of(root / rel) != (tuple(stat) if stat else None) for rel, stat in data["probes"].items()):
                return None
            if any(files_under(root, rel, limit) != listing for rel, (limit, listing) in data["listed"].items()):
                return None
            return _result(data["result"], catalogue)
        except (KeyError, TypeError, ValueError, AttributeError):
            return None

    def keep(self, result: Result, probes: Probes) -> None:
        """Store `result`, unless a file it depends on was modified too recently to be told apart from a later edit."""
        stats = [*self._stats, *probes.seen.values()]
        if result.tracebacks or any(stat is not None and stat[1] > self._now * 1e9 - RACY_NS for stat in stats):
            return
        write_json(self._path, {"key": self._key, "probes": probes.seen, "listed": probes.listed, "result": _plain(result)})


def key_parts(settings: Settings, paths: Iterable[Path], explicit: Iterable[str], catalogue: Catalogue) -> list[str]:
    """What a run's result depends on besides the files: its settings (but `--jobs`, which changes no report),
    the paths named and the rules."""
    rules = sorted({str(source) for source in catalogue.sources})
    return [repr(replace(settings, jobs=0)), *map(str, paths), "explicit", *sorted(explicit), "rules",
            *(f"{source}\0{stat_of(source)}" for source in rules)]


def _digest(*parts: str) -> str:
    import hashlib

    return hashlib.blake2b("\0\1".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def _plain(result: Result) -> dict[str, Any]:
    return {
        "root": result.root, "version": result.version, "analyzed": result.analyzed,
        "findings": [_finding_data(f) for f in result.findings],
        "suppressed": [_finding_data(f) for f in result.suppressed],
        "skipped": [[s.path, s.reason] for s in result.skipped], "tracebacks": list(result.tracebacks),
        "files": list(result.files), "rules": list(result.rules), "docs_url": result.docs_url,
        "processes": [[p.name, p.kind, p.command, p.declared_at, p.source, p.replicas, list(p.findings)]
                      for p in result.processes],
        "digests": dict(result.digests),
    }


def _finding_data(finding: Finding) -> list[Any]:
    return [finding.rule, finding.name, finding.factor, finding.severity, finding.path, finding.line, finding.column,
            finding.end_line, finding.end_column, finding.message, finding.fingerprint, finding.brief,
            [[r.path, r.line, r.column, r.message] for r in finding.related], finding.suppression,
            finding.suppression_kind, finding.definition, finding.fixable, finding.started_by]


def _finding(data: list[Any]) -> Finding:
    (rule, name, factor, severity, path, line, column, end_line, end_column, message, fingerprint, brief, related,
     suppression, suppression_kind, definition, fixable, started_by) = data
    return Finding(rule, name, factor, severity, path, line, column, end_line, end_column, message, fingerprint, brief,
                   tuple(Related(*r) for r in related), suppression, suppression_kind,
                   tuple(definition) if definition else None, fixable, tuple(started_by) if started_by else None)


def _result(data: Mapping[str, Any], catalogue: Catalogue) -> Result:
    return Result(
        root=data["root"], version=data["version"], findings=tuple(map(_finding, data["findings"])),
        suppressed=tuple(map(_finding, data["suppressed"])), analyzed=data["analyzed"],
        skipped=tuple(SkippedFile(path, reason) for path, reason in data["skipped"]), catalogue=catalogue,
        tracebacks=tuple(data["tracebacks"]), files=tuple(data["files"]), rules=tuple(data["rules"]),
        processes=tuple(Process(name, kind, command, declared_at, source, replicas, tuple(findings))
                        for name, kind, command, declared_at, source, replicas, findings in data["processes"]),
        docs_url=data["docs_url"], digests=dict(data["digests"]),
    )
