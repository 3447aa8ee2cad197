"""The result model reporters render: findings, file accounting, rule metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from twelvefactor_lint.judge.catalogue import Catalogue


@dataclass(frozen=True)
class Related:
    """Another place a rolled-up finding stands for (judge.rollup): the same problem, repeated."""

    path: str
    line: int
    column: int
    message: str = ""
    """Its own message when it differs from the finding's; empty when it says the same."""


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
    brief: str = ""
    """The message's headline (what and where, judge.headline) with the same notes, for the terminal;
    empty: the message is its own headline."""
    related: tuple[Related, ...] = ()
    """The other places of a rolled-up finding, in order; the message names them too ("and N more")."""
    suppression: str | None = None
    """Why it is suppressed (the directive's reason, or "inline"), None when active."""
    suppression_kind: str = "inSource"
    """How a suppressed finding was suppressed, in SARIF's words: "inSource" (a directive) or "external" (a baseline)."""
    definition: tuple[str, int] | None = None
    """(path, line) of what the finding is about when that is elsewhere: the state a mutation changes, the
    compose service a key belongs to. A directive on that line covers the finding too."""
    fixable: bool = False
    """It comes from a match the rule's autofix applies to (whether the code there has a shape the fix knows
    is decided when fixing)."""
    started_by: tuple[str, int] | None = None
    """Where the start command that runs this finding's script is declared (path, line): the process inventory
    files the finding under that process. None outside started scripts; not part of any report."""

    def sort_key(self) -> tuple:
        return (self.path, self.line, self.column, self.rule, self.message)

    def last_line(self) -> int:
        """The last line the finding covers: an end at column 1 of a later line stops on the line before."""
        if self.end_line > self.line and self.end_column <= 1:
            return self.end_line - 1
        return max(self.line, self.end_line)


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
class BaselineEntry:
    """One accepted finding in a baseline file; line and message are there for the reader, matching uses the fingerprint."""

    rule: str
    path: str
    fingerprint: str
    line: int = 0
    message: str = ""


@dataclass(frozen=True)
class BaselineStatus:
    """What a baseline did to a run: how many findings it accepted, which of its entries are gone."""

    path: str
    matched: int
    fixed: tuple[BaselineEntry, ...] = ()
    """Entries for a file and rule this run checked that no longer occur: the baseline can shrink."""
    stale: tuple[BaselineEntry, ...] = ()
    """Entries whose file or rule no longer exists."""


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
    files: tuple[str, ...] = ()
    """The analyzed files' paths, sorted."""
    rules: tuple[str, ...] = ()
    """The ids of the rules this run evaluated."""
    baseline: BaselineStatus | None = None
    processes: tuple[Process, ...] = ()
    """The process inventory: every process type declared, its kind and findings."""
    docs_url: str = ""
    """The configured base of the rule docs' URLs (report.docs.rule_url); empty: the project's repository."""
    reachability: str = ""
    """One line saying how many production Python modules start commands reach (`12f-lint processes`)."""
    digests: Mapping[str, str] = field(default_factory=dict)
    """Each analyzed file's content hash: fixes skip a file that changed since."""

    def counts(self) -> dict[str, int]:
        counts = {"error": 0, "warning": 0, "info": 0}
        for finding in self.findings:
            counts[finding.severity] += 1
        return counts
