"""The Procfile analyzer: one `type: command` process declaration per line, run through a shell."""

from __future__ import annotations

import re

from twelvefactor_lint import directives
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.process_facts import Origin, command_facts
from twelvefactor_lint.shell.parse import parse as parse_shell
from twelvefactor_lint.shell.processes import expand
from twelvefactor_lint.sources import decode_text, split_lines

_ENTRY = re.compile(r"^(?P<type>[A-Za-z0-9_-]+)\s*:\s*(?P<command>\S.*)$")
_PORT = re.compile(r"\$\{?PORT\b")


def _port_from_env(command: str) -> bool:
    """`$PORT` in the line, or gunicorn without a bind (gunicorn binds 0.0.0.0:$PORT by itself)."""
    if _PORT.search(command):
        return True
    return any(c.program == "gunicorn" and not any(a in {"-b", "--bind"} or a.startswith("--bind=") for a in c.argv)
               for c in expand(parse_shell(command)))


def analyze(path: str, data: bytes) -> FileAnalysis:
    lines = split_lines(decode_text(data))
    facts = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if match is None:
            facts.append(parse_error(path, f"not a `type: command` Procfile line: {line[:60]!r}", number))
            continue
        kind, command = match["type"], match["command"].strip()
        facts.append(Fact("procfile.process", path, number, 1, attrs={
            "type": kind, "command": command, "port_from_env": _port_from_env(command),
        }, anchor=f"process:{kind}"))
        origin = Origin(f"Procfile `{kind}`", kind, "formation", number, release=kind == "release", form="procfile")
        facts += command_facts(path, origin, parse_shell(command))
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))
