"""link.deploy_env: the variables the production deploy files give the app's processes, on every Python fact that
reads one (`env_set_by`), and the deploy files that run the app without one (`env_unset_in`), so a rule can tell
a fallback every shipped deploy replaces from one a deploy runs on."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.process import MigrationAtStart
from twelvefactor_lint.facts.python import PythonFact, SecretEnvFallback, ServiceLocator, Setting
from twelvefactor_lint.link import deploy_env
from twelvefactor_lint.runner import gather

_SETTINGS = """\
import os

INSTALLED_APPS = []
ROOT_URLCONF = "mysite.urls"
DEBUG = os.environ.get("DJANGO_DEBUG", "True") == "True"
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgres://localhost/app")
SENTRY_DSN = os.environ.get("SENTRY_DSN", "")
CACHE_URL = os.environ.get("CACHE_URL", "redis://localhost:6379/1")
"""


def _set_by(tmp_path, files: dict[str, str]) -> dict[str, str]:
    write_tree(tmp_path, {"mysite/settings.py": _SETTINGS, **files})
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    return {f.env_key: f.env_set_by for f in linked.facts
            if isinstance(f, PythonFact) and getattr(f, "env_key", "") and f.path == "mysite/settings.py"}


def test_a_variable_counts_when_every_production_deploy_sets_it(tmp_path):
    found = _set_by(tmp_path, {
        "Dockerfile": "FROM python:3.12 AS base\nENV DJANGO_DEBUG=False\nFROM base\nENV REDIS_URL=redis://cache\n"
                      "CMD gunicorn mysite.wsgi\n",
        "docker-compose.yml": "services:\n  web:\n    build: .\n    environment:\n      - REDIS_URL\n"
                              "      - DATABASE_URL=${DATABASE_URL:-postgres://app:app@db/app}\n      - SENTRY_DSN\n",
        "docker-compose.test.yml": "services:\n  web:\n    build: .\n    environment:\n      CACHE_URL: redis://cache\n",
    })
    assert found["DJANGO_DEBUG"] == "Dockerfile"   # the compose service builds the image whose ENV sets it
    assert found["REDIS_URL"] == "Dockerfile"      # both set it (the operator's value in compose)
    assert found["SENTRY_DSN"] == ""               # the image alone, run elsewhere, has no value of its own
    assert found["DATABASE_URL"] == ""             # `${X:-literal}`: a forgotten X gets a literal too
    assert found["CACHE_URL"] == ""                # a test stack deploys nothing


def test_a_paas_app_declared_elsewhere_sets_nothing_the_repository_shows(tmp_path):
    found = _set_by(tmp_path, {
        "Dockerfile": "FROM python:3.12\nENV DJANGO_DEBUG=False\nCMD gunicorn mysite.wsgi\n",
        "heroku.yml": "build:\n  docker:\n    web: Dockerfile.heroku\n",
    })
    assert found["DJANGO_DEBUG"] == ""


def test_manifests_alone_are_the_deploy(tmp_path):
    found = _set_by(tmp_path, {
        "k8s/deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: api}\nspec:\n  template:\n"
                               "    spec:\n      containers:\n        - name: api\n          image: app\n          env:\n"
                               "            - name: SENTRY_DSN\n              valueFrom: {secretKeyRef: {name: s, key: dsn}}\n",
    })
    assert found["SENTRY_DSN"] == "k8s/deployment.yaml"


def test_an_image_that_does_not_copy_the_file_says_nothing_of_its_fallbacks(tmp_path):
    found = _set_by(tmp_path, {
        "mysite/docker/Dockerfile": "FROM python:3.12\nADD mysite /src/mysite\nENV DJANGO_DEBUG=false\n"
                                    "CMD gunicorn mysite.wsgi\n",
        "bot/docker/Dockerfile": "FROM python:3.12\nADD bot /src/bot\nCMD [\"bot\"]\n",  # another program's image
    })
    assert found["DJANGO_DEBUG"] == "mysite/docker/Dockerfile"
    found = _set_by(tmp_path, {"bot/docker/Dockerfile": "FROM python:3.12\nADD . /src\nCMD [\"bot\"]\n"})
    assert found["DJANGO_DEBUG"] == ""  # an image copying the whole context may run the file without the variable


def test_a_wildcard_copy_holds_only_what_it_matches(tmp_path):
    found = _set_by(tmp_path, {
        "mysite/Dockerfile": "FROM python:3.12\nCOPY . /src\nENV DJANGO_DEBUG=false\nCMD gunicorn mysite.wsgi\n",
        "web/Dockerfile": "FROM nginx\nCOPY ./nginx*.conf /etc/nginx/\n",  # the front end's image: not the file
    })
    assert found["DJANGO_DEBUG"] == "mysite/Dockerfile"
    found = _set_by(tmp_path, {"web/Dockerfile": "FROM python:3.12\nCOPY mysite/*.py /src/\n"})
    assert found["DJANGO_DEBUG"] == ""  # a wildcard matching the file may run it without the variable


def test_a_compose_service_requiring_a_variable_sets_it_for_the_image_it_builds(tmp_path):
    required = "services:\n  web:\n    build: .\n    environment:\n      - REDIS_URL=${REDIS_URL?Variable not set}\n" \
               "      - SENTRY_DSN=${SENTRY_DSN}\n"
    found = _set_by(tmp_path, {"Dockerfile": "FROM python:3.12\nCOPY . /src\nCMD gunicorn mysite.wsgi\n",
                               "docker-compose.yml": required})
    assert found["REDIS_URL"] == "docker-compose.yml"  # compose refuses to start without it
    assert found["SENTRY_DSN"] == ""  # optional there: a bare `docker run` of the image runs without it


def test_a_development_stack_sets_nothing_for_production(tmp_path):
    found = _set_by(tmp_path, {
        "docker-compose.yml": "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"
                              "    environment:\n      DJANGO_DEBUG: 'True'\n",
    })
    assert found["DJANGO_DEBUG"] == ""


def test_without_deploy_files_nothing_changes(tmp_path):
    write_tree(tmp_path, {"mysite/settings.py": _SETTINGS})
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    assert deploy_env.deployed(linked.facts, ["mysite/settings.py"])("mysite/settings.py") == {}


SETTINGS = """import os
DATABASE_URL = os.environ.get("DATABASE_URL", "sqlite:///app.db")
REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")
DB_PASSWORD = os.environ.get("DB_PASSWORD", "hunter22")
"""
COMPOSE = """services:
  web:
    build: .
    environment:
      REDIS_URL: redis://redis:6379/0
{more}  redis:
    image: redis:7
