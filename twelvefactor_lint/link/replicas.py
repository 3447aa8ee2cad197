"""Link phase 1b, Kubernetes replicas: what a workload's own `replicas` does not say.

An HPA's `minReplicas` and a kustomize overlay's `replicas:` (the highest across overlays: some
deploy runs that many) raise the replicas of every fact about the workload, wherever it is
declared, so the replica-aware rules judge the copies that really run. A migration in an init
container is then judged only when the workload runs more than one copy.
"""

from __future__ import annotations

from twelvefactor_lint.analyze.kubernetes import HPA, REPLICAS_OVERRIDE
from twelvefactor_lint.facts import Fact


def link(facts: list[Fact]) -> list[Fact]:
    by_workload: dict[str, int] = {}
    by_name: dict[str, int] = {}
    for fact in facts:
        if fact.kind == HPA:
            ref = fact.attrs["workload"]
            by_workload[ref] = max(by_workload.get(ref, 0), fact.attrs["replicas"])
        elif fact.kind == REPLICAS_OVERRIDE:
            name = fact.attrs["name"]
            by_name[name] = max(by_name.get(name, 0), fact.attrs["replicas"])
    if not by_workload and not by_name:
        return facts

    def linked(fact: Fact) -> Fact:
        ref = fact.attrs.get("workload")
        if not isinstance(ref, str) or fact.kind in (HPA, REPLICAS_OVERRIDE) or "replicas" not in fact.attrs:
            return fact
        replicas = max(fact.attrs["replicas"], by_workload.get(ref, 0), by_name.get(ref.partition("/")[2], 0))
        if replicas == fact.attrs["replicas"]:
            return fact
        scaled = replicas > 1
        updated = fact.with_attrs(replicas=replicas, scaled=scaled)
        if fact.attrs.get("init") and fact.kind == "process.migration_at_start":
            updated = updated.with_attrs(followed=scaled)
        return updated

    return [linked(f) for f in facts]
