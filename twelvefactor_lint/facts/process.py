"""Facts about a declared process, whatever declared it: a Dockerfile CMD/ENTRYPOINT, a compose
`command:`, a Procfile line, a supervisord program, an entrypoint script. One rule judges them all.

Link fills `started_by` (and where: `started_by_path`, `started_by_line`), `replicas` and `scaled` for
the facts of a script an image starts, and `role` for those of a compose service.
"""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, base, doc, kind
from twelvefactor_lint.facts.compose import InService, Scaled


@base
class ProcessFact(Scaled):
    """What every fact about a declared process says about the declaration."""

    source: str = doc("How messages name the declaration: `Dockerfile CMD`, `compose service `web``, `Procfile `web``, "
                      "`script `start.sh``.")
    process: str = doc("The process type: the compose service, Procfile type or supervisord program, else the file's name.")
    level: str = doc("`image` (Dockerfile), `formation` (compose, Procfile), `supervised` (supervisord) or `script`.")
    release: bool = doc("A release-phase process that runs to completion (Procfile `release:`, a Kubernetes Job, a "
                        "compose service another waits to complete).", default=False)
    started_by: str = doc("For a script an image starts, the hop that starts it: `PATH:LINE ENTRYPOINT`, "
                          "`PATH:LINE service `web``; else `\"\"`.", default="")
    started_by_path: str = doc("The file of that hop (`\"\"`: not started by another file).", default="")
    started_by_line: int = doc("The line of that hop (0: not started by another file).", default=0)
    supervised: str = doc("For a process manager, filled by link: the programs its configs run; else `\"\"`.",
                          default="")
    stage: str = doc("The Dockerfile stage that declares it (`\"\"`: not a Dockerfile).", default="")
    workload: str = doc("The Kubernetes workload (`Deployment/web`) or platform declaration that runs it "
                        "(`fly.toml `release_command``); `\"\"`: none.", default="")
    init: bool = doc("Declared by a Kubernetes init container (runs before the app container of every pod).",
                     default=False)
    arm: str = doc("In a dispatcher script, the `case` arm that runs it (`web`, `*`); `\"\"`: not in an arm.",
                   default="")
    branch: str = doc("In a script, what the environment must hold for the script to reach it, when `if` tests on "
                      "environment variables decide (`APP_DOCKER!=True`, `MODE=web && DEBUG!=1`); link keeps it only "
                      "where a deploy starting the script may hold it (its Dockerfile `ENV`, compose `environment:`). "
                      "`\"\"`: no such test.", default="")
    dev_image: bool = doc("Declared by a Dockerfile only development compose stacks build (it may be the "
                          "developers' image).", default=False)
    on_host: bool = doc("A supervisord program no declared process of the repository runs (no image, compose "
                        "service or script starts supervisord): a host (VM) install's, where supervisord is the "
                        "execution environment that captures its output; set by link.", default=False)


@base
class Started(ProcessFact):
    """What a declaration starts."""

    command: str = doc("All its commands, as one line.")
    main_role: str = doc("What its main program is: `web_server`, `worker`, `scheduler`, `dev_server`, `app`, ... "
                         "(`\"\"` when unknown).")
    roles: tuple[str, ...] = doc("The roles of all its commands, sorted.")
    main: str = doc("The main command (the last long-running one).")
    workers: int = doc("The number of worker processes its main command, a pre-fork web server, is told to run as a "
                       "literal on the command line (`gunicorn -w 1`, `--workers=1`, `uwsgi --processes 1`, "
                       "`uvicorn --workers 1`); 0: not given there (a config file, the server's default or "
                       "`$WEB_CONCURRENCY` decide) or not a literal.", default=0)


