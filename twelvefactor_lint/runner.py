"""The pipeline: discover -> analyze -> link -> evaluate -> suppress, into one Result.

Linking, judging and the worker pool are imported where they run: a warm run that replays its
snapshot (`infra.snapshot`) never loads them.
"""

from __future__ import annotations

import os
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import replace
from functools import partial
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, cast

from twelvefactor_lint import __version__
from twelvefactor_lint.analyze import Unanalyzable, analyzer_for
from twelvefactor_lint.analyze.directives import may_hold_directive
from twelvefactor_lint.config import ConfigError, Settings
from twelvefactor_lint.discover.scope import DEV, PROD, ROLES, is_dev_named, is_prod_named
from twelvefactor_lint.discover.sources import digest, load
from twelvefactor_lint.discover.walk import PYTHON, Skipped, SourceFile
from twelvefactor_lint.facts import Directive, Fact, FileAnalysis, internal_error
from twelvefactor_lint.facts.python import ModuleRefs, PythonFact
from twelvefactor_lint.facts.suppression import UnknownSuppressionRule, UnusedSuppression
from twelvefactor_lint.facts.tool import InternalError
from twelvefactor_lint.infra.cache import CachedSkip, FactsCache, location, open_cache
from twelvefactor_lint.infra.limits import DEFAULT_FILE_TIMEOUT, FileTimeout, time_limit
from twelvefactor_lint.infra.progress import Progress
from twelvefactor_lint.infra.snapshot import Probes, files_under
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.judge.focus import Focus
from twelvefactor_lint.model import Finding, Result, SkippedFile
from twelvefactor_lint.replay import Start, discover_files, start

if TYPE_CHECKING:
    from twelvefactor_lint.judge.engine import Selection
    from twelvefactor_lint.link import FileRequest, Linked

_SCAN_SLICE = 32
"""Files the parent scans between two looks at the workers' pipes (`_analyze_needed`)."""


class Analyze(Protocol):
    """Each source's facts or the reason it is skipped, in order (`analyze_all` with its settings); then those of
    the sources `more` yields, a slice at a time, while the first are analyzed."""

    def __call__(self, sources: Sequence[SourceFile], progress: Progress | None,
                 more: Iterator[Sequence[SourceFile]] | None = None) -> list[FileAnalysis | str]: ...


def analyze_file(source: SourceFile, max_size: int, timeout: float = DEFAULT_FILE_TIMEOUT) -> FileAnalysis | str:
    """The file's facts, or the reason it is skipped (unreadable, too large, too slow, too deeply nested).

    A bug of ours becomes an `internal_error` fact.
    """
    loaded = load(source.path, max_size)
    if loaded.data is None:
        return loaded.skip_reason or "unreadable"
    return analyze_data(source, loaded.data, timeout)


def analyze_refs_file(source: SourceFile, max_size: int, timeout: float = DEFAULT_FILE_TIMEOUT) -> FileAnalysis | str:
    """A Python file's `ModuleRefs` alone, what reachability needs of it (`analyze.python.analyze_refs`)."""
    from twelvefactor_lint.analyze.python import analyze_refs

    loaded = load(source.path, max_size)
    if loaded.data is None:
        return loaded.skip_reason or "unreadable"
    return analyze_data(source, loaded.data, timeout, analyze_refs)


def analyze_data(source: SourceFile, data: bytes, timeout: float = DEFAULT_FILE_TIMEOUT,
                 analyzer: Callable[[str, bytes], FileAnalysis] | None = None) -> FileAnalysis | str:
    """`analyze_file` on content given, not read: an editor's unsaved buffer."""
    try:
        analyze = analyzer or analyzer_for(source.kind)
        with time_limit(timeout):
            analysis = analyze(source.rel, data)
        return replace(analysis, digest=digest(data))
    except FileTimeout:
        return f"analysis took longer than {timeout:g} s"
    except Unanalyzable as error:
        return CachedSkip(error)
    except RecursionError:
        return "too deeply nested to analyze (recursion limit)"
    except Exception as error:  # noqa: BLE001 - one file's failure must not stop the run
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return FileAnalysis((internal_error(source.rel, reason, traceback.format_exc(), type(error).__name__),))


