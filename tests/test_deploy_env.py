"""link.deploy_env: the variables the production deploy files give the app's processes, on every Python fact that
reads one (`env_set_by`), so a rule can tell a fallback every shipped deploy replaces from one a deploy runs on."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.python import PythonFact
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


def test_a_development_stack_sets_nothing_for_production(tmp_path):
    found = _set_by(tmp_path, {
        "docker-compose.yml": "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"
                              "    environment:\n      DJANGO_DEBUG: 'True'\n",
    })
    assert found["DJANGO_DEBUG"] == ""


def test_without_deploy_files_nothing_changes(tmp_path):
    write_tree(tmp_path, {"mysite/settings.py": _SETTINGS})
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    assert deploy_env.deployed(linked.facts, ["mysite/settings.py"]) == {}
