"""Message templates: `{attr}` placeholders and `{attr?text}` optional parts; nothing else, so no injection.

- `{name}` is replaced by the fact's attribute `name` (left as written when the fact has none).
- `{name?text}` is `text`, verbatim up to its closing brace and with its own `{attr}` placeholders
  filled, when `name` is present and not empty (missing, None, false, "" and empty lists are
  empty; 0 is a value), else nothing: `process{started_by? (started by {started_by})}:` reads
  `process (started by Dockerfile:7 ENTRYPOINT):` or `process:`. Optional parts do not nest.

Attribute values are inserted as they are, never read as template text. `check` runs when the
catalogue loads, so a malformed template stops the run instead of printing braces.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_PLACEHOLDER = re.compile(r"\{(\w+)\}")
_PART = re.compile(r"\{(\w+)\?((?:[^{}]|\{\w+\})*)\}|\{(\w+)\}")


def _present(value: object) -> bool:
    if value is None or value is False:
        return False
    return not (isinstance(value, (str, list, tuple, dict)) and not value)


def render(template: str, attrs: Mapping[str, object]) -> str:
    def fill(match: re.Match[str]) -> str:
        name = match[1]
        if name is None:
            return str(attrs.get(match[3], match[0]))
        if not _present(attrs.get(name)):
            return ""
        return _PLACEHOLDER.sub(lambda inner: str(attrs.get(inner[1], inner[0])), match[2])

    return _PART.sub(fill, template)


def check(template: str) -> None:
    """Raise ValueError naming the first brace that is neither a placeholder nor a whole optional part."""
    rest = _PART.sub(lambda m: "\0" * len(m[0]), template)
    for index, char in enumerate(rest):
        if char in "{}":
            raise ValueError(f"unbalanced or malformed `{char}` at character {index + 1} "
                             "(write `{attr}`, or `{attr?text}` for a part shown only when attr is set)")

