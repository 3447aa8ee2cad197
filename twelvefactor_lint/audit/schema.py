"""`audit.json`, version 1 (docs/audit.md, `audit.schema.json`): one record per repository, built
from its `--format json` report alone, and the fleet's totals.

The audit and `12f-lint merge` both build every record with `repo_record`, so a fleet audited here
and one merged from a CI matrix's reports are the same document. What varies from run to run
(timestamps, durations, how it ran) is kept under `run`, outside the compared part.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from twelvefactor_lint import __version__
from twelvefactor_lint.factors import FACTORS
from twelvefactor_lint.severity import SEVERITIES, rank

FORMAT = "12f-lint audit"
SCHEMA_VERSION = 1
STATUSES = ("ok", "failed", "skipped")
SCHEMA_FILE = Path(__file__).with_name("audit.schema.json")
_FACTOR_ORDER = {key: i for i, key in enumerate(FACTORS)}


class ReportError(ValueError):
    """A file that is not a 12f-lint JSON report."""


def rule_key(rule: str) -> tuple:
    """TF601 before TF1101: by prefix, then number."""
    match = re.fullmatch(r"([A-Z]+)(\d+)", rule)
    return (match[1], int(match[2]), rule) if match else (rule, 0, rule)


def factor_key(key: str) -> tuple:
    """I to XII, then the tool's own findings, then anything unknown."""
    return (_FACTOR_ORDER.get(key, len(FACTORS)), key)


def _severity_counts(findings: Iterable[dict]) -> dict[str, int]:
    counts = Counter(f["severity"] for f in findings)
    return {s: counts[s] for s in reversed(SEVERITIES)}


def _by_factor(findings: list[dict]) -> dict[str, dict[str, int]]:
    factors = sorted({f["factor"] for f in findings}, key=factor_key)
    return {key: _severity_counts(f for f in findings if f["factor"] == key) for key in factors}


def inventory_summary(processes: list[dict]) -> dict:
    """The process inventory in a few numbers: how many process types, of which kinds, how many with findings."""
    return {"total": len(processes), "by_kind": dict(sorted(Counter(p["kind"] for p in processes).items())),
            "with_findings": sum(1 for p in processes if p["findings"])}


def repo_record(name: str, source: str, ref: str | None, commit: str | None, report: dict) -> dict:
    """A repository's record from its JSON report; ReportError when it is not one.

    A report from a 12f-lint older than the `processes` and `rules` keys leaves them null (unknown),
    never guessed."""
    try:
        findings = sorted(report["findings"], key=lambda f: (f["path"], f["line"], f["column"], rule_key(f["rule"])))
        for finding in findings:
            if finding["severity"] not in SEVERITIES or not isinstance(finding["factor"], str):
                raise ReportError(f"a finding with severity {finding['severity']!r}")
        files = {"analyzed": int(report["files"]["analyzed"]), "skipped": len(report["files"]["skipped"])}
        processes = report.get("processes")
        record = {
            **_identity(name, source, ref, commit), "status": "ok", "reason": None, "version": str(report["version"]),
            "files": files,
            "findings_total": len(findings),
            "by_severity": _severity_counts(findings),
            "by_factor": _by_factor(findings),
            "by_rule": dict(sorted(Counter(f["rule"] for f in findings).items(), key=lambda item: rule_key(item[0]))),
            "suppressed": int(report["summary"]["suppressed"]),
            "baseline_applied": "baseline" in report,
            "processes": inventory_summary(processes) if isinstance(processes, list) else None,
            "rules": sorted(report["rules"], key=rule_key) if isinstance(report.get("rules"), list) else None,
            "findings": findings,
        }
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise ReportError(f"not a 12f-lint JSON report ({type(error).__name__}: {error})") from None
    return record


def unaudited(name: str, source: str, ref: str | None, status: str, reason: str) -> dict:
    """The record of a repository that could not be audited: same keys, nothing measured."""
    return {**_identity(name, source, ref, None), "status": status, "reason": reason, "version": None, "files": None,
            "findings_total": 0, "by_severity": {s: 0 for s in reversed(SEVERITIES)}, "by_factor": {}, "by_rule": {},
            "suppressed": None, "baseline_applied": False, "processes": None, "rules": None, "findings": []}


