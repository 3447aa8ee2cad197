"""One analyzer per file kind; each turns bytes into facts and never raises on bad input."""

from __future__ import annotations

import importlib
from typing import Callable

from twelvefactor_lint.facts import FileAnalysis

_MODULES = {
    "python": "twelvefactor_lint.analyzers.python",
    "dockerfile": "twelvefactor_lint.analyzers.dockerfile",
    "compose": "twelvefactor_lint.analyzers.compose",
    "procfile": "twelvefactor_lint.analyzers.procfile",
    "shell": "twelvefactor_lint.analyzers.script",
    "proxy_config": "twelvefactor_lint.analyzers.proxy_config",
    "supervisord": "twelvefactor_lint.analyzers.supervisord",
}


def analyzer_for(kind: str) -> Callable[[str, bytes], FileAnalysis]:
    """The analyze function of a kind, imported on first use (tree-sitter only when needed)."""
    return importlib.import_module(_MODULES[kind]).analyze
