"""Fixes for `--diff` and `--fix`, reached only from the CLI's fix path and the language server's code actions.

A fix is a lossless rewrite: libcst for Python (comments and formatting kept), line edits for
Dockerfiles (every other byte kept). It touches only a file under the paths given, inside the
root, that still holds the content that was analyzed.
"""

from twelvefactor_lint.fix.files import apply, diff, summary
from twelvefactor_lint.fix.plan import Change, Fixer, Proposal, fixer_for, propose

__all__ = ["Change", "Fixer", "Proposal", "apply", "diff", "fixer_for", "propose", "summary"]
