"""Link phase 1a, Helm values: a template's `replicas: {{ .Values.replicaCount }}` takes its chart's default.

Without `helm`, templates are read best effort (analyze.kubernetes); the one value that changes how the
process model is judged, a workload's replicas, is looked up in the chart's `values.yaml` (or
`values.yml`), read through `ProjectFiles`. A deploy may override it (`--set`, another values file):
the default is what the chart ships, and the findings already say they come from a template.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.discover.walk import KUBERNETES
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.kubernetes import HelmReplicas, HelmValue
from twelvefactor_lint.link.start_chains import FileRequest, ProjectFiles


def link(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    """Fill each `HelmReplicas` with its chart's default (read the values files it needs first)."""
    refs = [f for f in facts if isinstance(f, HelmReplicas)]
    if not refs:
        return facts
    requests: dict[str, FileRequest] = {}
    for ref in refs:
        values = next((posixpath.join(ref.chart, name) for name in ("values.yaml", "values.yml")
                       if files.exists(posixpath.join(ref.chart, name))), None)
        if values is not None:
            requests.setdefault(values, FileRequest(values, KUBERNETES, ref.path))
    facts = facts + files.read(list(requests.values()))
    defaults = {(posixpath.dirname(f.path), f.key): f.value for f in facts if isinstance(f, HelmValue)}
    return [replace(f, replicas=defaults.get((f.chart, f.key), 0)) if isinstance(f, HelmReplicas) else f for f in facts]
