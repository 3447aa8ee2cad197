"""Reporters: pure functions from a finished Result to text, one module per format, imported on demand."""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from twelvefactor_lint.model import Result

_RENDERERS = {
    "text": ("text", "render_text"),
    "json": ("json_format", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "gitlab": ("gitlab", "render_gitlab"),
    "junit": ("junit", "render_junit"),
    "html": ("html", "render_html"),
}
FORMATS = tuple(_RENDERERS)
_STYLED = ("text", "junit", "html")
"""The renderers that take ReportOptions; the machine formats have one shape only."""


@dataclass(frozen=True)
class ReportOptions:
    """How the command line asks reports to look; each renderer reads what concerns it."""

    color: bool = False
    show_source: bool = False
    """Text: each finding's line with a caret under the column, as ruff's --show-source."""
    show_advice: bool = False
    """Text: each finding's whole message (why it matters, what to do) instead of its headline."""
    statistics: bool = False
    """Text: counts per rule instead of the findings."""
    quiet: bool = False
    """Text: the findings only, no summary, skipped files, baseline or hints."""
    cwd: str | None = None
    """Text: show paths relative to this directory when it is inside the root; None: root-relative."""
    junit_passing: bool = False
    """JUnit: a passing test case per clean file too."""
    repo_url: str | None = None
    """HTML: link each finding to its source line at this repository URL (None: from the git remote)."""


PLAIN = ReportOptions()
"""The options when none are given: no colour, root-relative paths, no passing JUnit cases."""


def render(result: Result, fmt: str, options: ReportOptions | None = None) -> str:
    module, function = _RENDERERS[fmt]
    renderer = getattr(import_module(f"twelvefactor_lint.report.{module}"), function)
    return renderer(result, options or PLAIN) if fmt in _STYLED else renderer(result)
