"""Link the start chain: a Dockerfile ENTRYPOINT/CMD runs a script copied into the image.

`scripts_to_read` names the repository files an image's start command runs (resolved through
COPY/ADD and the build context), so the runner can analyze them as shell scripts; `annotate`
then marks every fact from such a script with the hop that starts it and its scaling, so rules
judge the script's commands as the container's own and messages show the chain.
"""

from __future__ import annotations

import posixpath
from typing import Iterable

from twelvefactor_lint.facts import Fact


def _contexts(dockerfile: str, facts: Iterable[Fact]) -> list[str]:
    """Build contexts a Dockerfile is built with: compose `build:` contexts naming it, and its own directory."""
    contexts = []
    for fact in facts:
        if fact.kind == "compose.service" and fact.attrs["build_context"]:
            base = posixpath.dirname(fact.path)
            context = posixpath.normpath(posixpath.join(base, fact.attrs["build_context"]))
            named = posixpath.normpath(posixpath.join(context, fact.attrs["dockerfile"] or "Dockerfile"))
            if named == dockerfile:
                contexts.append(context)
    contexts.append(posixpath.dirname(dockerfile) or ".")
    return list(dict.fromkeys(contexts))


def script_candidates(facts: list[Fact]) -> dict[str, list[str]]:
    """Dockerfile path -> repository paths its start script may be (most likely first)."""
    found: dict[str, list[str]] = {}
    for fact in facts:
        if fact.kind != "dockerfile.script_ref":
            continue
        candidates = []
        for context in _contexts(fact.path, facts):
            for source in fact.attrs["sources"]:
                candidates.append(posixpath.normpath(posixpath.join(context, source)))
        found[fact.path] = list(dict.fromkeys(c for c in candidates if not c.startswith("..")))
    return found


def annotate(facts: list[Fact], scripts: dict[str, str]) -> list[Fact]:
    """Give each fact of a script read for a Dockerfile the hop that starts it (`via`)."""
    refs = {f.path: f for f in facts if f.kind == "dockerfile.script_ref"}
    via = {}
    for dockerfile, script in scripts.items():
        ref = refs[dockerfile]
        via.setdefault(script, f" (started by {dockerfile}:{ref.line} {ref.attrs['instruction']})")
    return [f.with_attrs(via=via[f.path]) if f.path in via and f.kind.startswith("process.") else f for f in facts]
