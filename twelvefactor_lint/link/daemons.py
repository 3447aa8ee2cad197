"""PID files nothing reads, and a systemd unit that only describes a server which daemonizes itself.

A PID file in `/tmp` that no start command of the project names is inert (`inert`): the server writes it, nothing
kills, signals or reloads the server by it, and the container's scratch space starts empty each time.

A gunicorn config with `daemon = True` and `pidfile = "gunicorn.pid"` forces the unit that starts it to say
`Type=forking` and `PIDFile=.../gunicorn.pid`: systemd tracks a forking service through that file. The
server's setting is the problem (TF801 reports it where it is set); the unit's two lines are its consequence,
one problem reported twice more. A unit whose `PIDFile=` names the PID file such a config writes loses
its `Type=forking` fact (and any PID file fact of its command).
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.process import Daemonizes, PidFile, ProcessStart
from twelvefactor_lint.facts.python import Setting

_SCRATCH = ("/tmp/", "/var/tmp/")


def link(facts: list[Fact]) -> list[Fact]:
    facts = _inert_pid_files(facts)
    server_settings = [f for f in facts if isinstance(f, Setting) and f.source == "server_config"]
    daemonizing = {f.path for f in server_settings if f.key == "daemon" and f.value == "True"}
    pid_files = {posixpath.basename(f.value) for f in server_settings
                 if f.key == "pidfile" and f.origin == "literal" and f.path in daemonizing}
    if not pid_files:
        return facts
    units = {f.path for f in facts if isinstance(f, Daemonizes) and f.declared
             and posixpath.basename(f.pid_file) in pid_files}
    return [f for f in facts if not (isinstance(f, (Daemonizes, PidFile)) and f.path in units)]


def _inert_pid_files(facts: list[Fact]) -> list[Fact]:
    """A PID file in `/tmp` that no start command names (to kill, signal or reload the server by it) is written and
    never read: the container's scratch space starts empty each time, so it cannot even go stale."""
    commands = " ".join(f.command for f in facts if isinstance(f, ProcessStart))
    return [replace(f, inert=True) if isinstance(f, PidFile) and f.target.startswith(_SCRATCH)
            and f.target not in commands else f for f in facts]
