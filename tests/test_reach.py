"""Production reachability (link.reach): which production modules a start command runs or loads, and the
severity step an unreached module's findings lose."""

from __future__ import annotations

import pytest
from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.python import PythonFact
from twelvefactor_lint.link import reach
from twelvefactor_lint.runner import gather, run

DJANGO = {
    "Dockerfile": 'FROM python:3.12\nCOPY . /app\nWORKDIR /app\nCMD ["gunicorn", "mysite.wsgi"]\n',
    "docker-compose.yml": "services:\n  worker:\n    build: .\n    command: celery -A mysite worker\n",
    "mysite/__init__.py": "from .celery import app as celery_app\n",
    "mysite/celery.py": "from celery import Celery\napp = Celery('mysite')\napp.autodiscover_tasks()\n",
    "mysite/wsgi.py": "import os\nfrom django.core.wsgi import get_wsgi_application\n"
                      "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n"
                      "application = get_wsgi_application()\n",
    "mysite/settings.py": "INSTALLED_APPS = ['django.contrib.admin', 'polls', 'shop.apps.ShopConfig']\n"
                          "ROOT_URLCONF = 'mysite.urls'\nMIDDLEWARE = ['mysite.middleware.Timing']\n",
    "mysite/urls.py": "from django.urls import include, path\nurlpatterns = [path('api/', include('api.urls'))]\n",
    "mysite/middleware.py": "class Timing:\n    pass\n",
    "api/__init__.py": "",
    "api/urls.py": "from .views import index\nurlpatterns = []\n",
    "api/views.py": "def index(request):\n    return None\n",
    "polls/__init__.py": "",
    "polls/models.py": "X = 1\n",
    "polls/signals.py": "Y = 1\n",
    "shop/__init__.py": "",
    "shop/apps.py": "class ShopConfig:\n    name = 'shop'\n",
    "shop/tasks.py": "Z = 1\n",
    "one_off/convert.py": "import polls.models\n",
}


def _reach(root) -> reach.Reach:
    state, linked = gather([root], Settings(root=root, cache=False, jobs=1))
    return reach.compute(linked.facts, state.roles.keys())


def test_a_django_project_reaches_its_settings_apps_urls_and_celery_but_not_a_one_off_tool(tmp_path):
    write_tree(tmp_path, DJANGO)
    found = _reach(tmp_path)
    assert found.doubt == ""
    assert found.of["mysite/wsgi.py"] == reach.STARTED and found.of["mysite/__init__.py"] == reach.STARTED
    for imported in ("mysite/celery.py", "mysite/urls.py", "mysite/middleware.py", "api/urls.py", "api/views.py",
                     "polls/models.py", "polls/signals.py", "shop/apps.py", "shop/tasks.py"):
        assert found.of[imported] == reach.IMPORTED, imported
    assert found.of["mysite/settings.py"] == reach.IMPORTED
    assert found.of["one_off/convert.py"] == reach.UNREACHED


def test_a_vendored_tool_in_a_directory_no_import_can_name_is_not_loaded_with_its_django_app(tmp_path):
    tree = dict(DJANGO)
    tree["polls/tools/__init__.py"] = ""
    tree["polls/tools/voteengine-0.99/ve.py"] = "import votemain\nvotemain.vote_main()\n"
    tree["polls/tools/voteengine-0.99/votemain.py"] = "def vote_main():\n    pass\n"
    write_tree(tmp_path, tree)
    found = _reach(tmp_path)
    assert found.of["polls/tools/__init__.py"] == reach.IMPORTED
    assert found.of["polls/tools/voteengine-0.99/ve.py"] == reach.UNREACHED
    assert found.of["polls/tools/voteengine-0.99/votemain.py"] == reach.UNREACHED


FASTAPI = {
    "Procfile": "web: uvicorn app.main:app --host 0.0.0.0 --port $PORT\n",
    "app/__init__.py": "",
    "app/main.py": "from fastapi import FastAPI\nfrom .routers import items\nfrom app.core.config import *\n"
                   "app = FastAPI()\napp.include_router(items.router)\n",
    "app/routers/__init__.py": "",
    "app/routers/items.py": "from ..db import session\nrouter = None\n",
    "app/db.py": "session = None\n",
    "app/core/__init__.py": "",
    "app/core/config.py": "A = 1\n",
    "app/plugins/__init__.py": "",
    "app/plugins/extra.py": "B = 1\n",
    "app/loader.py": "import importlib\nplugin = importlib.import_module('app.plugins.extra')\n",
    "tools/seed.py": "from app.db import session\n",
    "seed_demo.py": "CACHE = {}\n",
}


def test_a_fastapi_app_reaches_relative_and_star_imports_and_leaves_a_stray_module_unreached(tmp_path):
    write_tree(tmp_path, FASTAPI)
    found = _reach(tmp_path)
    assert found.of["app/main.py"] == reach.STARTED
    assert {found.of[p] for p in ("app/routers/items.py", "app/db.py", "app/core/config.py", "app/__init__.py")} \
        == {reach.IMPORTED}
    assert found.of["seed_demo.py"] == reach.UNREACHED
    assert found.of["app/loader.py"] == reach.UNREACHED and found.of["app/plugins/extra.py"] == reach.UNREACHED
    assert "tools/seed.py" not in found.of  # a script, not a production file