def analyze_all(sources: Sequence[SourceFile], settings: Settings, progress: Progress | None = None,
                store: FactsCache | None | Literal["own"] = "own",
                more: Iterator[Sequence[SourceFile]] | None = None) -> list[FileAnalysis | str]:
    """Each source's facts (or the reason it is skipped), in order: from the facts cache where it has
    them, the others analyzed - over worker processes when there are enough of them; then those of the
    sources `more` yields (`Analyze`).

    A run passes the cache it opened once (and saves once); `"own"` opens and saves one for this call."""
    if store != "own":
        return _analyze_cached(sources, settings, progress, store, more)
    own = _open_cache(settings)
    analyses = _analyze_cached(sources, settings, progress, own, more)
    if own:
        own.save()
    return analyses


def _analyze_cached(sources: Sequence[SourceFile], settings: Settings, progress: Progress | None,
                    store: FactsCache | None, more: Iterator[Sequence[SourceFile]] | None = None
                    ) -> list[FileAnalysis | str]:
    sources = list(sources)
    given = len(sources)
    outcomes: list[FileAnalysis | str | None] = [
        store.lookup(source, settings.max_file_size) if store else None for source in sources]

    def uncached() -> Iterator[list[SourceFile]]:
        """`more`'s sources joining `sources`; those the cache has no facts of go to the pool."""
        for found in more or ():
            looked = [store.lookup(source, settings.max_file_size) if store else None for source in found]
            sources.extend(found)
            outcomes.extend(looked)
            yield [source for source, outcome in zip(found, looked, strict=True) if outcome is None]

    missing = [i for i, outcome in enumerate(outcomes) if outcome is None]
    cached = len(sources) - len(missing)
    if progress is not None:
        progress.start("analyzing", len(sources))
        progress.advance(cached)
    from twelvefactor_lint.infra import pool

    _share_checker(settings.root, len(missing))  # before workers fork
    order = sorted(missing, key=lambda i: -_size(sources[i]))  # the largest first: see `_size`
    work = partial(analyze_file, max_size=settings.max_file_size, timeout=settings.file_timeout)
    fresh = pool.map_in_order(work, [sources[i] for i in order], settings.jobs,
                              lambda source, reason: reason, deadline=settings.file_timeout * 1.5 + 1,
                              progress=(lambda done: progress.advance(cached + done)) if progress is not None else None,
                              more=uncached() if more is not None else None)
    order += [i for i in range(given, len(sources)) if outcomes[i] is None]  # `more`'s, in the order analyzed
    for i, outcome in sorted(zip(order, fresh, strict=True), key=lambda pair: pair[0]):
        outcomes[i] = outcome
        if store and isinstance(outcome, (FileAnalysis, CachedSkip)):
            store.store(sources[i], outcome)
    return cast(list[FileAnalysis | str], outcomes)  # every None is filled


def _share_checker(root: Path, files: int) -> None:
    """One libcst checker for the run's processes, when the project needs a newer Python (`newer.share`) and
    there are `files` enough to analyze for workers."""
    from twelvefactor_lint.analyze.python import newer
    from twelvefactor_lint.infra.pool import MIN_ITEMS_PER_WORKER

    if files >= 2 * MIN_ITEMS_PER_WORKER:
        newer.share(root)


def _size(source: SourceFile) -> int:
    """The largest files are analyzed first: their trees are the most memory an analysis takes, best taken before
    the project's facts have piled up (with `--jobs 1` a run's peak is that sum), and over workers the longest
    files started last would leave one worker busy while the others wait. The outcomes keep the sources' order."""
    try:
        return os.stat(source.path).st_size
    except OSError:
        return 0


def _open_cache(settings: Settings) -> FactsCache | None:
    if not settings.cache:
        return None
    return open_cache(location(settings.root, settings.cache_dir), settings.root)


