"""The fact vocabulary as documentation (docs/facts.md) and as listings of a project's facts (`12f-lint facts`).

Both are generated from `twelvefactor_lint.facts`: the kinds, their fields, each field's type, default
and `doc(...)`, so the reference a rule author reads is the contract the catalogue checks.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import defaultdict
from collections.abc import Iterable

from twelvefactor_lint.facts import KINDS, Fact, fields_of
from twelvefactor_lint.judge.catalogue import Catalogue

_COMMON = {f.name for f in dataclasses.fields(Fact)}
_PLACE = {"path", "line", "column", "end_line", "end_column", "anchor"}
_HEADER = """\
# Fact vocabulary

<!-- Generated from twelvefactor_lint/facts/ by `12f-lint facts --write-docs docs/facts.md`; do not edit. -->

Analyzers turn each file into *facts*; link adds what only the whole project shows; rules judge facts.
A rule names a kind in `match.fact`, conditions on its fields in `where:` and fills its message's
`{field}` placeholders from them. The catalogue refuses, at load, a kind or field that is not listed
here. `12f-lint facts PATH` prints the facts of a file or tree, after linking.

Every fact has these fields:

"""


def markdown(catalogue: Catalogue) -> str:
    """docs/facts.md: every kind, grouped by the module that defines it, with the rules that judge it."""
    used: dict[str, set[str]] = defaultdict(set)
    for rule in catalogue.rules:
        for matcher in rule.matchers:
            used[matcher.fact].add(rule.id)
    parts = [_HEADER, _table(dataclasses.fields(Fact)), "\n"]
    by_module: dict[str, list[type[Fact]]] = defaultdict(list)
    for cls in KINDS.values():
        by_module[cls.__module__].append(cls)
    for module_name in sorted(by_module):
        module = sys.modules[module_name]
        title, source = module_name.rsplit(".", 1)[-1], module_name.replace(".", "/") + ".py"
        parts.append(f"## {title} (`{source}`)\n\n{_paragraph(module.__doc__)}\n\n")
        for cls in sorted(by_module[module_name], key=lambda c: c.kind):
            rules = ", ".join(sorted(used.get(cls.kind, ()))) or "none yet"
            own = [f for f in fields_of(cls).values() if f.name not in _COMMON]
            parts.append(f"### `{cls.kind}`\n\n{_paragraph(cls.__doc__)}\n\nJudged by: {rules}.\n\n")
            parts.append(_table(own) + "\n" if own else "No fields beyond the common ones.\n\n")
    return "".join(parts).rstrip("\n") + "\n"


def _paragraph(text: str | None) -> str:
    return " ".join((text or "").split())


def _table(fields: Iterable[dataclasses.Field]) -> str:
    rows = ["| field | type | default | meaning |", "|---|---|---|---|"]
    for field in fields:
        default = "required" if field.default is dataclasses.MISSING else f"`{json.dumps(field.default)}`"
        meaning = field.metadata.get("doc", "").replace("|", "\\|")
        kind = str(field.type).replace("|", "\\|")
        rows.append(f"| `{field.name}` | `{kind}` | {default} | {meaning} |")
    return "\n".join(rows) + "\n"


def kinds_text() -> str:
    """One line per kind with its own fields (`12f-lint facts --kinds`)."""
    lines = []
    for name in sorted(KINDS):
        own = [n for n in fields_of(KINDS[name]) if n not in _COMMON]
        lines.append(f"{name}: {', '.join(own)}")
    return "\n".join(lines) + "\n"


def listing(facts: Iterable[Fact], fmt: str) -> str:
    """A project's facts, sorted by place: JSON (every field) or text (the fields not at their default)."""
    ordered = sorted(facts, key=lambda f: (f.path, f.line, f.column, f.kind))
    if fmt == "json":
        return json.dumps([f.to_dict() for f in ordered], indent=2) + "\n"
    lines = []
    for fact in ordered:
        lines.append(f"{fact.path}:{fact.line}:{fact.column}: {fact.kind}")
        for name, field in fields_of(type(fact)).items():
            value = getattr(fact, name)
            required = field.default is dataclasses.MISSING
            if name not in _PLACE and (required or value != field.default):
                lines.append(f"    {name} = {json.dumps(value)}")
    if not lines:
        return "No facts (no file 12f-lint reads, or nothing in them it records).\n"
    return "\n".join(lines) + "\n"
