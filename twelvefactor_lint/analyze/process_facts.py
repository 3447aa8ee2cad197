"""Facts about one declared process, from its start command, whatever file declared it.

A Dockerfile CMD/ENTRYPOINT, a compose `command:`, a Procfile line and an entrypoint script
all become the same facts, so one rule judges them all: the process itself (`process.start`,
for the inventory), extra long-lived processes beside it, dev servers, migrations and build
work at start, logs written to files, celery beat, and a shell left as PID 1.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from twelvefactor_lint.analyze.interpolate import substitute
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.analyze.shell.parse import SimpleCommand, development_switch
from twelvefactor_lint.analyze.shell.processes import (
    BACKGROUND,
    PROCESS_MANAGERS,
    SHORT_LIVED,
    ExtraProcess,
    expand,
    extra_processes,
    forks_away,
    shell_script,
    signals_group,
    started_scripts,
    unwrap,
)
from twelvefactor_lint.facts import process as F

P_F = TypeVar("P_F", bound=F.ProcessFact)

_VARIABLE_REF = re.compile(r"\$(?P<name>[A-Za-z_]\w*)|\$\{(?P<braced>[A-Za-z_]\w*)\}")
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
    stage: str = ""
    """The Dockerfile stage that declares it (`""` elsewhere)."""
    workload: str = ""
    """The Kubernetes workload or platform declaration that runs it (`""` elsewhere)."""
    role: str = "app"
    """What the container runs, as a compose service's role (`app`, `infra`, `proxy`)."""
    init: bool = False
    """Declared by a Kubernetes init container."""

    def line_of(self, command: SimpleCommand | ExtraProcess) -> int:
        """A command's line in the declaring file (commands count lines from the start of their text)."""
        return self.line + command.line


def commands_of(argv: tuple[str, ...], line: int = 0) -> list[SimpleCommand]:
    """An exec-form command (a JSON array, a compose list) as simple commands."""
    return [SimpleCommand(tuple(argv), line=line)] if argv else []


def process_fact(kind: type[P_F], path: str, origin: Origin, line: int, fields: dict[str, Any], anchor: str) -> P_F:
    """A fact of `kind` about the process `origin` declares: what the declaration says, and `fields`."""
    return kind(path, line, 1, max(line, origin.end_line or line), anchor=f"{origin.process}:{anchor}",
                source=origin.source, process=origin.process, level=origin.level, replicas=origin.replicas,
                scaled=origin.replicas > 1, release=origin.release, service=origin.service, stage=origin.stage,
                workload=origin.workload, role=origin.role, init=origin.init, **fields)


def script_refs(path: str, line: int, commands: list[SimpleCommand], hop: str | None, dockerfile: str,
                service: str = "", image: str = "", target: str = "", cwd: str = "",
                release: bool = False) -> list[F.ScriptRef]:
    """A `process.script_ref` for each script the commands run, for link to resolve to a repository file
    (through the image of `dockerfile`, or beside the referring script) and follow. The hop names the
    declaration (`Dockerfile:9 CMD`), by default the line of the command that runs the script. `target`: the
    build stage a compose service builds; `cwd`: where a platform runs a Procfile line (the app's root); `release`:
    the declaration is a release-phase one-off (a Procfile `release:` line)."""
    return [F.ScriptRef(
        path, line + started.line, 1, script=started.script, hop=hop or f"{path}:{line + started.line}",
        dockerfile=dockerfile, declared_path=path, declared_line=line, reads=started.reads, argument=started.argument,
        followed=started.followed, background=started.background, service=service, image=image, target=target, cwd=cwd,
        release=release, anchor=f"script:{service}:{started.script}")
        for started in started_scripts(commands)]


