"""One dev/prod vocabulary (twelvefactor_lint/devprod.py), read the same way by every stage that asks, and what
the engine does with a development file: info when only development runs it, one step lower when it is a guess,
full severity when a production image or a Kubernetes deploy runs it."""

from __future__ import annotations

import ast

import pytest

from twelvefactor_lint import devprod
from twelvefactor_lint.analyze import helm_arms
from twelvefactor_lint.analyze.python import conditions
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.analyze.shell.parse import development_switch
from twelvefactor_lint.discover.scope import DEV, PROD, classify
from twelvefactor_lint.judge.engine import DEV_GUESS_NOTE, DEV_NOTE

CRON_AND_APP = "FROM python:3.12-slim\nCMD cron && gunicorn app:app\n"


@pytest.mark.parametrize("path, role", [
    ("backend/settings/localdev.py", DEV),  # Substra: DJANGO_SETTINGS_MODULE=backend.settings.localdev
    ("settings/develop.py", DEV),
    ("settings/local.py", DEV),
    ("docker-compose.override.yml", DEV),
    ("Dockerfile-dev", DEV),
    ("localdev/start.sh", DEV),
    ("license_manager/settings/devstack.py", DEV),  # Open edX's developer stack
    ("devstack/lib/neutron.sh", DEV),  # OpenStack's
    ("settings/production.py", PROD),
    ("docker-compose.live.yml", PROD),
    ("app/local/views.py", PROD),  # a package named `local` is code, not an environment
    ("app/devices.py", PROD),
])
def test_file_roles_read_the_vocabulary(path, role):
    assert classify(path) == role


@pytest.mark.parametrize("condition, dev", [
    ('[ "$IS_LOCAL_DEV" = yes ]', True),
    ('[ -n "$DEBUG" ]', True),
    ('[ "$APP_ENV" = "localdev" ]', True),
    ('[ "$APP_CONFIG" = "config.DevelopmentConfig" ]', True),
    ('[ -n "$RUN_LOCAL" ]', True),
    ('[ -n "$LOCAL_STORAGE" ]', False),
    ('[ -n "$DEVICE" ]', False),
    ('[ "$ROLE" = "worker" ]', False),
    ('when `[ "$IN_PRODUCTION" = 0 ]`', True),  # a production switch turned off
    ('unless `[ "$IS_PROD" = "true" ]`', True),
    ('when `[ "$IN_PRODUCTION" != 1 ]`', True),
    ('when `[ "$IN_PRODUCTION" = 1 ]`', False),
    ('unless `[ "$IN_PRODUCTION" = 0 ]`', False),
])
def test_shell_conditions_read_the_vocabulary(condition, dev):
    assert development_switch(condition) is dev


def test_every_reader_knows_a_word_added_to_the_vocabulary():
    """`localdev` is one word of the vocabulary: a file name, a chart value, a shell value, a Python comparison
    and a dispatcher arm all read it."""
    assert "localdev" in devprod.ENVIRONMENT_WORDS
    assert classify("settings/localdev.py") == DEV
    assert helm_arms.Arm(1, 2, "env", ("localdev",), False).dev_only
    assert development_switch('[ "$ENV" = localdev ]')
    assert devprod.is_dev_arm("localdev")
    assert conditions._is_dev_flag("", ast.parse('ENV == "localdev"', mode="eval").body)


@pytest.mark.parametrize("test, dev", [
    ('os.environ.get("SERVER_SOFTWARE", "").startswith("Development")', True),  # App Engine's development server
    ('os.environ["APP_ENV"].startswith("dev")', True),
    ('os.environ["HOSTNAME"].startswith("web")', False),
    ('os.environ["APP_ENV"].startswith("prod")', False),
])
def test_a_prefix_test_against_a_development_word_is_a_development_branch(test, dev):
    tree = ast.parse(f"import os\nif {test}:\n    DEBUG = True\n")
    names = Names(tree, [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))])
    found = conditions.branches(tree, [n for n in ast.walk(tree) if isinstance(n, ast.If)], names)
    assert [b.dev_only for b in found] == [dev]
    assert found[0].condition.startswith("when `os.environ")


@pytest.mark.parametrize("name, dev", [
    ("DevelopmentConfig", True), ("LocalConfig", True), ("DebugSettings", True), ("DeviceConfig", False),
    ("ProductionConfig", False),
])
def test_config_classes_are_named_by_words_not_substrings(name, dev):
    assert devprod.is_dev_class(name) is dev


