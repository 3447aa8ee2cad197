"""A systemd unit that only describes a server which daemonizes itself.

A gunicorn config with `daemon = True` and `pidfile = "gunicorn.pid"` forces the unit that starts it to say
`Type=forking` and `PIDFile=.../gunicorn.pid`: systemd tracks a forking service through that file. The
server's setting is the problem (TF801 reports it where it is set); the unit's two lines are its consequence,
one problem reported three more times. A unit whose `PIDFile=` names the PID file such a config writes loses
its `Type=forking` and `PIDFile=` facts.
"""

from __future__ import annotations

import posixpath

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.process import Daemonizes, PidFile
from twelvefactor_lint.facts.python import Setting


def link(facts: list[Fact]) -> list[Fact]:
    server_settings = [f for f in facts if isinstance(f, Setting) and f.source == "server_config"]
    daemonizing = {f.path for f in server_settings if f.key == "daemon" and f.value == "True"}
    pid_files = {posixpath.basename(f.value) for f in server_settings
                 if f.key == "pidfile" and f.origin == "literal" and f.path in daemonizing}
    if not pid_files:
        return facts
    units = {f.path for f in facts if isinstance(f, PidFile) and f.path.endswith(".service")
             and posixpath.basename(f.target) in pid_files}
    return [f for f in facts if not (isinstance(f, (Daemonizes, PidFile)) and f.path in units)]
