"""Regular expressions compiled when first used.

`re.compile` runs in Python (a pattern costs some 0.1-0.3 ms), and the modules a warm run imports
(discovery's roles, the catalogue, message templates) hold a few dozen patterns that only a run which
classifies paths, parses rules or analyzes files matches: a replayed run never compiles them.
"""

from __future__ import annotations

import re
from typing import Any, AnyStr, Generic, cast


class _Deferred(Generic[AnyStr]):
    def __init__(self, pattern: AnyStr, flags: int):
        self._pattern: AnyStr = pattern
        self._flags = flags

    def __getattr__(self, name: str) -> Any:
        value = getattr(re.compile(self._pattern, self._flags), name)  # compiled once: re keeps its own cache
        self.__dict__[name] = value  # found without __getattr__ from now on
        return value


def deferred(pattern: AnyStr, flags: int = 0) -> re.Pattern[AnyStr]:
    """`re.compile(pattern, flags)`, compiled when one of its methods or attributes is first asked for."""
    return cast("re.Pattern[AnyStr]", _Deferred(pattern, flags))
