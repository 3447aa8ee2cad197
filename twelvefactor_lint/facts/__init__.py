"""Facts: the typed observations analyzers make and rules judge.

A fact says what was seen and where, never whether it is wrong. Each kind is a frozen dataclass
registered by name (`KINDS`), in one module per file kind; rules name kinds in `fact:` and their
fields in `where:` and `{placeholders}`, and the catalogue checks both at load. Facts are plain
data so they can be cached (`to_dict`/`from_dict`) and linked across files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from twelvefactor_lint.facts import (  # noqa: F401 - registers the kinds
    compose,
    dependencies,
    dockerfile,
    kubernetes,
    platform,
    process,
    procfile,
    proxy,
    python,
    suppression,
    tool,
)
from twelvefactor_lint.facts.base import KINDS, Fact, convert, fields_of
from twelvefactor_lint.facts.tool import InternalError, ParseError

__all__ = ["KINDS", "Directive", "Fact", "FileAnalysis", "convert", "fields_of", "internal_error", "parse_error"]


@dataclass(frozen=True)
class Directive:
    """An inline suppression comment: `# 12f: ignore[TF601] -- reason`."""

    line: int
    """The code line it covers (its own line, or the next code line for a standalone comment)."""
    selectors: tuple[str, ...] = ()
    """Rule ids or names; empty means every rule."""
    file_wide: bool = False
    reason: str = ""
    comment_line: int = 0
    """The comment's own line, where a report about the directive points; 0: the same as `line`."""

    @property
    def written_at(self) -> int:
        return self.comment_line or self.line

    def to_dict(self) -> dict[str, Any]:
        return {"line": self.line, "selectors": list(self.selectors), "file_wide": self.file_wide, "reason": self.reason,
                "comment_line": self.comment_line}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Directive:
        return cls(data["line"], tuple(data["selectors"]), data["file_wide"], data["reason"], data.get("comment_line", 0))


@dataclass(frozen=True)
class FileAnalysis:
    facts: tuple[Fact, ...] = ()
    directives: tuple[Directive, ...] = ()
    digest: str = ""
    """The analyzed content's hash (sha256): the facts cache keys on it, and a fix applies only to a file
    that still has it."""

    def to_dict(self) -> dict[str, Any]:
        return {"facts": [f.to_dict() for f in self.facts], "directives": [d.to_dict() for d in self.directives],
                "digest": self.digest}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FileAnalysis:
        """Raises KeyError, TypeError or ValueError on data of another shape (a corrupt cache entry)."""
        return cls(tuple(map(Fact.from_dict, data["facts"])), tuple(map(Directive.from_dict, data["directives"])),
                   data["digest"])


def parse_error(path: str, reason: str, line: int = 1, column: int = 1) -> ParseError:
    """The fact an analyzer returns instead of raising when a file cannot be parsed."""
    return ParseError(path, max(line, 1), max(column, 1), reason=reason, anchor=reason)


def internal_error(path: str, reason: str, traceback: str, anchor: str) -> InternalError:
    return InternalError(path, 1, reason=reason, traceback=traceback, anchor=anchor)
