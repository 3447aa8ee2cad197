"""Link phase 1b, replicas a declaration does not state itself.

An HPA's `minReplicas` and a kustomize overlay's `replicas:` (the highest across overlays: some
deploy runs that many) raise the replicas of every fact about a Kubernetes workload, wherever it is
declared, and a Heroku app.json `formation` quantity those of the Procfile/heroku.yml process type
beside it, so the replica-aware rules judge the copies that really run. A migration in an init
container is then judged only when the workload runs more than one copy.
"""

from __future__ import annotations

import posixpath

from twelvefactor_lint.analyze.kubernetes import HPA, REPLICAS_OVERRIDE
from twelvefactor_lint.analyze.paas import FORMATION
from twelvefactor_lint.facts import Fact


def _formation_target(fact: Fact) -> tuple[str, str] | None:
    """(directory, process type) of a Procfile or heroku.yml process fact, which a formation can scale."""
    name = posixpath.basename(fact.path)
    if fact.kind.startswith("process.") and (name.startswith("Procfile") or name == "heroku.yml"):
        return posixpath.dirname(fact.path), fact.attrs["process"]
    return None


def link(facts: list[Fact]) -> list[Fact]:
    by_workload: dict[str, int] = {}
    by_name: dict[str, int] = {}
    formation: dict[tuple[str, str], int] = {}
    for fact in facts:
        if fact.kind == HPA:
            ref = fact.attrs["workload"]
            by_workload[ref] = max(by_workload.get(ref, 0), fact.attrs["replicas"])
        elif fact.kind == REPLICAS_OVERRIDE:
            name = fact.attrs["name"]
            by_name[name] = max(by_name.get(name, 0), fact.attrs["replicas"])
        elif fact.kind == FORMATION:
            formation[(posixpath.dirname(fact.path), fact.attrs["process"])] = fact.attrs["replicas"]
    if not by_workload and not by_name and not formation:
        return facts

    def raised(fact: Fact) -> int:
        ref = fact.attrs.get("workload")
        target = _formation_target(fact)
        if isinstance(ref, str):
            return max(by_workload.get(ref, 0), by_name.get(ref.partition("/")[2], 0))
        return formation.get(target, 0) if target else 0

    def linked(fact: Fact) -> Fact:
        if fact.kind in (HPA, REPLICAS_OVERRIDE, FORMATION) or "replicas" not in fact.attrs:
            return fact
        replicas = max(fact.attrs["replicas"], raised(fact))
        if replicas == fact.attrs["replicas"]:
            return fact
        scaled = replicas > 1
        updated = fact.with_attrs(replicas=replicas, scaled=scaled)
        if fact.attrs.get("init") and fact.kind == "process.migration_at_start":
            updated = updated.with_attrs(followed=scaled)
        return updated

    return [linked(f) for f in facts]