@kind("process.start")
class ProcessStart(Started):
    """The process a declaration starts (the inventory's entries)."""

    built_dockerfile: str = doc("For a platform process running a repository image (heroku.yml `run:`), the "
                                "Dockerfile its `build: docker:` names (`\"\"`: none).", default="")
    dev_mode: str = doc("A command of the start that runs a server in the development mode it is given by name "
                        "(`kc.sh start-dev`, `npm run start:dev`): link takes the image for a development image; "
                        "`\"\"`: none.", default="")


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
    supervised_at: str = doc("Where those programs are declared (`supervisord.conf:4, supervisord.conf:9`).", default="")
    supervised_count: int = doc("How many programs the process manager runs, filled by link (0: not known).",
                                default=0)
    others: str = doc("The other extra processes the same start runs (`` `nginx` (line 14) ``; `\"\"`: none): one "
                      "finding names them all.", default="")
    trapped: bool = doc("All of them are sent to the background by a script that then `wait`s for its children under "
                        "a `trap` that kills them on SIGTERM (`trap \"kill 0\" INT TERM EXIT`): they stop together, "
                        "but a crashed one is not restarted.", default=False)
    beside_dev_server: str = doc("A development server the same start runs in the foreground (`python manage.py "
                                 "runserver_plus 0.0.0.0:9001`): they are a development container's helpers (an asset "
                                 "watcher); `\"\"`: none.", default="")


@kind("process.dev_server")
class DevServer(ProcessFact):
    """A development server or auto-reloader started (`manage.py runserver`, `flask run`, `--reload`)."""

    command: str = doc("The command.")


@kind("process.fixed_port")
class FixedPort(ProcessFact):
    """A web server started on a literal port (`gunicorn --bind 0.0.0.0:8000`, `uvicorn --port 8000`), not one the
    environment gives (`$PORT`)."""

    command: str = doc("The server's command.")
    server: str = doc("The server program (`gunicorn`, `uvicorn`).")
    port: str = doc("The literal port.")
    platform_port: str = doc("The platform file that runs it where the platform assigns the port in `$PORT`, filled by "
                             "link: one deploying the project's images (render.yaml, heroku.yml, a Knative/Cloud Run "
                             "Service), or the Procfile or App Engine app.yaml that starts it; `\"\"`: none.",
                             default="")


@kind("process.migration_at_start")
class MigrationAtStart(ProcessFact):
    """Schema migrations run as part of the start command (outside a release phase)."""

    command: str = doc("The migration command.")
    followed: bool = doc("A long-running process is started after it (it runs on every start), or a scaled "
                         "workload runs it in every replica.")


@kind("process.build_at_start")
class BuildAtStart(ProcessFact):
    """Install or asset-build work run at start (outside a release phase)."""

    command: str = doc("The command.")
    work: str = doc("`install` (packages, checkouts) or `assets` (static files, bundles).")
    repeats: str = doc("The Dockerfile RUN line that already did the same step when the image was built "
                       "(`Dockerfile:12`), filled by link; `\"\"`: none known.", default="")
    unless_exists: str = doc("The path a script tests is missing before it runs the command (`if [ ! -d "
                             "zenodo.egg-info ]`, `[ -d node_modules ] ||`); `\"\"`: no such test.", default="")
    guard_built: str = doc("The Dockerfile RUN line whose install creates that path (`pip install -e .` makes the "
                           "`.egg-info`, `npm install` the `node_modules`), filled by link: a container of the built "
                           "image never runs the command, only one whose source a development bind mount hides; "
                           "`\"\"`: none known.", default="")


@kind("process.log_file")
class ProcessLogFile(ProcessFact):
    """A long-running program's output sent to a file (a flag, a redirect, `| tee`, supervisord `*_logfile`)."""

    command: str = doc("The program's command.")
    how: str = doc("How: `` `--access-logfile` ``, `` `>` redirect ``, `` `| tee` ``, `` `stdout_logfile` ``.")
    target: str = doc("The file.")
    unset_default: bool = doc("Every target is a variable with no default (`--access-logfile $ACCESS_LOG`): a file "
                              "only if a deploy sets one.", default=False)
    places: tuple[tuple[str, int, int], ...] = doc(
        "The other places of the same output, as (path, line, column): a supervisord program's `stderr_logfile` "
        "line when its `stdout_logfile` is reported too.", default=())
    collected_by: str = doc("The log shipper of the repository that reads the file and forwards it (`the CloudWatch "
                            "agent (`deploy/cloudwatch.json:11`)`, `supervisord program `logs` (`tail -F` to "
                            "stdout)`): the logs reach a stream or a log service, not only one disk; `\"\"`: "
                            "none known.", default="")


