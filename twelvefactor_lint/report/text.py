"""The text report: `path:line:col: TF601 [error] headline`, then one summary block.

Each finding is one short line saying what and where (its message's headline, as ruff's are); the why
and the how are in `12f-lint explain ID`, and `--show-advice` prints each finding's whole message.

Paths are shown relative to the current directory when it is inside the project (as ruff does), so
they can be clicked or pasted; the machine formats stay root-relative.
"""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from twelvefactor_lint.model import BaselineStatus, Finding, Result
from twelvefactor_lint.report import PLAIN, ReportOptions
from twelvefactor_lint.report.docs import docs_base

_COLORS = {"error": "31", "warning": "33", "info": "36"}
FIXABLE = "[*]"


def _paint(text: str, code: str, color: bool) -> str:
    return f"\033[{code}m{text}\033[0m" if color else text


def render_text(result: Result, options: ReportOptions = PLAIN) -> str:
    lines = _statistics(result) if options.statistics else _findings(result, options)
    if options.quiet:
        return "\n".join(lines) + "\n" if lines else ""
    if lines:
        lines.append("")
    lines.append(summary(result))
    hint = fixable_hint(result)
    if hint:
        lines.append(hint)
    if result.findings:
        docs = docs_base(result.docs_url)
        lines.append(f"Rule docs: {docs}/ (or `12f-lint explain ID`)" if options.show_advice or options.statistics else
                     f"Why and how to fix: --show-advice, `12f-lint explain ID`, or the rule docs at {docs}/")
    shown = _shown_paths(result.root, options.cwd)
    for skipped in result.skipped:
        lines.append(f"  skipped {shown(skipped.path)}: {skipped.reason}")
    if result.baseline is not None:
        lines += _baseline_lines(result.baseline)
    return "\n".join(lines) + "\n"


def _findings(result: Result, options: ReportOptions) -> list[str]:
    shown = _shown_paths(result.root, options.cwd)
    source = _Source(result.root) if options.show_source else None
    safety = _safety(result)
    lines = []
    for f in result.findings:
        location = _paint(f"{shown(f.path)}:{f.line}:{f.column}:", "1", options.color)
        severity = _paint(f"[{f.severity}]", _COLORS[f.severity], options.color)
        marker = f" {FIXABLE}" if safety.get(f.rule) == "safe" and f.fixable else ""
        message = f.message if options.show_advice else f.brief or f.message
        lines.append(f"{location} {f.rule}{marker} {severity} {message}")
        if source is not None:
            lines += source.excerpt(f)
    return lines


def _statistics(result: Result) -> list[str]:
    counts = Counter(f.rule for f in result.findings)
    safety = _safety(result)
    fixable = Counter(f.rule for f in result.findings if f.fixable and safety.get(f.rule) == "safe")
    names = {f.rule: f.name for f in result.findings}
    return [f"{n:>5}  {rule:<7} {FIXABLE if fixable[rule] else '   '} {names[rule]}"
            for rule, n in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


def _shown_paths(root: str, cwd: str | None):
    """How a root-relative path is shown: relative to `cwd` when it lies inside the root."""
    base = Path(root).resolve()
    here = Path(cwd).resolve() if cwd else None
    if here is None or here == base or not here.is_relative_to(base):
        return lambda path: path
    return lambda path: path if os.path.isabs(path) else Path(os.path.relpath(base / path, here)).as_posix()


class _Source:
    """The finding's line and a caret under its column(s), read through the snippet reader (inside the root)."""

    def __init__(self, root: str):
        from twelvefactor_lint.report.snippets import SnippetReader

        self.reader = SnippetReader(root)

    def excerpt(self, finding: Finding) -> list[str]:
        hit = next((s for s in self.reader.around(finding.path, finding.line, finding.line) if s.hit), None)
        if hit is None:
            return []
        width = len(str(hit.number))
        text = hit.text.rstrip()
        start = max(finding.column - 1, 0)
        end = finding.end_column - 1 if finding.end_line == finding.line and finding.end_column > finding.column else len(text)
        caret = " " * start + "^" * max(1, min(end, len(text)) - start)
        return [f"{' ' * width} |", f"{hit.number} | {text}", f"{' ' * width} | {caret}", ""]


def _safety(result: Result) -> dict[str, str]:
    return {rule.id: rule.autofix.safety for rule in result.catalogue.rules if rule.autofix is not None}


def fixable_hint(result: Result) -> str:
    """`3 fixable with --fix (1 more with --unsafe-fixes).`, empty when nothing is."""
    if not any(f.fixable for f in result.findings):
        return ""  # without reading the rules: a replayed run may not have
    safety = _safety(result)
    fixable = [f for f in result.findings if f.fixable and f.rule in safety]
    safe = sum(1 for f in fixable if safety[f.rule] == "safe")
    unsafe = len(fixable) - safe
    if not fixable:
        return ""
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    if not safe:
        return f"{unsafe} fixable with --fix --unsafe-fixes."
    return f"{safe} fixable with --fix{more}."


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
