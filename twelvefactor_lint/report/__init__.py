"""Reporters: pure functions from a finished Result to text, one module per format, imported on demand."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from twelvefactor_lint.model import Result

if TYPE_CHECKING:
    from twelvefactor_lint.report.text import TextOptions

_RENDERERS = {
    "text": ("text", "render_text"),
    "json": ("json_format", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "junit": ("junit", "render_junit"),
    "html": ("html", "render_html"),
}
FORMATS = tuple(_RENDERERS)


def render(result: Result, fmt: str, text: TextOptions | None = None) -> str:
    """The report in `fmt`; `text` styles the text format (colour, source lines, statistics)."""
    module, function = _RENDERERS[fmt]
    renderer = getattr(import_module(f"twelvefactor_lint.report.{module}"), function)
    return renderer(result, text) if fmt == "text" and text is not None else renderer(result)