"""


def _states(tmp_path, files: dict[str, str]) -> dict[str, str]:
    _, linked = gather([write_tree(tmp_path, {"app/settings.py": SETTINGS, **files})],
                       Settings(root=tmp_path, cache=False, jobs=1))
    return {f.env_key: "set" if f.env_set_by else "unset" if f.env_unset_in else "unknown" for f in linked.facts
            if isinstance(f, (Setting, ServiceLocator, SecretEnvFallback)) and f.env_key and f.path == "app/settings.py"}


def test_a_compose_stack_that_runs_the_app_sets_its_variables_and_leaves_the_others_unset(tmp_path):
    assert _states(tmp_path, {"docker-compose.yml": COMPOSE.format(more="")}) == {
        "DATABASE_URL": "unset", "REDIS_URL": "set", "DB_PASSWORD": "unset"}


def test_an_env_file_or_a_platform_with_outside_config_vars_leaves_them_unknown(tmp_path):
    env_file = COMPOSE.format(more="    env_file: .env\n")
    assert set(_states(tmp_path, {"docker-compose.yml": env_file}).values()) == {"set", "unknown"}
    procfile = {"docker-compose.yml": COMPOSE.format(more=""), "Procfile": "web: gunicorn app.wsgi\n"}
    assert _states(tmp_path / "heroku", procfile)["DATABASE_URL"] == "unknown"


def test_an_image_env_sets_a_variable_but_proves_nothing_unset(tmp_path):
    dockerfile = "FROM python:3.12\nENV DATABASE_URL=postgres://db/app\nCMD gunicorn app.wsgi\n"
    assert _states(tmp_path, {"Dockerfile": dockerfile}) == {
        "DATABASE_URL": "set", "REDIS_URL": "unknown", "DB_PASSWORD": "unknown"}


def test_kubernetes_env_names_count_and_env_from_loads_unknown_ones(tmp_path):
    manifest = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
        - name: web
          image: app
          env:
            - name: DB_PASSWORD
              valueFrom: {secretKeyRef: {name: db, key: password}}
MORE"""
    assert _states(tmp_path, {"k8s/web.yaml": manifest.replace("MORE", "")}) == {
        "DATABASE_URL": "unset", "REDIS_URL": "unset", "DB_PASSWORD": "set"}
    env_from = manifest.replace("MORE", "          envFrom:\n            - configMapRef: {name: web}\n")
    assert _states(tmp_path / "from", {"k8s/web.yaml": env_from})["DATABASE_URL"] == "unknown"


