"""SARIF 2.1.0: one run, the catalogue as `tool.driver.rules`, suppressed findings kept with `suppressions`.

Shaped for GitHub code scanning: URIs relative to the checkout under `%SRCROOT%`, and the
line-independent fingerprint as a partial fingerprint, so an alert survives code moving.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from twelvefactor_lint.factors import FACTORS
from twelvefactor_lint.judge.catalogue import Rule
from twelvefactor_lint.model import Finding, Result
from twelvefactor_lint.report.checkout import checkout_prefix, checkout_root, in_checkout
from twelvefactor_lint.report.docs import REPOSITORY, rule_url
from twelvefactor_lint.report.ruledoc import help_markdown, help_text

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "twelvefactorLint/v1"
_LEVELS = {"error": "error", "warning": "warning", "info": "note"}
_TOOL_TROUBLE = ("TF001", "TF002")
_PROBLEM_SEVERITY = {"error": "error", "warning": "warning", "info": "recommendation"}


def _descriptor(rule: Rule, docs_url: str) -> dict:
    factor = FACTORS[rule.factor]
    tags = ["12f-lint"] if rule.factor == "tool" else ["twelve-factor", f"factor-{rule.factor}", factor.name.lower()]
    descriptor = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.title},
        "fullDescription": {"text": " ".join(rule.rationale.split())},
        "help": {"text": help_text(rule), "markdown": help_markdown(rule)},
        "defaultConfiguration": {"level": _LEVELS[rule.severity]},
        "properties": {
            "tags": tags,
            "precision": "very-high" if rule.factor == "tool" else "high",
            "problem.severity": _PROBLEM_SEVERITY[rule.severity],
            "factor": rule.factor,
        },
    }
    descriptor["helpUri"] = rule_url(rule.id, rule.name, docs_url)
    return descriptor


def _region(finding: Finding) -> dict:
    region = {"startLine": finding.line, "startColumn": finding.column}
    if (finding.end_line, finding.end_column) > (finding.line, finding.column):
        region |= {"endLine": finding.end_line, "endColumn": finding.end_column}
    return region


def _location(prefix: PurePosixPath, path: str, region: dict | None = None) -> dict:
    physical: dict = {"artifactLocation": {"uri": quote(in_checkout(prefix, path), safe="/"), "uriBaseId": SRCROOT}}
    if region:
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(finding: Finding, index: dict[str, int], prefix: PurePosixPath) -> dict:
    result: dict[str, object] = {
        "ruleId": finding.rule,
        "level": _LEVELS[finding.severity],
        "message": {"text": finding.message},
        "locations": [_location(prefix, finding.path, _region(finding))],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        "properties": {"factor": finding.factor, "name": finding.name},
    }
    if finding.rule in index:
        result["ruleIndex"] = index[finding.rule]
    if finding.related:
        result["relatedLocations"] = [
            _location(prefix, r.path, {"startLine": r.line, "startColumn": r.column})
            | {"id": number, "message": {"text": r.message or "the same problem, repeated here"}}
            for number, r in enumerate(finding.related, start=1)]
    if finding.suppression is not None:
        result["suppressions"] = [{"kind": finding.suppression_kind, "status": "accepted", "justification": finding.suppression}]
    return result


def _notifications(result: Result, prefix: PurePosixPath, index: dict[str, int]) -> list[dict]:
    """Files that could not be checked (TF001, TF002: the tool's own trouble, also results), skipped files
    and baseline housekeeping, as the run's notes."""
    notes = [{"level": _LEVELS[f.severity], "message": {"text": f.message}, "locations": [_location(prefix, f.path, _region(f))],
              "associatedRule": {"id": f.rule, "index": index[f.rule]}}
             for f in result.findings if f.rule in _TOOL_TROUBLE and f.rule in index]
    notes += [{"level": "note", "message": {"text": f"skipped: {skipped.reason}"}, "locations": [_location(prefix, skipped.path)]}
             for skipped in result.skipped]
    baseline = result.baseline
    if baseline is not None:
        for kind, entries in (("fixed", baseline.fixed), ("stale", baseline.stale)):
            notes += [{"level": "note", "message": {"text": f"baseline entry {kind}: {e.rule} {e.message}".rstrip()},
                       "locations": [_location(prefix, e.path)]} for e in entries]
    return notes


def sarif_log(result: Result) -> dict:
    rules = result.catalogue.rules
    index = {rule.id: number for number, rule in enumerate(rules)}
    prefix = checkout_prefix(result.root)
    findings = sorted((*result.findings, *result.suppressed), key=Finding.sort_key)
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "12f-lint",
                "version": result.version,
                "semanticVersion": result.version,
                "informationUri": REPOSITORY,
                "rules": [_descriptor(rule, result.docs_url) for rule in rules],
            }},
            "originalUriBaseIds": {SRCROOT: {"uri": Path(checkout_root(result.root)).absolute().as_uri().rstrip("/") + "/"}},
            "invocations": [{
                "executionSuccessful": not result.tracebacks,
                "toolExecutionNotifications": _notifications(result, prefix, index),
            }],
            "results": [_result(f, index, prefix) for f in findings],
        }],
    }


def render_sarif(result: Result) -> str:
    return json.dumps(sarif_log(result), indent=2, ensure_ascii=False) + "\n"
