"""Regular expressions compiled when first used.

`re.compile` runs in Python (a pattern costs some 0.1-0.3 ms), and the modules a warm run imports
(discovery's roles, the catalogue, message templates) hold a few dozen patterns that only a run which
classifies paths, parses rules or analyzes files matches: a replayed run never compiles them. The kept rule
catalogue's conditions are deferred too: a report that only asks which rules have fixes compiles none.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, Generic, cast


class _Deferred(Generic[AnyStr]):
    def __init__(self, pattern: AnyStr, flags: int):
        self._pattern: AnyStr = pattern
        self._flags = flags

    def _compiled(self) -> re.Pattern[AnyStr]:
        return re.compile(self._pattern, self._flags)

    def __eq__(self, other: object) -> bool:
        """Equal to the pattern compiled, as two compiled patterns are equal (same pattern and flags)."""
        return self._compiled() == (other._compiled() if isinstance(other, _Deferred) else other)

    def __hash__(self) -> int:
        return hash(self._compiled())

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._compiled(), name)  # compiled once: re keeps its own cache
        self.__dict__[name] = value  # found without __getattr__ from now on
        return value


def deferred(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, compiled when one of its methods or attributes is first asked for."""
    return cast("re.Pattern[AnyStr]", _Deferred(pattern, flags))
