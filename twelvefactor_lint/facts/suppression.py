"""Facts about suppression directives themselves (`# 12f: ignore[...]`): made by the suppress step after
the rules have judged, from the findings each directive suppressed, never by an analyzer."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, base, doc, kind


@base
class SuppressionFact(Fact):
    """What every fact about a directive says about it."""

    selector: str = doc("The rule selector in question (`TF601`, `mutable-module-state`); `\"\"` for a bare "
                        "`# 12f: ignore`, which names every rule.")
    directive: str = doc("The directive as written: `# 12f: ignore[TF601, TF602]`, `# 12f: ignore-file`.")
    covers: str = doc("What it covers: `on line 12` or `in this file`.")
    what: str = doc("How messages name what it would suppress: `` `TF601` finding `` or `finding`.")


@kind("suppression.unused")
class UnusedSuppression(SuppressionFact):
    """A directive (or one selector of it) that suppressed no finding in this run."""


@kind("suppression.unknown_rule")
class UnknownSuppressionRule(SuppressionFact):
    """A directive naming a rule selector that matches no rule of the catalogue."""
