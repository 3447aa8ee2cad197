"""Evaluate: turn facts into findings with the rules the user selected."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from twelvefactor_lint.discover.scope import DEV, PROD, TEST, classify, is_prod_named
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.base import RolledUp
from twelvefactor_lint.facts.compose import Scaled
from twelvefactor_lint.facts.platform import DeploySecret
from twelvefactor_lint.facts.process import ProcessFact, ProcessLogFile
from twelvefactor_lint.facts.python import UNREACHED, FileWrite, LogFileSink, PythonFact, StateWrite
from twelvefactor_lint.judge import template
from twelvefactor_lint.judge.catalogue import Catalogue, Rule
from twelvefactor_lint.judge.headline import headline
from twelvefactor_lint.judge.rollup import rolled_up
from twelvefactor_lint.model import Finding, Related
from twelvefactor_lint.severity import lowered

DEV_NOTE = " (dev-only file: only development setups run it, so reported as info)"
DEV_GUESS_NOTE = " (probably a development file, beside one named for production: severity lowered one step)"
UNREACHED_NOTE = " (no production start command imports this module: severity lowered one step)"


@dataclass(frozen=True)
class Selection:
    rules: tuple[Rule, ...]
    severity: Mapping[str, str]


def select(catalogue: Catalogue, select: Iterable[str], extend_select: Iterable[str], ignore: Iterable[str],
           severity: Mapping[str, str]) -> Selection:
    """Resolve selectors (ids, names, prefixes, ALL; `TF6,TF11` lists too); unknown selectors raise ValueError."""
    def resolve(selectors: Iterable[str]) -> set[str]:
        ids: set[str] = set()
        for selector in (part.strip() for item in selectors for part in item.split(",") if part.strip()):
            found = catalogue.select(selector)
            if not found:
                raise ValueError(f"unknown rule selector `{selector}`")
            ids |= found
        return ids

    chosen = (resolve(select) | resolve(extend_select)) - resolve(ignore)
    levels: dict[str, str] = {}
    for selector, level in severity.items():
        for rule_id in resolve([selector]):
            levels[rule_id] = level
    return Selection(tuple(r for r in catalogue.rules if r.id in chosen), levels)


def evaluate(facts: Iterable[Fact], roles: Mapping[str, str], selection: Selection) -> list[Finding]:
    by_kind: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        by_kind[fact.kind].append(fact)
    findings: list[tuple[Finding, str, str]] = []
    reported: set[tuple[int, str]] = set()
    for rule in selection.rules:
        for fact, matcher in _matches(rule, by_kind, roles):
            if (id(fact), rule.factor) in reported:
                continue  # one problem, one finding: the first rule of a factor speaks for the fact
            reported.add((id(fact), rule.factor))
            severity = selection.severity.get(rule.id) or matcher.severity or rule.severity
            message = template.render(matcher.message, fact)
            brief = template.render(headline(matcher.message), fact)
            note = ""
            if role_of(fact, roles) == DEV:
                severity, note = ("info", DEV_NOTE) if _only_development(fact) else (lowered(severity), DEV_GUESS_NOTE)
            elif isinstance(fact, PythonFact) and fact.reach == UNREACHED:
                severity, note = lowered(severity), UNREACHED_NOTE
            condition = fact.condition or (fact.replicas_condition if isinstance(fact, Scaled) and matcher.counts_replicas
                                           else "")
            if condition and (role_of(fact, roles) != DEV or fact.dev_only):
                # a development switch (`if [ "$DEBUG" = 1 ]`) is both: lowered for each
                severity, note = lowered(severity), note + f" (only {condition}: opt-in, severity lowered one step)"
            findings.append((Finding(
                rule=rule.id, name=rule.name, factor=rule.factor, severity=severity, path=fact.path,
                line=fact.line, column=fact.column, end_line=fact.end_line or fact.line,
                end_column=fact.end_column or fact.column, message=message + note, brief=brief + note,
                fingerprint=fact.anchor, fixable=matcher.autofix, started_by=_started_by(fact),
                definition=_definition(fact), related=_related(fact),
            ), matcher.message, _value(fact)))
    findings.sort(key=lambda pair: pair[0].sort_key())
    return fingerprinted(sorted(rolled_up(findings), key=Finding.sort_key))


def _value(fact: Fact) -> str:
    """What a fact commits, for rollup to tell one value from another without the value itself: a deploy secret's
    masked service URL (empty for a bare secret) and digest, `url|digest`; `""`: nothing to compare."""
    return f"{fact.url}|{fact.digest}" if isinstance(fact, DeploySecret) and fact.digest else ""


def _started_by(fact: Fact) -> tuple[str, int] | None:
    if not isinstance(fact, ProcessFact) or not fact.started_by_path:
        return None
    return fact.started_by_path, fact.started_by_line


def _related(fact: Fact) -> tuple[Related, ...]:
    """The other places a fact stands for: what link rolled up, the bookkeeping folded into a state write, or the
    rename that moves a written file into place, the other file handlers of one logging setup."""
    places = fact.places if isinstance(fact, (RolledUp, StateWrite, FileWrite, LogFileSink, ProcessLogFile)) else ()
    return tuple(Related(path, line, column) for path, line, column in places)


def _definition(fact: Fact) -> tuple[str, int] | None:
    return (fact.definition_path or fact.path, fact.definition_line) if fact.definition_line > 0 else None


def _only_development(fact: Fact) -> bool:
    """A development file by its own name or content (`Dockerfile-dev`, `settings/localdev.py`, a compose stack
    that bind-mounts the source), or a script only such a file starts: true of the code, but no deploy runs it.
    A plain file that is development only because a sibling is named for production (`Dockerfile` beside
    `Dockerfile.prod`) may still be what a deploy builds: a doubt, not a certainty."""
    if fact.dev_only or classify(fact.path) == DEV:
        return True
    return isinstance(fact, ProcessFact) and bool(fact.started_by_path) and classify(fact.started_by_path) == DEV


def role_of(fact: Fact, roles: Mapping[str, str]) -> str | None:
    """The file's role, narrowed to `test` for code only CI runs, and to `dev` for a fact that knows it only
    matters in development (e.g. a compose service that bind-mounts the source tree: a live-reload dev setup)
    — unless the file is named for production, which no content makes a dev file."""
    role = roles.get(fact.path)
    if role == PROD and fact.ci_only:
        return TEST
    return DEV if role == PROD and fact.dev_only and not is_prod_named(fact.path) else role


def _matches(rule: Rule, by_kind: Mapping[str, list[Fact]], roles: Mapping[str, str]):
    """Each fact once per rule: the first matcher that accepts it decides message and severity."""
    claimed: set[int] = set()
    for matcher in rule.matchers:
        for fact in by_kind.get(matcher.fact, ()):
            if id(fact) in claimed or role_of(fact, roles) not in rule.roles:
                continue
            if matcher.matches(fact):
                claimed.add(id(fact))
                yield fact, matcher


def fingerprinted(findings: list[Finding]) -> list[Finding]:
    """Replace each finding's anchor with a line-independent fingerprint.

    The fingerprint hashes rule, path, anchor and the occurrence number among equal
    anchors, so moving code up or down a file keeps it stable.
    """
    seen: dict[tuple[str, str, str], int] = defaultdict(int)
    result = []
    for finding in findings:
        key = (finding.rule, finding.path, finding.fingerprint)
        occurrence = seen[key]
        seen[key] += 1
        digest = hashlib.sha256("\0".join((*key, str(occurrence))).encode("utf-8", "replace")).hexdigest()[:20]
        result.append(replace(finding, fingerprint=digest))
    return result
