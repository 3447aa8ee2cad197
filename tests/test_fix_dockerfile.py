"""Dockerfile fixes: exec form only where the shell adds nothing; every other byte kept."""

from __future__ import annotations

import pytest
from fixing import fixed

from twelvefactor_lint.analyze.shell.parse import plain_words


@pytest.mark.parametrize("line, words", [
    ("gunicorn app:app --bind 0.0.0.0:8000", ("gunicorn", "app:app", "--bind", "0.0.0.0:8000")),
    ("  python  -m   app  ", ("python", "-m", "app")),
    ("""gunicorn "a b" 'c$d' --workers 2""", ("gunicorn", "a b", "c$d", "--workers", "2")),
    ("uwsgi --ini=/app/uwsgi.ini", ("uwsgi", "--ini=/app/uwsgi.ini")),
])
def test_plain_words(line, words):
    assert plain_words(line) == words


@pytest.mark.parametrize("line", [
    "cd /app && gunicorn app:app", "a; b", "a | b", "a &", "a > log", "a 2>&1", "gunicorn --bind 0.0.0.0:$PORT",
    'a "$X"', "a $(b)", "a `b`", "PORT=1 a", "a *.py", "a ~/x", "a {x,y}", "a \\ b", 'a "b\\nc"', "a # note",
    "exec gunicorn app", "cd /app", '""', "if a; then b; fi", "(a)", "a <<EOF", "",
])
def test_lines_that_need_a_shell_have_no_plain_words(line):
    assert plain_words(line) is None


def _fixed_dockerfile(tmp_path, text: str | bytes) -> bytes | None:
    return fixed(tmp_path, {"Dockerfile": text}, "TF901").get("Dockerfile")


def test_only_the_instruction_changes(tmp_path):
    text = b"# syntax=docker/dockerfile:1\r\nFROM python:3.12-slim\r\n\r\n# start\r\ncmd   gunicorn 'app:app'\r\nUSER app\r\n"
    assert _fixed_dockerfile(tmp_path, text) == text.replace(b"cmd   gunicorn 'app:app'", b'cmd ["gunicorn", "app:app"]')


def test_a_continued_instruction_becomes_one_line(tmp_path):
    text = "FROM python:3.12-slim\nCMD gunicorn \\\n    app:app \\\n    --workers 2\nEXPOSE 80"
    assert _fixed_dockerfile(tmp_path, text) == b'FROM python:3.12-slim\nCMD ["gunicorn", "app:app", "--workers", "2"]\nEXPOSE 80'


def test_backtick_continuations_under_the_escape_directive(tmp_path):
    text = "# escape=`\nFROM python:3.12-slim\nCMD python `\n  app.py\n"
    assert _fixed_dockerfile(tmp_path, text) == b'# escape=`\nFROM python:3.12-slim\nCMD ["python", "app.py"]\n'


def test_non_ascii_words_stay_readable(tmp_path):
    text = "FROM python:3.12-slim\nCMD python app.py --name café\n"
    assert _fixed_dockerfile(tmp_path, text).decode() == 'FROM python:3.12-slim\nCMD ["python", "app.py", "--name", "café"]\n'


@pytest.mark.parametrize("text", [
    "FROM python:3.12-slim\nCMD gunicorn app:app --bind 0.0.0.0:$PORT\n",
    "FROM python:3.12-slim\nENTRYPOINT python app.py\nCMD [\"--debug\"]\n",
    "FROM python:3.12-slim\nCMD [\"--debug\"]\nENTRYPOINT python app.py\n",
    "FROM python:3.12-slim\nSHELL [\"/bin/bash\", \"-lc\"]\nCMD python app.py\n",
    "FROM python:3.12-slim AS base\nSHELL [\"powershell\", \"-Command\"]\nFROM base\nCMD python app.py\n",
    "FROM python:3.12-slim\nCMD python \\\n# the app\n  app.py\n",
    "FROM python:3.12-slim\nSHELL /bin/bash -c\nCMD python app.py\n",  # an invalid, non-JSON SHELL crashed the fix
])
def test_no_fix_where_exec_form_could_run_something_else(tmp_path, text):
    assert _fixed_dockerfile(tmp_path, text) is None


def test_a_bash_shell_without_login_is_plain(tmp_path):
    text = 'FROM python:3.12-slim AS base\nSHELL ["/bin/bash", "-o", "pipefail", "-c"]\nFROM base\nCMD python app.py\n'
    assert _fixed_dockerfile(tmp_path, text).endswith(b'CMD ["python", "app.py"]\n')


def test_an_entrypoint_alone_is_fixed(tmp_path):
    text = "FROM python:3.12-slim\nENTRYPOINT python app.py\n"
    assert _fixed_dockerfile(tmp_path, text) == b'FROM python:3.12-slim\nENTRYPOINT ["python", "app.py"]\n'


def test_a_file_that_is_not_utf8_is_left_alone(tmp_path):
    assert _fixed_dockerfile(tmp_path, b"FROM python:3.12-slim\nLABEL who=\xe9\nCMD python app.py\n") is None
