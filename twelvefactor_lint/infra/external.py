"""The one place 12f-lint starts another program.

Only well-known tools found on PATH (git, a newer Python running 12f-lint's own analyzer, helm),
named by the caller from a fixed list, with an argument list (never a shell), a timeout, no
standard input but the bytes given, and an environment stripped of what could make a tool run
code from the scanned tree: git's hooks, fsmonitor and pager are switched off, and no config of
the user's or the system's is read. A program that lives inside the scanned tree is never run.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

_ALLOWED = re.compile(r"(git|helm|python3(\.\d+)?)")
_GIT_SAFETY = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null", "-c", "core.pager=cat",
               "-c", "protocol.file.allow=never")


class ToolFailed(Exception):
    """The tool is missing, timed out, or exited non-zero; the caller falls back."""


def run_tool(program: str, args: list[str], *, timeout: float, cwd: Path | None = None,
             stdin: bytes = b"", untrusted_root: Path | None = None) -> bytes:
    """The standard output of `program args...`, or ToolFailed.

    `untrusted_root` is the scanned tree: a program resolved to a path inside it is refused.
    """
    if not _ALLOWED.fullmatch(program):
        raise ToolFailed(f"{program} is not a tool 12f-lint runs")
    found = shutil.which(program)
    if found is None:
        raise ToolFailed(f"{program} not found on PATH")
    resolved = Path(found).resolve()
    if untrusted_root is not None and resolved.is_relative_to(untrusted_root.resolve()):
        raise ToolFailed(f"{program} on PATH lives inside the scanned tree")
    argv = [str(resolved), *(_GIT_SAFETY if program == "git" else ()), *args]
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, timeout=timeout, cwd=cwd,
                              env=_environment(), check=False, shell=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise ToolFailed(f"{program}: {type(error).__name__}") from None
    if done.returncode != 0:
        raise ToolFailed(f"{program} exited {done.returncode}: {done.stderr.decode(errors='replace')[:200]}")
    return done.stdout


def _environment() -> dict[str, str]:
    """PATH and locale only, plus what keeps git from reading the user's or the system's config."""
    keep = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "HOME", "SYSTEMROOT", "TMPDIR")}
    return {**keep, "GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_TERMINAL_PROMPT": "0",
            "GIT_OPTIONAL_LOCKS": "0", "PYTHONNOUSERSITE": "1"}
