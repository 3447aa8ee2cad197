"""Link phase 1b, replicas a declaration does not state itself.

An HPA's `minReplicas`, a kustomize overlay's `replicas:` (the highest across overlays: some
deploy runs that many) and a Helm template's values default (link.helm, for that template's
workloads) raise the replicas of every fact about a Kubernetes workload, wherever it is
declared, and a Heroku app.json `formation` quantity those of the Procfile/heroku.yml process type
beside it, so the replica-aware rules judge the copies that really run. A migration in an init
container is then judged only when the workload runs more than one copy.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import Scaled
from twelvefactor_lint.facts.kubernetes import HelmReplicas, Hpa, ReplicasOverride, Workload
from twelvefactor_lint.facts.platform import Formation, PlatformVolume
from twelvefactor_lint.facts.process import MigrationAtStart, ProcessFact


def _formation_target(fact: Fact) -> tuple[str, str] | None:
    """(directory, process type) of a Procfile or heroku.yml process fact, which a formation can scale."""
    name = posixpath.basename(fact.path)
    if isinstance(fact, ProcessFact) and (name.startswith("Procfile") or name == "heroku.yml"):
        return posixpath.dirname(fact.path), fact.process
    return None


def _workload(fact: Fact) -> str:
    """The Kubernetes workload (or platform declaration) a fact is about; `""` for none."""
    return fact.workload if isinstance(fact, (ProcessFact, Workload, PlatformVolume)) else ""


def link(facts: list[Fact]) -> list[Fact]:
    by_workload: dict[str, int] = {}
    by_name: dict[str, int] = {}
    formation: dict[tuple[str, str], int] = {}
    in_template: dict[tuple[str, str], int] = {}
    defaults: dict[tuple[str, str], str] = {}
    for fact in facts:
        if isinstance(fact, HelmReplicas):
            in_template[(fact.path, fact.workload)] = fact.replicas
            default = f"with the chart's default `{fact.key}: {fact.replicas}` (a deploy may set another)"
            defaults[(fact.path, fact.workload)] = default
        elif isinstance(fact, Hpa):
            by_workload[fact.workload] = max(by_workload.get(fact.workload, 0), fact.replicas)
        elif isinstance(fact, ReplicasOverride):
            by_name[fact.name] = max(by_name.get(fact.name, 0), fact.replicas)
        elif isinstance(fact, Formation):
            formation[(posixpath.dirname(fact.path), fact.process)] = fact.replicas
    if not by_workload and not by_name and not formation and not any(in_template.values()):
        return facts

    def raised(fact: Fact) -> int:
        ref = _workload(fact)
        target = _formation_target(fact)
        if ref:
            return max(by_workload.get(ref, 0), by_name.get(ref.partition("/")[2], 0))
        return formation.get(target, 0) if target else 0

    def linked(fact: Fact) -> Fact:
        if not isinstance(fact, Scaled):
            return fact
        stated = max(fact.replicas, raised(fact))
        default = in_template.get((fact.path, _workload(fact)), 0)
        replicas = max(stated, default)
        if replicas == fact.replicas:
            return fact
        # a values default is what the chart ships, not what every deploy runs: what depends on the count is
        # judged one step lower, saying so (the rest of the workload's findings do not rest on it)
        condition = defaults[(fact.path, _workload(fact))] if default > 1 >= stated else ""
        if isinstance(fact, MigrationAtStart) and fact.init:
            return replace(fact, replicas=replicas, scaled=replicas > 1, followed=replicas > 1,
                           replicas_condition=condition)
        return replace(fact, replicas=replicas, scaled=replicas > 1, replicas_condition=condition)

    return [linked(f) for f in facts]
