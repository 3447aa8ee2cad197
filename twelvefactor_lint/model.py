"""The result model reporters render: findings, file accounting, rule metadata."""

from __future__ import annotations

from dataclasses import dataclass

from twelvefactor_lint.catalogue import Catalogue


@dataclass(frozen=True)
class Finding:
    rule: str
    name: str
    factor: str
    severity: str
    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    fingerprint: str = ""
    suppression: str | None = None
    """Why it is suppressed (the directive's reason, or "inline"), None when active."""

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)


@dataclass(frozen=True)
class Process:
    name: str
    kind: str
    command: str
    declared_at: str
    """`path:line` of the declaration."""
    source: str
    replicas: int
    findings: tuple[str, ...]
    """`RULE path:line` of each finding about this process (its declaration and the scripts it starts)."""


@dataclass(frozen=True)
class SkippedFile:
    path: str
    reason: str


@dataclass(frozen=True)
class Result:
    root: str
    version: str
    findings: tuple[Finding, ...]
    suppressed: tuple[Finding, ...]
    analyzed: int
    skipped: tuple[SkippedFile, ...]
    catalogue: Catalogue
    tracebacks: tuple[str, ...] = ()
    """Internal errors' tracebacks (shown with --debug); each also has a TF002 finding."""
    processes: tuple[Process, ...] = ()
    """The process inventory: every process type declared, its kind and findings."""

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts
