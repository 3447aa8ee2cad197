"""Secrets committed in deploy files (TF308, TF307) and web servers on a fixed port where the platform assigns
`$PORT` (TF701): one judgement of a value for every deploy file, severity by what the value and the context prove."""

from __future__ import annotations

import base64

from conftest import write_tree

from twelvefactor_lint.analyze.deploy_secret import committed_secret
from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run


def _findings(tmp_path, catalogue, files, rule):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return sorted((f.path, f.line, f.severity) for f in result.findings if f.rule == rule)


def test_a_service_url_with_a_password_is_a_secret_whatever_its_key_is_called():
    found = committed_secret("ACCOUNTS_DB_URI", "postgresql://admin:accounts-pwd@accounts-db:5432/db", interpolated=False)
    assert found is not None and found.url == "postgresql://admin:***@accounts-db:5432" and not found.default
    assert committed_secret("CACHE_URL", "redis://cache:6379/0", interpolated=False) is None
    assert committed_secret("DATABASE_URL", "postgres://app:<password>@db/app", interpolated=False) is None


def test_only_a_compose_default_commits_a_value_and_a_required_variable_commits_none():
    defaulted = committed_secret("DD_SECRET_KEY", "${DD_SECRET_KEY:-hhZCp@D28z!n@NED*yB!ROMt+WzsY*iq}", interpolated=True)
    assert defaulted is not None and defaulted.default and defaulted.shape == "random" and defaulted.own_key
    assert committed_secret("SECRET_KEY", "${SECRET_KEY:?set it}", interpolated=True) is None
    assert committed_secret("SECRET_KEY", "${SECRET_KEY}", interpolated=True) is None
    assert committed_secret("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/app", interpolated=True) is None
    in_url = committed_secret("DATABASE_URL", "postgres://app:${DB_PASSWORD:-app-db-pass}@${DB_HOST}/app",
                              interpolated=True)
    assert in_url is not None and in_url.default and in_url.url == "postgres://app:***@${DB_HOST}"
    # a manifest is not interpolated: `${...}` there is a template's placeholder
    assert committed_secret("SECRET_KEY", "${SECRET_KEY:-k8v!2mfq0zs9-a7d1e3x}", interpolated=False) is None


def test_a_committed_secret_manifest_is_read_and_a_sealed_one_is_not(tmp_path, catalogue):
    encoded = base64.b64encode(b"k8v!2mfq0zs9-a7d1e3x").decode()
    files = {
        "k8s/secret.yaml": "apiVersion: v1\nkind: Secret\nmetadata: {name: app}\ntype: Opaque\n"
                           f"data:\n  SECRET_KEY: {encoded}\n  BROKEN_TOKEN: '%%not-base64'\n"
                           "stringData:\n  DATABASE_URL: postgres://app:app-db-pass@db/app\n",
        "k8s/sealed.yaml": "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata: {name: app}\n"
                           "spec:\n  encryptedData:\n    SECRET_KEY: AgBy3i4OJSWK+PiTySYZZA9rO43cGDEq\n",
    }
    assert _findings(tmp_path, catalogue, files, "TF308") == [("k8s/secret.yaml", 6, "warning"),
                                                              ("k8s/secret.yaml", 9, "warning")]


COMPOSE = """\
services:
  web:
    build: .
{volumes}    environment:
      DATABASE_URL: postgres://shop:shop-db-pass@db:5432/shop
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: shop-db-pass
"""


def test_compose_secrets_weigh_the_service_and_the_stack(tmp_path, catalogue):
    files = {"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nCMD [\"gunicorn\", \"app:app\"]\n",
             "docker-compose.yml": COMPOSE.format(volumes="")}
    # the app's URL is a warning; the password the stack's own database container is given, a note
    assert _findings(tmp_path / "prod", catalogue, files, "TF308") == [
        ("docker-compose.yml", 5, "warning"), ("docker-compose.yml", 9, "info")]
    files["docker-compose.yml"] = COMPOSE.format(volumes="    volumes: ['.:/app']\n")
    # a development stack (the source mounted over the image) is judged one severity lower
    assert _findings(tmp_path / "dev", catalogue, files, "TF308") == [
        ("docker-compose.yml", 6, "info"), ("docker-compose.yml", 10, "info")]


def test_a_secret_several_services_share_is_one_problem_and_a_variable_is_none(tmp_path, catalogue):
    compose = ("x-env: &env\n  DATABASE_URL: postgres://app:app-db-pass@db/app\n  SECRET_KEY: $SECRET_KEY\n"
               "services:\n  web:\n    image: shop:1\n    environment:\n      <<: *env\n"
               "  worker:\n    image: shop:1\n    environment:\n      <<: *env\n"
               "  beat:\n    image: shop:1\n    environment:\n      DATABASE_URL: postgres://app:app-db-pass@db/app\n")
    assert _findings(tmp_path, catalogue, {"docker-compose.yml": compose}, "TF308") == [
        ("docker-compose.yml", 2, "warning")]


def test_an_env_that_copies_a_secret_build_argument_is_baked_in(tmp_path, catalogue):
    dockerfile = ("FROM python:3.12-slim AS build\nARG API_TOKEN\nRUN fetch --token $API_TOKEN\n"
                  "FROM python:3.12-slim\nARG AWS_SECRET_ACCESS_KEY\nENV AWS_SECRET_ACCESS_KEY=$AWS_SECRET_ACCESS_KEY\n"
                  "ENV API_TOKEN=${API_TOKEN}\nCMD [\"gunicorn\", \"app:app\"]\n")
    # API_TOKEN is an argument of the other stage: this one copies an empty variable
    assert _findings(tmp_path, catalogue, {"Dockerfile": dockerfile}, "TF307") == [("Dockerfile", 6, "warning")]


DOCKERFILE = 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "-m", "gunicorn", "--bind", "0.0.0.0:8000", "app:app"]\n'


def test_a_fixed_port_is_a_warning_only_where_the_platform_assigning_the_port_runs_it(tmp_path, catalogue):
    assert _findings(tmp_path / "plain", catalogue, {"Dockerfile": DOCKERFILE}, "TF701") == [("Dockerfile", 3, "info")]
    on_heroku = {"Dockerfile": DOCKERFILE, "heroku.yml": "build:\n  docker:\n    web: Dockerfile\n"}
    assert _findings(tmp_path / "heroku", catalogue, on_heroku, "TF701") == [("Dockerfile", 3, "warning")]
    # a buildpack deploy runs the Procfile's own command, not the image's CMD beside it
    beside = {"Dockerfile": DOCKERFILE, "Procfile": "web: gunicorn app:app\n"}
    assert _findings(tmp_path / "beside", catalogue, beside, "TF701") == [("Dockerfile", 3, "info")]
    started = {"Procfile": "web: sh bin/start.sh\n", "bin/start.sh": "#!/bin/sh\nexec gunicorn -b 0.0.0.0:8000 app:app\n"}
    assert _findings(tmp_path / "started", catalogue, started, "TF701") == [("bin/start.sh", 2, "warning")]
    on_fly = {"Dockerfile": DOCKERFILE, "fly.toml": "app = 'shop'\n[http_service]\ninternal_port = 8000\n"}
    assert _findings(tmp_path / "fly", catalogue, on_fly, "TF701") == [("Dockerfile", 3, "info")]


def test_a_procfile_web_line_is_judged_once(tmp_path, catalogue):
    files = {"Procfile": "web: gunicorn --bind 0.0.0.0:8000 app:app\n"}
    assert _findings(tmp_path, catalogue, files, "TF701") == [("Procfile", 1, "warning")]


def test_a_mounted_settings_directory_does_not_make_the_compose_file_a_development_stack(tmp_path, catalogue):
    compose = COMPOSE.format(volumes="    volumes: ['./docker/{}:/app/docker/{}']\n")
    files = {"Dockerfile": "FROM python:3.12-slim\nCOPY . /app\nCMD [\"gunicorn\", \"app:app\"]\n"}
    # a directory named for settings carries config into the image; a source directory is the developers' stack
    assert _findings(tmp_path / "settings", catalogue, {**files, "docker-compose.yml": compose.replace(
        "{}", "extra_settings")}, "TF308")[0] == ("docker-compose.yml", 6, "warning")
    assert _findings(tmp_path / "source", catalogue, {**files, "docker-compose.yml": compose.replace(
        "{}", "src")}, "TF308")[0] == ("docker-compose.yml", 6, "info")


def test_a_charts_values_files_are_read_for_secrets_and_only_its_defaults_for_replicas(tmp_path, catalogue):
    chart = "apiVersion: v2\nname: shop\nversion: 1.0.0\n"
    files = {
        "chart/Chart.yaml": chart,
        "chart/values.yaml": "web:\n  replicas: 1\nexistingSecret: shop-secrets\nsecretKey: k8v!2mfq0zs9-a7d1e3x\n",
        "chart/values-uat.yaml": "web:\n  replicas: 3\nenv:\n  DB_PASSWORD: thisisapassword\n",
        "chart/templates/web.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
                                    "spec:\n  replicas: {{ .Values.web.replicas }}\n  template:\n    spec:\n      containers:\n"
                                    "        - name: web\n          image: shop:1\n          command: [gunicorn, app:app]\n",
        "values.yaml": "database:\n  url: postgresql://shop:shop-db-pass@postgres/shop\n",  # no chart beside it
    }
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    assert sorted((f.rule, f.path, f.line, f.severity) for f in result.findings) == [
        ("TF308", "chart/values-uat.yaml", 4, "info"), ("TF308", "chart/values.yaml", 4, "warning")]
    # one deploy's values do not replace the chart's default replicas
    assert [(p.name, p.replicas) for p in result.processes] == [("TEMPLATE", 1)]


def test_rabbitmqs_guest_account_is_a_published_default_on_any_host():
    broker = committed_secret("INVENIO_BROKER_URL", "amqp://guest:guest@mq:5672", interpolated=False)
    assert broker is not None and broker.shape == "public_default" and broker.url == "amqp://guest:***@mq:5672"
    # only the product's own pair on its own scheme: another user, or guest on another service, is a password
    assert committed_secret("BROKER_URL", "amqp://celery:guest@mq:5672", interpolated=False).shape == "word"
    assert committed_secret("DATABASE_URL", "postgres://guest:guest@db/app", interpolated=False).shape == "word"