def _identity(name: str, source: str, ref: str | None, commit: str | None) -> dict:
    return {"name": name, "source": source, "ref": ref, "commit": commit}


class Totals:
    """The fleet's totals, added up one record at a time (the records are never all in memory)."""

    def __init__(self) -> None:
        self.statuses: Counter[str] = Counter()
        self.analyzed = self.skipped_files = self.findings = self.processes = self.with_findings = 0
        self.severities: Counter[str] = Counter()
        self.factors: dict[str, Counter[str]] = {}
        self.factor_repos: Counter[str] = Counter()
        self.rules: Counter[str] = Counter()
        self.rule_repos: Counter[str] = Counter()
        self.selected: set[str] = set()

    def add(self, record: dict) -> None:
        self.statuses[record["status"]] += 1
        if record["files"]:
            self.analyzed += record["files"]["analyzed"]
            self.skipped_files += record["files"]["skipped"]
        self.findings += record["findings_total"]
        self.with_findings += bool(record["findings_total"])
        self.severities.update(record["by_severity"])
        for key, counts in record["by_factor"].items():
            self.factors.setdefault(key, Counter()).update(counts)
            self.factor_repos[key] += 1
        self.rules.update(record["by_rule"])
        self.rule_repos.update(record["by_rule"].keys())
        self.processes += record["processes"]["total"] if record["processes"] else 0
        self.selected.update(record["rules"] or ())

    def as_dict(self) -> dict:
        factors = sorted(self.factors, key=factor_key)
        return {
            "repositories": sum(self.statuses.values()),
            "by_status": {s: self.statuses[s] for s in STATUSES},
            "repositories_with_findings": self.with_findings,
            "files": {"analyzed": self.analyzed, "skipped": self.skipped_files},
            "findings": self.findings,
            "by_severity": {s: self.severities[s] for s in reversed(SEVERITIES)},
            "by_factor": {k: {**{s: self.factors[k][s] for s in reversed(SEVERITIES)}, "repositories": self.factor_repos[k]}
                          for k in factors},
            "by_rule": {r: {"findings": self.rules[r], "repositories": self.rule_repos[r]}
                        for r in sorted(self.rules, key=rule_key)},
            "processes": self.processes,
        }


def write_document(path: Path, loaders: Sequence[Callable[[], dict]], run: dict, comparison: dict | None = None) -> dict:
    """Write audit.json from the records `loaders` return (in the order given), streaming: a first
    pass adds up the totals, the second writes each record as it reads it. Returns the document
    without its repositories (the header and totals)."""
    totals = Totals()
    for load in loaders:
        totals.add(load())
    head = {
        "format": FORMAT, "schema_version": SCHEMA_VERSION,
        "tool": {"name": "12f-lint", "version": __version__},
        "rule_selection": {"config": "each repository's own", "rules": sorted(totals.selected, key=rule_key)},
        "totals": totals.as_dict(),
    }
    if comparison is not None:
        head["comparison"] = comparison
    head["run"] = run
    with path.open("w", encoding="utf-8") as out:
        out.write(json.dumps(head, indent=2, ensure_ascii=False)[:-2])
        out.write(',\n  "repositories": [')
        for number, load in enumerate(loaders):
            record = json.dumps(load(), indent=2, ensure_ascii=False).replace("\n", "\n    ")
            out.write(f"{',' if number else ''}\n    {record}")
        out.write("\n  ]\n}\n")
    return head


def exit_code(totals: dict, fail_on: str) -> int:
    """2 when a repository could not be audited, else 1 with findings at or above `fail_on`, else 0."""
    if totals["by_status"]["failed"] or totals["by_status"]["skipped"]:
        return 2
    threshold = rank(fail_on)
    return 1 if any(count and rank(s) >= threshold for s, count in totals["by_severity"].items()) else 0


def unique_names(names: Iterable[str]) -> list[str]:
    """The names in order, a repeated one suffixed `-2`, `-3`."""
    seen: Counter[str] = Counter()
    unique = []
    for name in names:
        seen[name] += 1
        unique.append(name if seen[name] == 1 else f"{name}-{seen[name]}")
    return unique
