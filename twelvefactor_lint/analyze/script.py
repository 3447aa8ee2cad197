"""The entrypoint-script analyzer: a shell script a container or process runs at start.

Scripts are read only when something points at them (a Dockerfile ENTRYPOINT/CMD, through
the COPY that put them in the image), so their commands are judged as the process's own; the
scripts a script runs in turn (`./startup_checks.sh && exec ./webserver.sh`) are referred onwards.

A dispatcher script (`case "$1" in server) exec gunicorn ...;; worker) exec celery ...`) is
judged once per arm, as the commands outside the `case` plus that arm's: each fact of an arm
carries its patterns (`arm`), so link keeps the arms the referrers' arguments select.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, script_refs
from twelvefactor_lint.analyze.shell.parse import SimpleCommand
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.facts.process import ProcessFact, ProcessStart, ScriptRef


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    commands = parse_shell(text)
    arms = list(dict.fromkeys(c.arm for c in commands if c.arm))
    facts: list[ProcessFact | ScriptRef] = []
    if not arms:
        facts = _facts(path, commands, "")
    else:
        seen: set[tuple] = set()
        for arm in arms:
            for fact in _facts(path, [c for c in commands if c.arm in ("", arm)], arm):
                key = (fact.kind, fact.line, fact.anchor, fact.arm)
                if key not in seen:
                    seen.add(key)
                    facts.append(fact)
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(split_lines(text)))


def _facts(path: str, commands: list[SimpleCommand], arm: str) -> list[ProcessFact | ScriptRef]:
    """The process facts of the commands; with an arm, those from its commands (and its process) carry it."""
    origin = Origin(f"script `{posixpath.basename(path)}`", posixpath.basename(path), "script", 1)
    facts: list[ProcessFact | ScriptRef] = [*command_facts(path, origin, commands),
                                            *script_refs(path, 1, commands, None, "")]
    if not arm:
        return facts
    lines = {origin.line + c.line for c in commands if c.arm == arm}
    return [replace(f, arm=arm) if isinstance(f, ProcessStart) or f.line in lines else f for f in facts]
