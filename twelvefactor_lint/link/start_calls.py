"""Link phase 2, start-up calls: a function of one module that start-up code of another calls runs at every start.

The Python analyzer knows start-up code within a module (an app factory, a lifespan or startup hook, the body of a
module that serves requests, and the module's own helpers they call); `ModuleRefs.start_calls` names the functions
of other modules that code calls through an import (`init_db.main()` in a lifespan, `scheduler.setup(args)` in an
app factory). What runs directly in those functions (`command.upgrade(...)`, `scheduler.start()`) is start-up code
too: those facts get `at_start`, and their site says who calls the function. One hop: what those functions call in
turn is not followed. A name that is no project module's function changes nothing, and a call start-up code makes
that is a finding of its own (`migrate_db()`: its name says it migrates) is not followed into.
"""

from __future__ import annotations

from dataclasses import replace

from twelvefactor_lint.analyze.python.context import FUNCTION
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.python import Call, ModuleRefs, PythonSiteFact, SchedulerStart
from twelvefactor_lint.link.reach import Modules

FOLLOWED = (SchedulerStart, Call)
"""What start-up code one module away is judged on: a scheduler started there (TF611), a schema migrated there
(TF1202). Not threads (TF612): what a start-up helper of another module starts is mostly its own per-process service
(a metrics refresher, a telemetry send), measured noisy on the tune half."""


def link(facts: list[Fact]) -> list[Fact]:
    refs = [f for f in facts if isinstance(f, ModuleRefs)]
    if not any(r.start_calls for r in refs):
        return facts
    modules = Modules(r.path for r in refs)
    judged = {(f.path, f.callee) for f in facts if isinstance(f, Call) and f.api == "migrate_named" and f.at_start}
    called: dict[tuple[str, str], str] = {}
    """(path, function's qualified name) -> the file whose start-up code calls it."""
    for ref in refs:
        for name in ref.start_calls:
            if (ref.path, name.rpartition(".")[2]) in judged:
                continue  # `migrate_db()` at start is judged where it is called: its steps are that finding's
            for path, function in _functions(name, modules):
                if path != ref.path:
                    called.setdefault((path, function), ref.path)
    return [_at_start(f, called[(f.path, f.function)]) if isinstance(f, FOLLOWED) and f.context == FUNCTION
            and not f.at_start and (f.path, f.function) in called else f for f in facts]


def _functions(name: str, modules: Modules) -> list[tuple[str, str]]:
    """The (file, function) places `pkg.mod.func` (or `pkg.mod.Class.method`) may name in the project."""
    parts = name.split(".")
    for split in (len(parts) - 1, len(parts) - 2):
        found = modules.module(".".join(parts[:split])) if split > 0 else set()
        if found:
            return [(path, ".".join(parts[split:])) for path in sorted(found)]
    return []


def _at_start(fact: PythonSiteFact, caller: str) -> PythonSiteFact:
    return replace(fact, at_start=True, site=f"{fact.site} (called by start-up code in {caller})")
