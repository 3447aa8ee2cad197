"""What a container's start command runs: the main process and any extra long-lived ones.

Reads a command line the way PID 1 would run it: `sh -c` strings are unwrapped,
PID-1 helpers (`exec`, `tini`, `dumb-init`, `gosu`, `su-exec`, `env`) and wrappers that wait
for a dependency and then exec their argument (`wait-for-it.sh host:port --`, `dockerize -wait`) are looked
through, and then each simple command is judged: a process manager, a
`service x start`, a daemon that forks into the background while another command
follows, or a command sent to the background with `&` while another follows.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, replace

from twelvefactor_lint.analyze.shell.parse import SimpleCommand, parse
from twelvefactor_lint.analyze.shell.programs import LONG_RUNNING, program_role, python_target

PROCESS_MANAGER, SERVICE_START, BACKGROUND, DAEMON = "process_manager", "service_start", "background", "daemon"

SHELLS = {"sh", "bash", "dash", "ash", "zsh", "ksh"}
PROCESS_MANAGERS = {"supervisord", "circusd", "s6-svscan", "runsvdir", "pm2", "pm2-runtime", "my_init",
                     "systemd", "init", "openrc-init", "hivemind", "multirun", "concurrently", "forego"}
_STARTING_MANAGERS = {"honcho", "foreman", "overmind"}
_WRAPPERS_WITH_USER = {"gosu", "su-exec", "chpst", "setuidgid", "s6-setuidgid"}
_WRAPPERS = {"exec", "nohup", "time", "nice", "ionice", "stdbuf", "unbuffer", "with-contenv", "ddtrace-run"}
"""Prefixes that run the rest of the line as the program (`ddtrace-run gunicorn app`: Datadog's agent wrapper)."""
_AGENT_WRAPPERS = {"opentelemetry-instrument"}
"""Agent wrappers whose options all take a value, then the program (`opentelemetry-instrument --traces_exporter
console gunicorn app`)."""
_RUNNERS = {"poetry", "pipenv", "uv", "pdm", "hatch", "rye"}
"""Environment managers whose `run` starts the real program: `poetry run gunicorn app`."""
_INIT_WRAPPERS = {"tini", "tini-static", "dumb-init", "catatonit"}
_WAITERS = {"wait-for-it", "wait-for-it.sh", "wait-for", "wait-for.sh", "wait-for-postgres.sh"}
"""Wrappers that wait for a dependency, then exec what follows `--` (`wait-for-it.sh db:5432 -- gunicorn app`)."""
_EXPANSION = re.compile(r"^\$(\w+|\{\w+\})$")
"""A word that is only a variable (`${OPTIONAL_TIMEOUT} uvicorn app`): an optional prefix, usually empty."""
_FOREGROUND_FLAGS = {
    "nginx": lambda args: any("daemon off" in a for a in args),
    "cron": lambda args: bool({"-f", "-n"} & set(args)),
    "crond": lambda args: bool({"-f", "-n"} & set(args)),
    "sshd": lambda args: "-D" in args,
    "httpd": lambda args: any("FOREGROUND" in a for a in args),
    "apache2": lambda args: any("FOREGROUND" in a for a in args),
    "php-fpm": lambda args: bool({"-F", "--nodaemonize"} & set(args)),
    "rsyslogd": lambda args: "-n" in args,
    "syslog-ng": lambda args: "-F" in args,
}
_DAEMON_IF = {
    "redis-server": lambda args: any(re.match(r"--daemonize(=|$)", a) for a in args) and "no" not in args,
    "memcached": lambda args: "-d" in args,
    "gunicorn": lambda args: bool({"-D", "--daemon"} & set(args)),
    "uwsgi": lambda args: any(a.startswith(("--daemonize", "-d")) for a in args),
    "apache2ctl": lambda args: "start" in args,
    "apachectl": lambda args: "start" in args,
    "pg_ctl": lambda args: "start" in args,
    "postfix": lambda args: "start" in args,
}
_TRIVIAL = {"wait", "true", ":"}
SHORT_LIVED = _TRIVIAL | {"echo", "printf", "sleep", "false", "cat", "touch", "chmod", "chown", "mkdir", "cp", "mv",
                          "rm", "ln", "sed", "awk", "grep", "test", "[", "kill", "set", "export", "cd", "exit", "curl",
                          "wget", "trap"}
"""Commands that end by themselves: sent to the background they are no second process to supervise."""


@dataclass(frozen=True)
class ExtraProcess:
    how: str
    program: str
    command: str
    """The simple command as written (joined argv), for messages."""
    line: int = 0
    trapped: bool = False
    """Sent to the background in a script that `wait`s for its children under a `trap` that kills them on SIGTERM."""


def signals_group(argv: tuple[str, ...]) -> bool:
    """The line starts with an init that forwards signals to the child's whole process group: `dumb-init` (its
    default setsid mode, unless `--single-child`/`-c`) or `tini -g`; a shell it runs need not pass SIGTERM on."""
    if not argv:
        return False
    name, rest = argv[0].rsplit("/", 1)[-1], argv[1:]
    options = set(rest[:len(rest) - len(_drop_leading(rest, lambda a: a.startswith("-") and a != "--"))])
    if name == "dumb-init":
        return not {"-c", "--single-child"} & set(options)
    return name in {"tini", "tini-static"} and "-g" in options


def unwrap(argv: tuple[str, ...]) -> tuple[str, ...]:
    """Strip PID-1 helpers, privilege droppers, `poetry run`-style runners and agent wrappers (`newrelic-admin
    run-program`) to reach the real program."""
    while argv:
        name = argv[0].rsplit("/", 1)[-1]
        if name in _WRAPPERS:
            argv = argv[1:]
        elif name in _INIT_WRAPPERS:
            rest = argv[1:]
            if "--" in rest:
                argv = rest[rest.index("--") + 1:]
            else:
                argv = tuple(a for i, a in enumerate(rest)
                             if not (a.startswith("-") and all(r.startswith("-") for r in rest[:i + 1])))
        elif name in _WRAPPERS_WITH_USER:
            argv = argv[2:]
        elif name in _RUNNERS and len(argv) > 2 and argv[1] == "run":
            argv = tuple(_drop_leading(argv[2:], lambda a: a.startswith("-")))
        elif name == "env":
            argv = tuple(_drop_leading(argv[1:], lambda a: "=" in a or a.startswith("-")))
        elif name in _WAITERS and "--" in argv:
            argv = argv[argv.index("--") + 1:]
        elif name == "newrelic-admin" and len(argv) > 2 and argv[1] in {"run-program", "run-python"}:
            argv = argv[2:] if argv[1] == "run-program" else ("python", *argv[2:])  # New Relic's agent wrapper
        elif name == "dockerize" or name in _AGENT_WRAPPERS:
            argv = tuple(_drop_options(argv[1:]))
        elif name == "timeout":
            rest = _drop_leading(argv[1:], lambda a: a.startswith("-"))
            argv = tuple(rest[1:])
        elif _EXPANSION.match(argv[0]) and len(argv) > 1 and not argv[1].startswith("-") and not _EXPANSION.match(argv[1]):
            argv = argv[1:]
        else:
            return argv
    return argv


def _drop_options(items: tuple[str, ...]) -> list[str]:
    """`-wait tcp://db:5432 -timeout 30s gunicorn app` -> [gunicorn, app]: dockerize's flags all take a value."""
    rest = list(items)
    while rest and rest[0].startswith("-"):
        rest = rest[1:] if "=" in rest[0] else rest[2:]
    return rest


def _drop_leading(items, predicate):
    items = list(items)
    while items and predicate(items[0]):
        items.pop(0)
    return items


def shell_script(argv: tuple[str, ...]) -> str | None:
    """The script of `sh -c "<script>"` (also `bash -lc`), else None."""
    if not argv or argv[0].rsplit("/", 1)[-1] not in SHELLS:
        return None
    for index, arg in enumerate(argv[1:], start=1):
        if arg.startswith("-") and "c" in arg[1:] and not arg.startswith("--"):
            return argv[index + 1] if index + 1 < len(argv) else None
        if not arg.startswith("-"):
            return None
    return None


def expand(commands: list[SimpleCommand], depth: int = 0) -> list[SimpleCommand]:
    """Replace `sh -c "..."` commands by the commands of their script, wrappers removed. An `exec`-ed shell whose
    script is one command (`exec sh -c "$@"`) is that command in the script's place: the script is replaced by the
    shell, and the shell runs nothing else."""
    result = []
    for command in commands:
        argv = unwrap(command.argv)
        script = shell_script(argv)
        execs = command.exec or "exec" in command.argv[: len(command.argv) - len(argv)]
        if script is not None and depth < 5:
            inner = expand(parse(script), depth + 1)
            for index, nested in enumerate(inner):
                connector = command.connector if index == len(inner) - 1 else nested.connector
                result.append(replace(nested, background=nested.background or command.background,
                                      repeated=nested.repeated or command.repeated, connector=connector,
                                      line=command.line, exec=nested.exec or execs and len(inner) == 1))
        elif argv:
            result.append(replace(command, argv=argv, exec=execs))
    return result


def extra_processes(commands: list[SimpleCommand]) -> list[ExtraProcess]:
    """Long-lived processes beyond the one main foreground process."""
    commands = expand(commands)
    found = []
    for index, command in enumerate(commands):
        name, args = command.program, command.argv[1:]
        followed = _followed(commands, index)
        text = " ".join(command.argv)
        if name in PROCESS_MANAGERS or (name in _STARTING_MANAGERS and "start" in args):
            found.append(ExtraProcess(PROCESS_MANAGER, name, text, command.line))
        elif service := _started_service(command):
            found.append(ExtraProcess(SERVICE_START, service, text, command.line))
        elif command.background and (followed or command.repeated) and name not in SHORT_LIVED \
                and not _waited_for(commands, index):
            found.append(ExtraProcess(BACKGROUND, name, text, command.line, _stopped_together(commands, index)))
        elif forks_away(commands, index):
            found.append(ExtraProcess(DAEMON, name, text, command.line))
    return found


def _followed(commands: list[SimpleCommand], index: int) -> bool:
    return any(c.program not in _TRIVIAL for c in commands[index + 1:])


def forks_away(commands: list[SimpleCommand], index: int) -> bool:
    """Whether the command at `index` is a daemon that forks into the background and returns while more commands
    follow (`nginx` then `./start_gunicorn.sh`): an extra process, never the one the script exists to run."""
    command = commands[index]
    return _followed(commands, index) and _daemonizes(command.program, command.argv[1:])


def _waited_for(commands: list[SimpleCommand], index: int) -> bool:
    """`tail -f log & wait $!`: the script waits on the process it just backgrounded, the foreground idiom of a
    script that traps signals; the next command being `wait` (or, past quick ones such as `trap` and `echo`, a
    `wait` for every child, the last one or one a variable holds: `PID=$!; trap "kill -INT -$PID" INT; wait $PID`,
    as wait-for-it runs its timed child) makes it the container's one process, or a step the script waits for
    before going on. Not in a loop's body, which backgrounds one a turn."""
    rest = commands[index + 1:]
    if commands[index].repeated or not rest:
        return False
    wait = next((i for i, c in enumerate(rest) if c.program == "wait" and len(c.argv) <= 2
                 and all(_EXPANSION.match(a) or a == "$!" for a in c.argv[1:])), None)
    return rest[0].program == "wait" or wait is not None and \
        all(not c.background and c.program in SHORT_LIVED for c in rest[:wait])


def _stopped_together(commands: list[SimpleCommand], index: int) -> bool:
    """`worker & worker & trap "kill 0" INT TERM EXIT; wait`: the script waits for all its children (a bare `wait`,
    with nothing long-running in the foreground before it) under a trap that kills them on SIGTERM, so a stop
    reaches them all together. A crashed one is still not restarted: that part of the problem remains."""
    rest = commands[index + 1:]
    wait = next((i for i, c in enumerate(rest) if c.argv == ("wait",)), None)
    if wait is None or any(not c.background and c.program not in SHORT_LIVED for c in rest[:wait]):
        return False
    return any(c.program == "trap" and _kills_on_term(c.argv[1:]) for c in commands[:index + 1 + wait])


def _kills_on_term(args: tuple[str, ...]) -> bool:
    """`trap "kill 0" INT TERM EXIT` (`kill -- -$$`, `kill $(jobs -p)`): the trap's action kills, on SIGTERM."""
    action, *signals = _drop_leading(args, lambda a: a == "--") or [""]
    return "kill" in action and any(s.upper().removeprefix("SIG") in {"TERM", "15"} for s in signals)


def _started_service(command: SimpleCommand) -> str | None:
    """The service a `service x start` / `systemctl start x` / `/etc/init.d/x start` starts."""
    name, args = command.program, command.argv[1:]
    if name in {"service", "rc-service"} and len(args) >= 2 and args[1] in {"start", "restart"}:
        return args[0]
    if name == "systemctl" and len(args) >= 2 and args[0] in {"start", "restart"}:
        return args[1]
    if command.argv[0].startswith("/etc/init.d/") and args[:1] in (("start",), ("restart",)):
        return name
    return None


def _daemonizes(name: str, args: tuple[str, ...]) -> bool:
    if name in _FOREGROUND_FLAGS:
        return not _FOREGROUND_FLAGS[name](args)
    if name in _DAEMON_IF:
        return _DAEMON_IF[name](args)
    return name == "celery" and "multi" in args


_SYSTEM_DIRS = ("/usr/", "/bin/", "/sbin/", "/opt/venv/bin/", "/venv/bin/", "/root/.local/bin/")


@dataclass(frozen=True)
class StartedScript:
    """A file one command of a start command runs or configures its server with, and whether a
    long-running process follows it."""

    script: str
    line: int
    followed: bool
    reads: str = "shell"
    """How to read the file: `shell` (a script), `uwsgi` (a uWSGI ini file the server loads) or
    `gunicorn_config` (the Python config file `gunicorn -c` loads)."""
    argument: str = ""
    """The script's first argument (`/entrypoint.sh worker`), which a dispatcher script switches on."""
    background: bool = False
    """Sent to the background (`start-tor.sh & ./run`): the script and all it starts are that one extra process."""


def started_scripts(commands: list[SimpleCommand]) -> list[StartedScript]:
    """Each script the commands run (`./startup_checks.sh && exec ./webserver.sh`, `sh -c /start.sh`,
    `bash start.sh`) and each config file a server loads (`uwsgi uwsgi.ini`, `gunicorn -c conf.py`), in order; `followed`
    when a later command is a long-running one or another script, so start-time work inside this
    script happens before a server starts."""
    commands = expand(commands)
    found = [(index, script) for index, command in enumerate(commands)
             if (script := _script_of(command.argv)) is not None]
    scripts = {index for index, _ in found}
    started = [StartedScript(script, commands[index].line, any(
        later in scripts or program_role(commands[later].argv) in LONG_RUNNING
        for later in range(index + 1, len(commands))), argument=_argument(commands[index].argv, script),
        background=commands[index].background)
        for index, script in found]
    return started + [StartedScript(config, command.line, False, reads) for command in commands
                      for config, reads in ((_uwsgi_ini(command.argv), "uwsgi"),
                                            (gunicorn_config(command.argv), "gunicorn_config")) if config]


def _argument(argv: tuple[str, ...], script: str) -> str:
    """The first word after the script in its command, "" when there is none."""
    rest = argv[argv.index(script) + 1:] if script in argv else ()
    return rest[0] if rest else ""


def _uwsgi_ini(argv: tuple[str, ...]) -> str | None:
    """The config file `uwsgi uwsgi.ini` / `uwsgi --ini conf/uwsgi.ini` / `uwsgi --yaml uwsgi.yml` loads."""
    if not argv or argv[0].rsplit("/", 1)[-1] != "uwsgi":
        return None
    for index, arg in enumerate(argv[1:], start=1):
        flag, equals, value = arg.partition("=")
        if flag in ("--ini", "--yaml", "--yml"):
            value = value if equals else (argv[index + 1] if index + 1 < len(argv) else "")
            return value.split(":", 1)[0] or None
        if arg.endswith((".ini", ".yml", ".yaml")) and not arg.startswith("-") and not argv[index - 1].startswith("-"):
            return arg
    return None


def gunicorn_config(argv: tuple[str, ...]) -> str | None:
    """The Python config file gunicorn loads: `gunicorn -c conf/server.py` (`--config=`, `-cFILE`, `python -m
    gunicorn`), `-c python:pkg.conf` -> `pkg/conf.py`; None without one, when a variable names it, or for a
    file that cannot be Python (`-c gunicorn.toml`)."""
    words = python_target(argv) or argv
    if len(words) > 1 and "/" in words[0] and words[1].rsplit("/", 1)[-1] == "gunicorn":
        words = words[1:]  # a script that runs its arguments (`/usr/local/bin/entrypoint gunicorn -c ...`)
    if not words or words[0].rsplit("/", 1)[-1] != "gunicorn":
        return None
    for index, arg in enumerate(words[1:], start=1):
        if arg in ("-c", "--config"):
            value = words[index + 1] if index + 1 < len(words) else ""
        elif arg.startswith("--config="):
            value = arg.partition("=")[2]
        elif arg.startswith("-c") and not arg.startswith("--"):
            value = arg[2:]
        else:
            continue
        if value.startswith("python:"):
            value = value.removeprefix("python:").replace(".", "/") + ".py"
        value = value.removeprefix("file:")
        python_file = posixpath.splitext(value)[1] in ("", ".py", ".conf")  # gunicorn execs it as Python
        return value if value and python_file and "$" not in value else None
    return None


def _script_of(argv: tuple[str, ...]) -> str | None:
    """The script a simple command runs, if it runs one: a `.sh` file, a path (`./run`, `/srv/start`,
    `bin/start-nginx`) that is not a system program or a Python file, or any file given to a shell (`bash docker_cmd`)."""
    if argv and argv[0].rsplit("/", 1)[-1] in SHELLS:
        return argv[1] if len(argv) > 1 and not argv[1].startswith("-") and not _EXPANSION.match(argv[1]) else None
    program = argv[0] if argv else ""
    if program.endswith(".py") or "$" in program:
        return None
    if program.endswith(".sh") or program.startswith(("./", "../")) or (
            program.startswith("/") and not program.startswith(_SYSTEM_DIRS)) or (
            "/" in program and not program.startswith(("/", "~", "-")) and program_role(argv) is None):
        return program  # `bin/start-nginx` is a project file; `.venv/bin/gunicorn` the server it names
    return None
