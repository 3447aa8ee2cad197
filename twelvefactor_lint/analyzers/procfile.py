"""The Procfile analyzer: one `type: command` process declaration per line."""

from __future__ import annotations

import re

from twelvefactor_lint import directives
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.sources import decode_text, split_lines

_ENTRY = re.compile(r"^(?P<type>[A-Za-z0-9_-]+)\s*:\s*(?P<command>\S.*)$")


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
        facts.append(Fact("procfile.process", path, number, 1, attrs={
            "type": match["type"], "command": match["command"].strip(),
        }, anchor=f"process:{match['type']}"))
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))
