"""Round-20 classes: a shell line that runs to completion is a one-shot job, `python -m venv` is no app process,
a Rancher `start_once` service is a one-off job, a source tree mounted with Docker Desktop's `:cached` makes a compose
file the developers' stack, a `--dev` option arm is development code, a clone made once while its target is not yet a
checkout is runtime data, and a forking unit of host settings is no daemon."""

from twelvefactor_lint.analyze import compose, systemd
from twelvefactor_lint.analyze.process_facts import Origin, command_facts, commands_of
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.analyze.shell.parse import parse
from twelvefactor_lint.devprod import is_dev_arm


def _pid1(script: str):
    origin = Origin("compose service `x`", "x", "formation", 1)
    return next(f for f in command_facts("compose.yaml", origin, commands_of(("bash", "-c", script)))
                if f.kind == "process.pid1_shell")


def test_python_tool_modules_are_no_app():
    assert P.program_role(("python", "-m", "venv", "/tmp/venv")) is None
    assert P.program_role(("python3", "-m", "compileall", "src")) is None
    assert P.program_role(("python", "-m", "app")) == P.APP


def test_a_line_that_ends_with_cp_is_a_one_shot_job_and_names_its_last_command():
    fact = _pid1("python -m venv /tmp/venv && /tmp/venv/bin/pip install poetry && rm -rf /x/* && cp -Rf /a /")
    assert fact.one_shot and fact.last == "cp -Rf /a /"
    served = _pid1("gunicorn app:app && chmod -R 777 /tmp/cache")
    assert not served.one_shot and served.main == "gunicorn app:app" and served.after == "chmod -R 777 /tmp/cache"
    assert not _pid1("webpack --mode development && webpack --watch").one_shot


def test_start_once_and_cached_source_mount():
    text = b"""services:
  migrate:
    image: example/app:1
    command: ["sh", "-c", "python manage.py makemigrations; python manage.py migrate"]
    labels:
      io.rancher.container.start_once: true
  web:
    image: example/app:develop
    command: python -m invoke server
    volumes:
      - ./:/code:cached
"""
    facts = compose.analyze("docker-compose.yml", text).facts
    assert all(f.dev_only for f in facts)
    assert next(f for f in facts if f.kind == "process.pid1_shell").release
    plain = compose.analyze("docker-compose.yml", text.replace(b":cached", b"")).facts
    assert not any(f.dev_only for f in plain)
    database = b"""services:
  app:
    build: .
  db:
    image: postgres:11.5-alpine
    volumes:
      - ./postgres-data:/var/lib/postgresql/data:cached
"""  # a database's data directory synced for speed says nothing about who runs the stack
    assert not any(f.dev_only for f in compose.analyze("docker-compose.yml", database).facts)


def test_dev_option_arm_and_git_checkout_guard():
    assert is_dev_arm("--dev") and not is_dev_arm("--workers")
    commands = parse('if [[ ! -d "${DIR}/.git" ]]; then\n  git clone "$URL" "$DIR"\nfi\n')
    assert [c.unless_exists for c in commands if c.program == "git"] == ["${DIR}/.git"]


def test_forking_unit_of_host_settings_is_no_daemon():
    unit = b"[Service]\nType=forking\nExecStart=ip address add 192.168.168.167/32 dev lo\n"
    assert not [f for f in systemd.analyze("ip-alias.service", unit).facts if f.kind == "process.daemonizes"]
    daemon = b"[Service]\nType=forking\nExecStart=/usr/sbin/nginx\n"
    assert [f for f in systemd.analyze("nginx.service", daemon).facts if f.kind == "process.daemonizes"]
