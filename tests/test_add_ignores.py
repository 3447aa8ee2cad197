"""`--add-ignores`: a directive per finding in each kind's comment syntax; afterwards the run is clean."""

from __future__ import annotations

import json

import pytest
from conftest import STATEFUL_FLASK_APP, write_tree
from test_cli import cli

from twelvefactor_lint.fix import ignores
from twelvefactor_lint.model import Finding

PROJECT = {
    "app.py": STATEFUL_FLASK_APP,
    "Dockerfile": "FROM python:3.12\nRUN pip install gunicorn \\\n    flask\nCMD gunicorn app:app --bind 0.0.0.0:8000\n",
    "docker-compose.yml": "services:\n  web:\n    build: .\n    container_name: web\n    deploy:\n      replicas: 2\n",
}


def test_directives_are_written_and_the_next_run_is_clean(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = cli("--add-ignores", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "Added directives for 4 findings in 3 files" in result.stderr
    app = (tmp_path / "app.py").read_text()
    assert "    CARTS[user] = []  # 12f: ignore[TF601] -- TODO: reason\n" in app
    assert "# 12f: ignore[TF701, TF901] -- TODO: reason\nCMD gunicorn" in (tmp_path / "Dockerfile").read_text()
    assert "    # 12f: ignore[TF803] -- TODO: reason\n    container_name: web\n" in (tmp_path / "docker-compose.yml").read_text()
    rerun = json.loads(cli("--format", "json", str(tmp_path)).stdout)
    assert rerun["findings"] == []
    assert rerun["summary"]["suppressed"] == 4


def test_only_files_under_the_paths_given_are_touched(tmp_path):
    write_tree(tmp_path, {**PROJECT, ".git/HEAD": ""})
    before = (tmp_path / "Dockerfile").read_text()
    assert cli("--add-ignores", str(tmp_path / "app.py")).exit_code == 0
    assert (tmp_path / "Dockerfile").read_text() == before
    assert "12f: ignore[TF601]" in (tmp_path / "app.py").read_text()


def test_a_directive_on_a_key_goes_above_it(tmp_path):
    compose = "services:\n  web:\n    build: .\n    command: |\n      sh -c 'gunicorn app:app & celery -A app worker'\n"
    write_tree(tmp_path, {"docker-compose.yml": compose})
    assert cli("--add-ignores", str(tmp_path)).exit_code == 0
    assert "    # 12f: ignore[TF804, TF901] -- TODO: reason\n    command: |\n" in (tmp_path / "docker-compose.yml").read_text()
    assert json.loads(cli("--format", "json", str(tmp_path)).stdout)["findings"] == []


@pytest.mark.parametrize(("path", "text", "line"), [
    ("docker-compose.yml", "services:\n  web:\n    command: |\n      gunicorn app:app\n      --bind x\n", 5),
    ("app.py", 'X = """\nline\n"""\n', 2),
])
def test_a_comment_that_would_change_the_file_is_not_written(path, text, line):
    finding = Finding("TF601", "mutable-module-state", "VI", "error", path, line, 1, line, 1, "m")
    assert ignores._with_directives(path, text.encode(), [finding]) is None


def test_add_ignores_with_fix_is_a_usage_error(tmp_path):
    result = cli("--add-ignores", "--fix", str(tmp_path))
    assert result.exit_code == 2
    assert "--fix and --add-ignores cannot be combined" in result.stderr
