"""Start chains across files: Dockerfile -> entrypoint script, compose -> Dockerfile -> script."""

from __future__ import annotations

import pytest
from conftest import REPO

from twelvefactor_lint.analyze import analyzer_for
from twelvefactor_lint.analyze.shell.parse import unset_default
from twelvefactor_lint.analyze.shell.processes import gunicorn_config, unwrap
from twelvefactor_lint.config import Settings
from twelvefactor_lint.link import FileRequest, link
from twelvefactor_lint.runner import run


def _lint_fixture(name: str, catalogue):
    root = REPO / "fixtures" / name
    return run([root], Settings(root=root), catalogue)


def _by_rule(result, rule):
    return [f for f in result.findings if f.rule == rule]


def test_entrypoint_script_backgrounding_gunicorn_is_reported_with_its_chain(catalogue):
    result = _lint_fixture("compose_stack", catalogue)
    [finding] = _by_rule(result, "TF609")
    assert (finding.path, finding.line) == ("docker/entrypoint.sh", 5)
    assert "gunicorn proj.wsgi" in finding.message
    assert "started by Dockerfile.allinone:7 ENTRYPOINT" in finding.message
    [migration] = _by_rule(result, "TF1201")
    assert (migration.path, migration.line) == ("docker/entrypoint.sh", 4)


def test_compose_commands_supply_the_missing_cmd_of_the_image_they_build(catalogue):
    result = _lint_fixture("compose_stack", catalogue)
    assert not [f for f in _by_rule(result, "TF903") if f.path == "Dockerfile"]
    assert {(f.path, f.line) for f in _by_rule(result, "TF803")} == {("docker-compose.yml", 4), ("docker-compose.yml", 11)}


def test_a_script_run_by_a_compose_command_is_resolved_through_the_image(lint):
    result = lint({
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY . /usr/src/app/\n",
        "docker-compose.yml": "services:\n  web:\n    build: .\n    command: bash docker_cmd.sh\n",
        "docker_cmd.sh": "#!/bin/bash\nservice cron start\ngunicorn config.wsgi --bind 0.0.0.0:8000\n",
    })
    found = {(f.rule, f.path, f.line) for f in result.findings}
    assert ("TF609", "docker_cmd.sh", 2) in found
    assert ("TF902", "docker_cmd.sh", 3) in found
    assert all("started by docker-compose.yml:4 service `web`" in f.message
               for f in result.findings if f.path == "docker_cmd.sh")


def test_a_setup_script_its_caller_runs_before_the_server_is_a_step_not_the_server(lint):
    files = {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"./deploy/server.sh\"]\n",
        "deploy/server.sh": "#!/bin/sh\n./deploy/init.sh\nexec uwsgi\n",
        "deploy/init.sh": "#!/bin/sh\npython manage.py collectstatic --no-input\npython -m whitenoise.compress media\n",
    }
    found = {(f.rule, f.path, f.line) for f in lint(files).findings}
    assert ("TF501", "deploy/init.sh", 2) in found  # its start-time work is still judged
    assert not [f for f in found if f[0] == "TF902"]
    # a known server last in the followed script is still judged: the caller's next command never runs
    files["deploy/init.sh"] = "#!/bin/sh\ngunicorn app:app\n"
    assert ("TF902", "deploy/init.sh", 2) in {(f.rule, f.path, f.line) for f in lint(files).findings}
    # the same one-shot program last in the script the image starts is its main process
    files["deploy/server.sh"] = "#!/bin/sh\n./deploy/init.sh\n"
    files["deploy/init.sh"] = "#!/bin/sh\npython -m app.main\n"
    assert ("TF902", "deploy/init.sh", 2) in {(f.rule, f.path, f.line) for f in lint(files).findings}


def test_workdir_and_copy_destinations_use_env_and_arg_values(lint):
    result = lint({
        "app/Dockerfile": ("FROM python:3.12-slim\nARG HOME_DIR=/home/app\nENV APP_HOME=${HOME_DIR}/web\n"
                           "WORKDIR $APP_HOME\nCOPY ./start.sh .\nENTRYPOINT [\"/home/app/web/start.sh\"]\n"),
        "app/start.sh": "#!/bin/sh\npip install -r requirements.txt\nexec gunicorn app:app\n",
    })
    assert [(f.rule, f.path, f.line) for f in result.findings] == [("TF501", "app/start.sh", 2)]


def test_scripts_are_read_only_when_something_runs_them(lint):
    result = lint({
        "scripts/deploy.sh": "#!/bin/sh\npip install -r requirements.txt\nnginx && gunicorn app:app\n",
        "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nENTRYPOINT [\"/app/missing.sh\"]\n",
    })
    assert result.findings == ()
    assert result.analyzed == 1  # the Dockerfile only: the script nothing runs, and a missing one, are not read


def test_a_script_in_scripts_dir_run_as_entrypoint_is_judged_as_production(lint):
    result = lint({
        "scripts/start.sh": "#!/bin/sh\npython manage.py runserver 0.0.0.0:8000\n",
        "Dockerfile": "FROM python:3.12-slim\nCOPY scripts /scripts\nCMD [\"/scripts/start.sh\"]\n",
    })
    assert sorted((f.rule, f.path) for f in result.findings) == [("TF1004", "scripts/start.sh"), ("TF902", "scripts/start.sh")]


def test_awkward_dockerfiles_give_exact_lines_and_no_wrong_findings(lint):
    result = lint({
        "dockerfile": "FROM python:3.12\r\nRUN <<EOF\r\nCMD supervisord\r\nEOF\r\nCMD [\"gunicorn\", \"app:app\"]\r\n",
        "web/Dockerfile": "FROM python:3.12\nRUN apt-get update && \\\n\n    # comment\n    apt-get install -y nginx\n"
                          "CMD nginx && gunicorn app:app\n",
        "compose.yaml": "services:\n  - name: web\n    container_name: web\n",
        "docker-compose.yml": "services: [unclosed\n",
    })
    found = sorted((f.rule, f.path, f.line) for f in result.findings)
    assert found == [("TF001", "docker-compose.yml", 1), ("TF609", "web/Dockerfile", 6), ("TF901", "web/Dockerfile", 6)]


def test_an_escape_directive_changes_the_continuation_character(lint):
    result = lint({"Dockerfile": "# escape=`\nFROM python:3.12\nRUN pip install `\n    flask\n"
                                 "CMD nginx && `\n  gunicorn app:app\n"})
    assert sorted((f.rule, f.line) for f in result.findings) == [("TF609", 5), ("TF901", 5)]


