"""The text report: `path:line:col: TF601 [error] message`, then one summary block."""

from __future__ import annotations

from collections import Counter

from twelvefactor_lint.model import BaselineStatus, Result

_COLORS = {"error": "31", "warning": "33", "info": "36"}


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render_text(result: Result, color: bool = False) -> str:
    lines = []
    for f in result.findings:
        location = _paint(f"{f.path}:{f.line}:{f.column}:", "1", color)
        severity = _paint(f"[{f.severity}]", _COLORS[f.severity], color)
        lines.append(f"{location} {f.rule} {severity} {f.message}")
    if lines:
        lines.append("")
    lines.append(summary(result))
    for skipped in result.skipped:
        lines.append(f"  skipped {skipped.path}: {skipped.reason}")
    if result.baseline is not None:
        lines += _baseline_lines(result.baseline)
    return "\n".join(lines) + "\n"


def _baseline_lines(status: BaselineStatus) -> list[str]:
    if not status.fixed and not status.stale:
        return [f"baseline: {status.matched} accepted"]
    fixed = len(status.fixed)
    lines = [f"baseline: {status.matched} accepted; {fixed} entr{'y' if fixed == 1 else 'ies'} fixed, {len(status.stale)} stale "
             f"— shrink it with --write-baseline {status.path}"]
    for kind, entries in (("fixed", status.fixed), ("stale", status.stale)):
        lines += [f"  {kind}: {e.path}:{e.line} {e.rule} {e.message}".rstrip() for e in entries]
    return lines


def summary(result: Result) -> str:
    counts = result.counts()
    total = len(result.findings)
    files = f"analyzed {result.analyzed} file{'s' * (result.analyzed != 1)}, skipped {len(result.skipped)}"
    suppressed = f", {len(result.suppressed)} suppressed" if result.suppressed else ""
    if not total:
        return f"No findings ({files}{suppressed})."
    by_severity = ", ".join(f"{counts[s]} {s}" for s in ("error", "warning", "info") if counts[s])
    by_rule = ", ".join(f"{rule} ×{n}" for rule, n in sorted(Counter(f.rule for f in result.findings).items()))
    return f"Found {total} finding{'s' * (total != 1)}: {by_severity} — {by_rule} ({files}{suppressed})."
