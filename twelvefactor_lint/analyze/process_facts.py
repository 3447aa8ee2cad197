"""Facts about one declared process, from its start command, whatever file declared it.

A Dockerfile CMD/ENTRYPOINT, a compose `command:`, a Procfile line and an entrypoint script
all become the same facts, so one rule judges them all: the process itself (`process.start`,
for the inventory), extra long-lived processes beside it, dev servers, migrations and build
work at start, logs written to files, celery beat, and a shell left as PID 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeVar

from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.analyze.shell.parse import SimpleCommand
from twelvefactor_lint.analyze.shell.processes import SHORT_LIVED, ExtraProcess, expand, extra_processes, shell_script, unwrap
from twelvefactor_lint.facts import process as F

P_F = TypeVar("P_F", bound=F.ProcessFact)
_STREAMS = re.compile(r"^(-|/dev/(stdout|stderr|null)|/proc/(self|1)/fd/[12])$")
_LOG_FLAGS = {"--access-logfile", "--error-logfile", "--log-file", "--logfile", "-f", "--logto", "--logto2",
              "--daemonize", "--access-log", "--error-log", "--log-config"}


@dataclass(frozen=True)
class Origin:
    """Where a start command is declared and what kind of process it starts."""

    source: str
    """How it reads in messages: `Dockerfile CMD`, `compose service web`, `Procfile web`, `script start.sh`."""
    process: str
    """The process type: the compose service or Procfile type, else the file's name."""
    level: str
    """`image` (Dockerfile), `formation` (compose, Procfile) or `script` (an entrypoint script)."""
    line: int
    end_line: int | None = None
    form: str = "exec"
    """`shell` when Docker hands the line to `/bin/sh -c` as PID 1 (Dockerfile shell form); else `exec`."""
    replicas: int = 1
    release: bool = False
    """A release-phase process (Procfile `release:`): migrations and build steps belong there."""
    service: str = ""
    """The compose service that declares it (`""` elsewhere)."""

    def line_of(self, command: SimpleCommand | ExtraProcess) -> int:
        """A command's line in the declaring file (commands count lines from the start of their text)."""
        return self.line + command.line


def commands_of(argv: tuple[str, ...], line: int = 0) -> list[SimpleCommand]:
    """An exec-form command (a JSON array, a compose list) as simple commands."""
    return [SimpleCommand(tuple(argv), line=line)] if argv else []


def _fact(kind: type[P_F], path: str, origin: Origin, line: int, anchor: str, **attrs: Any) -> P_F:
    return kind(path, line, 1, max(line, origin.end_line or line), anchor=f"{origin.process}:{anchor}",
                source=origin.source, process=origin.process, level=origin.level, replicas=origin.replicas,
                scaled=origin.replicas > 1, release=origin.release, service=origin.service, **attrs)