def test_a_chart_switch_named_for_development_renders_dev_only_arms():
    assert helm_arms.Arm(1, 2, "oncall.devMode", (), False).dev_only
    assert helm_arms.Arm(1, 2, "localDev", (), False).dev_only
    assert not helm_arms.Arm(1, 2, "replicaCount", (), False).dev_only
    assert helm_arms.Arm(1, 2, "env", ("live",), True).dev_only  # `ne .Values.env "live"`: all but production


def test_a_file_only_development_runs_is_info_and_a_sibling_guess_one_step_lower(lint):
    """A Dockerfile named for what it builds (`Dockerfile.heroku`, `Dockerfile.worker`) beside a `Dockerfile.prod` is
    an image of its own, not the development variant: only the plain `Dockerfile` is the guess."""
    result = lint({"Dockerfile-dev": CRON_AND_APP, "web/Dockerfile": CRON_AND_APP, "web/Dockerfile.prod": CRON_AND_APP,
                   "web/Dockerfile.heroku": "FROM python:3.12-slim\nCMD nginx && celery -A app worker\n"}, select=("TF609",))
    found = {f.path: (f.severity, f.message.endswith(DEV_NOTE), f.message.endswith(DEV_GUESS_NOTE))
             for f in result.findings}
    assert found == {"Dockerfile-dev": ("info", True, False), "web/Dockerfile": ("warning", False, True),
                     "web/Dockerfile.prod": ("error", False, False), "web/Dockerfile.heroku": ("error", False, False)}


def test_a_script_only_a_development_image_starts_is_info(lint):
    script = "#!/bin/sh\ncelery -A app worker &\nexec gunicorn app:app\n"
    dockerfile = "FROM python:3.12-slim\nCOPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\n"
    result = lint({"start.sh": script, "Dockerfile.dev": dockerfile}, select=("TF609",))
    assert [(f.path, f.severity) for f in result.findings] == [("start.sh", "info")]


DEV_COMPOSE = ("services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"
               "    command: flask run --reload\n")


def test_an_image_a_helm_chart_deploys_is_not_a_development_image(lint):
    """Only a live-reload compose stack builds the Dockerfile, but the chart deploys the project's image: it is
    production (ministryofjustice/cla_public)."""
    supervised = "FROM python:3.12-slim\nCMD [\"supervisord\", \"-n\"]\n"
    deployment = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
                  "      containers:\n        - name: web\n"
                  "          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag }}\"\n")
    alone = lint({"Dockerfile": supervised, "docker-compose.yml": DEV_COMPOSE}, select=("TF609",))
    assert [f.severity for f in alone.findings] == ["warning"]
    deployed = lint({"helm/app/Chart.yaml": "apiVersion: v2\nname: app\nversion: 1.0.0\n",
                     "helm/app/templates/deployment.yaml": deployment}, select=("TF609",))
    assert [f.severity for f in deployed.findings] == ["error"]


@pytest.mark.parametrize("key, value, dev", [
    ("FRONTEND_SVC_CONFIG_MODULE_CLASS", "amundsen_application.config.TestConfig", True),  # a quick-start stack
    ("APP_SETTINGS", "config.TestingConfig", True),
    ("APP_SETTINGS", "config.ProductionConfig", False),
    ("CONFIG_CLASS", "test", False),  # a whole word, not a dotted config class: says nothing
    ("DJANGO_SETTINGS_MODULE", "enterprise_catalog.settings.devstack", True),
])
def test_an_environment_selecting_a_test_config_class_is_a_development_stack(key, value, dev):
    assert devprod.selects_development(key, value) is dev


@pytest.mark.parametrize("command, dev", [
    ("uv sync --dev", True),
    ("uv sync", False),  # the dev group by default, but nobody asked for it
    ("uv sync --frozen --no-dev", False),
    ("poetry install --with=main,dev", True),
    ("poetry install --only main", False),
    ("pipenv install --dev", True),
    ("pip install -r requirements/local.txt", True),
    ("python -m pip install -r dev-requirements.txt", True),
    ("pip install -r requirements/production.txt", False),
    ("pip install -e .[dev,docs]", True),
    ("pip install -e .[all]", False),
])
def test_an_install_of_the_development_dependencies_is_read_from_its_words(command, dev):
    assert devprod.installs_dev_dependencies(tuple(command.split())) is dev


DEV_IMAGE = ("FROM python:3.12-slim\nWORKDIR /app\nENV DJANGO_SETTINGS_MODULE=core.settings_dev\nCOPY . .\n"
             "RUN uv sync\nCMD [\"python\", \"manage.py\", \"runserver\", \"0.0.0.0:7000\"]\n")


