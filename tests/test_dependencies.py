"""Factor II: declarations read with a real requirement parser; undeclared third-party imports reported with
the declaration checked; the cases where the declarations cannot be known stay silent."""

from __future__ import annotations

import pytest
from conftest import write_tree

from twelvefactor_lint.analyze.dependencies import analyze
from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.runner import run

APP = "import requests\nimport yaml\nimport boto3\n"


def _declared(path: str, text: str) -> tuple[list[str], bool]:
    (fact,) = analyze(path, text.encode()).facts
    assert isinstance(fact, Declared)
    return list(fact.names), fact.declares


def test_requirement_files_are_parsed_with_markers_extras_options_and_continuations():
    text = ("-r base.txt\n--index-url https://example.com/simple\nDjango[argon2]>=4.2 ; python_version>'3.8'  # web\n"
            "celery==5.3.6 \\\n    --hash=sha256:abc\n-e .\ngit+https://github.com/x/y.git#egg=y\nZope.Interface\n")
    assert _declared("requirements/prod.txt", text) == (["argon2", "celery", "django", "zope-interface"], True)


@pytest.mark.parametrize(("text", "expected"), [
    ('[project]\nname = "app"\ndependencies = ["Flask>=3"]\n[project.optional-dependencies]\ns3 = ["boto3"]\n',
     (["boto3", "flask"], True)),
    ('[tool.poetry.dependencies]\npython = "^3.11"\nPyYAML = "^6"\n[tool.poetry.group.dev.dependencies]\npytest = "*"\n',
     (["pytest", "pyyaml"], True)),
    ('[dependency-groups]\ndev = ["ruff"]\n[project]\ndependencies = []\n', (["ruff"], True)),
    ('[tool.ruff]\nline-length = 100\n', ([], False)),
])
def test_pyproject_layouts(text, expected):
    assert _declared("pyproject.toml", text) == expected


def _findings(tmp_path, catalogue, files):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return [(f.rule, f.path, f.line, f.message) for f in result.findings if f.rule == "TF201"]


def test_an_undeclared_import_names_the_declaration_checked(tmp_path, catalogue):
    findings = _findings(tmp_path, catalogue, {"svc/app.py": APP, "svc/requirements.txt": "requests\nPyYAML\n",
                                               "pyproject.toml": '[project]\nname = "x"\ndependencies = []\n'})
    assert [(rule, path, line) for rule, path, line, _ in findings] == [("TF201", "svc/app.py", 3)]
    assert "no distribution declared in pyproject.toml, svc/requirements.txt provides `boto3`" in findings[0][3]


@pytest.mark.parametrize("files", [
    {"app.py": APP},  # no declaration at all: nothing to check against
    {"app.py": APP, "requirements.txt": "requests\n",
     "setup.py": "from setuptools import setup\nsetup(install_requires=['boto3'])\n"},
    {"app.py": APP, "pyproject.toml": '[project]\nname = "x"\ndynamic = ["dependencies"]\n'},
    {"app.py": APP, "pyproject.toml": "[tool.black]\nline-length = 100\n"},
    {"app.py": "import boto3\n", "requirements.txt": "django-storages[s3]\nboto3-stubs\n"},
    {"app.py": "from kombu import Queue\nimport celery_app\n", "celery_app.py": "", "requirements.txt": "celery\n"},
])
def test_silent_where_the_declarations_cannot_be_known_or_provide_it(tmp_path, catalogue, files):
    assert _findings(tmp_path, catalogue, files) == []


def test_included_requirement_files_and_extras_provide_modules(tmp_path, catalogue):
    files = {"app/views.py": "import rest_framework\nimport shapely\nimport boto3\n",
             "requirements.txt": "-r requirements/base.txt\n", "requirements/base.txt": "djangorestframework\n",
             "pyproject.toml": '[tool.poetry.dependencies]\ngeoalchemy2 = {extras = ["shapely"], version = "0.18"}\n'
                               '[project]\ndependencies = ["geoalchemy2[shapely]"]\n'}
    assert [(line, path) for _, path, line, _ in _findings(tmp_path, catalogue, files)] == [(3, "app/views.py")]


@pytest.mark.parametrize(("text", "expected"), [
    ('[tool.poetry.dependencies]\ngeoalchemy2 = {extras = ["shapely"], version = "0.18.4"}\n', ["geoalchemy2", "shapely"]),
    ('[project]\ndependencies = []\n[tool.hatch.envs.default]\ndependencies = ["libcst"]\n', ["libcst"]),
])
def test_poetry_extras_and_hatch_environments_are_declarations(text, expected):
    assert _declared("pyproject.toml", text)[0] == expected


def test_a_requirements_directory_declares_for_the_directory_above_it(tmp_path, catalogue):
    files = {"app/factories.py": "import factory\nfrom rest_framework_jwt import views\n",
             "requirements/local.txt": "factory-boy\n", "requirements/base.txt": "drf-jwt\n"}
    assert _findings(tmp_path, catalogue, files) == []