@kind("process.log_collected")
class LogCollected(Fact):
    """Log files a log shipper configured in the repository reads and forwards (a CloudWatch agent `file_path`,
    a fluentd or fluent-bit `tail` input's `path`, a vector `file` source's `include`, filebeat or promtail
    paths); link marks the `process.log_file` facts whose file they name."""

    shipper: str = doc("How messages name the shipper: `the CloudWatch agent`, `fluent-bit`, `filebeat`.")
    files: tuple[str, ...] = doc("The files or glob patterns it reads (`/var/log/app/*.log`).")


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
    main_role: str = doc("Its role in the process model (`web_server`, `worker`, `app` for a Python program or module "
                         "of the project's, `run_cmd` for `\"$@\"`): link drops a script a caller runs in the foreground "
                         "before starting its long-running process whose program is only known to run (`app`, `run_cmd`): "
                         "it must return for the caller to go on, a one-shot step.", default="")
    dyno: bool = doc("Started from a Procfile line of a project that shows it deploys to Heroku (a `heroku.yml`, a "
                     "`.heroku/` directory, an app.json naming Heroku): the dyno manager sends SIGTERM to every process "
                     "of the dyno, not to PID 1 alone; set by link.", default=False)


@kind("process.pid1_shell")
class Pid1Shell(ProcessFact):
    """A shell stays PID 1 in front of the process (Dockerfile shell form, `sh -c` with several commands)."""

    how: str = doc("`shell form` or `sh -c`.")
    main: str = doc("The main command.")
    exec: bool = doc("The main command is `exec`ed.")
    commands: int = doc("How many commands the line runs.")
    last: str = doc("The line's last command.", default="")
    after: str = doc("The line's last command when it is not the main one (`unoconv --listener && chmod -R 777 /tmp`: "
                     "`chmod -R 777 /tmp`); `\"\"`: the main command is the last.", default="")
    one_shot: bool = doc("The line runs to completion: no command of it is long-running and its last one ends by "
                         "itself (`cp`, `chmod`, `true`, an install or a migration): a one-shot job (a `*_requirements` "
                         "service filling a volume), not a process that serves.", default=False)
    dyno: bool = doc("Started from a Procfile line of a project that shows it deploys to Heroku (a `heroku.yml`, a "
                     "`.heroku/` directory, an app.json naming Heroku): the dyno manager sends SIGTERM to every process "
                     "of the dyno, not to PID 1 alone; set by link.", default=False)


@base
class ScriptHop(InService):
    """A start command that hands over to a script of the image: where it is declared and how messages name it."""

    hop: str = doc("How messages name the hop: `PATH:LINE ENTRYPOINT`, `PATH:LINE service `web``; for a script "
                   "started by a script, the whole chain (`Dockerfile:9 CMD -> start.sh:4`).")
    dockerfile: str = doc("The Dockerfile whose image holds the script (`\"\"`: not known yet).")
    declared_path: str = doc("The file declaring the chain's first hop.")
    declared_line: int = doc("That declaration's line.")
    argument: str = doc("The first argument the script is given (selects a dispatcher script's `case` arm); "
                        "`\"\"`: none.", default="")