def command_facts(path: str, origin: Origin, raw: list[SimpleCommand],
                  variables: Mapping[str, str] | None = None) -> list[F.ProcessFact]:
    """`variables`: what the declaring script sets (`ACCESS_LOG=${ACCESS_LOG:--}`), to read where a flag points."""
    commands = expand(raw)
    roles = [P.program_role(c.argv) for c in commands]
    text = " ".join(" ".join(c.argv) for c in commands)
    main_index = _main_index(commands, roles)
    main_role = roles[main_index] if main_index is not None else None
    idle = _idle(commands, roles)
    if idle:  # a toolbox container: its setup serves nothing and no one awaits its stop
        main_index, main_role = len(commands) - 1, None
    facts: list[F.ProcessFact] = [process_fact(F.ProcessStart, path, origin, origin.line, {
        "command": text, "main_role": main_role or "", "roles": tuple(sorted({r for r in roles if r})),
        "main": " ".join(commands[main_index].argv) if main_index is not None else "",
        "dev_mode": _dev_mode(commands),
        "workers": server_workers(commands[main_index].argv) if main_role == P.WEB_SERVER and main_index is not None
        else 0,
    }, "start")]
    if idle:
        return facts
    dev_server = next((" ".join(c.argv) for c, role in zip(commands, roles, strict=True)
                       if role == P.DEV_SERVER and not c.background), "")
    facts += _extra_process_facts(path, origin, commands, dev_server)
    followed = _followed(commands, roles)
    for index, (command, role) in enumerate(zip(commands, roles, strict=True)):
        words = " ".join(command.argv)
        # a server sent to the background sits behind the process's front door (a proxy on `$PORT`)
        front = role == P.WEB_SERVER and index == main_index and not command.background
        port = fixed_port(command.argv) if front else None
        if port is not None and origin.form != "procfile":  # a Procfile's web line is judged as `procfile.process`
            facts.append(process_fact(F.FixedPort, path, origin, origin.line_of(command), {
                "command": words, "server": (P.python_target(command.argv) or command.argv)[0], "port": port}, f"port:{port}"))
        if role == P.DEV_SERVER:
            facts.append(process_fact(F.DevServer, path, origin, origin.line_of(command), {"command": words}, words))
        elif role == P.MIGRATION and not origin.release or P.migrates_then_serves(command.argv):
            facts.append(process_fact(F.MigrationAtStart, path, origin, origin.line_of(command), {
                "command": words, "followed": followed[index] or role in P.LONG_RUNNING}, words))
        elif role == P.BUILD and not origin.release:
            facts.append(process_fact(F.BuildAtStart, path, origin, origin.line_of(command), {
                "command": words, "work": P.build_kind(command.argv), "unless_exists": command.unless_exists}, words))
        logs = list(_log_files(command, commands[index + 1:], variables or {})) if role in P.LONG_RUNNING else []
        known = [(how, target) for how, target, unset in logs if not unset] or [(h, t) for h, t, _ in logs]
        if logs:  # one finding per command: `--access-logfile a --error-logfile b` is one problem
            facts.append(process_fact(F.ProcessLogFile, path, origin, origin.line_of(command), {
                "command": words, "how": ", ".join(dict.fromkeys(how for how, _ in known)),
                "target": "`, `".join(dict.fromkeys(target for _, target in known)),
                "unset_default": all(unset for *_, unset in logs)}, f"{logs[0][0]}:{logs[0][1]}"))
        if role == P.SCHEDULER and command.program == "celery" or P.embeds_beat(command.argv):
            facts.append(process_fact(F.CeleryBeat, path, origin, origin.line_of(command), {
                "command": words, "embedded": P.embeds_beat(command.argv),
                "scheduler_option": any(a in {"-S", "--scheduler"} or a.startswith("--scheduler=") for a in command.argv),
            }, "beat"))
    facts += _pid1_shell(path, origin, raw, commands, main_index) if origin.level != "script" else \
        _script_without_exec(path, origin, commands, main_index, main_role)
    return facts


_FOLLOW = re.compile(r"^(-[a-zA-Z0-9]*[fF][a-zA-Z0-9]*|--follow(=.*)?)$")
_OUTPUT_STREAMS = frozenset({"/dev/stdout", "/dev/stderr", "/proc/self/fd/1", "/proc/self/fd/2", "/proc/1/fd/1", "/proc/1/fd/2"})


def tailed_to_stdout(command: SimpleCommand) -> tuple[str, ...]:
    """The files `tail -F` follows onto the process's own stdout (`tail -F /var/log/app.log &` in an entrypoint):
    the stream the platform collects carries them. `()`: not such a command (piped on, redirected to a file, or
    `tail -f /dev/null` keeping a container alive)."""
    argv = command.argv
    if command.program != "tail" or command.connector == "|" or not any(_FOLLOW.match(a) for a in argv[1:]):
        return ()
    if any(op in (">", ">>", "&>", ">|") and target not in _OUTPUT_STREAMS for op, target in command.redirects):
        return ()
    files, skip = [], False
    for arg in argv[1:]:
        if skip:
            skip = False
        elif arg in ("-n", "-c", "-s", "--pid", "--lines", "--bytes", "--sleep-interval"):
            skip = True
        elif not arg.startswith("-") and arg != "/dev/null":
            files.append(arg)
    return tuple(files)


def _dev_mode(commands: list[SimpleCommand]) -> str:
    """The command that starts a server in its named development mode (`kc.sh start-dev`), unless the start also runs
    that program another way (a dispatcher's `dev` arm beside its `start` arm)."""
    dev = [c for c in commands if P.development_mode(c.argv)]
    programs = {c.program for c in dev}
    if not dev or any(c.program in programs and not P.development_mode(c.argv) for c in commands):
        return ""
    return " ".join(dev[0].argv)


