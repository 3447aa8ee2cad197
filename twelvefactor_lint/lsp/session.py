"""One project as the language server sees it: every file's analysis kept in memory, open buffers
overriding the files on disk, and the whole project re-linked and judged after each edit.

The first lint reads every file through the facts cache (so a project the CLI has linked before costs
a stat per file); after that an edit re-analyzes the changed file alone. Findings span files (a view
mutating state defined elsewhere, a Dockerfile whose start command comes from compose), so linking and
judging always cover the whole project. Nothing here knows about the protocol.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Sequence
from itertools import chain
from pathlib import Path, PurePosixPath

from twelvefactor_lint import config, runner
from twelvefactor_lint.config import CONFIG_FILE, PYPROJECT, ConfigError, Settings
from twelvefactor_lint.discover.walk import Discovery, SourceFile, discover, kind_of
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.infra.progress import Progress
from twelvefactor_lint.judge import baseline, catalogue
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.judge.engine import Selection
from twelvefactor_lint.model import Result

log = logging.getLogger(__name__)


class ProjectSession:
    """The project a workspace folder belongs to (its root is where the config is, as for the CLI)."""

    def __init__(self, folder: Path, rules: Catalogue | None = None):
        self.folder = Path(os.path.abspath(folder))
        self.catalogue = rules or catalogue.load()
        self._buffers: dict[str, bytes] = {}
        self._analyses: dict[tuple[str, str], FileAnalysis | str] = {}
        self._discovery: Discovery | None = None
        self._looked_for: set[str] = set()
        self.result: Result | None = None
        self.settings, self._selection = self._configure()

    def _configure(self) -> tuple[Settings, Selection]:
        """The folder's settings and selected rules; a broken config falls back to the defaults (and is logged):
        the editor keeps linting while the user fixes it."""
        try:
            settings = config.load([self.folder])
            return settings, runner.selected_rules(settings, self.catalogue)
        except ConfigError as error:
            log.warning("12f-lint config: %s; using the defaults until it is fixed", error)
            settings = Settings(root=self.folder)
            return settings, runner.selected_rules(settings, self.catalogue)

    @property
    def root(self) -> Path:
        return self.settings.root

    def reload_config(self) -> None:
        """Read the config again (pyproject.toml or .12f-lint.toml changed): excludes and roots may differ,
        so files are discovered and analyses looked up again (through the facts cache)."""
        old_root = self.root.resolve()
        self.settings, self._selection = self._configure()
        moved = {rel: self.rel(old_root / rel) for rel in self._buffers}  # a new config may move the root
        self._buffers = {new: self._buffers[old] for old, new in moved.items() if new is not None}
        self.refresh()

    def refresh(self) -> None:
        """Discover and look at every file again (through the facts cache, an unchanged file costs a stat):
        for changes the editor did not report."""
        self.files_changed()
        self._analyses.clear()

    def rel(self, path: Path) -> str | None:
        """The file as findings name it (relative to the root, with `/`), or None outside the folder."""
        absolute = Path(os.path.abspath(path))
        if not absolute.is_relative_to(self.folder):
            return None
        try:
            return PurePosixPath(absolute.relative_to(self.root.resolve())).as_posix()
        except ValueError:
            try:
                return PurePosixPath(absolute.resolve().relative_to(self.root.resolve())).as_posix()
            except (ValueError, OSError):
                return None

    def path(self, rel: str) -> Path:
        return self.root.resolve() / rel

    def set_buffer(self, rel: str, text: str) -> None:
        """An open editor buffer's text: it replaces the file on disk until `drop_buffer`."""
        data = text.encode("utf-8", "surrogatepass")
        if self._buffers.get(rel) != data:
            self._buffers[rel] = data
            self.forget(rel)

    def drop_buffer(self, rel: str) -> None:
        """The file on disk is the truth again (the buffer was saved or closed)."""
        self._buffers.pop(rel, None)
        self.forget(rel)

    def text(self, rel: str) -> str | None:
        """The file as the editor has it (its buffer) or as it is on disk; None when unreadable."""
        if rel in self._buffers:
            return self._buffers[rel].decode("utf-8", "replace")
        try:
            return self.path(rel).read_bytes().decode("utf-8", "replace")
        except OSError:
            return None

    def forget(self, rel: str) -> None:
        """The file changed: analyze it again at the next lint."""
        for key in [k for k in self._analyses if k[0] == rel]:
            del self._analyses[key]

    def files_changed(self) -> None:
        """Files were created or deleted: discover again at the next lint."""
        self._discovery = None
        self._looked_for.clear()

    def reads(self, rel: str) -> bool:
        """Whether the project reads the file: one the last lint judged, or one of a kind 12f-lint reads that
        it did not see (new, or unsaved until now), which makes the next lint discover again - once per file,
        so typing in a gitignored file does not walk the project on every keystroke."""
        if self.result is None or rel in self.result.files:
            return True
        if kind_of(rel.rpartition("/")[2], rel.rpartition("/")[0]) is None:
            return False
        if rel not in self._looked_for:
            self._looked_for.add(rel)
            self._discovery = None
        return True

    def lint(self) -> Result:
        """Link and judge the whole project, analyzing only what changed since the last lint."""
        if self._discovery is None:
            self._discovery = discover([self.folder], self.root, (*self.settings.exclude, *self.settings.extend_exclude),
                                       self.settings.respect_gitignore, self.settings.force_exclude)
            known = {source.rel for source in self._discovery.files}
            for key in [k for k in self._analyses if k[0] not in known]:
                del self._analyses[key]  # deleted files (a script an image runs comes back through the cache)
        result = runner.lint_files(self._discovery.files, self._discovery.skipped, self.settings, self.catalogue,
                                   self._selection, self._analyze)
        self.result = self._accept_baseline(result)
        return self.result

    def _analyze(self, sources: Sequence[SourceFile], progress: Progress | None,
                 more: Iterator[Sequence[SourceFile]] | None = None) -> list[FileAnalysis | str]:
        sources = [*sources, *chain.from_iterable(more or ())]  # unsaved buffers and the memo: every source up front
        missing = [s for s in sources if (s.rel, s.kind) not in self._analyses]
        on_disk = [s for s in missing if s.rel not in self._buffers]
        for source, outcome in zip(on_disk, runner.analyze_all(on_disk, self.settings, progress), strict=True):
            self._analyses[(source.rel, source.kind)] = outcome
        for source in missing:
            if source.rel in self._buffers:
                self._analyses[(source.rel, source.kind)] = runner.analyze_data(
                    source, self._buffers[source.rel], self.settings.file_timeout)
        return [self._analyses[(s.rel, s.kind)] for s in sources]

    def _accept_baseline(self, result: Result) -> Result:
        if not self.settings.baseline:
            return result
        try:
            return baseline.apply(result, baseline.load(self.root / self.settings.baseline), self.settings.baseline)
        except baseline.BaselineError as error:
            log.warning("12f-lint baseline: %s", error)
            return result

    def is_config(self, path: Path) -> bool:
        """Whether a change to `path` may change this project's settings: a config file in the folder,
        below it (a nested project) or above it (where the root may be)."""
        directory = Path(os.path.abspath(path)).parent
        return path.name in (CONFIG_FILE, PYPROJECT) and (
            directory.is_relative_to(self.folder) or self.folder.is_relative_to(directory))