def test_an_import_by_a_literal_name_reaches_its_module(tmp_path):
    write_tree(tmp_path, {**FASTAPI, "app/main.py": FASTAPI["app/main.py"] + "from app import loader\n"})
    found = _reach(tmp_path)
    assert found.of["app/plugins/extra.py"] == reach.IMPORTED


def test_an_import_by_a_computed_name_reaches_the_package_it_names_and_a_plugin_scan_makes_everything_unknown(tmp_path):
    computed = "import importlib\n\ndef load(name):\n    return importlib.import_module(f'app.plugins.{name}')\n"
    write_tree(tmp_path, {**FASTAPI, "app/loader.py": computed,
                          "app/main.py": FASTAPI["app/main.py"] + "from app import loader\n"})
    assert _reach(tmp_path).of["app/plugins/extra.py"] == reach.IMPORTED
    (tmp_path / "app" / "loader.py").write_text("import importlib\n\ndef load(name):\n"
                                                "    return importlib.import_module(name)\n")
    assert _reach(tmp_path).of["app/plugins/extra.py"] == reach.UNREACHED  # given names: written elsewhere, dotted
    (tmp_path / "app" / "loader.py").write_text("import importlib, os\n\nfor name in os.listdir('plugins'):\n"
                                                "    importlib.import_module(name)\n")
    found = _reach(tmp_path)
    assert "directory listing" in found.doubt and set(found.of.values()) == {reach.UNKNOWN}


def test_without_a_resolvable_start_every_module_is_unknown(tmp_path):
    files = {k: v for k, v in FASTAPI.items() if k != "Procfile"}
    write_tree(tmp_path, {**files, "Dockerfile": "FROM python:3.12\nCMD [\"gunicorn\", \"missing.wsgi\"]\n"})
    found = _reach(tmp_path)
    assert "not known" in found.doubt and set(found.of.values()) == {reach.UNKNOWN}
    (tmp_path / "Dockerfile").unlink()
    found = _reach(tmp_path)
    assert "no production start" in found.doubt and set(found.of.values()) == {reach.UNKNOWN}


def test_every_production_settings_module_is_a_root_since_a_deploy_picks_one_by_environment(tmp_path):
    write_tree(tmp_path, {**DJANGO, "mysite/settings_production.py": "from .settings import *\n"
                          "STORAGES = {'default': {'BACKEND': 'mysite.storage.S3'}}\n",
                          "mysite/storage.py": "class S3:\n    pass\n"})
    found = _reach(tmp_path)
    assert found.of["mysite/settings_production.py"] == found.of["mysite/storage.py"] == reach.IMPORTED


def test_a_closure_reaching_few_production_files_is_not_trusted(tmp_path):
    many = {f"lib/mod{i}.py": "X = 1\n" for i in range(20)}
    write_tree(tmp_path, {"Procfile": "web: gunicorn app:app\n", "app.py": "app = None\n", **many})
    found = _reach(tmp_path)
    assert "reach 1 of 21" in found.doubt and set(found.of.values()) == {reach.UNKNOWN}


def test_an_unreached_module_is_judged_one_step_lower_and_says_why(tmp_path, catalogue):
    secret = 'API_KEY = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"\n'
    write_tree(tmp_path, {**FASTAPI, "seed_demo.py": secret, "app/db.py": secret})
    result = run([tmp_path], Settings(root=tmp_path, cache=False, jobs=1, select=("TF301",)), catalogue)
    by_path = {f.path: f for f in result.findings}
    assert by_path["app/db.py"].severity == "error" and "start command" not in by_path["app/db.py"].message
    assert by_path["seed_demo.py"].severity == "warning"
    assert "no production start command imports this module" in by_path["seed_demo.py"].message
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    assert {f.reach for f in linked.facts if isinstance(f, PythonFact) and f.path == "seed_demo.py"} == {reach.UNREACHED}


def test_a_start_running_the_projects_own_console_script_makes_everything_unknown(tmp_path):
    files = {k: v for k, v in FASTAPI.items() if k != "Procfile"}
    write_tree(tmp_path, {**files, "Procfile": "web: app serve app.main:app\n"})
    found = _reach(tmp_path)
    assert "`app serve" in found.doubt and set(found.of.values()) == {reach.UNKNOWN}