@kind("process.script_ref")
class ScriptRef(ScriptHop):
    """A start command that runs a script from the image (`ENTRYPOINT ["./start.sh"]`): link finds the script."""

    script: str = doc("The script as the command names it.")
    reads: str = doc("How link reads the script: `shell`, `uwsgi` for a uWSGI ini file, `gunicorn_config` for the "
                     "Python config file `gunicorn -c` loads.", default="shell")
    followed: bool = doc("A long-running process is started after it.", default=False)
    background: bool = doc("The command running it is sent to the background (`start-tor.sh & ./run`): what the "
                           "script starts is the one extra process reported where it is backgrounded.", default=False)
    image: str = doc("For a compose service running a published image: the image (link looks for the Dockerfile "
                     "that builds it).", default="")
    root: str = doc("For a script started by a script: the file declaring the chain (`\"\"`: `path`).", default="")
    target: str = doc("The build stage the referring compose service builds (`build: target:`; `\"\"`: the "
                      "final stage).", default="")
    cwd: str = doc("Where a platform runs the line from, for a Procfile line (the app's root, `.` at the "
                   "top); `\"\"`: resolved through an image.", default="")
    arm: str = doc("In a dispatcher script, the `case` arm that runs it; `\"\"`: not in an arm.", default="")
    rootfs: str = doc("For an s6 service file: the repository directory that mirrors the image's `/` (`rootfs`), "
                      "under which an absolute script resolves; `\"\"`: none.", default="")
    release: bool = doc("Run by a release-phase one-off that runs to completion (a Procfile `release:` line), not by a "
                        "long-running process.", default=False)


@kind("process.entrypoint_args")
class EntrypointArgs(ScriptHop):
    """A compose `command:` given to a built image without an `entrypoint:`: the arguments of the image's
    ENTRYPOINT script, which link follows as a script reference."""


@kind("process.app_target")
class AppTarget(ProcessFact):
    """The application a server's config file loads (uWSGI `module`, `wsgi-file`, `wsgi`): what the start command
    naming the file runs."""

    command: str = doc("The setting as written (`module = app.wsgi:application`).")
    target: str = doc("The module (`app.wsgi`) or file (`app/wsgi.py`) it names.")
    workers: int = doc("The number of worker processes the same config runs (`processes = 1`, `workers = 1`, a "
                       "literal); 0: not set there, or not a literal.", default=0)


@kind("process.pid_file")
class PidFile(ProcessFact):
    """A server configured to write a PID file (uWSGI `pidfile`)."""

    command: str = doc("The setting as written (`pidfile = /tmp/app.pid`).")
    target: str = doc("The file.")
    inert: bool = doc("The file is in scratch space (`/tmp`, fresh with each container) and no start command of the "
                      "project names it (`kill $(cat ...)`, `uwsgi --reload ...`): nothing reads it; set by link.",
                      default=False)
    tracked_by: str = doc("The process manager that starts the server in the foreground and tracks its process "
                          "itself, so the file only mirrors the PID it already knows (`systemd`, for a unit that "
                          "does not fork); `\"\"`: none known.", default="")
    container_deploy: str = doc("For a systemd unit's `PIDFile=` or command, the production container deploy of the "
                                "repository that runs the same program (see process.daemonizes); set by link. `\"\"`: "
                                "none.", default="")


@kind("process.daemonizes")
class Daemonizes(ProcessFact):
    """A server configured to detach from its parent (uWSGI `daemonize`), or a systemd unit declaring that its
    process forks away (`Type=forking`)."""

    command: str = doc("The setting as written.")
    declared: bool = doc("A systemd unit declares the fork (`Type=forking`) and its command is not told to detach: "
                         "systemd waits for the parent to exit and keeps the daemon in the unit's control group.",
                         default=False)
    pid_file: str = doc("The `PIDFile=` such a unit names, through which systemd tracks the daemon (the stock "
                        "nginx unit's shape); `\"\"`: none (systemd guesses the main process).", default="")
    container_deploy: str = doc("For a systemd unit, the production container deploy of the repository that runs the "
                                "same program (`Kubernetes Deployment `celery``, k8s manifests or a compose file named "
                                "for production): the unit is a legacy or alternative host install's; set by link. "
                                "`\"\"`: none.", default="")


@kind("process.stop_signal")
class StopSignal(InService):
    """The signal a container is stopped with (Dockerfile `STOPSIGNAL`, compose `stop_signal:`)."""

    signal: str = doc("The signal, upper-case (`SIGTERM`, `SIGKILL`, `9`).")
    source: str = doc("`Dockerfile STOPSIGNAL` or `compose service `web``.")
    process: str = doc("The process type.")