def test_an_image_whose_build_says_development_beside_a_procfile_deploy_is_the_developers(lint):
    procfile = "web: gunicorn core.wsgi --log-file -\n"
    assert lint({"Dockerfile": DEV_IMAGE, "Procfile": procfile}, select=("TF1004",)).findings == ()
    dev_group = DEV_IMAGE.replace("ENV DJANGO_SETTINGS_MODULE=core.settings_dev\n", "").replace("uv sync", "uv sync --dev")
    assert lint({"Dockerfile": dev_group, "Procfile": procfile}, select=("TF1004",)).findings == ()


def test_an_image_whose_build_says_development_stays_judged_when_a_deploy_runs_it(lint):
    # no Procfile deploys production: the only image there is (info: no deploy file ties its start to production)
    assert [f.severity for f in lint({"Dockerfile": DEV_IMAGE}, select=("TF1004",)).findings] == ["info"]
    # the Procfile runs a development server too: nothing says production starts another way
    assert [f.path for f in lint({"Dockerfile": DEV_IMAGE, "Procfile": "web: python manage.py runserver\n"},
                                 select=("TF1004",)).findings] == ["Dockerfile", "Procfile"]
    # a production compose file (no bind mount) builds and runs the image
    compose = "services:\n  web:\n    build: .\n    ports:\n      - 80:7000\n"
    assert [f.path for f in lint({"Dockerfile": DEV_IMAGE, "Procfile": "web: gunicorn core.wsgi\n",
                                  "docker-compose.yml": compose}, select=("TF1004",)).findings] == ["Dockerfile"]


@pytest.mark.parametrize("docstring, dev", [
    ("Settings for local development with Docker", True),  # readthedocs.org's DockerBaseSettings
    ("Django settings for development.", True),
    ("Settings for local development only.", True),
    ("Compose settings. DO NOT USE IN PRODUCTION.", True),
    ("Settings for development and production.", False),
    ("Django settings for mysite project.", False),
    ("Base settings; a developer overrides them for local development.", False),  # not what the module is
    (None, False),
])
def test_a_docstring_declaring_development_settings(docstring, dev):
    assert devprod.docstring_says_development(docstring) is dev


@pytest.mark.parametrize("name, test", [
    ("create_test_database_connect_strings", True),  # ListenBrainz: used only when the tests flag is set
    ("get_testing_config", True),
    ("setupTestDb", True),
    ("test_connection", False),  # the verb: a health check production may run
    ("get_latest_version", False),
    ("contest_url", False),
])
def test_a_helper_named_for_the_tests_is_test_code(name, test):
    tree = ast.parse(f"def {name}():\n    return 'postgresql://u:p@db/x'\n")
    names = Names(tree, [])
    assert [b.ci_only for b in conditions.test_helpers(names)] == ([True] if test else [])


def test_settings_declared_development_and_a_docs_build_config_are_not_production(lint):
    compose_class = ('from .base import Base\n\nclass DockerSettings(Base):\n'
                     '    """Settings for local development with Docker"""\n\n'
                     '    BROKER_URL = "redis://:Xq7vR2mK9pL4@cache:6379/0"\n')
    result = lint({"app/settings/base.py": "class Base:\n    DEBUG = False\n",
                   "app/settings/docker_compose.py": compose_class,
                   "app/settings/compose.py": '"""Settings for local development."""\nDEBUG = True\n',
                   "app/rtd_config.py": 'DATABASE_URI = "postgresql://lb:Xq7vR2mK9pL4@db:5432/lb"\nDEBUG = True\n'},
                  select=("TF303", "TF304"))
    assert {(f.path, f.rule, f.severity) for f in result.findings} == {
        ("app/settings/docker_compose.py", "TF304", "info")}
    assert classify("listenbrainz/rtd_config.py") != PROD


@pytest.mark.parametrize("header, dev", [
    # FAC's docker-compose-web.yml: the subject left implied, CI running the tests
    ("# Pulls the app image from the container registry.\n# Primarily used in CI workflows for executing tests.", True),
    # Nitrate's container-compose.yml: only for testing images, whatever images it names (`prod image`)
    ("# Please note that, this container-compose is only for test latest image built\n"
     "# from development branch and prod image built from released version.", True),
    ("# This compose file is the quickest way to try out the app.", True),
    ("# A compose file for trying Nitrate out on your machine.", True),
    ("# Used in production and CI.", False),
    ("# This compose is only for testing and production.", False),
    ("# Compose file for production, also used in CI tests.", False),
    ("# Uses the images built in CI.", False),
    ("# Docker Compose file for running paperless from the docker container registry.", False),
])
def test_a_header_declaring_the_file_for_tests_ci_or_trying_out(header, dev):
    assert devprod.header_says_development([*header.splitlines(), "services:"]) is dev
