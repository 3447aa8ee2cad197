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
class KeptMemo:
    """A project's discovery memo (`walk.Memo`) and where the cache `directory` keeps it."""

    directory: Path
    path: Path
    memo: Memo

    def keep(self) -> None:
        """Written when this run added to it, into a cache directory of ours: the first run makes that only
        after discovery, and keeps the memo once it has (`runner.run`)."""
        if self.memo.changed and is_cache_dir(self.directory) and write_json(self.path, self.memo.data()):
            self.memo.changed = False


@dataclass(frozen=True)
class Start:
    found: Discovery
    explicit: frozenset[str]
    """The files named on the command line, as discovery names them."""
    snapshot: RunSnapshot | None
    """None with the cache off."""
    replayed: Result | None
    """The snapshot's result, when nothing it depends on has changed."""
    memo: KeptMemo | None = None
    """None with the cache off."""


def start(paths: list[Path], settings: Settings, catalogue: Catalogue, progress: Progress | None = None,
          focus: Focus | None = None) -> Start:
    directory = location(settings.root, settings.cache_dir)
    memo_file = project_file(directory, settings.root, "files")
    kept = KeptMemo(directory, memo_file, Memo(read_json(memo_file), time.time() * 1e9 - RACY_NS)) if settings.cache else None
    memo = kept.memo if kept else None
    found = discover_files(paths, settings, progress, memo)
    named = [path for path in paths if os.path.isfile(path)]
    explicit = frozenset(source.rel for source in discover(named, settings.root, memo=memo).files) if named else frozenset()
    if kept is None:
        return Start(found, explicit, None, None)
    kept.keep()
    scope = ["focus", *sorted(focus.files), *focus.dirs] if focus else []
    snapshot = RunSnapshot(directory, settings.root,
                           [*key_parts(settings, paths, explicit, catalogue), *scope], found.files, found.skipped,
                           focused=focus is not None)
    return Start(found, explicit, snapshot, snapshot.replay(catalogue), kept)


def discover_files(paths: list[Path], settings: Settings, progress: Progress | None, memo: Memo | None = None) -> Discovery:
    """`memo`: the project's discovery memo (`walk.Memo`), which a run keeps in its cache."""
    if progress is not None:
        progress.start("finding files")
    return discover(paths, settings.root, (*settings.exclude, *settings.extend_exclude),
                    settings.respect_gitignore, settings.force_exclude, memo)