def test_a_script_that_starts_the_server_in_a_function_is_read_through_the_call(lint):
    result = lint({
        "entry.sh": ("#!/bin/sh\ninit() {\n  python manage.py migrate\n}\nstart() {\n  gunicorn app:app\n}\n"
                     "init\nstart\n"),
        "Dockerfile": "FROM python:3.12-slim\nCOPY entry.sh /entry.sh\nENTRYPOINT [\"/entry.sh\"]\n",
    })
    assert sorted((f.rule, f.line) for f in result.findings) == [("TF1201", 3), ("TF902", 6)]


def test_a_script_run_by_a_scaled_compose_service_takes_its_replicas_and_is_its_process(lint):
    result = lint({
        "start.sh": "#!/bin/sh\npython manage.py migrate --noinput\nexec gunicorn mysite.wsgi\n",
        "docker-compose.yml": "services:\n  web:\n    build: .\n    command: ./start.sh\n    deploy:\n      replicas: 3\n",
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n",
    })
    [finding] = [f for f in result.findings if f.rule == "TF1201"]
    assert (finding.path, finding.line, finding.severity) == ("start.sh", 2, "error")
    assert "each of its 3 replicas" in finding.message
    [web] = [p for p in result.processes if p.declared_at == "docker-compose.yml:4"]
    assert (web.kind, web.command, web.replicas) == ("application server", "./start.sh -> gunicorn mysite.wsgi", 3)
    assert web.findings == ("TF1201 start.sh:2",)


class _Files:
    """A project of three files, as the link stage sees it: it asks what exists and for reads, nothing else."""

    def __init__(self, files: dict[str, str]):
        self.files, self.requests = files, []

    def exists(self, rel):
        return rel in self.files

    def paths(self):
        return self.files.keys()

    def lazy_refs(self):
        return None  # no Python module left unread

    def project_name(self):
        return "shop"

    def read(self, requests):
        self.requests += requests
        return [fact for r in requests for fact in analyzer_for(r.kind)(r.rel, self.files[r.rel].encode()).facts]


def test_the_link_stage_reads_started_scripts_through_its_project_files_and_links_them():
    files = _Files({
        "Dockerfile": 'FROM python:3.12-slim\nCOPY start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
        "start.sh": "#!/bin/sh\npython manage.py migrate\nexec gunicorn app:app\n",
        "other.sh": "#!/bin/sh\nnginx\n",
    })
    linked = link(analyzer_for("dockerfile")("Dockerfile", files.files["Dockerfile"].encode()).facts, files)
    assert files.requests == [FileRequest("start.sh", "shell", "Dockerfile")]
    migration = next(f for f in linked.facts if f.kind == "process.migration_at_start")
    assert (migration.path, migration.started_by) == ("start.sh", "Dockerfile:3 ENTRYPOINT")
    assert (migration.started_by_path, migration.started_by_line) == ("Dockerfile", 3)
    [image] = linked.inventory.processes([])
    assert image.command == "/start.sh -> gunicorn app:app"


