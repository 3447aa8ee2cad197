"""Factor II: declarations read with a real requirement parser; undeclared third-party imports reported with
the declaration checked; the cases where the declarations cannot be known stay silent."""

from __future__ import annotations

import pytest
from conftest import write_tree

from twelvefactor_lint.analyze.dependencies import analyze
from twelvefactor_lint.analyze.python import analyze as analyze_python
from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.python import Import
from twelvefactor_lint.runner import run

APP = "import requests\nimport yaml\nimport boto3\n"


def _declared(path: str, text: str) -> tuple[list[str], bool]:
    fact = _declaration(path, text)
    return list(fact.names), fact.declares


def _declaration(path: str, text: str) -> Declared:
    (fact,) = analyze(path, text.encode()).facts
    assert isinstance(fact, Declared)
    return fact


def test_requirement_files_are_parsed_with_markers_extras_options_and_continuations():
    text = ("-r base.txt\n--index-url https://example.com/simple\nDjango[argon2]>=4.2 ; python_version>'3.8'  # web\n"
            "celery==5.3.6 \\\n    --hash=sha256:abc\n-e .\ngit+https://github.com/x/y.git#egg=y\nZope.Interface\n")
    assert _declared("requirements/prod.txt", text) == (
        ["argon2", "celery", "django", "django[argon2]", "y", "zope-interface"], True)


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
    {"app.py": APP, "requirements.txt": "requests\n",  # computed: only running the script would tell
     "setup.py": "from setuptools import setup\nsetup(install_requires=open('deps.txt').read().split())\n"},
    {"app.py": APP, "setup.py": "from setuptools import setup\nsetup(**OPTIONS)\n"},
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
    ('[tool.poetry.dependencies]\ngeoalchemy2 = {extras = ["shapely"], version = "0.18.4"}\n',
     ["geoalchemy2", "geoalchemy2[shapely]", "shapely"]),
    ('[project]\ndependencies = []\n[tool.hatch.envs.default]\ndependencies = ["libcst"]\n', ["libcst"]),
])
def test_poetry_extras_and_hatch_environments_are_declarations(text, expected):
    assert _declared("pyproject.toml", text)[0] == expected


def test_a_requirements_directory_declares_for_the_directory_above_it(tmp_path, catalogue):
    files = {"app/factories.py": "import factory\nfrom rest_framework_jwt import views\n",
             "requirements/local.txt": "factory-boy\n", "requirements/base.txt": "drf-jwt\n"}
    assert _findings(tmp_path, catalogue, files) == []


@pytest.mark.parametrize(("path", "text"), [
    ("poetry.lock", '[[package]]\nname = "PyYAML"\nversion = "6.0"\n'),
    ("uv.lock", 'version = 1\n[[package]]\nname = "pyyaml"\nversion = "6.0"\n'),
    ("pylock.toml", 'lock-version = "1.0"\n[[packages]]\nname = "pyyaml"\n'),
    ("Pipfile.lock", '{"_meta": {}, "default": {"pyyaml": {"version": "==6.0"}}, "develop": {}}'),
    ("requirements.lock", "# generated by rye\npyyaml==6.0\n    # via app\n"),
])
def test_lock_files_list_what_they_pin_and_declare_nothing(path, text):
    fact = _declaration(path, text)
    assert (fact.locked, fact.names, fact.declares) == (("pyyaml",), (), False)


def test_a_url_requirement_names_its_egg_or_is_counted_as_unnamed():
    text = "-e git+https://github.com/a/b.git#egg=webdavclient3\nhttps://example.com/pkg-1.0.tar.gz\n-i https://x/simple\n"
    fact = _declaration("requirements.txt", text)
    assert (fact.names, fact.unnamed) == (("webdavclient3",), ("https://example.com/pkg-1.0.tar.gz",))


def _severities(tmp_path, catalogue, files):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return [(f.path, f.line, f.severity, f.message) for f in result.findings if f.rule == "TF201"]


def _sureness(message: str) -> str:
    """Every TF201 finding is info (its precision on unseen code earned no warning): what tells a module a clean
    install lacks from one something may provide after all is the message."""
    return "sure" if "a clean install from them lacks it" in message else "doubt"


def test_one_finding_per_module_names_the_other_places(tmp_path, catalogue):
    files = {"app/a.py": "import isodate\n", "app/b.py": "x = 1\nimport isodate\n", "app/c.py": "def f():\n    import isodate\n",
             "requirements.txt": "django\n"}
    [(path, line, severity, message)] = _severities(tmp_path, catalogue, files)
    assert (path, line, severity, _sureness(message)) == ("app/a.py", 1, "info", "sure")
    assert "provides `isodate` (also imported at app/b.py:2, app/c.py:2): a clean install" in message


