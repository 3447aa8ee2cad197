"""The entrypoint-script analyzer: a shell script a container or process runs at start.

Scripts are read only when something points at them (a Dockerfile ENTRYPOINT/CMD, through
the COPY that put them in the image), so their commands are judged as the process's own; the
scripts a script runs in turn (`./startup_checks.sh && exec ./webserver.sh`) are referred onwards.

A dispatcher script (`case "$1" in server) exec gunicorn ...;; worker) exec celery ...`) is
judged once per arm, as the commands outside the `case` plus that arm's: each fact of an arm
carries its patterns (`arm`), so link keeps the arms the referrers' arguments select. An arm named for
development (`dev_server`, `debug`) and a branch under a development switch (`if [ "$IS_LOCAL_DEV" = yes ]`)
are development code (`dev_only`, and `condition` says when). A fact from a branch that tests environment variables
against words (`if [[ "$APP_DOCKER" == "True" ]] ... else ...`) carries what the branch needs (`branch`), which link
evaluates against the environment the deploy starting the script sets.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from twelvefactor_lint.analyze import Unanalyzable, directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, script_refs, tailed_to_stdout
from twelvefactor_lint.analyze.shell.parse import SimpleCommand, assignments, development_switch, evaluated, unset_default
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.devprod import is_dev_arm
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import FileAnalysis
from twelvefactor_lint.facts.process import LogCollected, ProcessFact, ProcessStart, ScriptRef

_SHEBANG = re.compile(r"#!\s*(\S+)(?:[ \t]+(?:-\S+[ \t]+)*(\S+))?")
_OTHER_INTERPRETER = re.compile(r"(python|pypy|node|nodejs|perl|ruby|php)[\d.]*")
"""Interpreters whose scripts are no shell: a start command may run one (`scripts/knowledge_repo init`)."""


def _interpreter(text: str) -> str:
    """The interpreter a script's shebang names, through `env` (`#!/usr/bin/env python3` -> `python3`); "" for none."""
    found = _SHEBANG.match(text)
    if found is None:
        return ""
    program = found[1].rsplit("/", 1)[-1]
    return (found[2] or "").rsplit("/", 1)[-1] if program == "env" else program


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    program = _interpreter(text)
    if _OTHER_INTERPRETER.fullmatch(program):
        # read as shell, `init = parser.add_subparsers(...)` is a command `init`, a process manager
        raise Unanalyzable(f"a `{program}` script (its shebang), not a shell script")
    variables = assignments(text)
    commands = evaluated(parse_shell(text), variables)
    arms = list(dict.fromkeys(c.arm for c in commands if c.arm))
    facts: list[ProcessFact | ScriptRef] = []
    if not arms:
        facts = _facts(path, commands, "", variables)
    else:
        seen: dict[tuple, int] = {}
        for arm in arms:
            for fact in _facts(path, [c for c in commands if c.arm in ("", arm)], arm, variables):
                key = (fact.kind, fact.line, fact.anchor, fact.arm)
                if key not in seen:
                    seen[key] = len(facts)
                    facts.append(fact)
                elif _lowered(facts[seen[key]]) and not _lowered(fact):  # a function one call runs unconditionally
                    facts[seen[key]] = fact
    return FileAnalysis((*facts, *_forwarded(path, commands)), directives.scan_hash_comments(split_lines(text)))


def _lowered(fact: ProcessFact | ScriptRef) -> bool:
    return isinstance(fact, ProcessFact) and bool(fact.condition or fact.dev_only)


def _forwarded(path: str, commands: list[SimpleCommand]) -> list[LogCollected]:
    """`tail -F /var/log/app.log &` onto the script's own stdout: the platform's stream carries those files."""
    found: list[LogCollected] = []
    for command in commands:
        if files := tailed_to_stdout(command):
            words = " ".join(command.argv)
            found.append(LogCollected(path, 1 + command.line, 1, anchor=f"tail:{words}", files=files,
                                      shipper=f"`{words}` in script `{posixpath.basename(path)}` (to its stdout)"))
    return found


def _facts(path: str, commands: list[SimpleCommand], arm: str, variables: dict[str, str]) -> list[ProcessFact | ScriptRef]:
    """The process facts of the commands; with an arm, those from its commands (and its process) carry it."""
    origin = Origin(f"script `{posixpath.basename(path)}`", posixpath.basename(path), "script", 1)
    facts: list[ProcessFact | ScriptRef] = [*(_in_branch(f, commands, origin.line, variables)
                                              for f in command_facts(path, origin, commands, variables)),
                                            *script_refs(path, 1, commands, None, "")]
    if not arm:
        return facts
    lines = {origin.line + c.line for c in commands if c.arm == arm}
    dev = is_dev_arm(arm)
    return [replace(f, arm=arm, dev_only=f.dev_only or dev) if isinstance(f, ProcessStart) or f.line in lines else f
            for f in facts]


def _in_branch(fact: ProcessFact, commands: list[SimpleCommand], first_line: int,
               variables: dict[str, str]) -> ProcessFact:
    """A fact from a command the script runs only under a switch is opt-in (`condition`: one step lower, the
    switch in the message): `if [ -n "$EXTRA_PACKAGES" ]`, `if [ "$DJANGO_MANAGEPY_MIGRATE" = on ]` run only
    where a deploy turns them on; under a development switch it is development code too — unless the switch's
    fallback selects the branch (`PRODUCTION=${IN_PRODUCTION:-0}`, then `[ "$PRODUCTION" = 0 ]`): a deploy that
    forgets the variable runs it, so it is judged as production code, one step lower."""
    branch = next((c.branch for c in commands if c.branch and first_line + c.line == fact.line), "")
    if branch and not isinstance(fact, ProcessStart):
        fact = replace(fact, branch=branch)
    condition = next((c.condition for c in commands if c.condition and first_line + c.line == fact.line), "")
    if not condition or isinstance(fact, ProcessStart) or set(_VARIABLE.findall(condition)) <= _PLATFORM_SET:
        return fact
    unset = unset_default(condition, variables)
    if unset:
        return replace(fact, condition=f"{condition}, which holds when `{unset}` is unset")
    return replace(fact, condition=condition, dev_only=development_switch(condition))


_VARIABLE = re.compile(r"\$\{?([A-Za-z_]\w*)")
_PLATFORM_SET = frozenset({"CF_INSTANCE_INDEX", "CF_INSTANCE_GUID", "VCAP_APPLICATION", "VCAP_SERVICES", "DYNO",
                           "KUBERNETES_SERVICE_HOST", "HOSTNAME", "PORT"})
"""Variables the platform sets in every container (`$CF_INSTANCE_INDEX` on Cloud Foundry, `$DYNO` on Heroku): a step
under `[[ $CF_INSTANCE_INDEX == 0 ]]` runs in production (on one instance), not when someone opts in."""