def test_scripts_started_by_a_script_are_followed_with_the_whole_chain(lint):
    result = lint({
        "app/entrypoint.sh": "#!/bin/bash\n./checks.sh && exec ./web.sh\n",
        "app/checks.sh": "#!/bin/bash\n./manage.py migrate\necho done\n",
        "app/web.sh": "#!/bin/bash\ngunicorn app.wsgi --bind 0.0.0.0:8000\n",
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv/app\nCOPY app .\nCMD [\"./entrypoint.sh\"]\n",
    })
    found = {(f.rule, f.path, f.line) for f in result.findings}
    assert found == {("TF1201", "app/checks.sh", 2), ("TF701", "app/web.sh", 2), ("TF902", "app/web.sh", 2)}
    [migration] = [f for f in result.findings if f.rule == "TF1201"]
    assert "started by Dockerfile:4 CMD -> app/entrypoint.sh:2" in migration.message
    [image] = [p for p in result.processes if p.declared_at == "Dockerfile:4"]
    assert (image.kind, image.command) == ("application server", "./entrypoint.sh -> gunicorn app.wsgi --bind 0.0.0.0:8000")


def test_a_copy_from_a_build_stage_is_traced_to_the_stage_sources(lint):
    result = lint({
        "docker/start.sh": "#!/bin/sh\numap migrate\ngunicorn app:app\n",
        "deploy/Dockerfile": ("FROM python:3.12-slim AS build\nWORKDIR /app\nCOPY docker/ /app/\n"
                              "FROM python:3.12-slim\nCOPY --from=build /app /srv\nCMD [\"/srv/start.sh\"]\n"),
    })
    assert {(f.rule, f.path, f.line) for f in result.findings} == {("TF1201", "docker/start.sh", 2),
                                                                   ("TF902", "docker/start.sh", 3)}


def test_a_compose_service_running_the_projects_published_image_uses_its_dockerfile(lint):
    result = lint({
        "myapp/__init__.py": "",
        "entrypoint.sh": "#!/bin/sh\nmyapp-cli db upgrade\nexec gunicorn myapp:app\n",
        "Dockerfile": ("FROM python:3.12-slim\nWORKDIR /usr/src/app\nCOPY entrypoint.sh /usr/src/app/\n"
                       "ENTRYPOINT [\"tini\", \"--\"]\n"),
        "docker-compose.yml": "services:\n  web:\n    image: ghcr.io/org/myapp:1.0\n    command: sh entrypoint.sh\n",
    })
    assert ("TF1201", "entrypoint.sh", 2) in {(f.rule, f.path, f.line) for f in result.findings}


def test_a_compose_service_running_an_image_another_service_builds_and_tags_uses_its_dockerfile(lint):
    result = lint({
        "docker/api-start.sh": "#!/bin/bash\nsleep 10\ngunicorn app:app\n",
        "Dockerfile": "FROM python:3.12-slim\nCOPY . /srv/app\n",
        "docker-compose.yml": ("services:\n  data:\n    build: .\n    image: svc:latest\n"
                               "  api:\n    image: svc:latest\n"
                               "    entrypoint: [\"/srv/app/docker/api-start.sh\"]\n"
                               "  other:\n    image: elsewhere/svc:latest\n"
                               "    entrypoint: [\"/srv/app/docker/api-start.sh\"]\n"),
    })
    found = [f for f in result.findings if f.rule == "TF902"]
    assert [(f.path, f.line) for f in found] == [("docker/api-start.sh", 3)]
    assert "docker-compose.yml:7 service `api`" in found[0].message


def test_a_variable_prefix_does_not_hide_the_server(lint):
    result = lint({
        "start.sh": "#!/bin/bash\nPREFIX=''\n${PREFIX} uvicorn app:app --port 8000\necho stopped\n",
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT [\"start.sh\"]\n",
    })
    assert [(f.rule, f.line) for f in result.findings] == [("TF701", 3), ("TF902", 3)]
    [image] = result.processes
    assert image.kind == "application server"


_DISPATCHER = (
    "#!/bin/sh\n"
    "python manage.py migrate\n"
    "case \"$1\" in\n"
    "  server) gunicorn app.wsgi ;;\n"
    "  worker) exec celery -A app worker ;;\n"
    "  dev_server) python manage.py runserver 0.0.0.0:8000 ;;\n"
    "  *) exec \"$@\" ;;\n"
    "esac\n"
)


def test_a_dispatcher_entrypoint_runs_the_arm_each_command_selects(lint):
    result = lint({
        "entrypoint.sh": _DISPATCHER,
        "Dockerfile": ("FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\n"
                       "ENTRYPOINT [\"/entrypoint.sh\"]\nCMD [\"server\"]\n"),
        "docker-compose.yml": "services:\n  web:\n    build: .\n  worker:\n    build: .\n    command: worker\n",
    })
    found = {(f.rule, f.path, f.line) for f in result.findings if f.path == "entrypoint.sh"}
    assert ("TF902", "entrypoint.sh", 4) in found  # the server arm, which the image's CMD selects
    assert not any(line == 6 for _, _, line in found)  # the dev arm nobody selects is left alone
    [no_exec] = [f for f in result.findings if f.rule == "TF902"]
    assert "started by Dockerfile:3 ENTRYPOINT" in no_exec.message
    kinds = {p.declared_at: (p.kind, p.command) for p in result.processes}
    assert kinds["docker-compose.yml:6"] == ("worker (queue consumer)", "worker -> celery -A app worker")
    assert kinds["Dockerfile:4"][0] == "application server"


def test_a_compose_build_target_resolves_scripts_through_that_stage(lint):
    """`build: target: app` builds an earlier stage: its COPY and WORKDIR place the script, not the final stage's."""
    result = lint({
        "Dockerfile": ("FROM python:3.12-slim AS app\nWORKDIR /srv/app/\nCOPY docker/entrypoint-web.sh ./\n"
                       "FROM nginx AS proxy\nWORKDIR /srv/app/\nCOPY docker/nginx.conf /etc/nginx/conf.d/\n"),
        "docker/docker-compose.yml": ("services:\n  web:\n    build:\n      context: ..\n      target: app\n"
                                      "    entrypoint: /srv/app/entrypoint-web.sh\n"),
        "docker/entrypoint-web.sh": "#!/bin/bash\npython manage.py migrate\nuvicorn config.asgi:application\n",
    })
    found = {(f.rule, f.path, f.line) for f in result.findings if f.path == "docker/entrypoint-web.sh"}
    assert found == {("TF1201", "docker/entrypoint-web.sh", 2), ("TF902", "docker/entrypoint-web.sh", 3)}


def test_a_procfile_line_runs_its_script_from_the_app_root(lint):
    result = lint({"Procfile": "web: bash Procfile.sh\n",
                   "Procfile.sh": "#!/bin/bash\npython manage.py migrate\ngunicorn app.wsgi --log-file -\n"})
    # no TF902 for gunicorn not `exec`ed: without a Dockerfile the dyno manager signals every process of the dyno
    assert {(f.rule, f.path, f.line) for f in result.findings} == {("TF1201", "Procfile.sh", 2)}
    assert all("started by Procfile:1 `web`" in f.message for f in result.findings)


def test_a_relative_path_in_a_procfile_line_is_a_script_of_the_project(lint):
    result = lint({"Procfile": "web: bin/start-nginx gunicorn app.wsgi\n",
                   "bin/start-nginx": ("#!/usr/bin/env bash\n(\n  COMMAND=${@:$n}\n  $COMMAND\n) &\n"
                                       "tail -qF /tmp/logs/*.log &\nexec nginx -g 'daemon off;'\n")})
    [finding] = _by_rule(result, "TF609")
    assert (finding.path, finding.line) == ("bin/start-nginx", 4)
    assert finding.message.startswith("script `start-nginx` sends `$COMMAND` to the background")
    assert "(started by Procfile:1 `web`) (and also `tail` (line 6))" in finding.message


def test_eval_of_a_command_line_the_script_sets_runs_that_line(lint):
    script = ('#!/bin/sh\nCMD="gunicorn app:app --access-logfile /var/log/app/access.log"\n'
              'python manage.py migrate\neval "$CMD"\n')
    result = lint({"Dockerfile": "FROM python:3.12-slim\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n",
                   "start.sh": script})
    assert {(f.rule, f.line) for f in result.findings if f.path == "start.sh"} == {
        ("TF1201", 3), ("TF902", 4), ("TF1103", 4)}
    exec_form = lint({"Dockerfile": "FROM python:3.12-slim\nCOPY start.sh /start.sh\nCMD [\"/start.sh\"]\n",
                      "start.sh": script.replace('eval "$CMD"', 'eval "exec $CMD"')})
    assert "TF902" not in {f.rule for f in exec_form.findings}


def test_a_uwsgi_yaml_config_the_start_command_loads_is_read(lint):
    dockerfile = 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD ["uwsgi", "--yaml", "deploy/uwsgi.yml"]\n'
    result = lint({"Dockerfile": dockerfile,
                   "deploy/uwsgi.yml": ("uwsgi:\n  module: app.wsgi:application\n  logto: /var/log/uwsgi.log\n"
                                        "  pidfile: '/tmp/uwsgi.pid'\n")})
    assert {(f.rule, f.path, f.line) for f in result.findings} == {
        ("TF1103", "deploy/uwsgi.yml", 3), ("TF801", "deploy/uwsgi.yml", 4)}


def test_a_gunicorn_config_the_start_command_loads_is_read_as_one_whatever_its_name(lint):
    dockerfile = ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                  "COPY docker/files/usr/local/etc/gunicorn/app.py /usr/local/etc/gunicorn/app.py\n"
                  'CMD ["gunicorn", "-c", "/usr/local/etc/gunicorn/app.py", "app.wsgi"]\n')
    config = 'import os\n\nbind = "0.0.0.0:8000"\ndaemon = True\npidfile = "/run/app.pid"\naccesslog = "/var/log/a.log"\n'
    result = lint({"Dockerfile": dockerfile, "docker/files/usr/local/etc/gunicorn/app.py": config,
                   "app/server.py": config})  # the same settings in a module nothing loads: an ordinary module
    assert {(f.rule, f.path, f.line, f.severity) for f in result.findings} == {
        ("TF801", "docker/files/usr/local/etc/gunicorn/app.py", 4, "error"),
        ("TF801", "docker/files/usr/local/etc/gunicorn/app.py", 5, "warning"),
        ("TF1103", "docker/files/usr/local/etc/gunicorn/app.py", 6, "warning")}
    assert result.analyzed == 3  # read twice (as a module, then as the server's config), counted once


def test_a_gunicorn_config_loaded_by_the_cmd_an_entrypoint_script_execs_is_read(lint):
    result = lint({"Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                                  'ENTRYPOINT ["/app/entrypoint.sh"]\nCMD ["gunicorn", "-c", "deploy/web.py", "app.wsgi"]\n'),
                   "entrypoint.sh": '#!/bin/sh\nexec "$@"\n', "deploy/web.py": "daemon = True\n"})
    assert [(f.rule, f.path, f.line) for f in result.findings] == [("TF801", "deploy/web.py", 1)]


def test_gunicorn_configs_named_as_modules_or_without_a_py_suffix_are_read(lint):
    result = lint({"Procfile": "web: gunicorn -c python:pkg.conf app:app\nworker: gunicorn --config=gunicorn.conf w:app\n",
                   "pkg/__init__.py": "", "pkg/conf.py": 'errorlog = "/var/log/err.log"\n',
                   "gunicorn.conf": "workers = 2\ndaemon = True\n"})
    assert {(f.rule, f.path, f.line) for f in result.findings} == {("TF1103", "pkg/conf.py", 1),
                                                                   ("TF801", "gunicorn.conf", 2)}


@pytest.mark.parametrize(("command", "config"), [
    ("gunicorn -c conf/server.py app:app", "conf/server.py"),
    ("gunicorn app:app --config=deploy/gunicorn.conf", "deploy/gunicorn.conf"),
    ("/venv/bin/gunicorn -cconf.py app:app", "conf.py"),
    ("python -m gunicorn -c python:pkg.settings.gunicorn app:app", "pkg/settings/gunicorn.py"),
    ("gunicorn -c $GUNICORN_CONF app:app", None),
    ("gunicorn -c gunicorn.toml app:app", None),
    ("gunicorn --capture-output app:app", None),
    ("celery -A app worker -c 4", None),
    ("/usr/local/bin/entrypoint gunicorn -c /etc/gunicorn/app.py app:app", "/etc/gunicorn/app.py"),
    ("bin/start-nginx gunicorn -c gunicorn.conf app:app", "gunicorn.conf"),
    ("pip install gunicorn -c constraints", None),
])
def test_the_gunicorn_config_a_command_loads(command, config):
    assert gunicorn_config(tuple(command.split())) == config


_S6_ROOT = {
    "Dockerfile": "FROM python:3.12-slim\nCOPY rootfs/ /\nCOPY . /app\nENTRYPOINT [\"/init\"]\n",
    "rootfs/etc/s6-overlay/s6-rc.d/web/type": "longrun\n",
    "rootfs/etc/s6-overlay/s6-rc.d/web/run": "#!/command/with-contenv bash\ncd /app\nexec s6-setuidgid app gunicorn app.wsgi\n",
    "rootfs/etc/s6-overlay/s6-rc.d/web/finish": "#!/bin/sh\npython manage.py migrate\n",
    "rootfs/etc/s6-overlay/s6-rc.d/migrate/type": "oneshot\n",
    "rootfs/etc/s6-overlay/s6-rc.d/migrate/up": "/etc/s6-overlay/scripts/migrate\n",
    "rootfs/etc/s6-overlay/scripts/migrate": "#!/command/with-contenv sh\ncd /app\npython manage.py migrate --noinput\n",
    "rootfs/etc/s6-overlay/s6-rc.d/perms/up": "with-contenv\nforeground { chown -R app /data }\nchmod 700 /data\n",
}


def test_an_s6_oneshot_migration_runs_before_the_longruns_and_names_its_hop(lint):
    result = lint(_S6_ROOT)
    found = {(f.rule, f.path, f.line, f.severity) for f in result.findings}
    assert ("TF1201", "rootfs/etc/s6-overlay/scripts/migrate", 3, "warning") in found
    [migration] = _by_rule(result, "TF1201")
    assert "started by rootfs/etc/s6-overlay/s6-rc.d/migrate/up:1" in migration.message
    # the finish script is not read, the chown-only oneshot says nothing, the exec'd longrun is clean
    assert not [f for f in result.findings if "/finish" in f.path or "/perms/" in f.path or "/web/" in f.path]
    [manager] = _by_rule(result, "TF609")
    assert "`web`" in manager.message  # s6-overlay's /init names the longruns it supervises
    assert manager.severity == "info" and "runs one program" in manager.message  # one longrun: one process


def test_s6_with_two_longruns_is_several_processes_in_one_container(lint):
    result = lint({**_S6_ROOT, "rootfs/etc/s6-overlay/s6-rc.d/worker/type": "longrun\n",
                   "rootfs/etc/s6-overlay/s6-rc.d/worker/run": "#!/bin/sh\nexec celery -A app worker\n"})
    [manager] = _by_rule(result, "TF609")
    assert manager.severity == "error" and "`web`, `worker`" in manager.message


def test_a_build_step_the_image_already_ran_is_named_when_a_start_command_repeats_it(lint):
    result = lint({
        "Dockerfile": ("FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                       "RUN pip install -r requirements.txt \\\n && python manage.py collectstatic --noinput\n"
                       "RUN npm run build --prefix assets\n"
                       'ENTRYPOINT ["/app/start.sh"]\n'
                       'CMD ["sh", "-c", "pip install -r requirements.txt && exec gunicorn app.wsgi"]\n'),
        "start.sh": "#!/bin/sh\npython manage.py collectstatic --clear\nnpm run build\nexec \"$@\"\n",
    })
    repeats = {(f.path, f.line): f.message for f in _by_rule(result, "TF501")}
    assert "which the image already did (Dockerfile:4)" in repeats[("start.sh", 2)]  # the RUN instruction's line
    assert "already did" not in repeats[("start.sh", 3)]  # `npm run build` without the image's `--prefix assets`
    assert "which the image already did (Dockerfile:4)" in repeats[("Dockerfile", 8)]


def test_an_install_guarded_by_a_path_the_image_build_creates_is_the_dev_mount_case(lint):
    result = lint({
        "Dockerfile": ("FROM python:3.12-slim\nWORKDIR /code/app\nCOPY . /code/app\n"
                       "RUN pip install -e .[all]\nRUN npm ci\n"
                       'ENTRYPOINT ["/code/app/start.sh"]\nCMD ["gunicorn", "app.wsgi"]\n'),
        "start.sh": ("#!/bin/sh\nif ! [ -e app.egg-info ]; then\n  pip install -e .\nfi\n"
                     "test -d node_modules || npm install\n"
                     "[ ! -d /opt/venv ] && uv sync\n"  # outside the image's working directory: not known to exist
                     "if [ -d app.egg-info ]; then pip install -r extra.txt; fi\n"  # runs when it exists
                     "exec \"$@\"\n"),
    })
    found = {(f.line, f.severity): f.message for f in _by_rule(result, "TF501")}
    assert set(found) == {(3, "info"), (5, "info"), (6, "warning"), (7, "warning")}
    assert "only when `app.egg-info` is missing, and the image's own build creates it (Dockerfile:4)" in found[(3, "info")]
    assert "(Dockerfile:5)" in found[(5, "info")]


def test_s6_services_an_image_copies_into_s6_overlay_are_read_as_services(lint):
    result = lint({
        "Dockerfile": ("FROM python:3.12-slim\nCOPY docker/s6/ /etc/s6-overlay/s6-rc.d/\n"
                       "COPY scripts/migrate.sh /app/migrate.sh\nENTRYPOINT [\"/init\"]\n"),
        "docker/s6/web/type": "longrun\n",
        "docker/s6/web/run": "#!/command/with-contenv sh\nexec gunicorn app.wsgi >> /var/log/app.log\n",
        "docker/s6/migrate/type": "oneshot\n",
        "docker/s6/migrate/up": "/app/migrate.sh\n",
        "scripts/migrate.sh": "#!/bin/sh\ncd /app\npython manage.py migrate --noinput\n",
        "other/s6/web/run": "#!/bin/sh\nexec gunicorn app.wsgi >> /var/log/app.log\n",  # copied nowhere: not read
    })
    assert {(f.rule, f.path, f.line) for f in result.findings} == {
        ("TF609", "Dockerfile", 4), ("TF1103", "docker/s6/web/run", 2), ("TF1201", "scripts/migrate.sh", 3)}
    [web] = [p for p in result.processes if p.declared_at == "docker/s6/web/run:1"]
    assert (web.kind, web.command) == ("application server", "gunicorn app.wsgi")


def test_a_service_directory_named_migrate_or_test_is_still_judged_as_an_s6_service(lint):
    result = lint({"rootfs/etc/services.d/test/run": "#!/bin/sh\nexec gunicorn app.wsgi >> /var/log/app.log 2>&1\n"})
    assert [(f.rule, f.line) for f in result.findings] == [("TF1103", 2)]


def test_execline_run_scripts_are_one_exec_chain():
    from twelvefactor_lint.facts.process import ProcessStart, ScriptWithoutExec

    data = (b"#!/command/execlineb -P\nwith-contenv\nforeground { python manage.py collectstatic }\n"
            b"s6-setuidgid app\ngunicorn app.wsgi\n")
    facts = analyzer_for("s6")("rootfs/etc/s6-overlay/s6-rc.d/web/run", data).facts
    [start] = [f for f in facts if isinstance(f, ProcessStart)]
    assert (start.main, start.main_role, start.source) == ("gunicorn app.wsgi", "web_server", "s6 longrun `web`")
    assert not [f for f in facts if isinstance(f, ScriptWithoutExec)]
    assert [f.kind for f in facts if f.line == 3] == ["process.build_at_start"]


def test_systemd_units_are_read_through_the_command_analysis(lint):
    result = lint({
        "deploy/app.service": ("[Unit]\nDescription=app\n[Service]\n; PIDFile=/run/app.pid\nType=forking\n"
                               "ExecStartPre=-/srv/.venv/bin/python manage.py migrate\n"
                               "ExecStart=/srv/.venv/bin/gunicorn --daemon \\\n  --pid /run/app.pid app.wsgi\n"),
        "deploy/cleanup.timer": "[Timer]\nOnCalendar=daily\nUnit=cleanup.service\n",
        "deploy/dbus.service": "[D-BUS Service]\nName=org.example.App\nExec=/usr/bin/app --daemon\n",
        "docs/app.service": "[Service]\nType=forking\nExecStart=/usr/bin/gunicorn -D app\n",
    })
    found = [(f.rule, f.path, f.line, f.severity) for f in result.findings]
    # the server is told to detach: that is the finding; the unit's `Type=forking` and the `--pid` are its bookkeeping
    assert found == [("TF1201", "deploy/app.service", 6, "warning"), ("TF801", "deploy/app.service", 7, "error")]
    kinds = {p.declared_at: (p.kind, p.command) for p in result.processes}
    assert kinds["deploy/app.service:7"][0] == "application server"
    assert kinds["deploy/cleanup.timer:2"] == ("scheduler", "OnCalendar=daily -> cleanup.service")


_UNIT = "[Service]\n{lines}ExecStart={command}\n"


@pytest.mark.parametrize("lines, command, expected", [
    # PIDFile= in a unit that does not fork: systemd ignores it
    ("Type=simple\nPIDFile=/run/app.pid\n", "/srv/.venv/bin/celery -A app worker", []),
    ("PIDFile=/run/app.pid\n", "/srv/.venv/bin/gunicorn app.wsgi", []),
    # the stock nginx unit: systemd tracks the forked master through its PID file
    ("Type=forking\nPIDFile=/run/nginx.pid\n", "/usr/sbin/nginx -c /etc/nginx/nginx.conf", [(2, "info")]),
    # a fork systemd has to guess
    ("Type=forking\n", "/bin/bash -c 'screen -dmS app /opt/app/run.sh'", [(2, "warning")]),
    # the server itself is told to detach: the finding is its flag, whatever the unit declares
    ("Type=forking\nPIDFile=/run/app.pid\n", "/srv/.venv/bin/gunicorn --daemon --pid /run/app.pid app.wsgi",
     [(4, "error")]),
    ("", "/srv/.venv/bin/gunicorn -D app.wsgi", [(2, "error")]),
    ("Type=simple\nPIDFile=/run/beat.pid\n", "/srv/.venv/bin/celery -A app beat --pidfile=", []),  # turned off
    # a server that writes a PID file in a unit that does not fork: it stays in the foreground and systemd tracks
    # it itself, the file only mirrors that PID (info)
    ("", "/srv/.venv/bin/gunicorn --pid /run/app/app.pid app.wsgi", [(2, "info")]),
])
def test_a_systemd_unit_detaches_only_when_its_process_does(lint, lines, command, expected):
    result = lint({"deploy/app.service": _UNIT.format(lines=lines, command=command)})
    assert [(f.line, f.severity) for f in _by_rule(result, "TF801")] == expected


@pytest.mark.parametrize("script, expected", [
    ("#!/bin/sh\nexec uwsgi --ini uwsgi.ini\n", "info"),  # written to /tmp, never read
    ("#!/bin/sh\nrm -f /tmp/app.pid\nexec uwsgi --ini uwsgi.ini\n", "warning"),  # a start command names it
])
def test_a_pid_file_in_tmp_that_nothing_reads_is_inert(lint, script, expected):
    result = lint({"uwsgi.ini": "[uwsgi]\nmodule = app.wsgi\npidfile = /tmp/app.pid\n", "start.sh": script,
                   "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"sh\", \"start.sh\"]\n"})
    assert [(f.path, f.line, f.severity) for f in _by_rule(result, "TF801")] == [("uwsgi.ini", 3, expected)]


@pytest.mark.parametrize("dev_first", [True, False])
def test_a_script_reached_from_a_dev_compose_and_a_production_image_is_judged_as_production(lint, dev_first):
    """The production referrer decides whichever hop reaches the script first (the image is production's too: a
    production compose file builds it)."""
    dev_command, prod_command = ("docker/start.sh", "docker/boot.sh") if dev_first else ("docker/boot.sh", "docker/start.sh")
    result = lint({
        "Dockerfile": f"FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"sh\", \"{prod_command}\"]\n",
        "docker-compose.yml": "services:\n  web:\n    build: .\n",
        "docker-compose.dev.yml": f"services:\n  web:\n    build: .\n    command: {dev_command}\n",
        "docker/boot.sh": "#!/bin/sh\nexec docker/start.sh\n",
        "docker/start.sh": "#!/bin/sh\npython manage.py migrate\nexec gunicorn app.wsgi\n",
    })
    [migration] = _by_rule(result, "TF1201")
    assert (migration.path, migration.severity) == ("docker/start.sh", "warning")
    assert "dev-only" not in migration.message


_IF_DISPATCHER = ('#!/bin/bash\nif [ "$1" == "web" ]\nthen\n  exec gunicorn app:app\n'
                  'elif [ "$1" == "web-local" ]\nthen\n  npm run build\n  exec flask run --host 0.0.0.0\n'
                  'else\n  exec "$@"\nfi\n')


@pytest.mark.parametrize("argument, expected", [
    ("web", set()),
    ("web-local", {("TF501", 7), ("TF1004", 8)}),
    ("celery", set()),
])
def test_an_if_chain_on_the_first_argument_is_a_dispatcher(lint, argument, expected):
    # each branch is an arm: only the one the CMD's first word selects runs
    result = lint({"entrypoint.sh": _IF_DISPATCHER,
                   "Dockerfile": ("FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\n"
                                  f'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["{argument}"]\n')})
    assert {(f.rule, f.line) for f in result.findings if f.path == "entrypoint.sh"} == expected


def test_a_start_without_arguments_selects_the_arm_the_subject_defaults_to(lint):
    script = ('#!/bin/sh\nDEFAULT="api"\nROLE=${1:-$DEFAULT}\n'
              'if [ "$ROLE" = "api" ]; then\n  gunicorn app:app\nfi\n'
              'if [ "$ROLE" = "worker" ]; then\n  celery -A app worker\nfi\n')
    result = lint({"start.sh": script,
                   "Dockerfile": 'FROM python:3.12-slim\nCOPY start.sh /start.sh\nENTRYPOINT ["sh", "/start.sh"]\n'})
    assert {(f.rule, f.line) for f in result.findings if f.path == "start.sh"} == {("TF902", 5)}


def test_a_doubly_negated_test_asks_that_the_variable_be_set(lint):
    # `[ ! -z "$SOCKET" ]`: the then branch is opt-in; the else branch is what a deploy that sets nothing runs
    script = ('#!/bin/sh\nif [ ! -z "$UNIX_SOCKET" ]; then\n  python -m app --unix-socket "$UNIX_SOCKET"\n'
              'else\n  python -m app --port 5000\nfi\n')
    result = lint({"run.sh": script, "Dockerfile": 'FROM python:3.12-slim\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n'})
    assert [(f.rule, f.line, f.severity) for f in result.findings if f.path == "run.sh"] == [("TF902", 5, "warning")]


def test_a_production_switch_turned_off_is_a_development_switch(lint):
    # the reloading server of the `= 0` branch is development code: no TF1004, its missing `exec` only info
    script = ('#!/bin/bash\nif [ "$IN_PRODUCTION" = 1 ]; then\n  exec gunicorn app:app\n'
              'elif [ "$IN_PRODUCTION" = 0 ]; then\n  gunicorn app:app --reload\nfi\n')
    result = lint({"run.sh": script, "Dockerfile": 'FROM python:3.12-slim\nCOPY run.sh /run.sh\nCMD ["/run.sh"]\n'})
    [finding] = [f for f in result.findings if f.path == "run.sh"]
    assert (finding.rule, finding.line, finding.severity) == ("TF902", 5, "info")
    assert "dev-only" in finding.message and 'only when `[ "$IN_PRODUCTION" = 0 ]`' in finding.message


def test_a_compose_command_is_the_argument_of_an_entrypoint_run_through_sh(lint):
    # `ENTRYPOINT ["sh", "scripts/start.sh"]` runs the script as `["scripts/start.sh"]` would: `command: worker` selects
    script = ('#!/bin/sh\nROLE=${1:-api}\nif [ "$ROLE" = "api" ]; then\n  gunicorn app:app\n'
              'elif [ "$ROLE" = "worker" ]; then\n  celery -A app worker\nfi\n')
    result = lint({"scripts/start.sh": script,
                   "Dockerfile": ('FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n'
                                  'ENTRYPOINT ["sh", "scripts/start.sh"]\n'),
                   "docker-compose.yml": "services:\n  web:\n    build: .\n  worker:\n    build: .\n    command: worker\n"})
    assert {(f.rule, f.line) for f in result.findings if f.path == "scripts/start.sh"} == {("TF902", 4), ("TF902", 6)}


def test_a_step_under_a_platform_variable_is_what_production_runs(lint):
    # Cloud Foundry sets CF_INSTANCE_INDEX in every instance: migrating on instance 0 is no opt-in
    script = ('#!/bin/bash\nif [[ -v CF_INSTANCE_INDEX && $CF_INSTANCE_INDEX == 0 ]]\nthen\n'
              '  python manage.py migrate --noinput\nfi\nexec gunicorn app.wsgi\n')
    result = lint({"bin/run.sh": script, "Procfile": "web: bin/run.sh\n", "manifest.yml": "applications:\n  - name: web\n"})
    assert [(f.rule, f.line, f.severity) for f in result.findings if f.path == "bin/run.sh"] == [("TF1201", 4, "warning")]


@pytest.mark.parametrize("argv, program", [
    (("newrelic-admin", "run-program", "gunicorn", "app:app"), ("gunicorn", "app:app")),
    (("newrelic-admin", "run-python", "manage.py", "migrate"), ("python", "manage.py", "migrate")),
    (("newrelic-admin", "generate-config", "key"), ("newrelic-admin", "generate-config", "key"))])
def test_new_relics_agent_wrapper_is_unwrapped_to_the_program_it_runs(argv, program):
    assert unwrap(argv) == program


@pytest.mark.parametrize("condition, variables, unset", [
    ('when `[ "$PRODUCTION" = 0 ]`', {"PRODUCTION": "${IN_PRODUCTION:-0}"}, "IN_PRODUCTION"),
    ('when `[ "$PRODUCTION" = 1 ]`', {"PRODUCTION": "${IN_PRODUCTION:-0}"}, ""),
    ('unless `[ "$PRODUCTION" = 0 ]`', {"PRODUCTION": "${IN_PRODUCTION:-0}"}, ""),
    ('when `[ "$PRODUCTION" = 0 ]`', {"PRODUCTION": "0"}, "")])
def test_a_switch_whose_fallback_selects_the_branch_names_the_unset_variable(condition, variables, unset):
    assert unset_default(condition, variables) == unset


def test_a_script_a_compose_service_runs_in_a_development_image_is_development_code(lint):
    result = lint({
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"gunicorn\", \"app.wsgi\"]\n",
        "Dockerfile.development": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\n",
        "docker-compose.yml": ("services:\n  app:\n    build:\n      context: .\n      dockerfile: Dockerfile.development\n"
                               "    command: ./bin/runserver.sh 0:8000\n"),
        "bin/runserver.sh": "#!/bin/bash\ngunicorn app.wsgi --reload $@\n",
    })
    assert [(f.path, f.severity) for f in _by_rule(result, "TF902")] == [("bin/runserver.sh", "info")]


@pytest.mark.parametrize("script, expected", [
    # a developer's tool the development stack runs against the bind-mounted source: serves nothing
    ("#!/bin/bash\npip install -U uv\nuv pip compile requirements/prod.in -o requirements/prod.txt\n", "info"),
    # the same stack's worker: what it runs may well be what a deploy runs
    ("#!/bin/bash\npip install -r requirements.txt\ncelery -A app worker\n", "warning"),
])
def test_a_development_stacks_one_off_task_is_development_code(lint, script, expected):
    result = lint({
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"gunicorn\", \"app.wsgi\"]\n",
        "docker-compose.yml": "services:\n  task:\n    build: .\n    command: ./bin/task.sh\n    volumes:\n      - .:/app\n",
        "bin/task.sh": script,
    })
    assert [(f.path, f.line, f.severity) for f in _by_rule(result, "TF501")] == [("bin/task.sh", 2, expected)]


@pytest.mark.parametrize("infra", [True, False])
def test_a_root_dockerfile_beside_the_one_the_charts_deploy_is_a_doubt(lint, infra):
    files = {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"sh\", \"docker-entrypoint.sh\"]\n",
        "docker-entrypoint.sh": "#!/bin/sh\ngunicorn -b 0.0.0.0:8041 run:app\n",
        "_infra/docker/Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nCMD [\"gunicorn\", \"run:app\"]\n",
        "_infra/helm/auth/Chart.yaml": "apiVersion: v2\nname: auth\nversion: 1.0.0\n",
        "_infra/helm/auth/values.yaml": "image:\n  name: registry.example/images\n",
        "_infra/helm/auth/templates/deployment.yaml": (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: auth\nspec:\n  template:\n    spec:\n"
            "      containers:\n        - name: auth\n"
            "          image: \"{{ .Values.image.name }}/{{ .Chart.Name }}:{{ .Chart.AppVersion }}\"\n"),
    }
    if not infra:  # the only image there is: what the chart deploys
        del files["_infra/docker/Dockerfile"]
    [finding] = _by_rule(lint(files), "TF902")
    assert (finding.path, finding.severity) == ("docker-entrypoint.sh", "info" if infra else "warning")
    assert ("deploy `_infra/docker/Dockerfile`'s image" in finding.message) == infra


def test_a_dispatcher_a_production_image_starts_keeps_the_arm_only_a_development_image_selects_here(lint):
    """The production image runs the same entrypoint script: a deploy may choose its `worker` arm with arguments no
    file here shows (a compose `command: worker` on the published image), so that arm is not development code."""
    image = "FROM python:3.12-slim\nWORKDIR /app\nCOPY . /app\nENTRYPOINT [\"scripts/entrypoint.sh\"]\n"
    result = lint({
        "docker/dev/Dockerfile": image, "docker/prod/Dockerfile": image,
        "docker-compose.yml": ("services:\n  worker:\n    build:\n      context: .\n      dockerfile: docker/dev/Dockerfile\n"
                               "    command: worker\n"),
        "scripts/entrypoint.sh": ('#!/bin/bash\nif [ "$1" = "webserver" ]; then\n  exec gunicorn app:app\n'
                                  'elif [ "$1" = "worker" ]; then\n  python worker.py\nfi\n'),
    })
    assert [(f.path, f.line, f.severity) for f in _by_rule(result, "TF902")] == [("scripts/entrypoint.sh", 5, "warning")]


def test_a_python_script_a_start_runs_is_skipped_not_read_as_shell(lint):
    # `init = subparsers.add_parser('init')` read as shell is a command `init`, a process manager (TF609 error)
    result = lint({
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nCMD [\"bash\", \"entrypoint.sh\"]\n",
        "entrypoint.sh": "#!/bin/bash\nbin/tool init\nservice cron start\nexec gunicorn app:app\n",
        "bin/tool": "#!/usr/bin/env python3\nimport argparse\ninit = argparse.ArgumentParser()\n",
    })
    assert [(f.rule, f.path, f.line) for f in result.findings if f.rule == "TF609"] == [("TF609", "entrypoint.sh", 3)]
    assert [(s.path, s.reason) for s in result.skipped] == [
        ("bin/tool", "a `python3` script (its shebang), not a shell script")]


def test_a_dispatcher_test_on_a_program_path_compares_the_argument_as_written(lint):
    # `[ "$1" = '/venv/bin/uwsgi' ]` is an arm of its own: the CMD's `uwsgi` does not select it, `/venv/bin/uwsgi` does
    script = ("#!/bin/sh\nif [ \"$1\" = '/venv/bin/uwsgi' ]; then\n    python manage.py migrate --noinput\nfi\n"
              'exec "$@"\n')
    for program, expected in (("uwsgi", set()), ("/venv/bin/uwsgi", {("TF1201", 3)})):
        result = lint({"entrypoint.sh": script,
                       "Dockerfile": ("FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\n"
                                      f'ENTRYPOINT ["/entrypoint.sh"]\nCMD ["{program}", "/etc/uwsgi.ini"]\n')})
        assert {(f.rule, f.line) for f in result.findings if f.path == "entrypoint.sh"} == expected


_ENV_BRANCHES = ('#!/bin/bash\nif [[ "$IN_DOCKER" == "True" ]]; then\n  exec gosu app "$@"\n'
                 'elif [ "$MODE" != host ]; then\n  python manage.py migrate\n  exec gunicorn app:app\n'
                 'else\n  python worker.py &\n  exec gunicorn app:app\nfi\n')


def test_branches_record_what_the_environment_must_hold():
    from twelvefactor_lint.analyze.shell.parse import parse

    branches = {c.line: c.branch for c in parse(_ENV_BRANCHES)}
    assert branches[2] == "IN_DOCKER=True"
    assert branches[4] == branches[5] == "IN_DOCKER!=True && MODE!=host"
    assert branches[7] == branches[8] == "IN_DOCKER!=True && MODE=host"
    # a variable the script sets itself is no environment switch; one-line branches share their line
    assert {c.branch for c in parse('#!/bin/sh\nIN_DOCKER=1\nif [ "$IN_DOCKER" = 1 ]; then\n  a\nfi\n')} == {""}
    assert {c.branch for c in parse('if [ "$A" = 1 ]; then a; else b; fi\n')} == {""}


@pytest.mark.parametrize("env, compose, expected", [
    ("ENV IN_DOCKER=True\n", "", set()),  # the image takes the `exec gosu` branch only
    ("", "", {("TF1201", 5), ("TF609", 8)}),  # not set: any branch may run (today's behaviour)
    ("ENV IN_DOCKER=False MODE=host\n", "", {("TF609", 8)}),
    ("ENV IN_DOCKER=False MODE=web\n", "", {("TF1201", 5)}),
    ("ENV IN_DOCKER=True\n", "    environment:\n      IN_DOCKER: ${IN_DOCKER}\n", {("TF1201", 5), ("TF609", 8)}),
    ("ENV IN_DOCKER=True\n", "    env_file: .env\n", {("TF1201", 5), ("TF609", 8)}),
    ("ENV IN_DOCKER=True\n", "    environment:\n      MODE: host\n", set()),
])
def test_a_branch_on_an_environment_variable_runs_only_where_the_deploy_may_take_it(lint, env, compose, expected):
    result = lint({"start.sh": _ENV_BRANCHES,
                   "Dockerfile": (f"FROM python:3.12-slim\n{env}COPY start.sh /start.sh\n"
                                  'ENTRYPOINT ["/start.sh"]\nCMD ["python", "app.py"]\n'),
                   "docker-compose.yml": f"services:\n  web:\n    build: .\n{compose}"})
    assert {(f.rule, f.line) for f in result.findings if f.path == "start.sh" and f.rule in ("TF1201", "TF609")} \
        == expected


def test_one_supervisord_programs_stdout_and_stderr_files_are_one_finding(lint):
    conf = ("[program:nginx]\ncommand=nginx\nstdout_logfile=/data/log/nginx.log\nstderr_logfile=/data/log/nginx.log\n\n"
            "[program:web]\ncommand=gunicorn app:app\nstdout_logfile=/dev/stdout\nstderr_logfile=/data/log/web.log\n")
    result = lint({"supervisord.conf": conf,
                   "Dockerfile": ('FROM python:3.12-slim\nCOPY supervisord.conf /etc/supervisord.conf\n'
                                  'CMD ["supervisord", "-c", "/etc/supervisord.conf"]\n')})
    found = sorted(_by_rule(result, "TF1103"), key=lambda f: f.line)
    assert [f.line for f in found] == [3, 9]  # nginx's pair on stdout's line; web's stderr alone on its own
    assert found[0].message.startswith("`stdout_logfile` and `stderr_logfile` of supervisord program `nginx`")
    assert [r.line for r in found[0].related] == [4]
    assert found[1].message.startswith("`stderr_logfile` of supervisord program `web`")


def test_a_server_in_its_named_development_mode_makes_a_development_image(lint):
    from twelvefactor_lint.analyze.shell.programs import development_mode
    assert development_mode(("/opt/keycloak/bin/kc.sh", "start-dev", "--import-realm"))
    assert development_mode(("npm", "run", "start:dev"))
    assert not development_mode(("kc.sh", "start", "--optimized"))
    assert not development_mode(("echo", "start-dev"))
    dockerfile = "FROM quay.io/keycloak/keycloak:26.0\nCOPY run.sh /run.sh\nENTRYPOINT [\"/run.sh\"]\n"
    dev = "#!/bin/bash\nkc.sh start-dev &\nkcadm.sh update realms/app\ntail -f /dev/null\n"
    found = {(f.rule, f.line, f.severity) for f in lint({"kc/Dockerfile": dockerfile, "kc/run.sh": dev}).findings}
    assert ("TF609", 2, "info") in found
    # a script that runs the server in development mode in one branch and for production in another: not known
    both = ('#!/bin/bash\nif [ "$KC_MODE" = "production" ]; then\n  kc.sh start &\nelse\n  kc.sh start-dev &\nfi\n'
            "kcadm.sh update realms/app\ntail -f /dev/null\n")
    found = {(f.rule, f.severity) for f in lint({"kc/Dockerfile": dockerfile, "kc/run.sh": both}).findings}
    assert ("TF609", "error") in found


def test_a_function_called_under_a_development_switch_passes_the_switch_to_its_body():
    from twelvefactor_lint.analyze.shell.parse import parse

    commands = parse('set_dev() {\n  pip install -e .\n}\ninstall() {\n  npm install\n}\n'
                     'if [[ "$DJANGO_MODE" == "DEV" ]]; then\n  set_dev\nfi\n'
                     'if [[ ! -d "$NODE_MODULES" ]]; then\n  install\nfi\n')
    conditions = {c.argv[0]: c.condition for c in commands}
    assert "DEV" in conditions["pip"]
    assert conditions["npm"] == ""  # an install guard is no development switch: what runs under it still deploys


def test_a_development_stack_running_only_a_dev_server_is_development_beside_a_production_start(lint):
    files = {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nADD . /app/\n",
        "docker-compose.yml": "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"
                              "    command: sh /app/start.sh\n",
        "start.sh": "python /app/manage.py migrate\npython /app/manage.py runserver 0.0.0.0:8011\n",
    }
    alone = {(f.rule, f.line): f.severity for f in lint(files).findings if f.path == "start.sh"}
    assert alone[("TF1201", 1)] == "warning"  # nothing else starts the app: the stack may be the deploy
    beside = {(f.rule, f.line): f.severity
              for f in lint({**files, "Procfile": "web: gunicorn conf.wsgi --bind 0.0.0.0:$PORT\n"}).findings
              if f.path == "start.sh"}
    assert beside[("TF1201", 1)] == "info" and beside[("TF902", 2)] == "info"
