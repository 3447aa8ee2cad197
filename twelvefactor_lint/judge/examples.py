"""A rule's bad and good examples, run through the real pipeline: the test suite, `12f-lint rules --test`
and the rule docs judge them the same way."""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

from twelvefactor_lint.judge.catalogue import Catalogue, Example, Rule
from twelvefactor_lint.model import Finding

PARSE_ERROR = "TF001"
_PLACEHOLDER = re.compile(r"\{\w+\}")


@dataclass(frozen=True)
class Outcome:
    rule: str
    side: str
    """`bad` (must fire, at its `lines` when given) or `good` (must stay silent)."""
    number: int
    path: str
    problem: str = ""
    """Why it fails; empty when it passes."""

    def line(self) -> str:
        verdict = f"FAIL: {self.problem}" if self.problem else "pass"
        return f"{self.rule} {self.side} example {self.number} ({self.path}): {verdict}"


def findings(example: Example, select: tuple[str, ...], catalogue: Catalogue) -> list[Finding]:
    """What a run over the example's files, in a scratch directory, reports for the selected rules."""
    from twelvefactor_lint.config import Settings
    from twelvefactor_lint.runner import run

    with tempfile.TemporaryDirectory(prefix="12f-lint-example-") as scratch:
        root = Path(scratch)
        for file in example.files:
            target = root / file.path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(file.code, encoding="utf-8")
        return list(run([root], Settings(root=root, select=select, cache=False), catalogue).findings)


def problem(rule: Rule, example: Example, side: str, catalogue: Catalogue) -> str:
    """Why an example does not behave as its side says, or "" when it does."""
    target = example.files[0].path
    found = findings(example, (rule.id, PARSE_ERROR), catalogue)
    mine = [f for f in found if f.rule == rule.id and (side == "good" or f.path == target)]
    if side == "good":
        unparsed = [f"{f.path}:{f.line}" for f in found if f.rule == PARSE_ERROR and rule.id != PARSE_ERROR]
        if unparsed:
            return f"a good example must parse ({', '.join(unparsed)} is {PARSE_ERROR})"
        return "; ".join(f"fired at {f.path}:{f.line}: {f.message}" for f in mine)
    if not mine:
        return f"did not fire on {target}"
    if example.lines:
        lines, stated = sorted({f.line for f in mine}), [n for n, _ in example.lines]
        if lines != stated:
            return f"fired on lines {lines}, the example says {stated}"
        severities = dict(example.lines)
        wrong = [f"{f.line}: {f.severity}" for f in mine if severities[f.line] not in (None, f.severity)]
        if wrong:
            return f"fired with {', '.join(wrong)}, the example says {', '.join(f'{n}: {s}' for n, s in example.lines)}"
    unfilled = [f.message for f in mine if _PLACEHOLDER.search(f.message)]
    return f"unfilled placeholder in {unfilled[0]!r}" if unfilled else ""


def check(rule: Rule, catalogue: Catalogue) -> list[Outcome]:
    """Every example of a rule, bad then good."""
    outcomes = []
    for side in ("bad", "good"):
        for number, example in enumerate(getattr(rule, side), start=1):
            outcomes.append(Outcome(rule.id, side, number, example.files[0].path,
                                    problem(rule, example, side, catalogue)))
    return outcomes
