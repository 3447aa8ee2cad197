"""Suppress: inline directives and per-file ignores from the config; and the directives that are
themselves wrong (an unknown rule) or dead (they suppress nothing), as facts for TF003/TF004."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace

import pathspec

from twelvefactor_lint.facts import Directive, Fact
from twelvefactor_lint.facts.suppression import SuppressionFact, UnknownSuppressionRule, UnusedSuppression
from twelvefactor_lint.judge.catalogue import ID_PREFIX, Catalogue
from twelvefactor_lint.model import Finding


def _names(selector: str, finding: Finding) -> bool:
    """An id, a name or an id prefix (`TF6`, a user rule's `ACME`) that names the finding's rule, as the
    catalogue's selectors do."""
    key = selector.upper()
    return selector == finding.name or key == finding.rule or bool(ID_PREFIX.fullmatch(key) and finding.rule.startswith(key))


def _names_any(directive: Directive, finding: Finding) -> bool:
    """Empty selectors name every rule."""
    return not directive.selectors or any(_names(s, finding) for s in directive.selectors)


def _covers(path: str, directive: Directive, finding: Finding, statement_line: int | None) -> bool:
    """Whether a directive in file `path` is about the finding: the whole file, a line of the finding
    (or of the statement it starts in), or the line defining what the finding is about."""
    if directive.file_wide:
        return path == finding.path
    if path == finding.path and (finding.line <= directive.line <= finding.end_line or directive.line == statement_line):
        return True
    return finding.definition == (path, directive.line)


def _covering(finding: Finding, directives: Mapping[str, tuple[Directive, ...]],
              statement_lines: Mapping[tuple[str, int], int]) -> Iterator[tuple[str, Directive]]:
    """The directives about the finding, each with the path of the file it is written in."""
    statement = statement_lines.get((finding.path, finding.line))
    paths = [finding.path]
    if finding.definition is not None and finding.definition[0] != finding.path:
        paths.append(finding.definition[0])
    for path in paths:
        yield from ((path, d) for d in directives.get(path, ()) if _covers(path, d, finding, statement))


def apply_directives(findings: Iterable[Finding], directives: Mapping[str, tuple[Directive, ...]],
                     statement_lines: Mapping[tuple[str, int], int]) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (active, suppressed); a suppressed one keeps its directive's reason."""
    active, suppressed = [], []
    for finding in findings:
        directive = next((d for _, d in _covering(finding, directives, statement_lines) if _names_any(d, finding)), None)
        if directive is None:
            active.append(finding)
        else:
            suppressed.append(replace(finding, suppression=directive.reason or "inline directive"))
    return active, suppressed


def directive_facts(every_finding: Iterable[Finding], directives: Mapping[str, tuple[Directive, ...]],
                    statement_lines: Mapping[tuple[str, int], int], catalogue: Catalogue) -> list[Fact]:
    """A fact per selector naming no rule (TF004), and per directive or selector that covers no finding (TF003).

    `every_finding` holds what every rule of the catalogue found, selected or not: whether a directive
    is dead does not depend on `--select`, so narrowing a run never reports the directives it skipped.
    """
    used: dict[tuple[str, int], set[str]] = {}
    for finding in every_finding:
        for path, directive in _covering(finding, directives, statement_lines):
            names = used.setdefault((path, id(directive)), set())
            names.update(s for s in directive.selectors if _names(s, finding))
            if not directive.selectors:
                names.add("")
    facts: list[Fact] = []
    for path, found in sorted(directives.items()):
        for directive in found:
            names = used.get((path, id(directive)), set())
            for selector in directive.selectors:
                if not catalogue.select(selector):
                    facts.append(_fact(UnknownSuppressionRule, path, directive, selector))
                elif selector not in names:
                    facts.append(_fact(UnusedSuppression, path, directive, selector))
            if not directive.selectors and "" not in names:
                facts.append(_fact(UnusedSuppression, path, directive, ""))
    return facts


def _fact(kind: type[SuppressionFact], path: str, directive: Directive, selector: str) -> SuppressionFact:
    scope = "ignore-file" if directive.file_wide else "ignore"
    written = f"# 12f: {scope}[{', '.join(directive.selectors)}]" if directive.selectors else f"# 12f: {scope}"
    covers = "in this file" if directive.file_wide else f"on line {directive.line}"
    return kind(path, directive.written_at, selector=selector, directive=written, covers=covers,
                what=f"`{selector}` finding" if selector else "finding",
                anchor=f"{kind.kind}:{scope}:{selector}:{','.join(directive.selectors)}")


def per_file_ignores(findings: Iterable[Finding], table: Mapping[str, tuple[str, ...]], catalogue: Catalogue) -> list[Finding]:
    """Drop findings that `per-file-ignores` switches off for their path."""
    compiled = []
    for pattern, selectors in table.items():
        ids: set[str] = set()
        for selector in selectors:
            ids |= catalogue.select(selector)
        compiled.append((pathspec.GitIgnoreSpec.from_lines([pattern]), ids))
    return [f for f in findings if not any(ids and f.rule in ids and spec.match_file(f.path) for spec, ids in compiled)]
