"""Link phase 1c, volume claims across files: a Deployment mounting a claim another file declares.

A kustomize base (or a plain manifest directory) keeps the PersistentVolumeClaim in `pvc.yaml` and the
Deployment in `deployment.yaml`. The analyzer knows a claim's access mode only within one file; here a
claim mounted by a workload takes the mode its declaration gives, when every declaration of that name
agrees, so a ReadWriteOnce claim mounted by a workload that is not a DaemonSet is `shared_rwo`
whichever file declares it.
"""

from __future__ import annotations

from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.kubernetes import Claim
from twelvefactor_lint.facts.platform import PlatformVolume


def link(facts: list[Fact]) -> list[Fact]:
    modes: dict[str, set[str]] = {}
    for fact in facts:
        if isinstance(fact, Claim):
            modes.setdefault(fact.name, set()).add(fact.access)
    if not modes:
        return facts

    def linked(fact: Fact) -> Fact:
        if not isinstance(fact, PlatformVolume) or fact.access or fact.node_local or "/" not in fact.workload:
            return fact
        found = modes.get(fact.source, set())
        if len(found) != 1:
            return fact
        (access,) = found
        return replace(fact, access=access,
                       shared_rwo=access == "ReadWriteOnce" and not fact.workload.startswith("DaemonSet/"))

    return [linked(f) for f in facts]