def test_a_namespace_distribution_imported_by_submodules_is_one_finding(tmp_path, catalogue):
    files = {"app/client.py": "import google.protobuf.json_format\n", "app/common.py": "from google.protobuf import descriptor\n",
             "app/store.py": "import google.cloud.storage\n", "requirements.txt": "django\n"}
    found = sorted((path, message.split("`")[1]) for path, _, _, message in _severities(tmp_path, catalogue, files))
    assert found == [("app/client.py", "import google.protobuf"), ("app/store.py", "import google.cloud.storage")]


@pytest.mark.parametrize(("code", "requirements"), [
    ("import httpx\n", "openai==2.5\n"),  # the OpenAI and Anthropic clients require httpx
    ("from modelcluster.fields import ParentalKey\nfrom rest_framework import serializers\n", "wagtail==5.2\n"),
    ("import pgtrigger\n", "django-pghistory==3.9\n"),
    ("import jinja2\n", "fastapi[standard]==0.115\n"),  # an extra that exists to install it
    ("import boto3\nimport botocore\n", "smart_open[s3]==7.0\n"),
    ("import telebot\n", "pyTelegramBotAPI~=4.12\n"),  # provided under another import name
])
def test_modules_a_declared_distribution_installs_or_provides_are_not_reported(tmp_path, catalogue, code, requirements):
    assert _severities(tmp_path, catalogue, {"app/bot.py": code, "requirements.txt": requirements}) == []
    assert _severities(tmp_path / "bare", catalogue, {"app/bot.py": code, "requirements.txt": "django\n"}) != []


def test_only_deferred_places_make_an_info_finding_that_says_when(tmp_path, catalogue):
    files = {"app/a.py": "def export():\n    import openpyxl\n", "requirements.txt": "django\n"}
    [(_, line, severity, message)] = _severities(tmp_path, catalogue, files)
    assert (line, severity) == (2, "info")
    assert "imported only when `export()` runs" in message


@pytest.mark.parametrize(("files", "doubt"), [
    ({"app.py": "import mystery\n", "requirements.txt": "django\nhttps://example.com/mystery-1.0.zip\n"},
     "requirements.txt installs `https://example.com/mystery-1.0.zip`, which does not name its distribution"),
    ({"app.py": "import common_lib\n", "requirements.txt": "-r requirements/prod.txt\n",
      "requirements/prod.txt": "django\nhttps://github.com/org/common_lib/archive/refs/tags/0.3.tar.gz\n"},
     "requirements.txt installs `https://github.com/org/common_lib/archive/refs/tags/0.3.tar.gz`"),
    ({"app.py": "import slumber\n", "requirements.txt": "django\n-r requirements/production.txt\n"},
     "requirements.txt includes requirements/production.txt, which is not in the repository"),
    ({"app/report.py": "import argparse\nimport tabulate\n\nif __name__ == '__main__':\n    argparse.ArgumentParser()\n",
      "requirements.txt": "django\n"}, "command-line script"),
    ({"appengine_config.py": "import lib_shim\n", "requirements.txt": "flask\n"},
     "App Engine's Python 2 hook"),
])
def test_doubtful_providers_and_contexts_are_info_and_say_why(tmp_path, catalogue, files, doubt):
    found = _severities(tmp_path, catalogue, files)
    assert found and all(severity == "info" and doubt in message for _, _, severity, message in found), found


def test_a_url_without_a_name_casts_doubt_only_on_imports_resembling_it(tmp_path, catalogue):
    files = {"app.py": "import hbotrc\nimport pandas\n", "environment.yml":
             "dependencies:\n  - fastapi\n  - pip:\n      - git+https://github.com/acme/hbot-remote-client-py.git\n"}
    found = {message.split("`")[1]: _sureness(message) for _, _, _, message in _severities(tmp_path, catalogue, files)}
    assert found == {"import hbotrc": "doubt", "import pandas": "sure"}


def test_a_framework_installs_what_its_own_dependencies_install(tmp_path, catalogue):
    """fastapi requires pydantic, which requires pydantic_core: declaring fastapi provides both."""
    files = {"app.py": "import pydantic_core\nimport annotated_types\n", "requirements.txt": "fastapi==0.115\n"}
    assert _severities(tmp_path, catalogue, files) == []


