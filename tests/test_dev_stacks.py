"""Development stacks recognised as development (issue 12, "Dev-only detection"): what a compose file, a Dockerfile
or the directory of a developers' image says about itself makes its findings info, while the production image
beside it stays judged."""

from __future__ import annotations

import pytest

from twelvefactor_lint import devprod

_STACK = """\
{head}services:
  web:
    build:
      context: ..
      dockerfile: docker/Dockerfile
    command: sh -c "python manage.py migrate && gunicorn app:app"
{extra}"""


def _severities(result, rule: str = "TF1201") -> list[str]:
    return [f.severity for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("head, extra", [
    ("name: hypha-dev\n\n", ""),  # the compose project is named for development
    ("", "    volumes:\n      - ../hypha:/opt/app/hypha\n"),  # the source tree, from a compose file in docker/
    ("", "    volumes:\n      - ..:/takahe/\n"),
    ("", "    environment:\n      - DJANGO_SETTINGS_MODULE=hypha.settings.dev\n"),
    ("", "    environment:\n      DJANGO_SETTINGS_MODULE: config.settings.local\n"),
    ("", "    environment:\n      DJANGO_SETTINGS_MODULE: catalog.settings.devstack\n"),  # Open edX's devstack
    ("", "    environment:\n      - DJANGO_SETTINGS_MODULE=argus.site.settings.dockerdev\n"),  # words run together
    ("", "    volumes:\n      - ${PWD}:/argus\n"),  # the directory compose runs from: the checkout
    ("", "    environment:\n      APP_SETTINGS: config.DevelopmentConfig\n"),
    ("", "    environment:\n      FLASK_CONFIG: development\n"),
    ('version: "3.4"\n\n# DO NOT USE THIS IN PRODUCTION - it is for development only due to insecure\n# settings.\n\n', ""),
    ("# This compose setup is only meant for local development of the site itself\n", ""),
    ("# This configuration file is for the **development** setup.\n", ""),
    # its declared purpose: tests (python-discord/bot's quick site-and-database stack)
    ("# This docker compose is used for quick setups of the site and database which\n# the bot project relies on"
     " for testing. Use it if you haven't got a site running already.\n", ""),
    ("", "    image: local/site:devel\n"),  # the image it builds is tagged for development
    ("", "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_DB: code_review_dev\n"),  # its database
    # a service starts a script named for development (Open edX's devstack, a run-dev script)
    ("", "  catalog:\n    image: edxops/catalog:latest\n    command: /edx/app/catalog/devstack.sh start\n"),
    ("", "  site:\n    image: acme/site:1\n    entrypoint: [\"sh\", \"-c\", \"./bin/run-dev.sh\"]\n"),
])
def test_a_compose_file_that_says_it_is_for_development_is_judged_as_development(lint, head, extra):
    result = lint({"docker/compose.yaml": _STACK.format(head=head, extra=extra)}, select=("TF1201",))
    assert _severities(result) == ["info"]
    assert "dev-only file" in result.findings[0].message


@pytest.mark.parametrize("head, extra", [
    ("name: hypha\n\n", ""),
    ("name: devices-prod\n\n", ""),  # named for production too: never development
    ("", "    volumes:\n      - ../config:/app/config\n"),  # configuration carried in, not the source
    ("", "    volumes:\n      - ../data:/app/var\n"),  # data kept on the host
    ("", "    volumes:\n      - ../nginx.conf:/etc/nginx/nginx.conf\n"),  # a file
    ("", "    volumes:\n      - ../../shared-lib:/app/shared\n"),  # a sibling checkout outside the project (TF102)
    ("", "    environment:\n      DJANGO_SETTINGS_MODULE: hypha.settings.production\n"),
    ("", "    environment:\n      DJANGO_SETTINGS_MODULE: hypha.settings.dockerproduction\n"),
    ("", "    volumes:\n      - ${PWD}/data:/app/var\n"),  # data kept on the host
    ("", "    environment:\n      LOG_CONFIG: logging.dev.ini\n"),  # a file's name, not a settings module
    ("", "    environment:\n      STORAGE_CONFIG: local\n"),  # where files go, not the environment
    ("", "    environment:\n      APP_ENV: ${APP_ENV:-dev}\n"),  # each deploy sets it
    ("", "  db:\n    image: postgres:16\n    environment:\n      POSTGRES_DB: devices\n"),  # a word, not development
    ("# Docker Compose file for the production service\n# For local development use compose.override.yaml\n", ""),
    ("# This file is not intended for production use without first\n# customizing it to your situation.\n", ""),
    ("# This file is for development and production\n", ""),
    ("# This compose file is used for testing and in production.\n", ""),  # production too
    ("# Production stack. Tests use compose.test.yaml.\n", ""),  # tests named, not as this file's purpose
    ("", "    image: site:latest\n"),
    ("", "    image: site:local\n"),  # says where it was built, not for what
    ("", "    image: site:dev\n    build:\n      target: production\n"),  # the production stage, tagged `dev`
    # Compose Watch is inert under `docker compose up`: the compose file a project deploys may carry it too
    ("", "    develop:\n      watch:\n        - action: sync\n          path: ../src\n          target: /app/src\n"),
    ("", "  api:\n    image: acme/site:1\n    entrypoint: docker/local/entrypoint.sh\n"),  # a directory's word only
    ("", "  api:\n    image: acme/site:1\n    command: ./bin/run.sh dev\n"),  # an argument, not the script's name
    ("", "  api:\n    image: acme/site:1\n    command: ./bin/run-dev-prod.sh\n"),  # named for production too
])
def test_a_compose_file_that_does_not_say_so_stays_judged(lint, head, extra):
    result = lint({"docker/compose.yaml": _STACK.format(head=head, extra=extra)}, select=("TF1201",))
    assert _severities(result) == ["warning"]


def test_a_compose_file_named_for_production_is_never_development_whatever_it_says(lint):
    result = lint({"docker/docker-compose.prod.yml": _STACK.format(head="name: site-dev\n", extra="")},
                  select=("TF1201",))
    assert _severities(result) == ["warning"]


@pytest.mark.parametrize("header, severity", [
    ("# For development only\n", "info"),
    ("# This docker file is used for local development via docker-compose\n", "info"),
    ("# Omit development dependencies\n", "error"),
    ("", "error"),
])
def test_a_dockerfile_whose_header_says_it_is_for_development_is_judged_as_development(lint, header, severity):
    dockerfile = f"{header}FROM python:3.12-slim\nCMD cron && gunicorn app:app\n"
    result = lint({"Dockerfile": dockerfile}, select=("TF609",))
    assert _severities(result, "TF609") == [severity]


_ENTRYPOINT = "#!/bin/sh\npython manage.py migrate\nnpm run watch &\npython manage.py runserver 0.0.0.0:9001\n"
_PROD_ENTRYPOINT = "#!/bin/sh\nnpm run worker &\ngunicorn app.wsgi\n"


def _image(entrypoint: str) -> str:
    return f"FROM python:3.12\nWORKDIR /opt/app\nCOPY . .\nENTRYPOINT [\"/opt/app/{entrypoint}\"]\n"


def test_the_image_only_a_development_stack_builds_beside_a_production_image_is_the_developers(lint):
    """hypha: docker/compose.yaml (`name: hypha-dev`) builds docker/Dockerfile, whose entrypoint runs a dev server and
    a watcher; docker/prod/Dockerfile is what production runs, and its entrypoint stays judged."""
    result = lint({
        "docker/compose.yaml": _STACK.format(head="name: hypha-dev\n", extra="").replace(
            '    command: sh -c "python manage.py migrate && gunicorn app:app"\n', ""),
        "docker/Dockerfile": _image("docker/entrypoint.sh"),
        "docker/entrypoint.sh": _ENTRYPOINT,
        "docker/prod/Dockerfile": _image("docker/prod/entrypoint.sh"),
        "docker/prod/entrypoint.sh": _PROD_ENTRYPOINT,
    }, select=("TF609", "TF1201"))
    found = sorted((f.path, f.rule, f.severity) for f in result.findings)
    assert found == [("docker/entrypoint.sh", "TF1201", "info"), ("docker/entrypoint.sh", "TF609", "info"),
                     ("docker/prod/entrypoint.sh", "TF609", "error")]


def test_the_only_image_a_development_stack_builds_and_overrides_stays_judged(lint):
    """takahe: the development compose bind-mounts the source over the one image there is, which production runs:
    the script that image starts is still production's."""
    result = lint({
        "docker/docker-compose.yml": _STACK.format(head="", extra="    volumes:\n      - ..:/takahe/\n").replace(
            '    command: sh -c "python manage.py migrate && gunicorn app:app"\n', ""),
        "docker/Dockerfile": _image("docker/run.sh"),
        "docker/run.sh": _PROD_ENTRYPOINT,
    }, select=("TF609",))
    assert [(f.path, f.severity) for f in result.findings] == [("docker/run.sh", "error")]


def test_the_directory_of_an_image_its_stack_tags_for_development_is_that_stacks(lint):
    """nyaa: .docker/ holds a compose file building `local/nyaa:devel` from .docker/Dockerfile, its entrypoint and
    the config it appends: all development."""
    result = lint({
        ".docker/docker-compose.yml": "services:\n  web:\n    image: local/site:devel\n    build:\n      context: ../\n"
                                      "      dockerfile: ./.docker/Dockerfile\n",
        ".docker/Dockerfile": _image(".docker/entrypoint.sh"),
        ".docker/entrypoint.sh": _PROD_ENTRYPOINT,
        ".docker/site-config-partial.py": 'SQLALCHEMY_DATABASE_URI = "mysql://site:ZmtB2oihHFvc39Ja@mariadb/site"\n',
    }, select=("TF609", "TF304"))
    assert sorted((f.path, f.rule, f.severity) for f in result.findings) == [
        (".docker/entrypoint.sh", "TF609", "info"), (".docker/site-config-partial.py", "TF304", "info")]


@pytest.mark.parametrize("key, value, dev", [
    ("DJANGO_SETTINGS_MODULE", "hypha.settings.dev", True),
    ("DJANGO_SETTINGS_MODULE", "config.settings.local", True),
    ("DJANGO_CONFIGURATION", "Local", True),
    ("TAKAHE_ENVIRONMENT", "development", True),
    ("APP_SETTINGS", "config.DevelopmentConfig", True),
    ("FLASK_CONFIG", "development", True),
    ("DJANGO_SETTINGS_MODULE", "argus.site.settings.dockerdev", True),
    ("DJANGO_SETTINGS_MODULE", "app.settings.composedevelopment", True),
    ("DJANGO_SETTINGS_MODULE", "app.settings.devices", False),
    ("DJANGO_SETTINGS_MODULE", "app.settings.stddev", False),
    ("APP_SETTINGS", "config.ProductionConfig", False),
    ("LOG_CONFIG", "logging.dev.ini", False),
    ("STORAGE_CONFIG", "local", False),
    ("APP_ENV", "${APP_ENV:-dev}", False),
    ("DEBUG", "dev", False),
])
def test_an_environment_entry_selecting_development_reads_the_vocabulary(key, value, dev):
    assert devprod.selects_development(key, value) is dev


_DEV_SERVICE = """\
services:
  {name}:
    build: .
    entrypoint: ["/bin/sh", "./startup.sh"]
  redis:
    image: redis:alpine
"""
_STARTUP = 'sh -c "npm run dev & flask --app server run --host=0.0.0.0 & celery -A server.app.celery worker"\n'


@pytest.mark.parametrize("name, severity", [
    ("dev", "info"), ("web-dev", "info"), ("app_develop", "info"), ("local", "info"),
    ("web", "error"), ("qanything_local", "error"),  # `local` inside a name is a thing (a self-hosted edition)
    ("web-dev-prod", "error"),
])
def test_a_compose_service_named_for_development_is_the_developers(lint, name, severity):
    """donations: the compose service `dev` runs startup.sh (a watcher, a dev server and a worker); production is
    the Procfile. A service named for development is the developers' one, like a compose file so named."""
    result = lint({"docker-compose.yml": _DEV_SERVICE.format(name=name), "startup.sh": _STARTUP,
                   "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"}, select=("TF609", "TF902"))
    assert {f.severity for f in result.findings if f.rule == "TF609"} == {severity}
    assert len([f for f in result.findings if f.rule == "TF609"]) == 1  # npm and flask on one line: one problem


def test_the_other_services_of_a_stack_with_a_development_service_stay_judged(lint):
    web = '  web:\n    build: .\n    command: sh -c "celery -A app worker & gunicorn app:app"\n'
    compose = _DEV_SERVICE.format(name="web-dev") + web
    result = lint({"docker-compose.yml": compose, "startup.sh": _STARTUP,
                   "Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\n"}, select=("TF609", "TF804"))
    assert sorted((f.path, f.rule, f.severity) for f in result.findings) == [
        ("docker-compose.yml", "TF804", "warning"), ("startup.sh", "TF609", "info")]


_DEV_BUILDER = """\
services:
  {name}:
    build:
      context: .
      dockerfile: Dockerfile
    command: bash
{more}"""


@pytest.mark.parametrize("name, more, dockerfiles, severity", [
    ("romm-dev", "", ("docker/Dockerfile",), "info"),  # production's image is docker/Dockerfile
    ("web", "", ("docker/Dockerfile",), "error"),  # a plain service: it may be the image production runs
    ("romm-dev", "", (), "error"),  # the only image there is: production may run it too
    ("romm-dev", "  web:\n    build: .\n", ("docker/Dockerfile",), "error"),  # a plain service builds it too
])
def test_an_image_only_services_named_for_development_build_beside_another_is_the_developers(
        lint, name, more, dockerfiles, severity):
    """romm: the root Dockerfile (ENTRYPOINT entrypoint.sh: the backend, rq and the Vite dev server in the
    background) is built only by the compose service `romm-dev`; production's image is docker/Dockerfile."""
    files = {"docker-compose.yml": _DEV_BUILDER.format(name=name, more=more), "Dockerfile": _image("entrypoint.sh"),
             "entrypoint.sh": _PROD_ENTRYPOINT}
    files |= {path: "FROM python:3.12\nCOPY . .\nCMD [\"gunicorn\", \"app.wsgi\"]\n" for path in dockerfiles}
    result = lint(files, select=("TF609",))
    assert [(f.path, f.severity) for f in result.findings] == [("entrypoint.sh", severity)]


def test_a_compose_file_that_runs_a_test_suite_and_what_it_needs_is_a_test_stack(lint):
    """listenbrainz's Spark stack: `request_consumer` runs pytest, `namenode` is what it depends on; no deploy runs it."""
    stack = """\
services:
  namenode:
    build: ..
    command: bash -c "hdfs namenode -format && hdfs namenode"
  request_consumer:
    image: app-spark
    depends_on: [namenode]
    command: bash -c "cp config.py.sample config.py; python -m pytest -c pytest.spark.ini"
"""
    assert [f for f in lint({"docker/compose.spark.yml": stack}, select=("TF901",)).findings] == []


def test_a_test_service_beside_an_app_it_does_not_need_leaves_the_app_judged(lint):
    stack = """\
services:
  web:
    build: .
    command: sh -c "python manage.py migrate && gunicorn app:app"
  db:
    image: postgres:16
  check:
    build: .
    depends_on: [db]
    command: sh -c "pip install pytest && pytest"
"""
    result = lint({"compose.yaml": stack}, select=("TF901",))
    assert [(f.line, f.severity) for f in result.findings] == [(4, "warning")]


def test_a_process_manager_whose_boot_script_runs_a_development_server_is_maybe_a_development_box(lint):
    """airmozilla: `CMD ["/sbin/my_init"]`, whose `/etc/my_init.d/services.sh` ends in `manage.py runserver`."""
    result = lint({
        "Dockerfile": "FROM phusion/baseimage:0.9.16\nCMD [\"/sbin/my_init\"]\n"
                      "ADD bin/docker/services.sh /etc/my_init.d/services.sh\n",
        "bin/docker/services.sh": "#!/bin/bash\n./manage.py migrate\n./manage.py runserver 0.0.0.0:8000\n",
    }, select=("TF609", "TF1201", "TF1004"))
    found = {(f.rule, f.path, f.severity) for f in result.findings}
    assert ("TF609", "Dockerfile", "warning") in found
    assert ("TF1201", "bin/docker/services.sh", "info") in found  # that doubt, lowered one step
    assert ("TF1004", "bin/docker/services.sh", "info") in found  # the development server, judged as it is
