"""`sys.path` entries that leave the project only as the code is read from the root (factor I, TF101).

A working-directory-relative entry (`sys.path.insert(0, "../apps")`) in `utils/activate_user.py` climbs out of the
project when the script runs from the root, but names the project's own `apps/` when it runs from its own
directory, which is how such admin scripts are run; an existence test falling back to `./apps` says the same. When
one of those directories (`SysPathOutside.inside`) is in the project, the entry is the repository's own code, not
another checkout's: the fact is dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.python import SysPathOutside


def link(facts: list[Fact], files_under: Callable[[str], list[str]]) -> list[Fact]:
    known: dict[str, bool] = {}

    def present(directory: str) -> bool:
        if directory not in known:
            known[directory] = bool(files_under(directory))  # `.`: the project root itself
        return known[directory]

    return [fact for fact in facts
            if not (isinstance(fact, SysPathOutside) and any(present(d) for d in fact.inside))]
