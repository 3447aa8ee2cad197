"""The pipeline: discover -> analyze -> link -> evaluate -> suppress, into one Result."""

from __future__ import annotations

import traceback
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Sequence

from twelvefactor_lint import __version__
from twelvefactor_lint.judge import engine
from twelvefactor_lint.link import inventory, start_chains as link_processes
from twelvefactor_lint.infra import pool
from twelvefactor_lint.analyze import Unanalyzable, analyzer_for
from twelvefactor_lint.infra.cache import FactsCache, location, open_cache
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.config import ConfigError, Settings
from twelvefactor_lint.discover.walk import SourceFile, discover
from twelvefactor_lint.facts import Fact, FileAnalysis, internal_error
from twelvefactor_lint.facts.python import PythonFact
from twelvefactor_lint.facts.tool import InternalError
from twelvefactor_lint.infra.limits import DEFAULT_FILE_TIMEOUT, FileTimeout, time_limit
from twelvefactor_lint.link.project import link
from twelvefactor_lint.model import Result, SkippedFile
from twelvefactor_lint.discover.scope import PROD
from twelvefactor_lint.discover.sources import digest, load
from twelvefactor_lint.judge.suppress import apply_directives, per_file_ignores


def analyze_file(source: SourceFile, max_size: int, timeout: float = DEFAULT_FILE_TIMEOUT) -> FileAnalysis | str:
    """The file's facts, or the reason it is skipped (unreadable, too large, too slow, too deeply nested).

    A bug of ours becomes an `internal_error` fact.
    """
    loaded = load(source.path, max_size)
    if loaded.data is None:
        return loaded.skip_reason or "unreadable"
    try:
        analyze = analyzer_for(source.kind)
        with time_limit(timeout):
            analysis = analyze(source.rel, loaded.data)
        return replace(analysis, digest=digest(loaded.data))
    except FileTimeout:
        return f"analysis took longer than {timeout:g} s"
    except Unanalyzable as error:
        return str(error)
    except RecursionError:
        return "too deeply nested to analyze (recursion limit)"
    except Exception as error:  # noqa: BLE001 - one file's failure must not stop the run
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return FileAnalysis((internal_error(source.rel, reason, traceback.format_exc(), type(error).__name__),))


def analyze_all(sources: Sequence[SourceFile], settings: Settings) -> list[FileAnalysis | str]:
    """Each source's facts (or the reason it is skipped), in order: from the facts cache where it has
    them, the others analyzed - over worker processes when there are enough of them."""
    store = _open_cache(settings)
    outcomes: list[FileAnalysis | str | None] = [
        store.lookup(source, settings.max_file_size) if store else None for source in sources]
    missing = [i for i, outcome in enumerate(outcomes) if outcome is None]
    work = partial(analyze_file, max_size=settings.max_file_size, timeout=settings.file_timeout)
    fresh = pool.map_in_order(work, [sources[i] for i in missing], settings.jobs,
                              lambda source, reason: reason, deadline=settings.file_timeout * 1.5 + 1)
    for i, outcome in zip(missing, fresh):
        outcomes[i] = outcome
        if store and isinstance(outcome, FileAnalysis):
            store.store(sources[i], outcome)
    if store:
        store.save()
    return outcomes  # type: ignore[return-value] - every None is filled


def _open_cache(settings: Settings) -> FactsCache | None:
    if not settings.cache:
        return None
    return open_cache(location(settings.root, settings.cache_dir), settings.root)


class _Analysis:
    """What the analyze stage has gathered so far: facts, directives and roles per file, and the accounting."""

    def __init__(self, skipped: list[SkippedFile]):
        self.facts: list[Fact] = []
        self.directives: dict[str, tuple] = {}
        self.roles: dict[str, str] = {}
        self.digests: dict[str, str] = {}
        self.skipped = skipped
        self.analyzed = 0

    def add(self, source: SourceFile, outcome: FileAnalysis | str) -> None:
        if isinstance(outcome, str):
            self.skipped.append(SkippedFile(source.rel, outcome))
            return
        self.analyzed += 1
        self.roles[source.rel] = source.role
        self.facts += outcome.facts
        self.directives[source.rel] = outcome.directives
        self.digests[source.rel] = outcome.digest


def _read_referenced_files(state: _Analysis, settings: Settings) -> None:
    """Analyze the files an image uses at start that discovery cannot recognise by name: the scripts
    start commands run, and supervisord program files copied into `/etc/supervisor/`.

    Such a file takes the role of the file that refers to it: `scripts/start.sh` as an ENTRYPOINT is
    production code, whatever its directory suggests.
    """
    root = settings.root.resolve()
    wanted: dict[str, SourceFile] = {}

    def read(rel: str, kind: str, referrer: str) -> bool:
        path = root / rel
        if rel not in state.roles and not (path.is_file() and path.resolve().is_relative_to(root)):
            return False
        if rel not in state.roles and rel not in wanted and rel not in {s.path for s in state.skipped}:
            wanted[rel] = SourceFile(path, rel, kind, state.roles.get(referrer, PROD))
        return True

    started = []
    for ref, candidates in link_processes.script_candidates(state.facts):
        found = next((rel for rel in candidates if read(rel, "shell", ref.path)), None)
        if found is not None:
            started.append((ref, found))
    for dockerfile, rel in link_processes.supervisor_configs(state.facts):
        read(rel, "supervisord", dockerfile)
    for source, outcome in zip(wanted.values(), analyze_all(list(wanted.values()), settings)):
        state.add(source, outcome)
    state.facts = link_processes.mark_python_entrypoints(
        link_processes.name_supervised_programs(link_processes.annotate(state.facts, started)))


def gather(paths: list[Path], settings: Settings) -> _Analysis:
    """Discover, analyze and link: every file's facts, linked across the project (`12f-lint facts` shows them)."""
    found = discover(paths, settings.root, (*settings.exclude, *settings.extend_exclude),
                     settings.respect_gitignore, settings.force_exclude)
    state = _Analysis([SkippedFile(s.rel, s.reason) for s in found.skipped])
    for source, outcome in zip(found.files, analyze_all(found.files, settings)):
        state.add(source, outcome)
    _read_referenced_files(state, settings)
    state.facts = link(state.facts)
    return state


def run(paths: list[Path], settings: Settings, catalogue: Catalogue) -> Result:
    try:
        selection = engine.select(catalogue, settings.select, settings.extend_select, settings.ignore, settings.severity)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    for selectors in settings.per_file_ignores.values():
        for selector in selectors:
            if not catalogue.select(selector):
                raise ConfigError(f"unknown rule selector `{selector}` in per-file-ignores")

    run_state = gather(paths, settings)
    facts, directives, roles = run_state.facts, run_state.directives, run_state.roles
    skipped, analyzed = run_state.skipped, run_state.analyzed
    findings = engine.evaluate(facts, roles, selection)
    findings = per_file_ignores(findings, settings.per_file_ignores, catalogue)
    statement_lines = {(f.path, f.line): f.statement_line for f in facts
                       if isinstance(f, PythonFact) and f.statement_line is not None}
    active, suppressed = apply_directives(findings, directives, statement_lines)
    return Result(
        root=str(settings.root), version=__version__, findings=tuple(active), suppressed=tuple(suppressed),
        analyzed=analyzed, skipped=tuple(sorted(skipped, key=lambda s: s.path)), catalogue=catalogue,
        tracebacks=tuple(f.traceback for f in facts if isinstance(f, InternalError)),
        processes=inventory.build(facts, active),
        files=tuple(sorted(roles)), rules=tuple(r.id for r in selection.rules), digests=run_state.digests,
    )