def _followed(commands: list[SimpleCommand], roles: list[str | None]) -> list[bool]:
    """Whether a long-running process, or a process manager that starts them (`exec supervisord`), comes after each
    command. A dispatcher's arms are alternatives: a command in one arm is followed only by the rest of that arm and
    by what runs after the `case`."""
    serving = [role in P.LONG_RUNNING or command.program in PROCESS_MANAGERS
               for command, role in zip(commands, roles, strict=True)]
    return [any(serving[later] and (not command.arm or commands[later].arm in ("", command.arm))
                for later in range(index + 1, len(commands)))
            for index, command in enumerate(commands)]


_PORT_FLAGS = {"gunicorn": ("-b", "--bind"), "hypercorn": ("-b", "--bind"), "uvicorn": ("--port",),
               "daphne": ("-p", "--port"), "granian": ("--port",), "waitress-serve": ("--port", "--listen")}
"""The flags that set a server's listen port (as `host:port` for a bind or listen address)."""
_LITERAL_PORT = re.compile(r"^(?:.*:)?(?P<port>\d{2,5})$")


def fixed_port(argv: tuple[str, ...]) -> str | None:
    """The literal port a web server's flags bind (`--bind 0.0.0.0:8000`, `--port=8000`), None when it takes the
    port from the environment (`$PORT`, a config file) or sets none (gunicorn then binds `$PORT` itself)."""
    argv = P.python_target(argv) or argv  # `python -m gunicorn ...`
    flags = _PORT_FLAGS.get(argv[0].rsplit("/", 1)[-1] if argv else "", ())
    if any(a in {"-c", "--config"} or a.startswith("--config=") for a in argv):
        return None
    for index, arg in enumerate(argv):
        flag, equals, value = arg.partition("=")
        if flag in flags:
            value = value if equals else (argv[index + 1] if index + 1 < len(argv) else "")
            match = _LITERAL_PORT.match(value)
            return match["port"] if match and "$" not in value else None
    return None


_WORKER_FLAGS = {"gunicorn": ("-w", "--workers"), "uwsgi": ("-p", "--processes", "--workers"),
                 "uvicorn": ("--workers",), "hypercorn": ("-w", "--workers")}
"""The flags that set how many worker processes a pre-fork server runs."""


def server_workers(argv: tuple[str, ...]) -> int:
    """The literal number of worker processes a web server's flags ask for (`-w 1`, `--workers=1`, `-w1`; the last one
    given wins, as the server reads them); 0 when none is given or the value is not a literal (`-w $WORKERS`)."""
    argv = P.python_target(argv) or argv  # `python -m gunicorn ...`
    flags = _WORKER_FLAGS.get(argv[0].rsplit("/", 1)[-1] if argv else "", ())
    found = 0
    for index, arg in enumerate(argv):
        flag, equals, value = arg.partition("=")
        if any(len(f) == 2 and arg.startswith(f) and arg[2:].isdigit() for f in flags):
            value = arg[2:]
        elif flag in flags:
            value = value if equals else (argv[index + 1] if index + 1 < len(argv) else "")
        else:
            continue
        found = int(value) if value.isdigit() else 0
    return found


def _extra_process_facts(path: str, origin: Origin, commands: list[SimpleCommand],
                         dev_server: str) -> list[F.ProcessFact]:
    """One fact per container start for its extra long-lived processes: two sent to the background, or one in
    each branch of an `if`, are one problem, reported where a deploy that sets nothing gets it (outside any
    opt-in branch, when one is), naming the others (`others`). Those under a development switch are
    development code, reported apart. `dev_server`: a development server the start runs in the foreground."""
    conditions = {c.line: c.condition for c in commands}
    groups: dict[bool, list[ExtraProcess]] = {}
    # the finding names a known long-lived process first (`celery worker &`, `service cron start`), not a
    # one-shot helper sent to the background before it (`./scripts/l10n.sh generate &`)
    def order(extra: ExtraProcess) -> tuple[bool, bool]:
        unknown = extra.how == BACKGROUND and P.program_role(tuple(extra.command.split())) not in P.LONG_RUNNING
        return bool(conditions.get(extra.line)), unknown

    for extra in sorted(extra_processes(commands), key=order):
        groups.setdefault(development_switch(conditions.get(extra.line, "")), []).append(extra)
    return [process_fact(F.ExtraProcess, path, origin, origin.line_of(first), {
        "how": first.how, "program": first.program, "command": first.command,
        "others": ", ".join(f"`{e.program}` (line {origin.line_of(e)})" for e in sorted(rest, key=lambda e: e.line)),
        "trapped": all(e.trapped for e in (first, *rest)), "beside_dev_server": dev_server},
        f"{first.how}:{first.program}") for first, *rest in groups.values()]


