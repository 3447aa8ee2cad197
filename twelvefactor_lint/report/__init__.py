"""Reporters: pure functions from a finished Result to text, one module per format, imported on demand."""

from __future__ import annotations

from importlib import import_module

from twelvefactor_lint.model import Result

_RENDERERS = {
    "text": ("text", "render_text"),
    "json": ("json_format", "render_json"),
    "sarif": ("sarif", "render_sarif"),
    "github": ("github", "render_github"),
    "junit": ("junit", "render_junit"),
    "html": ("html", "render_html"),
}
FORMATS = tuple(_RENDERERS)


def render(result: Result, fmt: str, color: bool = False) -> str:
    module, function = _RENDERERS[fmt]
    renderer = getattr(import_module(f"twelvefactor_lint.report.{module}"), function)
    return renderer(result, color=color) if fmt == "text" else renderer(result)