class _Analysis:
    """What the analyze stage has gathered so far: facts, directives and roles per file, and the accounting."""

    def __init__(self, skipped: list[SkippedFile]):
        self.facts: list[Fact] = []
        self.directives: dict[str, tuple[Directive, ...]] = {}
        self.roles: dict[str, str] = {}
        self.digests: dict[str, str] = {}
        self.skipped = skipped
        self.analyzed = 0
        self.unanalyzed: set[str] = set()

    def add_unanalyzed(self, source: SourceFile) -> None:
        """A file no selected rule judges and no other file needs: linted, with nothing to report."""
        self.analyzed += 1
        self.roles[source.rel] = source.role
        self.directives[source.rel] = ()
        self.unanalyzed.add(source.rel)

    def drop_skipped(self, rel: str, reason: str) -> None:
        """An unanalyzed file that a later reading skips: skipped, as a run analyzing it would have it."""
        self.analyzed -= 1
        self.unanalyzed.discard(rel)
        del self.roles[rel], self.directives[rel]
        self.skipped.append(SkippedFile(rel, reason))

    def reread(self, source: SourceFile, outcome: FileAnalysis | str) -> None:
        """A file analyzed again as a start command uses it: counted once, with its referrer's role; if it
        cannot be read that way, what was read before stands."""
        if source.rel not in self.roles:
            self.add(source, outcome)
        elif isinstance(outcome, FileAnalysis):
            self.roles[source.rel] = source.role
            self.facts += outcome.facts
            self.directives[source.rel] = outcome.directives
            self.digests[source.rel] = outcome.digest

    def add(self, source: SourceFile, outcome: FileAnalysis | str) -> None:
        if isinstance(outcome, str):
            self.skipped.append(SkippedFile(source.rel, str(outcome)))
            return
        self.analyzed += 1
        self.roles[source.rel] = source.role
        self.facts += outcome.facts
        self.directives[source.rel] = outcome.directives
        self.digests[source.rel] = outcome.digest


_MAX_LISTED = 500
"""Entries of a directory an image copies in that link may look through (a service tree, not a whole repo)."""


class _ProjectFiles:
    """The link stage's view of the project's files (`link.ProjectFiles`): it may read the files an image uses
    at start that discovery cannot recognise by name - started scripts, supervisord program files.

    Such a file takes the role of the file that refers to it: `scripts/start.sh` as an ENTRYPOINT is
    production code, whatever its directory suggests.
    """

    def __init__(self, state: _Analysis, root: Path, analyze: Analyze, probes: Probes | None = None,
                 lazy: _LazyRefs | None = None):
        self._state, self._analyze, self._lazy = state, analyze, lazy
        self._root = root.resolve()
        self._requested: set[str] = set()
        """The files read because a start command refers to them (their role is their referrers')."""
        self._reread: set[str] = set()
        """The files analyzed again as a start command's request says (`FileRequest.rereads`)."""
        self._probes = probes

    def exists(self, rel: str) -> bool:
        if rel in self._state.roles:
            return True
        if self._probes is not None:
            self._probes.note(rel)
        path = self._root / rel
        return path.is_file() and path.resolve().is_relative_to(self._root)

    def paths(self) -> Iterable[str]:
        return self._state.roles.keys()

    def lazy_refs(self) -> _LazyRefs | None:
        return self._lazy

    def project_name(self) -> str:
        return self._root.name

    def head(self, rel: str, size: int) -> bytes | None:
        if self._probes is not None:
            self._probes.note(rel)  # a replay notices the file changed
        path = self._root / rel
        try:
            if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(self._root):
                return None
            with path.open("rb") as handle:
                return handle.read(size)
        except OSError:
            return None

    def files_under(self, rel: str) -> list[str]:
        if self._probes is not None:
            return self._probes.list(rel, _MAX_LISTED)
        return files_under(self._root, rel, _MAX_LISTED)

    def read(self, requests: Sequence[FileRequest]) -> list[Fact]:
        state = self._state
        skipped = {s.path for s in state.skipped}
        wanted: dict[str, SourceFile] = {}
        for request in requests:
            role = state.roles.get(request.referrer, PROD)
            # a script named for development is the developers' (their image is rarely named so), unless a file
            # named for production runs it (`Dockerfile.prod` CMD `entrypoint-dev.sh`): then it is production code
            role = DEV if role == PROD and is_dev_named(request.rel) and not is_prod_named(request.referrer) else role
            if request.rel in self._requested and role == PROD:
                state.roles[request.rel] = PROD  # a production referrer found in a later hop still decides
            rereading = request.rereads and request.rel not in self._reread and request.rel not in skipped
            if not rereading and (request.rel in state.roles or request.rel in skipped):
                continue
            if request.rel not in wanted or role == PROD:  # several referrers: the production one decides
                wanted[request.rel] = SourceFile(str(self._root / request.rel), request.rel, request.kind, role)
        rereads = {r.rel for r in requests if r.rereads} & wanted.keys()
        self._requested |= wanted.keys() - state.roles.keys()
        self._reread |= rereads
        if self._probes is not None:
            for rel in wanted:
                self._probes.note(rel)
        before = len(state.facts)
        for source, outcome in zip(wanted.values(), self._analyze(list(wanted.values()), None), strict=True):
            (state.reread if source.rel in rereads else state.add)(source, outcome)
        return state.facts[before:]


