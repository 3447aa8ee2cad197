"""Progress on stderr: only at a terminal, only after a second, cleared before the report."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys

from conftest import REPO
from test_cli import cli

from twelvefactor_lint.infra.progress import Progress


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_nothing_in_the_first_second_then_files_done_of_total():
    stream, clock = _Terminal(), _Clock()
    progress = Progress(stream, clock=clock)
    progress.start("analyzing", 10)
    progress.advance(3)
    assert stream.getvalue() == ""
    clock.now = 1.5
    progress.advance(4)
    assert stream.getvalue().endswith("12f-lint: analyzing 4/10 files")
    progress.finish()
    assert stream.getvalue().endswith("\r\033[K")


def test_silent_on_a_pipe_and_when_quiet():
    for progress in (Progress(io.StringIO(), clock=lambda: 5.0), Progress(_Terminal(), enabled=False, clock=lambda: 5.0)):
        progress.start("analyzing", 2)
        progress.advance(2)
        progress.finish()
        assert progress.stream.getvalue() == ""


def test_a_cli_run_on_a_pipe_writes_nothing_to_stderr():
    result = cli("--format", "json", str(REPO / "fixtures" / "flask_shop"))
    assert result.stderr == ""


def test_a_slow_run_at_a_terminal_shows_progress_on_stderr_only():
    """The real CLI with stderr on a pseudo-terminal and the delay at zero (every run is 'slow')."""
    leader, follower = pty.openpty()
    code = ("import sys; import twelvefactor_lint.infra.progress as p; p.DELAY = 0.0; "
            "from twelvefactor_lint.cli import main; sys.argv[0] = '12f-lint'; main()")
    process = subprocess.run([sys.executable, "-c", code, "--no-cache", "--format", "json",
                              str(REPO / "fixtures" / "flask_shop")],
                             stdout=subprocess.PIPE, stderr=follower, env={**os.environ, "NO_COLOR": ""})
    os.close(follower)
    seen = b""
    try:
        while chunk := os.read(leader, 4096):
            seen += chunk
    except OSError:  # the pty's other end is closed
        pass
    os.close(leader)
    assert b"12f-lint: analyzing" in seen and b"files" in seen
    assert seen.endswith(b"\r\x1b[K")
    assert process.stdout.startswith(b"{")
