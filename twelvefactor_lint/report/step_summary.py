"""The markdown GitHub shows on a job's summary page ($GITHUB_STEP_SUMMARY): counts per factor and
severity, then every finding, so nothing is lost past the ten annotations GitHub shows per level."""

from __future__ import annotations

import re
from collections import Counter

from twelvefactor_lint.factors import TWELVE, label
from twelvefactor_lint.model import Result
from twelvefactor_lint.severity import SEVERITIES

_ORDER = tuple(reversed(SEVERITIES))
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>|#!~&])")
MAX_LISTED = 1000
"""Findings listed one by one; GitHub caps a step summary at 1 MiB."""


def cell(text: str) -> str:
    """Repository text inside a table cell: no markup, links, HTML or cell breaks of its own."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def _factor_rows(result: Result) -> list[str]:
    counts = Counter((f.factor, f.severity) for f in result.findings)
    checked = {rule.factor for rule in result.catalogue.rules if rule.id in result.rules}
    rows = []
    for key in (*TWELVE, "tool"):
        total = sum(counts[key, s] for s in _ORDER)
        if key == "tool" and not total:
            continue
        if key not in checked and not total:
            rows.append(f"| {label(key)} | — | — | — | not checked (no rule selected) |")
            continue
        status = "✅ clean" if not total else f"{total} finding{'s' * (total != 1)}"
        rows.append(f"| {label(key)} | " + " | ".join(str(counts[key, s]) for s in _ORDER) + f" | {status} |")
    return rows


def step_summary(result: Result) -> str:
    by_severity = result.counts()
    total = len(result.findings)
    head = ", ".join(f"{by_severity[s]} {s}" for s in _ORDER if by_severity[s]) or "none"
    lines = [
        f"## 12f-lint: {total} finding{'s' * (total != 1)} ({head})",
        "",
        f"Analyzed {result.analyzed} files, skipped {len(result.skipped)}, {len(result.suppressed)} findings suppressed.",
        "",
        "| Factor | " + " | ".join(_ORDER) + " | |",
        "|---|" + "---:|" * len(_ORDER) + "---|",
        *_factor_rows(result),
        "",
    ]
    if result.findings:
        lines += [f"<details><summary>All {total} findings</summary>", "",
                  "| Severity | Rule | Location | Message |", "|---|---|---|---|"]
        for f in result.findings[:MAX_LISTED]:
            lines.append(f"| {f.severity} | {f.rule} {f.name} | {cell(f'{f.path}:{f.line}:{f.column}')} | {cell(f.message)} |")
        if total > MAX_LISTED:
            lines.append(f"| | | | … and {total - MAX_LISTED} more (see the SARIF or JSON report) |")
        lines += ["", "</details>", ""]
    if result.baseline is not None and (result.baseline.fixed or result.baseline.stale):
        lines.append(f"Baseline {cell(result.baseline.path)}: {len(result.baseline.fixed)} entries fixed, "
                     f"{len(result.baseline.stale)} stale — rewrite it with `--write-baseline` to shrink it.")
        lines.append("")
    return "\n".join(lines)

