"""Facts: the typed observations analyzers make and rules judge.

A fact says what was seen and where, never whether it is wrong. Facts are plain
data (JSON-serialisable attributes) so they can be cached and linked across files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping


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

    def with_attrs(self, **attrs: Any) -> "Fact":
        return replace(self, attrs={**self.attrs, **attrs})


@dataclass(frozen=True)
class Directive:
    """An inline suppression comment: `# 12f: ignore[TF601] -- reason`."""

    line: int
    """The code line it covers (its own line, or the next code line for a standalone comment)."""
    selectors: tuple[str, ...] = ()
    """Rule ids or names; empty means every rule."""
    file_wide: bool = False
    reason: str = ""


@dataclass(frozen=True)
class FileAnalysis:
    facts: tuple[Fact, ...] = ()
    directives: tuple[Directive, ...] = ()


def parse_error(path: str, reason: str, line: int = 1, column: int = 1) -> Fact:
    """The fact an analyzer returns instead of raising when a file cannot be parsed."""
    return Fact("parse_error", path, max(line, 1), max(column, 1), attrs={"reason": reason}, anchor=reason)
