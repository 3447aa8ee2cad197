"""Fuzzing the shell layer: tree-sitter parsing into simple commands, and the process analysis on top
(`sh -c` unwrapping, PID-1 helpers, background and daemon detection), on arbitrary text and on
command lines built from words, quoting, operators and compound commands."""

from __future__ import annotations

import subprocess
import sys

from fuzzing import mangled, shell_lines
from hypothesis import given
from hypothesis import strategies as st

from twelvefactor_lint.analyze.shell.parse import SimpleCommand, parse
from twelvefactor_lint.analyze.shell.processes import ExtraProcess, expand, extra_processes


def check_commands(script: str) -> None:
    commands = parse(script)
    lines = script.count("\n") + script.count("\r") + 1
    for command in commands:
        assert isinstance(command, SimpleCommand)
        assert command.argv and all(isinstance(word, str) for word in command.argv)
        assert 0 <= command.line < lines, command
    for command in expand(commands):
        assert command.argv, command
    for extra in extra_processes(commands):
        assert isinstance(extra, ExtraProcess) and extra.how, extra


@given(st.text(max_size=500))
def test_arbitrary_text(script):
    check_commands(script)


@given(mangled(shell_lines))
def test_generated_command_lines(script):
    check_commands(script)


def test_a_brace_before_a_four_byte_character_does_not_crash_the_process():
    """Found by the long fuzz profile: tree-sitter-bash reads out of bounds on `{` + U+E0000 and kills
    the interpreter with SIGSEGV (in about two runs of three: it depends on the memory layout), so
    each input is parsed in a child process of its own, several times over."""
    script = "import sys\nfrom twelvefactor_lint.analyze.shell.parse import parse\nparse(sys.argv[1])\n"
    for text in ["{\U000e0000", "x{\U00106e6f", "echo {\U0010ffff && gunicorn", "{{\U000f0000"] * 3:
        done = subprocess.run([sys.executable, "-c", script, text], capture_output=True, timeout=60)
        assert done.returncode == 0, (text, done.returncode, done.stderr[-300:])
