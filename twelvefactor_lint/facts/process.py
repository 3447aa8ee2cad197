"""Facts about a declared process, whatever declared it: a Dockerfile CMD/ENTRYPOINT, a compose
`command:`, a Procfile line, a supervisord program, an entrypoint script. One rule judges them all.

Link fills `started_by` (and where: `started_by_path`, `started_by_line`), `replicas` and `scaled` for
the facts of a script an image starts, and `role` for those of a compose service.
"""

from __future__ import annotations

from twelvefactor_lint.facts.base import base, doc, kind
from twelvefactor_lint.facts.compose import InService, Scaled


@base
class ProcessFact(Scaled):
    """What every fact about a declared process says about the declaration."""

    source: str = doc("How messages name the declaration: `Dockerfile CMD`, `compose service `web``, `Procfile `web``, "
                      "`script `start.sh``.")
    process: str = doc("The process type: the compose service, Procfile type or supervisord program, else the file's name.")
    level: str = doc("`image` (Dockerfile), `formation` (compose, Procfile), `supervised` (supervisord) or `script`.")
    release: bool = doc("A release-phase process (Procfile `release:`).", default=False)
    started_by: str = doc("For a script an image starts, the hop that starts it: `PATH:LINE ENTRYPOINT`, "
                          "`PATH:LINE service `web``; else `\"\"`.", default="")
    started_by_path: str = doc("The file of that hop (`\"\"`: not started by another file).", default="")
    started_by_line: int = doc("The line of that hop (0: not started by another file).", default=0)


@base
class Started(ProcessFact):
    """What a declaration starts."""

    command: str = doc("All its commands, as one line.")
    main_role: str = doc("What its main program is: `web_server`, `worker`, `scheduler`, `dev_server`, `app`, ... "
                         "(`\"\"` when unknown).")
    roles: tuple[str, ...] = doc("The roles of all its commands, sorted.")
    main: str = doc("The main command (the last long-running one).")


@kind("process.start")
class ProcessStart(Started):
    """The process a declaration starts (the inventory's entries)."""


@kind("dockerfile.stage_start")
class StageStart(Started):
    """What an earlier named Dockerfile stage would run as a build `target:` (for the inventory; not judged)."""

    stage: str = doc("The stage's name.")


@kind("process.extra_process")
class ExtraProcess(ProcessFact):
    """A long-running process started beside the main one (backgrounded, a daemon, a service, a process manager)."""

    how: str = doc("`background`, `daemon`, `service_start` or `process_manager`.")
    program: str = doc("The program (`cron`, `nginx`, `supervisord`).")
    command: str = doc("Its command.")
    supervised: str = doc("For supervisord, filled by link: the programs its configs run (`` `nginx`, `app` ``); "
                          "else `\"\"`.", default="")
    supervised_at: str = doc("Where those programs are declared (`supervisord.conf:4, supervisord.conf:9`).", default="")


@kind("process.dev_server")
class DevServer(ProcessFact):
    """A development server or auto-reloader started (`manage.py runserver`, `flask run`, `--reload`)."""

    command: str = doc("The command.")


@kind("process.migration_at_start")
class MigrationAtStart(ProcessFact):
    """Schema migrations run as part of the start command (outside a release phase)."""

    command: str = doc("The migration command.")
    followed: bool = doc("A long-running process is started after it (it runs on every start).")


@kind("process.build_at_start")
class BuildAtStart(ProcessFact):
    """Install or asset-build work run at start (outside a release phase)."""

    command: str = doc("The command.")
    work: str = doc("`install` (packages, checkouts) or `assets` (static files, bundles).")


@kind("process.log_file")
class ProcessLogFile(ProcessFact):
    """A long-running program's output sent to a file (a flag, a redirect, `| tee`, supervisord `*_logfile`)."""

    command: str = doc("The program's command.")
    how: str = doc("How: `` `--access-logfile` ``, `` `>` redirect ``, `` `| tee` ``, `` `stdout_logfile` ``.")
    target: str = doc("The file.")


@kind("process.celery_beat")
class CeleryBeat(ProcessFact):
    """celery beat started, alone or embedded in a worker (`-B`)."""

    command: str = doc("The command.")
    embedded: bool = doc("Embedded in a worker (`celery worker -B`).")
    scheduler_option: bool = doc("A `-S`/`--scheduler` is given.")


@kind("process.script_without_exec")
class ScriptWithoutExec(ProcessFact):
    """An entrypoint script starts its long-running program as a child instead of `exec`ing it."""

    main: str = doc("The program's command.")


@kind("process.pid1_shell")
class Pid1Shell(ProcessFact):
    """A shell stays PID 1 in front of the process (Dockerfile shell form, `sh -c` with several commands)."""

    how: str = doc("`shell form` or `sh -c`.")
    main: str = doc("The main command.")
    exec: bool = doc("The main command is `exec`ed.")
    commands: int = doc("How many commands the line runs.")


@kind("process.script_ref")
class ScriptRef(InService):
    """A start command that runs a script from the image (`ENTRYPOINT ["./start.sh"]`): link finds the script."""

    script: str = doc("The script as the command names it.")
    hop: str = doc("How messages name the hop: `PATH:LINE ENTRYPOINT`, `PATH:LINE service `web``.")
    dockerfile: str = doc("The Dockerfile whose image holds the script.")


@kind("process.stop_signal")
class StopSignal(InService):
    """The signal a container is stopped with (Dockerfile `STOPSIGNAL`, compose `stop_signal:`)."""

    signal: str = doc("The signal, upper-case (`SIGTERM`, `SIGKILL`, `9`).")
    source: str = doc("`Dockerfile STOPSIGNAL` or `compose service `web``.")
    process: str = doc("The process type.")
