"""The process inventory (`12f-lint processes`): every declared process, its kind, where, its findings."""

from __future__ import annotations

import json
from dataclasses import replace

from click.testing import CliRunner
from conftest import REPO, write_tree

from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.judge.catalogue import Catalogue
from twelvefactor_lint.runner import run


def _inventory(name, catalogue):
    root = REPO / "fixtures" / name
    return {(p.name, p.declared_at): p for p in run([root], Settings(root=root), catalogue).processes}


def test_a_compose_stack_lists_each_process_type_with_its_kind(catalogue):
    processes = _inventory("compose_stack", catalogue)
    kinds = {(name, where): p.kind for (name, where), p in processes.items()}
    assert kinds[("web", "docker-compose.yml:5")] == "application server"
    assert kinds[("worker", "docker-compose.yml:10")] == "worker (queue consumer)"
    assert kinds[("beat", "docker-compose.yml:16")] == "scheduler"
    assert kinds[("nginx", "docker-compose.yml:17")] == "web server"  # built FROM nginx
    assert kinds[("db", "docker-compose.yml:22")] == "database"
    assert kinds[("redis", "docker-compose.yml:27")] == "cache"
    assert processes[("worker", "docker-compose.yml:10")].replicas == 3
    # the dev override's command is a process of its own; its partial `db` (ports only) is not
    assert kinds[("web", "docker-compose.override.yml:3")] == "application server (development server)"
    assert not [key for key in processes if key[1].startswith("docker-compose.override.yml:8")]


def test_an_image_that_runs_a_script_takes_the_scripts_process_and_findings(catalogue):
    image = _inventory("compose_stack", catalogue)[("Dockerfile.allinone", "Dockerfile.allinone:7")]
    assert image.kind == "worker (queue consumer)"
    assert image.command.startswith("/usr/local/bin/entrypoint.sh -> celery -A proj worker")
    assert set(image.findings) == {"TF1201 docker/entrypoint.sh:4", "TF609 docker/entrypoint.sh:5"}


def test_a_compose_build_target_runs_that_stage(catalogue):
    processes = _inventory("fastapi_clean", catalogue)
    assert processes[("web", "compose.yaml:8")].kind == "application server"
    assert processes[("worker", "compose.yaml:15")].kind == "worker (queue consumer)"
    assert processes[("web", "Procfile:1")].command.startswith("uvicorn app.main:app")


def test_processes_command_prints_a_table_and_json(tmp_path):
    (tmp_path / "Procfile").write_text("release: python manage.py migrate\nweb: gunicorn app:app\n")
    runner = CliRunner()
    text = runner.invoke(main, ["processes", str(tmp_path)])
    assert text.exit_code == 0, text.output
    assert "release / one-off" in text.output and "application server" in text.output
    data = json.loads(runner.invoke(main, ["processes", "--format", "json", str(tmp_path)]).output)
    assert [(p["name"], p["kind"], p["declared_at"]) for p in data] == [
        ("release", "release / one-off", "Procfile:1"), ("web", "application server", "Procfile:2")]


def test_findings_attach_by_the_hop_that_starts_the_script_not_by_message_text(tmp_path, catalogue):
    terse = Catalogue(tuple(
        replace(r, matchers=tuple(replace(m, message="migrates at start") for m in r.matchers)) if r.id == "TF1201" else r
        for r in catalogue.rules))
    write_tree(tmp_path, {
        "Dockerfile": "FROM python:3.12-slim\nCOPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n",
        "start.sh": "#!/bin/sh\npython manage.py migrate\nexec gunicorn app:app\n",
    })
    result = run([tmp_path], Settings(root=tmp_path), terse)
    [finding] = [f for f in result.findings if f.rule == "TF1201"]
    assert (finding.message, finding.started_by) == ("migrates at start", ("Dockerfile", 3))
    [image] = result.processes
    assert image.findings == ("TF1201 start.sh:2",)


def test_every_process_shows_its_real_command_and_kind_through_wrappers_dispatchers_and_configs(lint):
    result = lint({
        "docker/entrypoint.sh": ("#!/bin/sh\ncase \"$1\" in\n  web) exec uwsgi --ini docker/uwsgi.ini ;;\n"
                                 "  worker) exec celery -A app worker ;;\n  dev) exec flask run ;;\nesac\n"),
        "docker/uwsgi.ini": "[uwsgi]\nmodule = app.wsgi\nsmart-attach-daemon = /tmp/beat.pid celery -A app beat\n",
        "docker/supervisord.conf": "[program:cron]\ncommand=cron -f\nstdout_logfile=/dev/stdout\nstdout_logfile_maxbytes=0\n",
        "Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"docker/entrypoint.sh\"]\n"
                       "CMD [\"web\"]\n"),
        "docker-compose.yml": (
            "services:\n"
            "  worker:\n    build: .\n    command: worker\n"
            "  api:\n    build: .\n    entrypoint: [\"./wait-for-it.sh\", \"db:5432\", \"--\"]\n"
            "    command: [\"gunicorn\", \"app.wsgi\"]\n"
            "  db:\n    image: mariadb:11\n    command: mysqld --character-set-server=utf8mb4\n"
            "  cron:\n    build: .\n    entrypoint: [\"supervisord\", \"-c\", \"docker/supervisord.conf\"]\n"
        ),
    })
    kinds = {p.declared_at: (p.kind, p.command) for p in result.processes}
    assert kinds["Dockerfile:5"] == ("application server", "docker/entrypoint.sh web -> uwsgi --ini docker/uwsgi.ini")
    assert kinds["docker-compose.yml:4"] == ("worker (queue consumer)", "worker -> celery -A app worker")
    assert kinds["docker-compose.yml:7"][0] == "application server"  # wait-for-it.sh ... -- gunicorn
    assert kinds["docker-compose.yml:11"][0] == "database"  # mysqld given to the mariadb image
    assert kinds["docker-compose.yml:14"][0] == "process manager (runs several processes)"
    assert kinds["docker/supervisord.conf:2"][0] == "scheduler"
    attached = [f for f in result.findings if f.rule == "TF609" and f.path == "docker/uwsgi.ini"]
    assert [f.line for f in attached] == [3]
    assert "started by Dockerfile:4 ENTRYPOINT -> docker/entrypoint.sh:3" in attached[0].message
    [image] = [p for p in result.processes if p.declared_at == "Dockerfile:5"]
    assert "TF609 docker/uwsgi.ini:3" in image.findings
    assert not [f for f in result.findings if f.path == "docker/entrypoint.sh" and f.line == 5]  # the dev arm
