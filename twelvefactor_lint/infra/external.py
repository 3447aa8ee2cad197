"""The one place 12f-lint starts another program.

Besides 12f-lint itself in a child process (`run_own`, the fleet audit's per-repository lint), a fixed
program of ours kept running beside the analysis (`start_own`: libcst telling newer syntax from errors) and
the fleet audit's clone of a URL the operator gave (`fetch_git`), only well-known tools found on
PATH (git, a newer Python running 12f-lint's own analyzer, helm),
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
import sys
from functools import lru_cache
from pathlib import Path

_ALLOWED = re.compile(r"(git|helm|python3(\.\d+)?)")
_GIT_NO_REPOSITORY_COMMANDS = ("-c", "core.fsmonitor=false", "-c", "core.hooksPath=/dev/null")
"""Commands a repository's own config or hooks would make git run: never, for any git call here."""
_GIT_SAFETY = (*_GIT_NO_REPOSITORY_COMMANDS, "-c", "core.pager=cat", "-c", "protocol.file.allow=never")


_NEWEST_MINOR = 20


@lru_cache(maxsize=1)
def newer_pythons() -> tuple[str, ...]:
    """`python3.X` names on PATH newer than the running Python, newest first (whether they work is tried on use)."""
    names = [f"python3.{minor}" for minor in range(_NEWEST_MINOR, sys.version_info.minor, -1)]
    return tuple(name for name in names if shutil.which(name))


class ToolFailed(Exception):
    """The tool is missing, timed out, or exited non-zero; the caller falls back."""


class ToolTimeout(ToolFailed):
    """It ran past its timeout and was killed."""


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


def run_own(args: list[str], *, timeout: float) -> subprocess.CompletedProcess[str]:
    """This interpreter running 12f-lint's own code (`-m twelvefactor_lint...`) in a child process, so that
    a crash or a hang costs the caller one task: the caller reads the return code (negative: killed by
    that signal) and standard error. ToolTimeout past `timeout` (the child is killed)."""
    try:
        return subprocess.run([sys.executable, *args], capture_output=True, text=True, errors="replace", timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False, shell=False)
    except subprocess.TimeoutExpired:
        raise ToolTimeout(f"took longer than {timeout:g} s (killed)") from None
    except OSError as error:
        raise ToolFailed(f"cannot start {sys.executable}: {error.strerror or error}") from None


OwnProcess = subprocess.Popen
"""What `start_own` gives (for annotations: no other module imports subprocess)."""


def start_own(code: str) -> OwnProcess[bytes]:
    """This interpreter running `code`, a fixed program of ours (isolated: `-I`, a cleaned environment), kept
    running beside the caller, who talks to it over its standard input and output and stops it; its standard
    error is dropped. OSError (or ValueError) when it cannot start."""
    return subprocess.Popen([sys.executable, "-I", "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, env=_environment())


def fetch_git(url: str, ref: str | None, target: Path, *, timeout: float) -> None:
    """A shallow checkout of `url` at `ref` (branch, tag or commit; None: its default branch) into the new,
    empty directory `target`: a fleet audit's source. ToolFailed with git's own `fatal:` line.

    The URL is the operator's, not the scanned tree's, so the user's environment is kept (credential
    helpers, an ssh agent) and local `file://` URLs work; git never prompts, and the fetched
    repository's hooks and fsmonitor stay off as for `run_tool`."""
    git = shutil.which("git")
    if git is None:
        raise ToolFailed("git not found on PATH")
    environment = {**os.environ, "GIT_TERMINAL_PROMPT": "0",
                   "GIT_SSH_COMMAND": os.environ.get("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")}
    safety = (*_GIT_NO_REPOSITORY_COMMANDS, "-C", str(target))
    fetch = ["fetch", "-q", "--depth", "1", "--no-tags", url, ref or "HEAD"]
    for command in (["init", "-q"], fetch, ["checkout", "-q", "FETCH_HEAD"]):
        try:
            done = subprocess.run([git, *safety, *command], capture_output=True, text=True, errors="replace", timeout=timeout,
                                  env=environment, stdin=subprocess.DEVNULL, check=False, shell=False)
        except subprocess.TimeoutExpired:
            raise ToolTimeout(f"git {command[0]} took longer than {timeout:g} s") from None
        except OSError as error:
            raise ToolFailed(f"cannot run git: {error.strerror or error}") from None
        if done.returncode != 0:
            lines = [line.strip() for line in done.stderr.splitlines() if line.strip()]
            fallback = lines[0] if lines else f"exit {done.returncode}"
            first = next((line for line in lines if line.startswith(("fatal:", "error:"))), fallback)
            raise ToolFailed(f"git {command[0]} failed: {first[:300]}")
