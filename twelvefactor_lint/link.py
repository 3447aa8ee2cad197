"""Link: project-level reasoning over every file's facts; reads facts, writes facts.

Today: a compose service that builds a Dockerfile and gives a `command:` or
`entrypoint:` starts that image, so the Dockerfile's missing start instruction is
supplied (the fact records by whom, and TF903 stays silent).
"""

from __future__ import annotations

import posixpath
from typing import Iterable

from twelvefactor_lint.facts import Fact


def _built_dockerfile(service: Fact) -> str:
    """Root-relative path of the Dockerfile a compose service builds."""
    compose_dir = posixpath.dirname(service.path)
    context = posixpath.normpath(posixpath.join(compose_dir, service.attrs["build_context"]))
    dockerfile = service.attrs["dockerfile"] or "Dockerfile"
    return posixpath.normpath(posixpath.join(context, dockerfile))


def link(facts: Iterable[Fact]) -> list[Fact]:
    facts = list(facts)
    starters: dict[str, str] = {}
    for fact in facts:
        if fact.kind == "compose.service" and fact.attrs["build_context"] and (
                fact.attrs["command"] or fact.attrs["entrypoint"]):
            starters.setdefault(_built_dockerfile(fact), f"service `{fact.attrs['service']}` in {fact.path}:{fact.line}")
    return [
        fact.with_attrs(started_by=starters[fact.path])
        if fact.kind == "dockerfile.missing_start" and fact.path in starters else fact
        for fact in facts
    ]
