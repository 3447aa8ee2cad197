"""GitHub Actions workflow commands: one `::error|warning|notice` annotation per finding.

GitHub shows only the first ten annotations of each level per step, so the worst come first;
the step summary (step_summary.py) lists everything.
"""

from __future__ import annotations

from twelvefactor_lint.factors import label
from twelvefactor_lint.model import Finding, Result
from twelvefactor_lint.report.checkout import checkout_prefix, in_checkout
from twelvefactor_lint.report.text import summary
from twelvefactor_lint.severity import rank

_COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}
_GONE = {"fixed": "no longer found", "stale": "its file or rule no longer exists"}


def escape_data(text: str) -> str:
    """The message part of a workflow command: `%`, CR and LF would end or garble it."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A `key=value` property: also `:` and `,`, which separate properties."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, message: str, **properties: object) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items() if value is not None)
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def _annotation(finding: Finding, file: str) -> str:
    """Columns only on a one-line finding: GitHub rejects them on a multi-line one."""
    last = finding.last_line()
    one_line = last == finding.line
    return command(
        _COMMANDS[finding.severity], finding.message,
        file=file, line=finding.line, endLine=last,
        col=finding.column if one_line else None,
        endColumn=finding.end_column if one_line and finding.end_line == last and finding.end_column > finding.column else None,
        title=f"{finding.rule} {finding.name} ({label(finding.factor)})",
    )


def render_github(result: Result) -> str:
    prefix = checkout_prefix(result.root)
    worst_first = sorted(result.findings, key=lambda f: (-rank(f.severity), f.sort_key()))
    lines = [_annotation(f, in_checkout(prefix, f.path)) for f in worst_first]
    if result.baseline is not None:
        for kind, entries in (("fixed", result.baseline.fixed), ("stale", result.baseline.stale)):
            lines += [command("notice", f"{e.rule} is in the baseline but {_GONE[kind]}; rewrite the baseline "
                                        f"with --write-baseline to drop it", file=in_checkout(prefix, e.path),
                                line=e.line or None, title=f"baseline entry {kind}")
                      for e in entries]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"

