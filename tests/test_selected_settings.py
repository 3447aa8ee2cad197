"""Which settings a deploy selects: a uWSGI `env` option, a start script the image's own ENV names, and the test
suite's `if "test" in sys.argv[1]:` branch."""

import ast

from twelvefactor_lint.analyze import dockerfile, uwsgi
from twelvefactor_lint.analyze.python.conditions import branches
from twelvefactor_lint.analyze.python.names import Names
from twelvefactor_lint.facts.platform import SettingsModule
from twelvefactor_lint.facts.process import ProcessStart


def test_uwsgi_env_option_selects_the_settings_module() -> None:
    found = uwsgi.analyze("docker/app.ini", b"[uwsgi]\nenv = DJANGO_SETTINGS_MODULE=site.settings\nenv = OTHER=x\n").facts
    assert [(f.line, f.module) for f in found if isinstance(f, SettingsModule)] == [(2, "site.settings")]


def _starts(text: str) -> list[str]:
    facts = dockerfile.analyze("Dockerfile", text.encode()).facts
    return [f.command for f in facts if isinstance(f, ProcessStart)]


def test_image_env_naming_the_program_is_expanded() -> None:
    text = ('ARG CMD_SCRIPT="docker/run.sh"\nFROM python:3.12-slim\nARG CMD_SCRIPT\nENV CMD_SCRIPT=$CMD_SCRIPT\n'
            'CMD ["sh", "-c", "${CMD_SCRIPT}"]\n')
    assert _starts(text) == ["docker/run.sh"]


def test_arguments_and_unknown_variables_stay_variables() -> None:
    text = 'FROM python:3.12-slim\nENV PORT=8000\nCMD ["sh", "-c", "gunicorn app:app --bind 0.0.0.0:$PORT"]\n'
    assert _starts(text) == ["gunicorn app:app --bind 0.0.0.0:$PORT"]
    assert _starts('FROM python:3.12-slim\nCMD ["sh", "-c", "$START"]\n') == ["$START"]


def test_argv_naming_the_tests_is_the_test_suites_branch() -> None:
    source = ('import sys\nif len(sys.argv) > 1 and "test" in sys.argv[1]:\n    from .testing import *\n'
              'if "runserver" in sys.argv:\n    DEBUG = True\n')
    tree = ast.parse(source)
    names = Names(tree, [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))])
    found = branches(tree, [n for n in ast.walk(tree) if isinstance(n, ast.If)], names)
    assert [(b.first, b.ci_only) for b in found] == [(3, True)]
