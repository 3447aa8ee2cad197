"""Round-22 classes of "this is not the production path" (issue 12): a literal or a development server that only a
non-production run uses is a note, while the same shape on the production path stays a warning."""

from __future__ import annotations

import pytest


def _found(result, rule: str) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.severity) for f in result.findings if f.rule == rule]


@pytest.mark.parametrize("check", [
    'if IS_PRODUCTION and not os.getenv("SECRET_KEY"):',
    'if IS_PRODUCTION and os.environ.get("SECRET_KEY") is None:',
    'if IS_PRODUCTION and not raw_key:',  # a name bound to a read without a fallback
])
def test_a_fallback_production_refuses_to_start_without_is_a_note(lint, check):
    code = (
        "import os\n"
        "from flask import Flask, session\n"
        "IS_PRODUCTION = bool(os.getenv('IS_PRODUCTION'))\n"
        "raw_key = os.getenv('SECRET_KEY')\n"
        f"{check}\n"
        "    raise RuntimeError('SECRET_KEY must be set in production')\n"
        "app = Flask(__name__)\n"
        "app.config['SECRET_KEY'] = os.getenv('SECRET_KEY', 'dev-only-key')\n"
    )
    assert _found(lint({"app.py": code}, select=("TF302",)), "TF302") == [("app.py", 8, "info")]


def test_a_check_of_another_variable_refuses_nothing(lint):
    code = (
        "import os\n"
        "from flask import Flask, session\n"
        "app = Flask(__name__)\n"
        "if not os.getenv('DATABASE_URL'):\n"
        "    raise RuntimeError('DATABASE_URL must be set')\n"
        "app.config['SECRET_KEY'] = os.getenv('SECRET_KEY', 'dev-only-key')\n"
    )
    assert _found(lint({"app.py": code}, select=("TF302",)), "TF302") == [("app.py", 6, "warning")]


_COMPOSE = """\
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_USER: shop
      POSTGRES_PASSWORD: {password}
"""


@pytest.mark.parametrize("password, severity", [("shop", "info"), ("other", "warning")])
def test_a_fallback_to_the_compose_database_is_a_note_only_with_its_password(lint, password, severity):
    files = {"settings.py": "import os\nDB = os.environ.get('DATABASE_URL', 'postgres://shop:shop@db:5432/shop')\n",
             "docker-compose.yml": _COMPOSE.format(password=password)}
    assert _found(lint(files, select=("TF304",)), "TF304") == [("settings.py", 2, severity)]


def test_a_local_procfile_is_a_doubt_only_beside_another_production_start(lint):
    procfile = "db: docker-compose up db\nweb: ./manage.py runserver\n"
    alone = lint({"Procfile": procfile}, select=("TF1004",))  # the only start: info, as any start no deploy file ties
    assert _found(alone, "TF1004") == [("Procfile", 2, "info")]  # to production, but not called a developer's list
    assert "if this is how production starts" in alone.findings[0].message
    files = {"Procfile": procfile, "deploy/Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "app.wsgi"]\n'}
    result = lint(files, select=("TF1004",))
    assert _found(result, "TF1004") == [("Procfile", 2, "info")]
    assert "probably a developer's process list" in result.findings[0].message


def test_a_dockerfile_beside_a_buildpack_build_is_a_doubt(lint):
    files = {"Dockerfile": 'FROM python:3.12\nCMD ["flask", "run", "--host", "0.0.0.0"]\n',
             "Procfile": "web: gunicorn wsgi:app\n"}
    alone = lint(files, select=("TF1004",))
    assert _found(alone, "TF1004") == [("Dockerfile", 2, "info")]
    assert "if this is how production starts" in alone.findings[0].message
    result = lint({**files, "project.toml": '[_]\nschema-version = "0.2"\n'}, select=("TF1004",))
    assert _found(result, "TF1004") == [("Dockerfile", 2, "info")]
    assert "Cloud Native Buildpacks (project.toml)" in result.findings[0].message
