"""Facts: the typed observations analyzers make and rules judge.

A fact says what was seen and where, never whether it is wrong. Facts are plain
data (JSON-serialisable attributes) so they can be cached and linked across files.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any


@dataclass(frozen=True)
class Fact:
    kind: str
    path: str
    line: int
    column: int = 1
    end_line: int | None = None
    end_column: int | None = None
    attrs: Mapping[str, Any] = field(default_factory=dict)
    anchor: str = ""
    """A line-independent identity (e.g. "checkout:CARTS:item assignment") used for fingerprints."""

    def with_attrs(self, **attrs: Any) -> Fact:
        return replace(self, attrs={**self.attrs, **attrs})

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, for the facts cache; `from_dict` gives back an equal Fact."""
        return {"kind": self.kind, "path": self.path, "line": self.line, "column": self.column,
                "end_line": self.end_line, "end_column": self.end_column, "attrs": dict(self.attrs), "anchor": self.anchor}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Fact:
        return cls(data["kind"], data["path"], data["line"], data["column"], data["end_line"], data["end_column"],
                   data["attrs"], data["anchor"])


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


def parse_error(path: str, reason: str, line: int = 1, column: int = 1) -> Fact:
    """The fact an analyzer returns instead of raising when a file cannot be parsed."""
    return Fact("parse_error", path, max(line, 1), max(column, 1), attrs={"reason": reason}, anchor=reason)
