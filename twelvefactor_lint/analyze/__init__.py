"""One analyzer per file kind; each turns bytes into facts and never raises on bad input."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from twelvefactor_lint.infra.deferred_re import deferred

if TYPE_CHECKING:  # the facts cache reads ANALYZER_VERSION here: a replayed run imports no fact classes
    from twelvefactor_lint.facts import FileAnalysis

ANALYZER_VERSION = 87
"""Part of every facts-cache key: bump it when an analyzer changes the facts it makes for the same file
(the cache also notices edited code by its files' sizes and mtimes, but a release must not rely on that)."""



class Unanalyzable(Exception):
    """A valid file an analyzer cannot read here; the message is the reason it is listed as skipped."""


_TEMPLATE = deferred(r"\{\{\s*[\w.]+(\s*\|[^}]*)?\s*\}\}|\{%-?\s*(if|for|raw|set|include)\b")
TEMPLATE_REASON = "a template (Jinja/cookiecutter `{{ ... }}`): not valid until rendered"
NEWER_SYNTAX = f"syntax newer than Python {sys.version_info.major}.{sys.version_info.minor}"
"""The start of the skip reason of a file only a newer Python parses (`python/newer.py`), so reports and the
notice can count these files without importing the analyzer."""
PYTHON2_SYNTAX = "Python 2 syntax"
"""The start of the skip reason of a file written for Python 2 (`print "x"`, `lambda (k, v): v`): valid where a
Python 2.7 image runs it, not a parse error of the project."""


def skip_if_template(text: str) -> None:
    """A file that fails to parse because it is a template (a cookiecutter project's files) is skipped with
    that reason, not reported as a parse error of the project."""
    if _TEMPLATE.search(text):
        raise Unanalyzable(TEMPLATE_REASON)


_MODULES = {
    "python": "twelvefactor_lint.analyze.python",
    "dockerfile": "twelvefactor_lint.analyze.dockerfile",
    "compose": "twelvefactor_lint.analyze.compose",
    "procfile": "twelvefactor_lint.analyze.procfile",
    "shell": "twelvefactor_lint.analyze.script",
    "proxy_config": "twelvefactor_lint.analyze.proxy_config",
    "supervisord": "twelvefactor_lint.analyze.supervisord",
    "uwsgi": "twelvefactor_lint.analyze.uwsgi",
    "gunicorn_config": "twelvefactor_lint.analyze.gunicorn_config",
    "s6": "twelvefactor_lint.analyze.s6",
    "systemd": "twelvefactor_lint.analyze.systemd",
    "log_shipper": "twelvefactor_lint.analyze.log_shipper",
    "kubernetes": "twelvefactor_lint.analyze.kubernetes",
    "paas": "twelvefactor_lint.analyze.paas",
    "dependencies": "twelvefactor_lint.analyze.dependencies",
}


def analyzer_for(kind: str) -> Callable[[str, bytes], FileAnalysis]:
    """The analyze function of a kind, imported on first use (tree-sitter only when needed)."""
    return importlib.import_module(_MODULES[kind]).analyze
