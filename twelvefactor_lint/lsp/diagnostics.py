"""Findings as LSP diagnostics: ranges in the client's units, the rule id as `code` with a link to its
doc, severity mapped, and the other places a finding involves (where the state it mutates is defined,
the start command that runs its script) as related information."""

from __future__ import annotations

import re
from collections.abc import Callable

from lsprotocol import types

from twelvefactor_lint.judge.catalogue import Rule
from twelvefactor_lint.model import Finding
from twelvefactor_lint.report.docs import rule_url

SOURCE = "12f-lint"
_SEVERITY = {"error": types.DiagnosticSeverity.Error, "warning": types.DiagnosticSeverity.Warning,
             "info": types.DiagnosticSeverity.Information}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")

Units = Callable[[str], int]
"""How many of the client's position units (UTF-16 by default) a piece of a line takes."""


class Lines:
    """A document's lines, to turn a finding's 1-based columns (UTF-8 bytes, as `ast` counts them) into
    client positions."""

    def __init__(self, text: str, units: Units):
        self.lines = _LINE_BREAK.split(text)
        self.units = units

    def position(self, line: int, column: int) -> types.Position:
        """A finding's (line, column) as a position; past the end clamps to the end."""
        if line < 1:
            return types.Position(line=0, character=0)
        if line > len(self.lines):
            return self.end()
        text = self.lines[line - 1]
        prefix = text.encode("utf-8", "surrogatepass")[:max(column - 1, 0)].decode("utf-8", "ignore")
        return types.Position(line=line - 1, character=self.units(prefix))

    def line_end(self, line: int) -> types.Position:
        if not 1 <= line <= len(self.lines):
            return self.end()
        return types.Position(line=line - 1, character=self.units(self.lines[line - 1].rstrip()))

    def end(self) -> types.Position:
        return types.Position(line=len(self.lines) - 1, character=self.units(self.lines[-1]))

    def indent(self, line: int) -> str:
        text = self.lines[line - 1] if 1 <= line <= len(self.lines) else ""
        return text[:len(text) - len(text.lstrip())]


def finding_range(finding: Finding, lines: Lines) -> types.Range:
    """The finding's span; one that marks a point (a Dockerfile instruction, a YAML key) covers the rest of its line."""
    start = lines.position(finding.line, finding.column)
    end = lines.position(finding.end_line, finding.end_column)
    if (end.line, end.character) <= (start.line, start.character):
        end = lines.line_end(finding.line)
        if (end.line, end.character) < (start.line, start.character):
            end = start
    return types.Range(start=start, end=end)


def contains(span: types.Range, position: types.Position) -> bool:
    return (span.start.line, span.start.character) <= (position.line, position.character) <= (span.end.line, span.end.character)


def on_lines(span: types.Range, selection: types.Range) -> bool:
    """Whether a finding's span shares a line with the selection (a cursor anywhere on the line asks for its actions)."""
    last = span.end.line - 1 if span.end.line > span.start.line and span.end.character == 0 else span.end.line
    return span.start.line <= selection.end.line and selection.start.line <= last


def _related(finding: Finding, uri_of: Callable[[str], str]) -> list[types.DiagnosticRelatedInformation]:
    """The finding's definition (when it is another line) and the start command of its script, as whole lines."""
    places = []
    if finding.definition is not None and finding.definition != (finding.path, finding.line):
        places.append((finding.definition, "defined here"))
    if finding.started_by is not None:
        places.append((finding.started_by, "started from here"))
    return [types.DiagnosticRelatedInformation(
        location=types.Location(uri=uri_of(path), range=types.Range(
            start=types.Position(line=max(line - 1, 0), character=0), end=types.Position(line=max(line, 1), character=0))),
        message=note) for (path, line), note in places]


def diagnostic(finding: Finding, rule: Rule | None, lines: Lines, uri_of: Callable[[str], str],
               docs_base: str = "") -> types.Diagnostic:
    """The finding as a diagnostic; `uri_of` names a related place's file (a path relative to the root),
    `docs_base` is the configured `docs-url`."""
    related = _related(finding, uri_of)
    return types.Diagnostic(
        range=finding_range(finding, lines),
        message=finding.message,
        severity=_SEVERITY.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=rule_url(rule.id, rule.name, docs_base)) if rule is not None else None,
        source=SOURCE,
        related_information=related or None,
        data={"fingerprint": finding.fingerprint},
    )
