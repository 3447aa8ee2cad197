"""Whether the project's deploy files replace an environment fallback (link.deploy_env)."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.python import SecretEnvFallback, ServiceLocator, Setting
from twelvefactor_lint.runner import gather

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
    return {f.env_key: f.deploy_env for f in linked.facts
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


def test_a_prefixed_or_lower_case_name_counts_as_set_for_settings_classes(tmp_path):
    compose = COMPOSE.format(more="").replace("      REDIS_URL:", "      myapp_database_url: x\n      REDIS_URL:")
    assert _states(tmp_path, {"docker-compose.yml": compose})["DATABASE_URL"] == "set"


def test_a_stack_of_backing_services_alone_does_not_run_the_app(tmp_path):
    infra = "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n"
    assert set(_states(tmp_path, {"docker-compose.yml": infra}).values()) == {"unknown"}
