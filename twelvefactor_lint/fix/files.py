"""Showing and writing fixes: unified diffs, atomic writes that re-check the content first."""

from __future__ import annotations

import difflib
import os
import stat
import tempfile

from twelvefactor_lint.fix.plan import Change, Proposal

_NO_NEWLINE = "\\ No newline at end of file\n"


def diff(proposal: Proposal) -> str:
    """The changes as one unified diff (`a/` and `b/` prefixes, as `git apply -p1` takes)."""
    return "".join(_file_diff(change) for change in proposal.changes)


def _file_diff(change: Change) -> str:
    before, after = (_lines(data) for data in (change.before, change.after))
    out = []
    for line in difflib.unified_diff(before, after, f"a/{change.path}", f"b/{change.path}"):
        out.append(line if line.endswith(("\n", "\r")) else line + "\n" + _NO_NEWLINE)
    return "".join(out)


def _lines(data: bytes) -> list[str]:
    return data.decode("utf-8", "replace").splitlines(keepends=True)


def apply(proposal: Proposal) -> tuple[list[Change], list[str]]:
    """Write each change unless its file changed since it was read; (changes written, notices)."""
    written, notices = [], []
    for change in proposal.changes:
        try:
            if change.target.read_bytes() != change.before:
                notices.append(f"{change.path}: not fixed: it changed while fixing")
                continue
            _replace(change)
        except OSError as error:
            notices.append(f"{change.path}: not fixed: {error.strerror or error}")
            continue
        written.append(change)
    return written, notices


def _replace(change: Change) -> None:
    """Write beside the file and rename over it: a reader never sees half a file; the mode is kept."""
    target = change.target
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".12f-fix")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(change.after)
        os.chmod(temporary, stat.S_IMODE(target.stat().st_mode))
        os.replace(temporary, target)
    except BaseException:
        os.unlink(temporary)
        raise


def summary(changes: list[Change] | tuple[Change, ...], held_back: int, applied: bool) -> str:
    """`Fixed 3 findings in 2 files (1 more with --unsafe-fixes).`"""
    count = sum(len(c.fixed) for c in changes)
    verb = "Fixed" if applied else "Would fix"
    text = f"{verb} {count} finding{'s' * (count != 1)} in {len(changes)} file{'s' * (len(changes) != 1)}"
    if held_back:
        text += f" ({held_back} more with --unsafe-fixes)"
    return text + "."
