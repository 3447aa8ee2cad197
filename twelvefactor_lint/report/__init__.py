"""Reporters: pure functions from a finished Result to text."""

from __future__ import annotations

from twelvefactor_lint.model import Result

FORMATS = ("text", "json")


def render(result: Result, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        from twelvefactor_lint.report.json_format import render_json

        return render_json(result)
    from twelvefactor_lint.report.text import render_text

    return render_text(result, color=color)