def test_a_module_outside_what_the_resolved_starts_reach_is_info_when_the_closure_is_partial(tmp_path, catalogue):
    """Too little is reached to call anything unreached, but an import only outside the reached modules
    is doubtful; one also imported by a reached module stays sure, anchored there."""
    files = {"Procfile": "web: gunicorn app.web:app\n", "requirements.txt": "flask==3.0\ngunicorn==22.0\n",
             "app/__init__.py": "", "app/web.py": "import flask\nimport isodate\napp = flask.Flask(__name__)\n",
             **{f"reports/job{n}.py": "import isodate\nimport seaborn\n" for n in range(4)}}
    found = {message.split("`")[1]: (path, _sureness(message)) for path, _, _, message in _severities(tmp_path, catalogue, files)}
    assert found == {"import isodate": ("app/web.py", "sure"), "import seaborn": ("reports/job0.py", "doubt")}


def test_an_import_records_when_it_runs_preferring_its_module_level_place():
    code = ("import os\n\ndef load():\n    import lxml\n    import yaml\n\nif os.environ.get('X'):\n    import redis\n"
            "else:\n    import fakeredis\n\nimport yaml\n")
    facts = {f.module: (f.line, f.deferred) for f in analyze_python("app.py", code.encode()).facts if isinstance(f, Import)}
    assert facts == {"os": (1, ""), "lxml": (4, "when `load()` runs"), "yaml": (12, ""),
                     "redis": (8, "when `os.environ.get('X')`"), "fakeredis": (10, "unless `os.environ.get('X')`")}


def test_a_conda_environment_declares_its_packages_and_pip_list(tmp_path, catalogue):
    files = {"app.py": "import numpy\nimport flask\nimport torch\nimport redis\n",
             "environment.yml": "dependencies:\n  - conda-forge::numpy>=1.26\n  - pytorch=2.3\n  - pip:\n    - Flask==3.0\n"}
    assert [(path, line) for path, line, _, _ in _severities(tmp_path, catalogue, files)] == [("app.py", 4)]


@pytest.mark.parametrize(("module", "doubt"), [("ipdb", "development or test tool"), ("pkg_resources", "comes with pip")])
def test_dev_tools_and_installer_tools_are_info(tmp_path, catalogue, module, doubt):
    files = {"app.py": f"import {module}\n", "requirements.txt": "flask\n"}
    [(_, _, severity, message)] = _severities(tmp_path, catalogue, files)
    assert severity == "info" and doubt in message


@pytest.mark.parametrize(("code", "doubt"), [
    ("from local_settings import *\n", "named like a deploy's own settings module"),
    ("import celeryconfig\n", "named like a deploy's own settings module"),
    ("from google.appengine.ext import ndb\n", "App Engine's Python 2 runtime"),
    ("import uwsgi\n", "uWSGI server"),
])
def test_modules_the_deploy_or_the_platform_provides_are_info(tmp_path, catalogue, code, doubt):
    [(_, _, severity, message)] = _severities(tmp_path, catalogue, {"app.py": code, "requirements.txt": "flask\n"})
    assert severity == "info" and doubt in message


_POETRY = ('[project]\nname = "a"\ndependencies = ["flask>=3", "x==1"]\n[tool.poetry.dependencies]\npython = "^3.11"\n'
           'yaml = "^6"\nz = "1.2.3"\nw = {version = "~1"}\ng = {git = "https://x"}\n'
           '[tool.poetry.group.dev.dependencies]\npytest = "*"\n')


@pytest.mark.parametrize(("path", "text", "ranged"), [
    ("requirements.txt", 'flask==3.0\ncelery>=5\nredis\ndjango==4.*\n-e git+https://x/y#egg=z\nrequests==2.3 ; os_name=="nt"\n',
     ["celery", "django", "redis"]),
    ("pyproject.toml", _POETRY, ["flask", "w", "yaml"]),
    ("Pipfile", '[packages]\nflask = "*"\nx = "==1.0"\n[dev-packages]\npytest = "*"\n', ["flask"]),
])
def test_ranged_production_requirements_are_listed(path, text, ranged):
    assert list(_declaration(path, text).ranged) == ranged


@pytest.mark.parametrize(("files", "expected"), [
    ({"pyproject.toml": '[project]\nname = "tool"\ndependencies = ["click>=8"]\n',
      "fixtures/shop/Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "shop:app"]\n',
      "fixtures/shop/requirements.txt": "flask>=3\n"}, []),  # a test fixture's process makes no package an app
    ({"backend/requirements.txt": "flask>=3\ngunicorn\n", "backend/app.py": "import flask\n",
      "docker-compose.yml": "services:\n  web:\n    build: ./backend\n    command: gunicorn app:app\n"},
     ["backend/requirements.txt"]),  # a root compose file starts the service its subdirectory declares
])
def test_ranges_are_judged_for_the_application_a_process_runs(tmp_path, catalogue, files, expected):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    assert [f.path for f in result.findings if f.rule == "TF202"] == expected