def test_kubernetes_and_fly_processes_are_listed_with_their_kind_and_replicas(catalogue):
    processes = {(p.name, p.declared_at): (p.kind, p.replicas, p.source)
                 for p in _inventory("k8s_fly", catalogue).values()}
    assert processes[("web", "k8s/web.yaml:17")] == ("application server", 3, "Kubernetes Deployment `web` container `web`")
    # args without a command run through the image's entrypoint; the HPA's minReplicas wins over replicas: 2
    assert processes[("worker", "k8s/web.yaml:51")] == (
        "worker (queue consumer)", 4, "Kubernetes Deployment `worker` container `worker`")
    assert processes[("clearsessions", "k8s/web.yaml:67")][:2] == ("release / one-off", 1)
    assert processes[("web", "fly.toml:9")] == ("application server", 2, "fly.toml process `web`")
    assert processes[("beat", "fly.toml:10")][:2] == ("scheduler", 1)  # min_machines_running is the web group's
    assert processes[("release", "fly.toml:6")][0] == "release / one-off"
    assert not [key for key in processes if key[0] == "migrate"]  # an init container is not a process type


def test_one_repository_with_s6_systemd_uwsgi_a_dispatcher_and_wait_for_it_lists_every_process(lint):
    """Issue 13's inventory: each process with its real command and kind, whatever declares it."""
    result = lint({
        "docker/entrypoint.sh": ("#!/bin/sh\ncase \"$1\" in\n  web) exec uwsgi --ini docker/uwsgi.ini ;;\n"
                                 "  worker) exec celery -A app worker ;;\nesac\n"),
        "docker/uwsgi.ini": "[uwsgi]\nmodule = app.wsgi\nhttp-socket = :8000\n",
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"docker/entrypoint.sh\"]\nCMD [\"web\"]\n",
        "docker-compose.yml": ("services:\n  worker:\n    build: .\n    command: worker\n"
                               "  api:\n    build: .\n    entrypoint: [\"./wait-for-it.sh\", \"db:5432\", \"--\"]\n"
                               "    command: [\"uvicorn\", \"app.asgi:app\"]\n"),
        "s6/Dockerfile": "FROM python:3.12-slim\nCOPY s6/rootfs/ /\nENTRYPOINT [\"/init\"]\n",
        "s6/rootfs/etc/s6-overlay/s6-rc.d/beat/run": "#!/command/execlineb -P\nwith-contenv\ncelery -A app beat\n",
        "s6/rootfs/etc/s6-overlay/s6-rc.d/web/run": "#!/command/with-contenv sh\nexec gunicorn app.wsgi\n",
        "s6/rootfs/etc/s6-overlay/s6-rc.d/init-db/up": "with-contenv python manage.py migrate\n",
        "deploy/app.service": "[Service]\nExecStart=/srv/.venv/bin/daphne app.asgi:application\n",
        "deploy/report.timer": "[Timer]\nOnCalendar=*-*-* 03:00\n",
    })
    kinds = {p.declared_at: (p.name, p.kind, p.command) for p in result.processes}
    assert kinds["Dockerfile:5"][1:] == ("application server", "docker/entrypoint.sh web -> uwsgi --ini docker/uwsgi.ini")
    assert kinds["docker-compose.yml:4"][1:] == ("worker (queue consumer)", "worker -> celery -A app worker")
    assert kinds["docker-compose.yml:7"][1] == "application server"  # wait-for-it.sh db:5432 -- uvicorn
    assert kinds["s6/Dockerfile:3"][1] == "process manager (runs several processes)"
    assert kinds["s6/rootfs/etc/s6-overlay/s6-rc.d/beat/run:1"] == ("beat", "scheduler", "celery -A app beat")
    assert kinds["s6/rootfs/etc/s6-overlay/s6-rc.d/web/run:1"] == ("web", "application server", "gunicorn app.wsgi")
    assert kinds["deploy/app.service:2"] == ("app", "application server", "/srv/.venv/bin/daphne app.asgi:application")
    assert kinds["deploy/report.timer:2"] == ("report", "scheduler", "OnCalendar=*-*-* 03:00 -> report.service")
    assert not [k for k in kinds if "init-db" in k]  # a oneshot is a start-up step, not a process type
    assert [(f.rule, f.path) for f in result.findings if f.rule == "TF1201"] == [
        ("TF1201", "s6/rootfs/etc/s6-overlay/s6-rc.d/init-db/up")]
