"""Link phase 2, scheduled refreshes: settle the jobs of a scheduler that call project functions of other modules.

The analyzer says of a scheduler a module starts whether its jobs only refresh this process's own module state
(`python.scheduler_start.refreshes`) as far as that module shows, and which imported functions they call
(`refresh_calls`). Each of those that is a project module's function must be one that module reports as a
`python.state_refresh` (found in the module the import names, or in the package re-exporting it); a method of a
project class (`ModelSchema.build`) is judged by its name, already done; a name no project module holds is a
library's. A job that calls a project function doing more (a database write, a send), or whose refreshed state
comes to nothing, loses `refreshes`. One hop: what those functions call in turn is judged by name only.
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.python import ModuleRefs, SchedulerStart, StateRefresh
from twelvefactor_lint.link.reach import Modules


def link(facts: list[Fact]) -> list[Fact]:
    if not any(isinstance(f, SchedulerStart) and (f.refreshes or f.refresh_calls) for f in facts):
        return facts
    modules = Modules(f.path for f in facts if isinstance(f, ModuleRefs))
    refreshers: dict[str, list[StateRefresh]] = defaultdict(list)
    for fact in facts:
        if isinstance(fact, StateRefresh):
            refreshers[fact.name].append(fact)
    return [_settled(f, modules, refreshers) if isinstance(f, SchedulerStart) and (f.refreshes or f.refresh_calls)
            else f for f in facts]


def _settled(start: SchedulerStart, modules: Modules, refreshers: dict[str, list[StateRefresh]]) -> SchedulerStart:
    state = {name.strip("`") for name in start.refreshes.split(", ") if name}
    for call in start.refresh_calls:
        job = call.startswith("!")
        module, _, name = call.lstrip("!").rpartition(".")
        files = modules.module(module)
        packages = {posixpath.dirname(p) + "/" for p in files if p.endswith("__init__.py")}
        found = [r for r in refreshers.get(name, ()) if r.path in files or any(r.path.startswith(p) for p in packages)]
        if found:
            state.update(n for r in found for n in r.refreshes)
        elif job or files:
            return replace(start, refreshes="")  # a project function doing more than refresh this process's state
    names = [f"`{n}`" for n in sorted(state)]
    more = f" and {len(names) - 4} more" if len(names) > 5 else ""
    return replace(start, refreshes=", ".join(names[:4] if more else names) + more)
