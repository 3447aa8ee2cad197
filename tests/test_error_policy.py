"""`error` means proven (docs/rule-authoring.md, "What earns `error`"): every matcher that yields an error
constrains the fact field that proves its case, named here with the reason; a rule that adds an error
matcher without one fails, and so does a secret rule that offers its unsafe fix on an unproven match."""

from __future__ import annotations

import pytest

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.judge.catalogue import Matcher, Rule

CATALOGUE = catalogue_module.load()

KIND = "<fact kind>"
"""The fact's kind is the proof itself: the analyzer records it only for the proven case."""

PROOF: dict[str, tuple[frozenset[str], str]] = {
    "TF002": (frozenset({KIND}), "the analyzer failed"),
    "TF301": (frozenset({"shape"}), "the literal has a provider's token format"),
    "TF307": (frozenset({"shape"}), "the baked value has a provider's token format"),
    "TF308": (frozenset({"shape"}), "the manifest value has a provider's token format"),
    "TF501": (frozenset({"workload"}), "a deploy declaration itself runs the install"),
    "TF601": (frozenset({"several_processes"}), "a production deploy file runs the handlers in several processes "
              "(workers above one, replicas, an HPA, a formation)"),
    "TF603": (frozenset({"origin"}), "the session backend is set by a literal"),
    "TF609": (frozenset({"how"}), "a start line provably runs a second long-lived process"),
    "TF613": (frozenset({"origin", "api"}), "the local broker is set by a literal or created by the call"),
    "TF614": (frozenset({"scaled"}), "more than one replica is declared"),
    "TF616": (frozenset({"scaled"}), "more than one replica is declared"),
    "TF801": (frozenset({KIND, "api", "daemon_idiom", "source"}), "the call or server setting that forks away"),
    "TF803": (frozenset({"scaled"}), "more than one replica is declared"),
    "TF904": (frozenset({"signal", "arg2_name", "cause"}), "SIGKILL, SIG_IGN or a zero grace period is declared"),
    "TF1201": (frozenset({"scaled"}), "more than one replica is declared"),
}


def _errors(rule: Rule) -> list[Matcher]:
    return [m for m in rule.matchers if (m.severity or rule.severity) == "error"]


def test_every_rule_with_an_error_names_its_proof():
    erring = {rule.id for rule in CATALOGUE.rules if _errors(rule)}
    assert sorted(erring - PROOF.keys()) == [], "add the proof field to PROOF (and read 'What earns `error`')"
    assert sorted(PROOF.keys() - erring) == [], "these rules no longer yield errors: drop them from PROOF"


@pytest.mark.parametrize("rule", [r for r in CATALOGUE.rules if r.id in PROOF], ids=lambda r: r.id)
def test_every_error_matcher_constrains_its_proof(rule):
    fields, _ = PROOF[rule.id]
    unproven = [m.fact for m in _errors(rule)
                if not ({c.attr for c in m.where} & fields or (KIND in fields and not m.where))]
    assert unproven == [], f"{rule.id}: an error matcher without a condition on {sorted(fields)}"


def test_secret_rules_offer_unsafe_fixes_only_on_proven_secrets():
    """Rewriting a literal into a required variable stops the app at start: never for a value that may not be a
    secret (a field map, a label) — only for the proven, `shape`-constrained error."""
    secret_rules = [rule for rule in CATALOGUE.rules if "shape" in PROOF.get(rule.id, (frozenset(), ""))[0]]
    offered = [f"{rule.id} {m.fact}" for rule in secret_rules if rule.autofix is not None
               for m in rule.matchers if m.autofix and (m.severity or rule.severity) != "error"]
    assert secret_rules and offered == []


def _policy_rows() -> dict[str, list[str]]:
    """The rows of the error-shape table in docs/rule-authoring.md: rule -> (sure, harm, otherwise)."""
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "docs" / "rule-authoring.md").read_text(encoding="utf-8")
    rows = [line.strip("|").split("|") for line in text.splitlines() if line.startswith("| TF")]
    return {cells[0].strip(): [c.strip() for c in cells[1:]] for cells in rows}


def test_the_error_policy_documents_every_rule_that_yields_errors():
    """Sure (the proof) and harmful (what breaks in production), written down once for every erring rule."""
    rows = _policy_rows()
    erring = {rule.id for rule in CATALOGUE.rules if _errors(rule)}
    assert sorted(erring - rows.keys()) == [], "add the rule's row to the table in docs/rule-authoring.md"
    assert sorted(rows.keys() - erring) == [], "these rules no longer yield errors: drop their rows"
    assert [rule for rule, cells in rows.items() if len(cells) != 3 or not all(cells[:2])] == []
