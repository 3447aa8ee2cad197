"""The pipeline: discover -> analyze -> link -> evaluate -> suppress, into one Result."""

from __future__ import annotations

import traceback
from pathlib import Path

from twelvefactor_lint import __version__, engine
from twelvefactor_lint.analyzers import analyzer_for
from twelvefactor_lint.catalogue import Catalogue
from twelvefactor_lint.config import ConfigError, Settings
from twelvefactor_lint.discovery import SourceFile, discover
from twelvefactor_lint.facts import Fact, FileAnalysis
from twelvefactor_lint.link import link
from twelvefactor_lint.model import Result, SkippedFile
from twelvefactor_lint.sources import load
from twelvefactor_lint.suppress import apply_directives, per_file_ignores


def analyze_file(source: SourceFile, max_size: int) -> FileAnalysis | str:
    """The file's facts, or the reason it is skipped. A bug of ours becomes an `internal_error` fact."""
    loaded = load(source.path, max_size)
    if loaded.data is None:
        return loaded.skip_reason or "unreadable"
    try:
        return analyzer_for(source.kind)(source.rel, loaded.data)
    except Exception as error:  # noqa: BLE001 - one file's failure must not stop the run
        reason = f"{type(error).__name__}: {error}".splitlines()[0][:200]
        return FileAnalysis((Fact("internal_error", source.rel, 1, attrs={
            "reason": reason, "traceback": traceback.format_exc()}, anchor=type(error).__name__),))


def run(paths: list[Path], settings: Settings, catalogue: Catalogue) -> Result:
    try:
        selection = engine.select(catalogue, settings.select, settings.extend_select, settings.ignore, settings.severity)
    except ValueError as error:
        raise ConfigError(str(error)) from None
    for selectors in settings.per_file_ignores.values():
        for selector in selectors:
            if not catalogue.select(selector):
                raise ConfigError(f"unknown rule selector `{selector}` in per-file-ignores")

    found = discover(paths, settings.root, (*settings.exclude, *settings.extend_exclude),
                     settings.respect_gitignore, settings.force_exclude)
    skipped = [SkippedFile(s.rel, s.reason) for s in found.skipped]
    facts: list[Fact] = []
    directives = {}
    roles = {}
    analyzed = 0
    for source in found.files:
        outcome = analyze_file(source, settings.max_file_size)
        if isinstance(outcome, str):
            skipped.append(SkippedFile(source.rel, outcome))
            continue
        analyzed += 1
        roles[source.rel] = source.role
        facts += outcome.facts
        directives[source.rel] = outcome.directives

    facts = link(facts)
    findings = engine.evaluate(facts, roles, selection)
    findings = per_file_ignores(findings, settings.per_file_ignores, catalogue)
    statement_lines = {(f.path, f.line): f.attrs["statement_line"] for f in facts if "statement_line" in f.attrs}
    active, suppressed = apply_directives(findings, directives, statement_lines)
    return Result(
        root=str(settings.root), version=__version__, findings=tuple(active), suppressed=tuple(suppressed),
        analyzed=analyzed, skipped=tuple(sorted(skipped, key=lambda s: s.path)), catalogue=catalogue,
        tracebacks=tuple(f.attrs["traceback"] for f in facts if f.kind == "internal_error"),
    )