_KEEP_ALIVE = {("sleep", "infinity"), ("sleep", "inf"), ("tail", "-f", "/dev/null")}


def _idle(commands: list[SimpleCommand], roles: list[str | None]) -> bool:
    """A container kept alive by `sleep infinity` or `tail -f /dev/null` after nothing but quick setup (installs,
    `mkdir`, `echo`; no server, daemon or background job): a toolbox or debugging container someone execs into,
    not an app process."""
    setup = zip(commands[:-1], roles[:-1], strict=True)
    return bool(commands) and (commands[-1].program, *commands[-1].argv[1:]) in _KEEP_ALIVE \
        and all(not c.background and (c.program in SHORT_LIVED or role == P.BUILD) for c, role in setup)


def _main_index(commands: list[SimpleCommand], roles: list[str | None]) -> int | None:
    """The process the declaration exists to run: the last long-running command, else the last one. A daemon that
    forks into the background while more follows (`nginx` before the app server) is an extra process, never it."""
    for index in range(len(commands) - 1, -1, -1):
        if roles[index] in P.LONG_RUNNING and not forks_away(commands, index):
            return index
    for index in range(len(commands) - 1, -1, -1):
        if commands[index].program not in SHORT_LIVED:
            return index
    return None


def _default(target: str, variables: Mapping[str, str]) -> str:
    """Where a target points when the deploy sets no variable: the shell's parameter defaults applied
    (`${LOG_FILE:--}` is `-`), through what the script assigns (`ACCESS_LOG=${ACCESS_LOG:--}` then
    `$ACCESS_LOG`); "" when that is nowhere (a variable with no default)."""
    for _ in range(3):
        if "$" not in target:
            break
        target = _VARIABLE_REF.sub(lambda m: variables.get(m["name"] or m["braced"], m[0]), target)
        target = substitute(target, {})
    return target


def _log_files(command: SimpleCommand, after: list[SimpleCommand],
               variables: Mapping[str, str]) -> Iterator[tuple[str, str, bool]]:
    """(how, target, unset) for each way a long-running command writes its output to a file; `unset` when the
    target is a variable with no default, which points at a file only when a deploy sets it so."""
    targets = []
    args = command.argv
    for index, arg in enumerate(args):
        flag, _, value = arg.partition("=")
        if flag in _LOG_FLAGS and flag != "--log-config":
            target = value or (args[index + 1] if index + 1 < len(args) else "")
            if target and not target.startswith("-"):
                targets.append((f"`{flag}`", target))
    targets += [(f"`{operator}` redirect", target) for operator, target in command.redirects]
    if command.connector in {"|", "|&"} and after and after[0].program == "tee":
        # tee copies the stream to stdout as well, unless its own output goes elsewhere (`| tee f > /dev/null`)
        how = "`| tee` (its own output redirected)" if after[0].redirects else "`| tee`"
        targets += [(how, target) for target in after[0].argv[1:] if not target.startswith("-")]
    for how, target in targets:
        default = _default(target, variables)
        if not _STREAMS.match(default):
            yield how, target, not default


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
    return [process_fact(F.ScriptWithoutExec, path, origin, origin.line_of(main), {
        "main": " ".join(main.argv), "main_role": main_role}, "no-exec")]


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
    elif wrapped and len(commands) > 1 and not main.exec and not signals_group(raw[0].argv):
        how = "sh -c"
    else:
        return []
    last = commands[-1]
    return [process_fact(F.Pid1Shell, path, origin, origin.line, {
        "how": how, "main": " ".join(main.argv), "exec": main.exec, "commands": len(commands),
        "last": " ".join(last.argv), "after": " ".join(last.argv) if main_index != len(commands) - 1 else "",
        "one_shot": _one_shot(commands)}, how)]


_ENDS = frozenset({P.BUILD, P.MIGRATION})
"""Roles of commands that end by themselves once their work is done."""


def _one_shot(commands: list[SimpleCommand]) -> bool:
    """A line that runs to completion: nothing long-running in it (a server, worker, the project's app, a process
    manager), and its last command ends by itself (`cp`, `chmod`, `true`, `pip install`, `manage.py migrate`) — a
    job that fills a volume or migrates, not a process that serves."""
    roles = [P.program_role(c.argv) for c in commands]
    if any(role in P.LONG_RUNNING or c.program in PROCESS_MANAGERS for c, role in zip(commands, roles, strict=True)):
        return False
    last = commands[-1]
    return last.program in SHORT_LIVED or roles[-1] in _ENDS and not _WATCH.intersection(a.split("=", 1)[0] for a in last.argv)


_WATCH = frozenset({"--watch", "--watchAll", "watch", "--serve", "serve", "--dev-server"})
"""Arguments with which a build tool keeps running to rebuild on changes (`webpack --watch`, `tsc --watch`)."""