@pytest.mark.parametrize(("code", "expected"), [
    ("from setuptools import setup\nsetup(name='App', install_requires=['Flask>=3', 'PyYAML'],\n"
     "      extras_require={'s3': ['boto3']})\n", (("boto3", "flask", "pyyaml"), "app", True, False)),
    ("import setuptools\nsetuptools.setup(name='app', install_requires=REQUIREMENTS)\n", ((), "app", False, True)),
    ("from setuptools import setup\nsetup(name='app', extras_require=EXTRAS)\n", ((), "app", False, True)),
    ("from setuptools import setup\nsetup(name='app', packages=['app'])\n", ((), "app", False, False)),
])
def test_a_setup_script_declares_its_literal_requirements_read_from_its_syntax_tree(code, expected):
    [fact] = [f for f in analyze_python("setup.py", code.encode()).facts if isinstance(f, Declared)]
    assert (fact.names, fact.own, fact.declares, fact.dynamic) == expected


def test_an_import_a_setup_script_does_not_list_is_reported_against_it(tmp_path, catalogue):
    files = {"app/main.py": "import yaml\nimport redis\n",
             "setup.py": "from setuptools import setup\nsetup(name='app', install_requires=['PyYAML'])\n"}
    [(path, line, severity, message)] = _severities(tmp_path, catalogue, files)
    assert (path, line, severity, _sureness(message)) == ("app/main.py", 2, "info", "sure")
    assert "no distribution declared in setup.py provides `redis`" in message


def test_the_other_places_of_an_undeclared_import_are_related_locations(tmp_path, catalogue):
    files = {"app/a.py": "import isodate\n", "app/b.py": "x = 1\nimport isodate\n", "requirements.txt": "django\n"}
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    [finding] = [f for f in result.findings if f.rule == "TF201"]
    assert [(r.path, r.line, r.column) for r in finding.related] == [("app/b.py", 2, 1)]


@pytest.mark.parametrize(("files", "doubt"), [
    ({"app/mcp.py": "from key_value.aio import Store\n",
      "pyproject.toml": '[project]\nname = "app"\ndependencies = ["fastmcp"]\n',
      "uv.lock": '[[package]]\nname = "fastmcp"\n\n[[package]]\nname = "py-key-value-aio"\n'},
     "uv.lock pins `py-key-value-aio`, which may provide it under another import name"),
    ({"app/codegen.py": "from acme_tools import protoc\n", "requirements.txt": "acmeio-tools\n"},
     "the declared `acmeio-tools` may provide it"),
    ({"Dockerfile": "FROM python:3.12\nCOPY . /app\nCMD [\"gunicorn\", \"app.wsgi\"]\n",
      "pyproject.toml": '[project]\nname = "app"\ndependencies = ["django"]\n', "app/wsgi.py": "import django\n",
      "addons/feed/requirements.txt": "feedparser\n", "addons/feed/feed.py": "import feedparser\nimport mongoengine\n"},
     "no deploy file starts the code addons/feed/requirements.txt declares for"),
])
def test_resembling_locked_names_and_add_on_declarations_make_an_info_finding(tmp_path, catalogue, files, doubt):
    found = _severities(tmp_path, catalogue, files)
    assert found and all(severity == "info" and doubt in message for _, _, severity, message in found), found


@pytest.mark.parametrize("path, text", [
    ("pyproject.toml", "[project]\nname = 'svc'\n[project.scripts]\nsvc = 'svc.cli:main'\nsvc-worker = 'svc.worker:run'\n"),
    ("pyproject.toml", "[tool.poetry]\nname = 'svc'\n[tool.poetry.scripts]\nsvc = 'svc.cli:main'\n"
                       "svc-worker = 'svc.worker:run'\n"),
    ("setup.cfg", "[options.entry_points]\nconsole_scripts =\n    svc = svc.cli:main\n    svc-worker = svc.worker:run\n"),
    ("setup.py", "from setuptools import setup\nsetup(name='svc', entry_points={'console_scripts': "
                 "['svc = svc.cli:main', 'svc-worker=svc.worker:run'], 'other': ['x = y:z']})\n"),
])
def test_console_scripts_are_read_from_packaging_metadata(path, text):
    analyzer = analyze_python if path.endswith(".py") else analyze
    declared = next(f for f in analyzer(path, text.encode()).facts if isinstance(f, Declared))
    assert declared.scripts == ("svc-worker=svc.worker:run", "svc=svc.cli:main")