def test_a_development_stack_says_nothing_about_production(tmp_path):
    assert set(_states(tmp_path, {"docker-compose.dev.yml": COMPOSE.format(more="")}).values()) == {"unknown"}


def test_a_pass_through_in_a_source_mounting_stack_is_supplied_by_its_deploy(tmp_path):
    """The stack that bind-mounts the source tree passes DB_PASSWORD (list form `X=${X}`) and DATABASE_URL (a bare
    `- X`) through from the operator's environment: the production file running without them does not make them
    unset — no deploy file sets them is false. REDIS_URL with a literal default is no pass-through."""
    mounted = ("services:\n  web:\n    build: .\n    volumes:\n      - ./app:/srv/app\n    environment:\n"
               "      - DB_PASSWORD=${DB_PASSWORD}\n      - DATABASE_URL\n      - DEBUG=${DEBUG:-False}\n")
    prod = "services:\n  web:\n    image: me/app\n    environment:\n      DEBUG: 'False'\n"
    assert _states(tmp_path, {"docker-compose.yml": mounted, "deploy/prod/docker-compose.yml": prod}) == {
        "DATABASE_URL": "unknown", "REDIS_URL": "unset", "DB_PASSWORD": "unknown"}


def test_a_prefixed_or_lower_case_name_a_settings_class_may_read_is_not_unset(tmp_path):
    compose = COMPOSE.format(more="").replace("      REDIS_URL:", "      myapp_database_url: x\n      REDIS_URL:")
    assert _states(tmp_path, {"docker-compose.yml": compose})["DATABASE_URL"] == "unknown"


def test_a_stack_of_backing_services_alone_does_not_run_the_app(tmp_path):
    infra = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n"
    assert set(_states(tmp_path, {"docker-compose.yml": infra}).values()) == {"unknown"}


_SWITCHED = """\
#!/bin/sh
if [ "${APP_RUN_MIGRATIONS:-false}" = "true" ]; then
    app-manage db upgrade
fi
exec gunicorn app.wsgi
"""


def _migration_condition(tmp_path, compose: str) -> str:
    write_tree(tmp_path, {"entrypoint.sh": _SWITCHED, "compose.yaml": compose,
                          "Dockerfile": "FROM python:3.12\nCOPY entrypoint.sh /e.sh\nENTRYPOINT [\"/e.sh\"]\n"})
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    (fact,) = [f for f in linked.facts if isinstance(f, MigrationAtStart)]
    return fact.condition


def test_a_switch_only_a_one_off_init_service_turns_on_stays_opt_in(tmp_path):
    compose = ("services:\n  init:\n    build: .\n    environment:\n      APP_RUN_MIGRATIONS: 'true'\n"
               "  web:\n    build: .\n    environment:\n      APP_RUN_MIGRATIONS: 'false'\n"
               "    depends_on:\n      init:\n        condition: service_completed_successfully\n")
    condition = _migration_condition(tmp_path, compose)
    assert condition.startswith("when `") and "one-off compose service `init` (compose.yaml) turns on" in condition


def test_a_switch_the_web_service_turns_on_is_what_production_runs(tmp_path):
    compose = ("services:\n  init:\n    build: .\n    environment:\n      APP_RUN_MIGRATIONS: 'true'\n"
               "  web:\n    build: .\n    environment:\n      APP_RUN_MIGRATIONS: 'true'\n"
               "    depends_on:\n      init:\n        condition: service_completed_successfully\n")
    assert _migration_condition(tmp_path, compose) == ""


def test_a_switch_set_to_a_value_the_test_rejects_is_not_turned_on(tmp_path):
    compose = "services:\n  web:\n    build: .\n    environment:\n      APP_RUN_MIGRATIONS: 'false'\n"
    assert _migration_condition(tmp_path, compose).startswith("when `")