@pytest.mark.parametrize("metadata", [
    {"pyproject.toml": "[project]\nname = 'app'\n[project.scripts]\napp = 'app.cli:main'\n"},
    {"pyproject.toml": "[tool.poetry]\nname = 'app'\n[tool.poetry.scripts]\napp = 'app.cli:main'\n"},
    {"setup.cfg": "[metadata]\nname = app\n[options.entry_points]\nconsole_scripts =\n    app = app.cli:main\n"},
    {"setup.py": "from setuptools import setup\nsetup(name='app', entry_points={'console_scripts': ['app = app.cli:main']})\n"},
])
def test_a_start_running_a_console_script_the_packaging_metadata_names_starts_its_module(tmp_path, metadata):
    files = {k: v for k, v in FASTAPI.items() if k != "Procfile"}
    cli = "from app.main import app\n\ndef main():\n    pass\n"
    write_tree(tmp_path, {**files, **metadata, "app/cli.py": cli, "Procfile": "web: app serve\n"})
    found = _reach(tmp_path)
    assert found.doubt == ""
    assert found.of["app/cli.py"] == reach.STARTED and found.of["app/main.py"] == reach.IMPORTED


def test_a_plugin_loader_reading_entry_points_makes_everything_unknown(tmp_path):
    loader = "from importlib.metadata import entry_points\n\nPLUGINS = [e.load() for e in entry_points(group='x')]\n"
    write_tree(tmp_path, {**FASTAPI, "app/db.py": loader})
    assert set(_reach(tmp_path).of.values()) == {reach.UNKNOWN}


def test_revisions_a_migration_tool_loads_by_directory_are_never_unreached(tmp_path):
    write_tree(tmp_path, {**FASTAPI, "app/db/revisions/versions/0001_init.py": "revision = '0001'\n"})
    assert _reach(tmp_path).of["app/db/revisions/versions/0001_init.py"] == reach.UNKNOWN


def test_a_celery_worker_reaches_its_apps_whole_package_which_it_loads_tasks_from_by_configuration(tmp_path):
    write_tree(tmp_path, {"Procfile": "web: gunicorn proj.wsgi\nworker: celery -A proj worker\n",
                          "proj/__init__.py": "", "proj/wsgi.py": "application = None\n",
                          "proj/jobs/tasks.py": "from celery import shared_task\n", "seed.py": "X = 1\n"})
    found = _reach(tmp_path)
    assert found.of["proj/jobs/tasks.py"] != reach.UNREACHED and found.of["seed.py"] == reach.UNREACHED


def test_a_module_named_like_a_data_format_is_still_a_module_a_settings_list_names(tmp_path):
    write_tree(tmp_path, {**FASTAPI, "app/runners/__init__.py": "", "app/runners/csv.py": "X = 1\n",
                          "app/core/config.py": "RUNNERS = ['app.runners.csv']\nTEMPLATE = 'index.html'\n",
                          "index.py": "Y = 1\n"})
    found = _reach(tmp_path)
    assert found.of["app/runners/csv.py"] == reach.IMPORTED and found.of["index.py"] == reach.UNREACHED


def test_a_file_named_outside_the_project_by_its_absolute_path_is_indexed_without_looping(tmp_path):
    write_tree(tmp_path, FASTAPI)
    state, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    found = reach.compute(linked.facts, [*state.roles, "/elsewhere/pkg/__init__.py", "/elsewhere/pkg/tool.py"])
    assert found.of["app/db.py"] == reach.IMPORTED
    assert found.of["/elsewhere/pkg/tool.py"] == reach.UNKNOWN  # never analyzed: nothing known of it


def test_a_uwsgi_start_runs_the_module_its_ini_file_names(tmp_path):
    files = {k: v for k, v in FASTAPI.items() if k != "Procfile"}
    write_tree(tmp_path, {**files, "uwsgi.ini": "[uwsgi]\nhttp = :8000\nmodule = app.main:app\n",
                          "Dockerfile": 'FROM python:3.12\nCOPY . /srv\nWORKDIR /srv\nCMD ["uwsgi", "--ini", "uwsgi.ini"]\n'})
    found = _reach(tmp_path)
    assert found.doubt == "" and found.of["app/main.py"] == reach.STARTED


def test_a_database_service_named_like_a_project_module_is_no_start_of_the_project(tmp_path):
    write_tree(tmp_path, {**FASTAPI, "app/postgres.py": "X = 1\n",
                          "docker-compose.yml": "services:\n  db:\n    image: postgres:16\n"
                                                "    command: postgres -c max_connections=200\n"})
    assert _reach(tmp_path).doubt == ""


_PRELOADED = {
    "server.py": "import secrets\nimport flask\napp = flask.Flask(__name__)\napp.secret_key = secrets.token_hex(16)\n",
    "main.py": "from server import app\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY . .\nCMD gunicorn -w 4 --preload main:app\n",
}


@pytest.mark.parametrize("more, shared", [
    ({}, True),
    ({"Procfile": "web: gunicorn -w 4 --preload main:app\n"}, True),
    ({"Procfile": "web: gunicorn -w 4 main:app\n"}, False),  # another start makes a key per worker
    ({"Dockerfile": "FROM python:3.12-slim\nCOPY . .\nCMD gunicorn -w 4 main:app\n"}, False),
])
def test_a_key_made_up_at_import_is_shared_by_workers_only_when_every_start_preloads_it(tmp_path, more, shared):
    write_tree(tmp_path, {**_PRELOADED, **more})
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    [key] = [f for f in linked.facts if f.kind == "python.secret_random_fallback"]
    assert key.preloaded is shared
