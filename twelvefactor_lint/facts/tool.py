"""Facts about 12f-lint's own work on a file: it could not be parsed, or an analyzer failed."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, doc, kind


@kind("parse_error")
class ParseError(Fact):
    """A file its parser rejects (any file kind): reported instead of passing as clean."""

    reason: str = doc("The parser's complaint, e.g. `SyntaxError: invalid syntax (as parsed by Python 3.11)`.")


@kind("internal_error")
class InternalError(Fact):
    """An analyzer raised on this file (a bug of ours): its other facts are missing."""

    reason: str = doc("The exception, one line.")
    traceback: str = doc("The traceback (shown with `--debug`).")