class _LazyRefs:
    """`link.reach.Lazy`: the production modules a run did not analyze, read for their imports alone when the
    closure comes to them (from the facts cache when it has them), over worker processes when there are many."""

    def __init__(self, state: _Analysis, root: Path, settings: Settings, store: FactsCache | None,
                 wanted: frozenset[str]):
        self._state, self._root, self._settings, self._store = state, root, settings, store
        self.wanted = wanted

    def load(self, paths: Sequence[str]) -> dict[str, ModuleRefs | None]:
        found: dict[str, ModuleRefs | None] = {}
        outcomes: dict[str, FileAnalysis | str] = {}
        todo: list[SourceFile] = []
        for rel in paths:
            if rel not in self._state.unanalyzed:
                found[rel] = None  # analyzed, and it brought none (a parse error)
                continue
            source = SourceFile(str(self._root / rel), rel, PYTHON, self._state.roles[rel])
            cached = self._store.refs(source, self._settings.max_file_size) if self._store else None
            if cached is None:
                todo.append(source)
            else:
                outcomes[rel] = cached
        from twelvefactor_lint.infra import pool

        work = partial(analyze_refs_file, max_size=self._settings.max_file_size, timeout=self._settings.file_timeout)
        fresh = pool.map_in_order(work, todo, self._settings.jobs, lambda source, reason: reason,
                                  deadline=self._settings.file_timeout * 1.5 + 1)
        for source, outcome in zip(todo, fresh, strict=True):
            outcomes[source.rel] = outcome
            if self._store and isinstance(outcome, (FileAnalysis, CachedSkip)):
                self._store.store_refs(source, outcome)
        for rel, outcome in outcomes.items():
            if isinstance(outcome, str):
                self._state.drop_skipped(rel, outcome)
            else:
                found[rel] = next((f for f in outcome.facts if isinstance(f, ModuleRefs)), None)
        return found

    def may_be_kept(self, rel: str) -> bool:
        from twelvefactor_lint.analyze.python.context import may_be_kept_kind

        loaded = load(self._root / rel, self._settings.max_file_size)
        return loaded.data is None or may_be_kept_kind(rel, loaded.data)


def _directive_findings(facts: list[Fact], findings: list[Finding], directives: dict[str, tuple[Directive, ...]],
                        statement_lines: dict[tuple[str, int], int], roles: dict[str, str], selection: Selection,
                        settings: Settings, catalogue: Catalogue) -> list[Finding]:
    """TF003/TF004 about the directives themselves, when selected; they are not suppressible in turn."""
    from twelvefactor_lint.judge import engine, suppress

    kinds = (UnusedSuppression.kind, UnknownSuppressionRule.kind)
    if not any(d for d in directives.values()) or not any(m.fact in kinds for r in selection.rules for m in r.matchers):
        return []
    every = findings if len(selection.rules) == len(catalogue.rules) else engine.evaluate(
        facts, roles, engine.Selection(catalogue.rules, selection.severity))
    about_directives = suppress.directive_facts(every, directives, statement_lines, catalogue)
    return suppress.per_file_ignores(engine.evaluate(about_directives, roles, selection), settings.per_file_ignores,
                                     catalogue)


