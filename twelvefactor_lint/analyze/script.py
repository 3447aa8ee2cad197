"""The entrypoint-script analyzer: a shell script a container or process runs at start.

Scripts are read only when something points at them (a Dockerfile ENTRYPOINT/CMD, through
the COPY that put them in the image), so their commands are judged as the process's own.
"""

from __future__ import annotations

import posixpath

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import FileAnalysis


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    origin = Origin(f"script `{posixpath.basename(path)}`", posixpath.basename(path), "script", 1)
    facts = command_facts(path, origin, parse_shell(text))
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(split_lines(text)))
