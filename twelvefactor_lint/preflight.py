"""Checks a command line must pass before any analysis runs, so that a typo in CI is a usage error
(exit 2, one line) and never a green run that linted nothing."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path

_COMMAND_LIKE = re.compile(r"[A-Za-z][A-Za-z-]*\Z")


class UsageError(Exception):
    """A command line that cannot be honoured as given."""


def unknown_command(word: str, commands: Iterable[str]) -> str | None:
    """The error for a first argument that is neither a path on disk nor a command, None when it is fine.

    `12f-lint rule TF601` must not lint two missing paths and exit 0; it names the nearest command.
    """
    if os.path.lexists(word) or not _COMMAND_LIKE.match(word):
        return None
    import difflib  # only on the error path: every run passes through here

    names = sorted(commands)
    nearest = difflib.get_close_matches(word, names, n=1, cutoff=0.6)
    hint = f"did you mean `12f-lint {nearest[0]}`?" if nearest else f"commands: {', '.join(names)}"
    return f"no such command or path: {word} ({hint})"


def check_paths(paths: Iterable[Path]) -> None:
    """Every path named on the command line exists; the error shows the path as it was given."""
    for path in paths:
        if not path.exists():
            raise UsageError(f"{path}: no such file or directory")
        if not os.access(path, os.R_OK):
            raise UsageError(f"{path}: not readable")


def check_writable(path: Path, option: str) -> None:
    """A file an option will write can be written: its directory exists, and it is not a directory itself."""
    if path.is_dir():
        raise UsageError(f"{option} {path}: cannot write: it is a directory")
    parent = path.absolute().parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: cannot write: no such directory {parent}")
    if not os.access(parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {path}: cannot write: permission denied")
