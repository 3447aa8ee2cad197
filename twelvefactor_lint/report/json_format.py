"""The JSON report: the public contract in ARCHITECTURE.md (change it only additively)."""

from __future__ import annotations

import json
from collections import Counter

from twelvefactor_lint.model import BaselineEntry, BaselineStatus, Finding, Result
from twelvefactor_lint.report.processes import process_dict

_FIELDS = ("rule", "name", "factor", "severity", "path", "line", "column", "end_line", "end_column", "message", "fingerprint")


def finding_dict(finding: Finding) -> dict:
    """The finding's fields; a rolled-up one adds `related`, every other place it stands for
    (`{path, line, column}`, and `message` where that place's differs)."""
    data = {name: getattr(finding, name) for name in _FIELDS}
    if finding.related:
        data["related"] = [{"path": r.path, "line": r.line, "column": r.column} | ({"message": r.message} if r.message else {})
                           for r in finding.related]
    return data


def _baseline_dict(status: BaselineStatus) -> dict:
    def entry(e: BaselineEntry) -> dict:
        return {"rule": e.rule, "path": e.path, "fingerprint": e.fingerprint, "line": e.line, "message": e.message}

    return {"path": status.path, "matched": status.matched,
            "fixed": [entry(e) for e in status.fixed], "stale": [entry(e) for e in status.stale]}


def report_dict(result: Result) -> dict:
    """The report; a `baseline` key is added only when a baseline was applied.

    `processes` (the inventory) and `rules` (the ids evaluated) were added later, so that a fleet
    audit can be merged from per-repository reports alone."""
    data = {
        "version": result.version,
        "root": result.root,
        "findings": [finding_dict(f) for f in result.findings],
        "files": {
            "analyzed": result.analyzed,
            "skipped": [{"path": s.path, "reason": s.reason} for s in result.skipped],
        },
        "summary": {
            "total": len(result.findings),
            "by_severity": result.counts(),
            "by_rule": dict(sorted(Counter(f.rule for f in result.findings).items())),
            "suppressed": len(result.suppressed),
        },
        "processes": [process_dict(p) for p in result.processes],
        "rules": list(result.rules),
    }
    if result.baseline is not None:
        data["baseline"] = _baseline_dict(result.baseline)
    return data


def render_json(result: Result) -> str:
    return json.dumps(report_dict(result), indent=2, ensure_ascii=False) + "\n"
