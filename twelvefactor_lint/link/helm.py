"""Link phase 1a, Helm values: a template's `replicas: {{ .Values.replicaCount }}` takes its chart's default, and
a `{{ if .Values.X.enabled }}` block the default switches on, or the arm of an `{{ if eq .Values.X "v" }}` chain
the default selects, is no longer opt-in.

Without `helm`, templates are read best effort (analyze.kubernetes); the values that change how a template is
judged, a workload's replicas and the switches of its opt-in blocks, are looked up in the chart's
`values.yaml` (or `values.yml`), read through `ProjectFiles`. A deploy may override them (`--set`, another
values file): the default is what the chart ships, and the findings already say they come from a template.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.discover.walk import KUBERNETES
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.kubernetes import HelmReplicas, HelmSwitch, HelmValue
from twelvefactor_lint.link.start_chains import FileRequest, ProjectFiles


def link(facts: list[Fact], files: ProjectFiles) -> list[Fact]:
    """Fill each `HelmReplicas` with its chart's default, and clear the condition of what a `HelmSwitch` the
    default sets holds (read the values files they need first)."""
    refs = [f for f in facts if isinstance(f, HelmReplicas | HelmSwitch)]
    if not refs:
        return facts
    requests: dict[str, FileRequest] = {}
    for ref in refs:
        values = next((posixpath.join(ref.chart, name) for name in ("values.yaml", "values.yml")
                       if files.exists(posixpath.join(ref.chart, name))), None)
        if values is not None:
            requests.setdefault(values, FileRequest(values, KUBERNETES, ref.path))
    facts = facts + files.read(list(requests.values()))
    defaults = {(posixpath.dirname(f.path), f.key): f for f in facts if isinstance(f, HelmValue)}
    on = {(f.path, f.condition) for f in refs if isinstance(f, HelmSwitch) and _selects(defaults.get((f.chart, f.key)), f)}
    return [replace(f, replicas=_count(defaults.get((f.chart, f.key)))) if isinstance(f, HelmReplicas)
            else replace(f, condition="") if f.condition and (f.path, f.condition) in on else f for f in facts]


def _count(default: HelmValue | None) -> int:
    return default.value if default is not None else 0


def _selects(default: HelmValue | None, switch: HelmSwitch) -> bool:
    """The chart's default renders the block: sets the value (leaves it unset, for the `else` of a switch), or (an
    arm of a comparison) is one of the values that select it; an unknown default selects no arm."""
    if default is None:
        return False
    if switch.values:
        return (default.text in switch.values) != switch.negated
    return _set(default) != switch.negated


def _set(default: HelmValue) -> bool:
    """Helm's truth of a default: a non-zero number, `true`, a word (not `null`)."""
    numeric = default.text.isdigit() or default.text.lower() in {"true", "false"}
    return bool(default.value) if numeric else default.text.lower() not in {"", "null", "~"}
