"""Fuzzing the shell layer: tree-sitter parsing into simple commands, and the process analysis on top
(`sh -c` unwrapping, PID-1 helpers, background and daemon detection), on arbitrary text and on
command lines built from words, quoting, operators and compound commands."""

from __future__ import annotations

from hypothesis import given, strategies as st

from fuzzing import mangled, shell_lines
from twelvefactor_lint.shell.parse import SimpleCommand, parse
from twelvefactor_lint.shell.processes import ExtraProcess, expand, extra_processes


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