def _analyze_needed(files: Sequence[SourceFile], settings: Settings, store: FactsCache | None,
                    reported: Callable[[SourceFile], bool], analyze: Analyze, progress: Progress | None = None,
                    judged: Callable[[SourceFile], bool] | None = None) -> dict[str, FileAnalysis | str]:
    """The outcome of each file whose findings are reported, then of the other Python files that linking
    needs from them (see `link.needs`), round by round until none is added. Production reachability reads
    the production modules it comes to later, for their imports alone (`_LazyRefs`). `judged`: the files a
    run reporting on every file would analyze (when only some are `reported`)."""
    from twelvefactor_lint.link import needs

    deferred = [s for s in files if s.kind == PYTHON and not reported(s)]
    unjudged = {s.rel for s in deferred}
    now = [s for s in files if s.rel not in unjudged]
    pending: dict[str, SourceFile] = {}
    outcomes: dict[str, FileAnalysis | str] = {}
    unscanned: list[SourceFile] = []
    for source in deferred:
        found = store.scanned(source, settings.max_file_size) if store else None
        if found is None:
            unscanned.append(source)
        elif found:
            now.append(source)
        else:
            pending[source.rel] = source
    scanned_in: list[SourceFile] = []

    def scan() -> Iterator[list[SourceFile]]:
        """The files the cache knows no scan of that may provide context, a slice at a time (the pool analyzes
        the others meanwhile): a cheap look at each file's bytes (`needs.may_provide_context`)."""
        for first in range(0, len(unscanned), _SCAN_SLICE):
            found = []
            for source in unscanned[first:first + _SCAN_SLICE]:
                loaded = load(source.path, settings.max_file_size)
                if loaded.data is None:
                    outcomes[source.rel] = loaded.skip_reason or "unreadable"
                    continue
                provides = needs.may_provide_context(loaded.data) or may_hold_directive(loaded.data)
                if store:
                    store.store_scan(source, provides)
                if provides:
                    found.append(source)
                else:
                    pending[source.rel] = source
            scanned_in.extend(found)
            yield found

    searched: set[bytes] = set()
    paths = [s.rel for s in files]
    more: Iterator[list[SourceFile]] | None = scan() if unscanned else None
    while now or more is not None:
        analyses = analyze(now, progress, more)
        fresh = dict(zip((s.rel for s in chain(now, scanned_in)), analyses, strict=True))
        outcomes.update(fresh)
        more = None
        scanned_in.clear()
        modules = needs.wanted_modules((f for o in fresh.values() if isinstance(o, FileAnalysis) for f in o.facts),
                                       (f for o in outcomes.values() if isinstance(o, FileAnalysis) for f in o.facts
                                        if f.kind == "dockerfile.filesystem"))
        now = [s for s in pending.values() if needs.provides(s.rel, modules)] if modules else []
        if judged is not None:
            words = needs.wanted_words((f for o in outcomes.values() if isinstance(o, FileAnalysis) for f in o.facts),
                                       paths) - searched
            searched |= words
            now += [s for s in pending.values() if words and judged(s) and s not in now and _names_any(s, words, settings)]
        for source in now:
            del pending[source.rel]
    return outcomes


def _names_any(source: SourceFile, words: set[bytes], settings: Settings) -> bool:
    data = load(source.path, settings.max_file_size).data
    return data is not None and any(word in data for word in words)


def run(paths: list[Path], settings: Settings, catalogue: Catalogue, progress: Progress | None = None,
        focus: Focus | None = None, started: Start | None = None) -> Result:
    """The whole pipeline. With a `focus` (files named, as pre-commit names the staged ones) only the
    focused files' findings are wanted: other Python files are read for what linking needs from them.

    With the cache on, a run whose files, settings and rules are all as at the last run replays that run's
    result (`replay`); `started`: that first step, taken already."""
    started = started or start(paths, settings, catalogue, progress, focus)
    if started.replayed is not None:
        return started.replayed
    from twelvefactor_lint.link import needs

    store = _open_cache(settings)
    if focus is None and (store is None or store.empty):  # a cold run: the libcst checker started before workers fork
        _share_checker(settings.root, sum(s.kind == PYTHON for s in started.found.files))
    catalogue = catalogue.checked()
    selection = selected_rules(settings, catalogue)  # a replayed run's settings were checked when it was made
    probes = Probes(settings.root.resolve())
    judged = frozenset(ROLES) if settings.analyze_all_files else needs.judged_roles(selection.rules)
    explicit = started.explicit
    result = lint_files(started.found.files, started.found.skipped, settings, catalogue, selection,
                        lambda sources, shown, more=None: analyze_all(sources, settings, shown, store, more), progress,
                        reported=lambda source: source.rel in explicit or (
                            source.role in judged and (focus is None or focus.covers(source.rel))),
                        store=store, probes=probes,
                        judged=(lambda source: source.role in judged) if focus is not None else None)
    if store:
        store.save()
        if started.memo is not None:
            started.memo.keep()
        if started.snapshot is not None:
            started.snapshot.keep(result, probes)
    return result


def gather(paths: list[Path], settings: Settings, progress: Progress | None = None) -> tuple[_Analysis, Linked]:
    """Discover, analyze and link: every file's facts, linked across the project (`12f-lint facts` shows them)."""
    found = discover_files(paths, settings, progress)
    return _linked(found.files, found.skipped, settings,
                   lambda sources, shown, more=None: analyze_all(sources, settings, shown, more=more),
                   progress)


