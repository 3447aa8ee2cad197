"""Suppress: inline directives and per-file ignores from the config."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import replace

import pathspec

from twelvefactor_lint.facts import Directive
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.model import Finding

_PREFIX = re.compile(r"TF\d+")


def _names(directive: Directive, finding: Finding) -> bool:
    """Empty selectors name every rule; otherwise an id, a name or an id prefix (`TF6`)."""
    if not directive.selectors:
        return True
    for selector in directive.selectors:
        key = selector.upper()
        if selector == finding.name or key == finding.rule or (_PREFIX.fullmatch(key) and finding.rule.startswith(key)):
            return True
    return False


def _covers(directive: Directive, finding: Finding, statement_line: int | None) -> bool:
    if directive.file_wide:
        return True
    return finding.line <= directive.line <= finding.end_line or directive.line == statement_line


def apply_directives(findings: Iterable[Finding], directives: Mapping[str, tuple[Directive, ...]],
                     statement_lines: Mapping[tuple[str, int], int]) -> tuple[list[Finding], list[Finding]]:
    """Split findings into (active, suppressed); a suppressed one keeps its directive's reason."""
    active, suppressed = [], []
    for finding in findings:
        statement = statement_lines.get((finding.path, finding.line))
        directive = next((d for d in directives.get(finding.path, ())
                          if _covers(d, finding, statement) and _names(d, finding)), None)
        if directive is None:
            active.append(finding)
        else:
            suppressed.append(replace(finding, suppression=directive.reason or "inline directive"))
    return active, suppressed


def per_file_ignores(findings: Iterable[Finding], table: Mapping[str, tuple[str, ...]], catalogue: Catalogue) -> list[Finding]:
    """Drop findings that `per-file-ignores` switches off for their path."""
    compiled = []
    for pattern, selectors in table.items():
        ids: set[str] = set()
        for selector in selectors:
            ids |= catalogue.select(selector)
        compiled.append((pathspec.GitIgnoreSpec.from_lines([pattern]), ids))
    return [f for f in findings if not any(ids and f.rule in ids and spec.match_file(f.path) for spec, ids in compiled)]