def command_facts(path: str, origin: Origin, raw: list[SimpleCommand]) -> list[F.ProcessFact]:
    commands = expand(raw)
    roles = [P.program_role(c.argv) for c in commands]
    text = " ".join(" ".join(c.argv) for c in commands)
    main_index = _main_index(commands, roles)
    main_role = roles[main_index] if main_index is not None else None
    facts: list[F.ProcessFact] = [_fact(
        F.ProcessStart, path, origin, origin.line, "start", command=text, main_role=main_role or "",
        roles=tuple(sorted({r for r in roles if r})),
        main=" ".join(commands[main_index].argv) if main_index is not None else "")]
    for extra in extra_processes(commands):
        facts.append(_fact(F.ExtraProcess, path, origin, origin.line_of(extra), f"{extra.how}:{extra.program}",
                           how=extra.how, program=extra.program, command=extra.command))
    followed = [any(r in P.LONG_RUNNING for r in roles[i + 1:]) for i in range(len(commands))]
    for index, (command, role) in enumerate(zip(commands, roles, strict=True)):
        words = " ".join(command.argv)
        if role == P.DEV_SERVER:
            facts.append(_fact(F.DevServer, path, origin, origin.line_of(command), words, command=words))
        elif role == P.MIGRATION and not origin.release:
            facts.append(_fact(F.MigrationAtStart, path, origin, origin.line_of(command), words,
                               command=words, followed=followed[index]))
        elif role == P.BUILD and not origin.release:
            facts.append(_fact(F.BuildAtStart, path, origin, origin.line_of(command), words,
                               command=words, work=P.build_kind(command.argv)))
        if role in P.LONG_RUNNING:
            for how, target in _log_files(command, commands[index + 1:]):
                facts.append(_fact(F.ProcessLogFile, path, origin, origin.line_of(command), f"{how}:{target}",
                                   command=words, how=how, target=target))
        if role == P.SCHEDULER and command.program == "celery" or P.embeds_beat(command.argv):
            facts.append(_fact(
                F.CeleryBeat, path, origin, origin.line_of(command), "beat", command=words,
                embedded=P.embeds_beat(command.argv),
                scheduler_option=any(a in {"-S", "--scheduler"} or a.startswith("--scheduler=") for a in command.argv)))
    facts += _pid1_shell(path, origin, raw, commands, main_index) if origin.level != "script" else \
        _script_without_exec(path, origin, commands, main_index, main_role)
    return facts


def _main_index(commands: list[SimpleCommand], roles: list[str | None]) -> int | None:
    """The process the declaration exists to run: the last long-running command, else the last one."""
    for index in range(len(commands) - 1, -1, -1):
        if roles[index] in P.LONG_RUNNING:
            return index
    for index in range(len(commands) - 1, -1, -1):
        if commands[index].program not in SHORT_LIVED:
            return index
    return None


def _log_files(command: SimpleCommand, after: list[SimpleCommand]):
    """(how, target) for each way a long-running command writes its output to a file."""
    args = command.argv
    for index, arg in enumerate(args):
        flag, _, value = arg.partition("=")
        if flag in _LOG_FLAGS and flag != "--log-config":
            target = value or (args[index + 1] if index + 1 < len(args) else "")
            if target and not _STREAMS.match(target) and not target.startswith("-"):
                yield f"`{flag}`", target
    for operator, target in command.redirects:
        if not _STREAMS.match(target):
            yield f"`{operator}` redirect", target
    if command.connector in {"|", "|&"} and after and after[0].program == "tee":
        for target in after[0].argv[1:]:
            if not target.startswith("-") and not _STREAMS.match(target):
                yield "`| tee`", target


def _script_without_exec(path: str, origin: Origin, commands: list[SimpleCommand], main_index: int | None,
                         main_role: str | None) -> list[F.ProcessFact]:
    """An entrypoint script that starts its long-running program as a child instead of `exec`ing it:
    the script stays PID 1 and the program never sees SIGTERM. Backgrounding it and `wait`ing
    (the trap-and-forward pattern) is left alone."""
    if main_index is None or main_role not in P.LONG_RUNNING:
        return []
    main = commands[main_index]
    if main.exec or main.background:
        return []
    return [_fact(F.ScriptWithoutExec, path, origin, origin.line_of(main), "no-exec", main=" ".join(main.argv))]


def _pid1_shell(path: str, origin: Origin, raw: list[SimpleCommand], commands: list[SimpleCommand],
                main_index: int | None) -> list[F.ProcessFact]:
    """A shell stays PID 1 (and swallows SIGTERM) when a platform hands the line to `sh -c`, or an
    exec-form `sh -c` script runs more than one command and does not `exec` the last."""
    if main_index is None:
        return []
    wrapped = len(raw) == 1 and shell_script(unwrap(raw[0].argv)) is not None
    main = commands[main_index]
    if origin.form == "shell" and not main.exec:
        how = "shell form"
    elif wrapped and len(commands) > 1 and not main.exec:
        how = "sh -c"
    else:
        return []
    return [_fact(F.Pid1Shell, path, origin, origin.line, how, how=how, main=" ".join(main.argv), exec=main.exec,
                  commands=len(commands))]
