"""Message templates: `{attr}` placeholders and `{attr?text}` optional parts; nothing else, so no injection.

- `{name}` is replaced by the fact's field `name` (the catalogue checks at load, with `names`, that the
  matched kind has every field a message uses; one it lacks would stay as written).
- `{name?text}` is `text`, verbatim up to its closing brace and with its own `{attr}` placeholders
  filled, when `name` is present and not empty (missing, None, false, "" and empty lists are
  empty; 0 is a value), else nothing: `process{started_by? (started by {started_by})}:` reads
  `process (started by Dockerfile:7 ENTRYPOINT):` or `process:`. Optional parts do not nest.

Attribute values are inserted as they are, never read as template text. `check` runs when the
catalogue loads, so a malformed template stops the run instead of printing braces.
"""

from __future__ import annotations

import re

from twelvefactor_lint.infra.deferred_re import deferred

_PLACEHOLDER = deferred(r"\{(\w+)\}")
_PART = deferred(r"\{(\w+)\?((?:[^{}]|\{\w+\})*)\}|\{(\w+)\}")


def _present(value: object) -> bool:
    if value is None or value is False:
        return False
    return not (isinstance(value, (str, list, tuple, dict)) and not value)


def render(template: str, fact: object) -> str:
    """The message for `fact` (a fact, or anything with attributes)."""
    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name is None:
            return str(getattr(fact, match[3], match[0]))
        if not _present(getattr(fact, name, None)):
            return ""
        return _PLACEHOLDER.sub(lambda inner: str(getattr(fact, inner[1], inner[0])), match[2])

    return _PART.sub(fill, template)


def names(template: str) -> list[str]:
    """Every field a template reads, in order: placeholders, and the names that switch optional parts on."""
    found: list[str] = []
    for match in _PART.finditer(template):
        found += [match[3]] if match[1] is None else [match[1], *_PLACEHOLDER.findall(match[2])]
    return found


def check(template: str) -> None:
    """Raise ValueError naming the first brace that is neither a placeholder nor a whole optional part."""
    rest = _PART.sub(lambda m: "\0" * len(m[0]), template)
    for index, char in enumerate(rest):
        if char in "{}":
            raise ValueError(f"unbalanced or malformed `{char}` at character {index + 1} "
                             "(write `{attr}`, or `{attr?text}` for a part shown only when attr is set)")

