"""Shared by the fix tests: lint a small project, then propose its fixes."""

from __future__ import annotations

from pathlib import Path

from conftest import write_tree

from twelvefactor_lint import fix
from twelvefactor_lint.config import Settings
from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.model import Result
from twelvefactor_lint.runner import run

CATALOGUE = catalogue_module.load()


def lint(root: Path, *rules: str) -> Result:
    return run([root], Settings(root=root, select=rules or ("ALL",)), CATALOGUE)


def fixed(root: Path, files: dict[str, str | bytes], *rules: str, unsafe: bool = True) -> dict[str, bytes]:
    """The content of each file the fixes change, after the change."""
    write_tree(root, files)
    proposal = fix.propose(lint(root, *rules), [root], unsafe)
    return {change.path: change.after for change in proposal.changes}