def _linked(files: Sequence[SourceFile], skipped_files: Sequence[Skipped], settings: Settings, analyze: Analyze,
            progress: Progress | None, reported: Callable[[SourceFile], bool] | None = None,
            store: FactsCache | None = None, probes: Probes | None = None,
            judged: Callable[[SourceFile], bool] | None = None) -> tuple[_Analysis, Linked]:
    """Analyze the files whose findings are `reported` (default: all) and the files linking needs from them
    (through `ProjectFiles`, also the scripts their images start), then link them."""
    run_state = _Analysis([SkippedFile(s.rel, s.reason) for s in skipped_files])
    reported = reported or (lambda source: True)
    outcomes = _analyze_needed(files, settings, store, reported, analyze, progress, judged)
    for source in files:
        outcome = outcomes.get(source.rel)
        if outcome is None:
            run_state.add_unanalyzed(source)
        else:
            run_state.add(source, outcome)
    if progress is not None:
        progress.start("following start commands, linking and judging")
    from twelvefactor_lint import link

    lazy = None
    if any(s.kind == PYTHON and s.role == PROD and s.rel in run_state.unanalyzed for s in files):
        wanted = frozenset(s.rel for s in files if s.kind == PYTHON and s.role == PROD and reported(s))
        lazy = _LazyRefs(run_state, settings.root.resolve(), settings, store, wanted)
    return run_state, link.link(run_state.facts, _ProjectFiles(run_state, settings.root, analyze, probes, lazy))


def selected_rules(settings: Settings, catalogue: Catalogue) -> Selection:
    """The rules the settings select; ConfigError for a selector naming no rule."""
    from twelvefactor_lint.judge import engine

    try:
        selection = engine.select(catalogue, settings.select, settings.extend_select, settings.ignore, settings.severity)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    for selectors in settings.per_file_ignores.values():
        for selector in selectors:
            if not catalogue.select(selector):
                raise ConfigError(f"unknown rule selector `{selector}` in per-file-ignores")
    return selection


def lint_files(files: Sequence[SourceFile], skipped_files: Sequence[Skipped], settings: Settings, catalogue: Catalogue,
               selection: Selection, analyze: Analyze, progress: Progress | None = None,
               reported: Callable[[SourceFile], bool] | None = None, store: FactsCache | None = None,
               probes: Probes | None = None, judged: Callable[[SourceFile], bool] | None = None) -> Result:
    """Analyze discovered files (and the scripts their images start) with `analyze`, link, judge, suppress.

    `analyze` is `analyze_all` for a run; the language server passes one that keeps its analyses
    in memory and reads an open editor buffer instead of the file. `reported` says whose findings are
    wanted (default: every file's); of the other Python files only what linking needs is analyzed (`judged`:
    those a run reporting on every file would analyze, see `_analyze_needed`).
    """
    from twelvefactor_lint.judge import engine, suppress

    run_state, linked = _linked(files, skipped_files, settings, analyze, progress, reported, store, probes, judged)
    facts, directives, roles = linked.facts, run_state.directives, run_state.roles
    skipped, analyzed = run_state.skipped, run_state.analyzed

    findings = engine.evaluate(facts, roles, selection)
    findings = suppress.per_file_ignores(findings, settings.per_file_ignores, catalogue)
    statement_lines = {(f.path, f.line): f.statement_line for f in facts
                       if isinstance(f, PythonFact) and f.statement_line is not None}
    active, suppressed = suppress.apply_directives(findings, directives, statement_lines)
    active = sorted((*active, *_directive_findings(facts, findings, directives, statement_lines, roles, selection,
                                                   settings, catalogue)), key=Finding.sort_key)
    return Result(
        root=str(settings.root), version=__version__, findings=tuple(active), suppressed=tuple(suppressed),
        analyzed=analyzed, skipped=tuple(sorted(skipped, key=lambda s: s.path)), catalogue=catalogue,
        tracebacks=tuple(f.traceback for f in facts if isinstance(f, InternalError)),
        processes=linked.inventory.processes(active), reachability=linked.reach.line(),
        files=tuple(sorted(roles)), rules=tuple(r.id for r in selection.rules), digests=run_state.digests,
        docs_url=settings.docs_url,
    )
