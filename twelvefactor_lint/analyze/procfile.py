"""The Procfile analyzer: one `type: command` process declaration per line, run through a shell."""

from __future__ import annotations

import posixpath
import re
from dataclasses import replace

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, script_refs
from twelvefactor_lint.analyze.shell.parse import parse as parse_shell
from twelvefactor_lint.analyze.shell.processes import expand
from twelvefactor_lint.devprod import names_dev_file
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.facts.platform import EnvVar
from twelvefactor_lint.facts.procfile import ProcfileProcess

_ENTRY = re.compile(r"^(?P<type>[A-Za-z0-9_-]+)\s*:\s*(?P<command>\S.*)$")
_PORT = re.compile(r"\$\{?PORT\b")
_RELEASE_TYPES = frozenset({"release", "postdeploy"})
"""Process types a platform runs once per deployment, to completion, instead of as a formation: Heroku's and Dokku's
`release` (before the new release serves), Scalingo's `postdeploy` (in an extra one-off container after the new
containers started, before routing switches to them) — the place for migrations, not a long-running process."""


def _port_binding(command: str) -> str:
    """`env` when the web process listens on `$PORT`, `fixed` when it surely does not, else `unknown`.

    gunicorn binds 0.0.0.0:$PORT by itself when given no bind; uvicorn, hypercorn and daphne
    default to fixed ports; a server configured by a file (`uwsgi app.ini`, `gunicorn -c`) may read
    `$PORT` there, so it is not judged.
    """
    if _PORT.search(command):
        return "env"
    for item in expand(parse_shell(command)):
        args = item.argv[1:]
        if item.program == "gunicorn":
            if any(a in {"-c", "--config"} or a.startswith("--config=") for a in args):
                return "unknown"
            binds = any(a in {"-b", "--bind"} or a.startswith("--bind=") for a in args)
            return "fixed" if binds else "env"
        if item.program in {"uvicorn", "hypercorn", "daphne", "waitress-serve"}:
            return "fixed"
    return "unknown"


def analyze(path: str, data: bytes) -> FileAnalysis:
    lines = split_lines(decode_text(data))
    facts: list[Fact] = []
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _ENTRY.match(line)
        if match is None:
            facts.append(parse_error(path, f"not a `type: command` Procfile line: {line[:60]!r}", number))
            continue
        kind, command = match["type"], match["command"].strip()
        facts.append(ProcfileProcess(path, number, 1, type=kind, command=command, port_binding=_port_binding(command),
                                     anchor=f"process:{kind}"))
        origin = Origin(f"Procfile `{kind}`", kind, "formation", number, release=kind in _RELEASE_TYPES, form="procfile")
        commands = parse_shell(command)
        started = command_facts(path, origin, commands)
        # a process type named for development (`web_dev`): the platform routes only `web`, a developer starts it
        facts += [replace(f, dev_only=True) for f in started] if names_dev_file(kind) else started
        # the platform runs the line from the app's root, the Procfile's directory: `web: bash start.sh`
        facts += script_refs(path, number, commands, f"{path}:{number} `{kind}`", "", cwd=posixpath.dirname(path) or ".",
                              release=origin.release)
    # a Procfile's platform (Heroku, Dokku) takes config vars set outside the repository
    facts.append(EnvVar(path, 1, 1, name="*", where="Procfile", own_value=False, anchor="env:*"))
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))
