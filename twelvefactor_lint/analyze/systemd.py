"""systemd units in the repository (`*.service`, `*.timer`): how a VM deploy starts the app's processes.

A service's `ExecStart` (after its `ExecStartPre` steps) goes through the command analysis: its kind for the
inventory, dev servers, migrations and builds before the server, logs sent to files. systemd is the process
manager here, so a command that daemonizes or writes a PID file itself (`--daemon`, `--pid`) is factor VIII, and
so, as a doubt, is a unit that declares its process forks (`Type=forking`: systemd still follows the daemon, through
the unit's `PIDFile=` when it names one); a `PIDFile=` alone says nothing (without `Type=forking` it is inert).
`StandardOutput=file:...` sends its logs to a file (XI). A `.timer` is a scheduler process type (it starts its unit
on a calendar).
Files without a `[Service]` or `[Timer]` section (D-Bus `.service` files) say nothing; units under
docs/ or examples/ are docs by their path.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import replace

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, process_fact
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.analyze.shell.parse import SimpleCommand
from twelvefactor_lint.analyze.shell.processes import SHORT_LIVED
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis
from twelvefactor_lint.facts import process as F

_ENTRY = re.compile(r"^([A-Za-z][\w]*)\s*=\s*(.*)$")
_EXEC_PREFIX = re.compile(r"^[-@:+!]+")
_FILE_OUTPUT = re.compile(r"^(file|append|truncate):(.+)$")
_DAEMON_FLAGS = {"--daemon", "--daemonize"}
_PID_FLAG = re.compile(r"^--?pid(-?file)?(=|$)")
_SCHEDULES = ("OnCalendar", "OnBootSec", "OnStartupSec", "OnUnitActiveSec", "OnUnitInactiveSec", "OnActiveSec")


def _entries(lines: list[str]) -> list[tuple[str, int, str, str]]:
    """(section, line, key, value) of each setting, continuation lines joined; `#`/`;` comments skipped."""
    found: list[tuple[str, int, str, str]] = []
    section, pending, start = "", "", 0
    for number, raw in enumerate(lines, start=1):
        stripped = raw.strip()
        if not pending and (not stripped or stripped.startswith(("#", ";"))):
            continue
        if not pending and stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1].strip()
            continue
        start = start if pending else number
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        text, pending = pending + stripped, ""
        if match := _ENTRY.match(text):
            found.append((section, start, match[1], match[2].strip()))
    return found


def _argv(value: str) -> tuple[str, ...]:
    value = _EXEC_PREFIX.sub("", value)
    try:
        return tuple(shlex.split(value))
    except ValueError:
        return tuple(value.split())


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    entries = _entries(lines)
    sections = {section for section, *_ in entries}
    name = posixpath.basename(path)
    facts: list[Fact] = []
    if "Service" in sections and name.endswith(".service"):
        facts = _service(path, name, [e[1:] for e in entries if e[0] == "Service"])
    elif "Timer" in sections and name.endswith(".timer"):
        facts = _timer(path, name, [e[1:] for e in entries if e[0] == "Timer"])
    return FileAnalysis(tuple(facts), directives.scan_hash_comments(lines))


def _service(path: str, name: str, entries: list[tuple[int, str, str]]) -> list[Fact]:
    starts = [(line, _argv(value)) for line, key, value in entries if key == "ExecStart" and value]
    if not starts:
        return []
    first = starts[0][0]
    origin = Origin(f"systemd unit `{name}`", name.rsplit(".", 1)[0], "supervised", first)
    steps = [(line, _argv(value)) for line, key, value in entries if key == "ExecStartPre" and value]
    commands = [SimpleCommand(argv, line=line - first) for line, argv in steps + starts if argv]
    # systemd signals the unit's whole control group: a shell in front of the server is no PID-1 problem here
    facts: list[Fact] = [f for f in command_facts(path, origin, commands) if not isinstance(f, F.Pid1Shell)]
    outputs = [(line, key, output[2]) for line, key, value in entries
               if key in ("StandardOutput", "StandardError") and (output := _FILE_OUTPUT.match(value))]
    if outputs:
        # the unit's two streams sent to files: one setting to change, reported on the first one's line
        (line, key, target), *others = outputs
        how = f"`{key}`" + "".join(f" and `{k}`" if t == target else f" (and `{k}`: `{t}`)" for _, k, t in others
                                   if k != key)
        facts.append(replace(process_fact(F.ProcessLogFile, path, origin, line, {
            "command": " ".join(starts[-1][1]), "how": how, "target": target}, key),
            places=tuple((path, other, 1) for other, k, _ in others if k != key)))
    forking = next((line for line, key, value in entries if key == "Type" and value == "forking"), 0)
    own = [f for line, argv in starts for f in _self_daemonizing(path, origin, line, argv, forking > 0)]
    if forking and not any(isinstance(f, F.Daemonizes) for f in own) and not _host_steps(starts):
        # the unit declares the fork of a program that detaches by itself (nginx, `screen -dm`): systemd follows it
        pid_file = next((value for _, key, value in entries if key == "PIDFile" and value), "")
        own.append(process_fact(F.Daemonizes, path, origin, forking, {
            "command": "Type=forking", "declared": True, "pid_file": pid_file}, "forking"))
    return facts + own


_HOST_SETUP = frozenset({"ip", "ifconfig", "route", "iptables", "ip6tables", "nft", "tc", "ethtool", "sysctl", "modprobe",
                         "mount", "umount", "swapon", "mkswap", "hostnamectl", "timedatectl", "setfacl", "true"})
"""Commands that configure the host and end (`ip address add 192.168.168.167/32 dev lo`, `sysctl -w ...`)."""


def _host_steps(starts: list[tuple[int, tuple[str, ...]]]) -> bool:
    """A unit whose every `ExecStart` is a host setting that ends by itself (a loopback alias, a sysctl, a mount):
    a one-shot helper whatever its `Type=`, with no daemon for systemd to track and no app process in it."""
    programs = [argv[0].lstrip("-@+!:").rsplit("/", 1)[-1] for _, argv in starts if argv]
    return bool(programs) and all(p in _HOST_SETUP or p in SHORT_LIVED for p in programs)


def _self_daemonizing(path: str, origin: Origin, line: int, argv: tuple[str, ...], forking: bool) -> list[Fact]:
    """A server told to detach (`gunicorn --daemon`, `-D`) or to write a PID file (`--pid`, `--pidfile`). A unit's
    own `PIDFile=` is no fact: in a forking unit it is how systemd tracks the daemon, in any other it is inert. A
    server's `--pid` beside its `--daemon`, or in a forking unit, is that same fork's bookkeeping; in a unit that does
    not fork (`Type=simple`, `exec`, `notify`) the server stays in the foreground and systemd tracks the process it
    started itself: the file only mirrors that PID (`tracked_by`)."""
    if P.program_role(argv) not in P.LONG_RUNNING:
        return []
    program = argv[0].rsplit("/", 1)[-1] if argv else ""
    words = " ".join(argv)
    if _DAEMON_FLAGS & set(argv) or program == "gunicorn" and "-D" in argv:
        return [process_fact(F.Daemonizes, path, origin, line, {"command": words}, "daemon-flag")]
    pid = next((index for index, arg in enumerate(argv) if _PID_FLAG.match(arg)), None)
    if pid is None or forking:
        return []
    _, equals, value = argv[pid].partition("=")
    target = value if equals else (argv[pid + 1] if pid + 1 < len(argv) else "")
    if not target:  # `celery beat --pidfile=`: an empty name turns the PID file off
        return []
    # not forking: systemd tracks the foreground process it started itself, the file only mirrors its PID
    return [process_fact(F.PidFile, path, origin, line, {"command": words, "target": target,
                                                          "tracked_by": "systemd"}, "pid-flag")]


def _timer(path: str, name: str, entries: list[tuple[int, str, str]]) -> list[Fact]:
    """A timer is a scheduler: it starts its unit (`Unit=`, else the `.service` of the same name) on a schedule."""
    schedules = [(line, f"{key}={value}") for line, key, value in entries if key in _SCHEDULES and value]
    if not schedules:
        return []
    unit = next((value for _, key, value in entries if key == "Unit" and value), name.rsplit(".", 1)[0] + ".service")
    line = schedules[0][0]
    origin = Origin(f"systemd timer `{name}`", name.rsplit(".", 1)[0], "supervised", line)
    command = f"{', '.join(s for _, s in schedules)} -> {unit}"
    return [process_fact(F.ProcessStart, path, origin, line, {
        "command": command, "main_role": P.SCHEDULER, "roles": (P.SCHEDULER,), "main": unit}, "start")]
