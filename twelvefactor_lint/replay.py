"""A run's first step: find the files, and replay the last run's result when its snapshot still holds.

Light on purpose: a warm run with nothing changed ends here, having imported no analyzer, fact class, link
or judge module (the runner, which does, is imported only when the snapshot does not hold).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import Discovery, Memo, discover
from twelvefactor_lint.infra.cache import RACY_NS, is_cache_dir, location, project_file, read_json, write_json
from twelvefactor_lint.infra.progress import Progress
from twelvefactor_lint.infra.snapshot import RunSnapshot, key_parts
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.judge.focus import Focus
from twelvefactor_lint.model import Result


@dataclass(frozen=True)
class Start:
    found: Discovery
    explicit: frozenset[str]
    """The files named on the command line, as discovery names them."""
    snapshot: RunSnapshot | None
    """None with the cache off."""
    replayed: Result | None
    """The snapshot's result, when nothing it depends on has changed."""


def start(paths: list[Path], settings: Settings, catalogue: Catalogue, progress: Progress | None = None,
          focus: Focus | None = None) -> Start:
    found = discover_files(paths, settings, progress)
    explicit = frozenset(source.rel for source in discover([p for p in paths if os.path.isfile(p)], settings.root).files)
    if not settings.cache:
        return Start(found, explicit, None, None)
    scope = ["focus", *sorted(focus.files), *focus.dirs] if focus else []
    snapshot = RunSnapshot(location(settings.root, settings.cache_dir), settings.root,
                           [*key_parts(settings, paths, explicit, catalogue), *scope], found.files, found.skipped)
    return Start(found, explicit, snapshot, snapshot.replay(catalogue))


def discover_files(paths: list[Path], settings: Settings, progress: Progress | None) -> Discovery:
    """With the cache on, through the project's discovery memo (`walk.Memo`), kept once the cache directory is made."""
    if progress is not None:
        progress.start("finding files")
    directory = location(settings.root, settings.cache_dir)
    memo_file = project_file(directory, settings.root, "files") if settings.cache else None
    memo = Memo(read_json(memo_file), time.time() * 1e9 - RACY_NS) if memo_file else None
    found = discover(paths, settings.root, (*settings.exclude, *settings.extend_exclude),
                     settings.respect_gitignore, settings.force_exclude, memo)
    if memo_file and memo and memo.changed and is_cache_dir(directory):
        write_json(memo_file, memo.data())
    return found
