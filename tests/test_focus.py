"""Named files (pre-commit's staged files) are reported on alone, with what linking needs read for context."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import REPO, write_tree
from report_projects import json_report
from test_cache import _age
from test_needs import ROUTE_IN_TESTS, SETTINGS_LEAF_IN_TESTS, STATE_IN_A_SCRIPT

from twelvefactor_lint import runner
from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import discover
from twelvefactor_lint.judge.engine import UNREACHED_NOTE
from twelvefactor_lint.judge.focus import focus_for, narrowed
from twelvefactor_lint.runner import run

PROJECT = {
    ".12f-lint.toml": "",
    "recipes/api.py": """\
from fastapi import FastAPI
from recipes.data import RECIPES

app = FastAPI()

@app.post("/recipes")
def create(recipe: dict):
    RECIPES.append(recipe)
""",
    "recipes/data.py": 'RECIPES = [{"id": 1}]\n',
    "recipes/logs.py": 'import logging\nlogging.basicConfig(filename="app.log")\n',
    "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
    "compose.yaml": "services:\n  web:\n    build: .\n    command: gunicorn recipes.api:app\n",
}


def located(report: dict) -> list[tuple[str, str, int]]:
    return [(f["rule"], f["path"], f["line"]) for f in report["findings"]]


def test_a_named_file_still_sees_state_defined_in_another_module(tmp_path):
    write_tree(tmp_path, PROJECT)
    report = json_report(tmp_path / "recipes" / "api.py")
    assert located(report) == [("TF601", "recipes/api.py", 8)]
    assert report["files"]["analyzed"] == 1


def test_a_named_dockerfile_gets_its_start_command_from_compose(tmp_path):
    """Alone, this Dockerfile lacks a CMD (TF903); compose.yaml supplies `command:`."""
    write_tree(tmp_path, PROJECT)
    assert located(json_report(tmp_path / "Dockerfile")) == []
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    build: .\n")
    assert [rule for rule, _, _ in located(json_report(tmp_path / "Dockerfile"))] == ["TF903"]


def test_only_named_files_are_reported(tmp_path):
    write_tree(tmp_path, PROJECT)
    report = json_report(tmp_path / "recipes" / "logs.py", str(tmp_path / "Dockerfile"))
    assert located(report) == [("TF1101", "recipes/logs.py", 2)]
    assert report["files"]["analyzed"] == 2
    everything = json_report(tmp_path)
    assert {path for _, path, _ in located(everything)} == {"recipes/api.py", "recipes/logs.py"}


def test_named_directories_and_files_mix(tmp_path):
    write_tree(tmp_path, PROJECT)
    report = json_report(tmp_path / "recipes", str(tmp_path / "Dockerfile"))
    assert {path for _, path, _ in located(report)} == {"recipes/api.py", "recipes/logs.py"}
    assert report["files"]["analyzed"] == 4


def test_a_named_file_of_an_unknown_kind_is_reported_as_skipped(tmp_path):
    write_tree(tmp_path, {**PROJECT, "notes.txt": "hello\n"})
    report = json_report(tmp_path / "notes.txt")
    assert report["findings"] == []
    assert [s["path"] for s in report["files"]["skipped"]] == ["notes.txt"]


def test_the_process_inventory_is_narrowed_too(lint, tmp_path):
    from twelvefactor_lint.judge.focus import focus_for, narrowed

    result = lint({**PROJECT, "Procfile": "web: gunicorn recipes.api:app --bind 0.0.0.0:$PORT\n"})
    assert {p.declared_at.split(":")[0] for p in result.processes} == {"Procfile", "compose.yaml"}
    focused = narrowed(result, focus_for([tmp_path / "compose.yaml"], tmp_path))
    assert {p.declared_at.split(":")[0] for p in focused.processes} == {"compose.yaml"}


def _every_named_file_alone_equals_the_full_run(root, catalogue):
    """Each discovered file named alone gets exactly the full run's findings (and suppressions) for it."""
    settings = Settings(root=root, cache=False, jobs=1)
    full = run([root], settings, catalogue)
    for source in discover([root], root).files:
        scope = focus_for([Path(source.path)], root)
        alone = narrowed(run([root, Path(source.path)], settings, catalogue, focus=scope), scope)
        assert alone.findings == narrowed(full, scope).findings, source.rel
        assert alone.suppressed == narrowed(full, scope).suppressed, source.rel


@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir()))
def test_a_named_fixture_file_gets_the_full_runs_findings(fixture, catalogue):
    _every_named_file_alone_equals_the_full_run(REPO / "fixtures" / fixture, catalogue)


def test_a_named_file_gets_the_full_runs_findings_across_files(tmp_path, catalogue):
    write_tree(tmp_path, {**PROJECT, **STATE_IN_A_SCRIPT, **SETTINGS_LEAF_IN_TESTS, **ROUTE_IN_TESTS,
                          "mysite/settings/staging.py": "from .base import *\n",
                          "limits.py": "from flask_limiter import Limiter\nlimiter = Limiter(key_func=str)\n",
                          "config.py": "RATELIMIT_STORAGE_URI = 'redis://cache:6379'\n"})
    _every_named_file_alone_equals_the_full_run(tmp_path, catalogue)


def test_a_named_file_gets_the_full_runs_findings_that_count_every_module(tmp_path, catalogue):
    """Model file fields are counted across every model module at the settings leaf, and an undeclared import's
    places are rolled up into one finding: a named file needs all of them."""
    write_tree(tmp_path, {
        "requirements.txt": "django\n",
        "logs/models.py": "from django.db import models\nimport isodate\n\nclass Batch(models.Model):\n"
                          "    data = models.FileField(upload_to='batches/')\n",
        "shop/models.py": "from django.db import models\n\nclass Item(models.Model):\n"
                          "    image = models.ImageField(upload_to='items/')\n",
        "config/settings.py": "INSTALLED_APPS = ['logs', 'shop']\nROOT_URLCONF = 'config.urls'\n",
        "app/a.py": "import isodate\n", "app/b.py": "x = 1\nimport isodate\n"})
    _every_named_file_alone_equals_the_full_run(tmp_path, catalogue)


def test_a_named_module_knows_the_start_up_code_of_another_that_calls_it(tmp_path, catalogue):
    """TF611/TF1202 count a function that another module's start-up code calls as start-up code (link.start_calls):
    a named module needs the modules that import it."""
    write_tree(tmp_path, {
        "recipes/db/init_db.py": "from alembic import command\n\ndef main():\n    command.upgrade(None, 'head')\n",
        "recipes/jobs.py": "from apscheduler.schedulers.background import BackgroundScheduler\n\n"
                           "def setup():\n    BackgroundScheduler().start()\n",
        "recipes/app.py": "from fastapi import FastAPI\nfrom recipes import jobs\nfrom recipes.db import init_db\n\n"
                          "app = FastAPI()\njobs.setup()\ninit_db.main()\n"})
    _every_named_file_alone_equals_the_full_run(tmp_path, catalogue)


def test_a_named_defaults_module_knows_the_layer_a_deploy_loads_over_it(tmp_path, catalogue):
    """TF401/TF402 lower a defaults module's locators when the app factory loads a deploy's layer over it: a
    named defaults module needs the module that loads it."""
    write_tree(tmp_path, {
        "app.py": 'from flask import Flask\n\napp = Flask(__name__)\napp.config.from_object("settings.defaults")\n'
                  'app.config.from_envvar("APP_SETTINGS")\n',
        "settings/defaults.py": 'SQLALCHEMY_DATABASE_URI = "postgresql://db.internal:5432/app"\nMAIL_SERVER = "localhost"\n'})
    _every_named_file_alone_equals_the_full_run(tmp_path, catalogue)


def _reads(monkeypatch) -> tuple[list[str], list[str]]:
    """(files analyzed whole, files read for their imports alone) during a run."""
    whole: list[str] = []
    refs: list[str] = []
    real, real_refs = runner.analyze_file, runner.analyze_refs_file
    monkeypatch.setattr(runner, "analyze_file", lambda source, *a, **k: whole.append(source.rel) or real(source, *a, **k))
    monkeypatch.setattr(runner, "analyze_refs_file",
                        lambda source, *a, **k: refs.append(source.rel) or real_refs(source, *a, **k))
    return whole, refs


def test_a_named_file_reads_only_what_linking_needs(tmp_path, catalogue, monkeypatch):
    write_tree(tmp_path, {**PROJECT, **{f"other/m{i}.py": "X = 1\n" for i in range(30)}})
    whole, refs = _reads(monkeypatch)
    scope = focus_for([tmp_path / "recipes" / "api.py"], tmp_path)
    run([tmp_path, tmp_path / "recipes" / "api.py"], Settings(root=tmp_path, cache=False, jobs=1), catalogue, focus=scope)
    # compose starts recipes.api: reachability needs no other module's imports
    assert sorted(whole) == ["Dockerfile", "compose.yaml", "recipes/api.py", "recipes/data.py"]
    assert refs == []


REACH = {
    "compose.yaml": "services:\n  web:\n    build: .\n    command: gunicorn shop.wsgi:app\n",
    "Dockerfile": "FROM python:3.12-slim\nCOPY . /app\n",
    "shop/__init__.py": "",
    "shop/wsgi.py": "from shop.app import app\n",
    "shop/app.py": "from flask import Flask\nfrom shop import views\napp = Flask(__name__)\n",
    "shop/views.py": 'import logging\nlogging.basicConfig(filename="app.log")\n',
    "shop/unused.py": 'import logging\nlogging.basicConfig(filename="old.log")\n',
}


@pytest.mark.parametrize("named", ["shop/views.py", "shop/unused.py"])
def test_reachability_of_a_named_file_is_the_full_runs(tmp_path, catalogue, monkeypatch, named):
    """A module reached through others keeps its severity, one no start reaches is lowered, as in the full run;
    the other production modules are read for their imports alone, and only as far as the answer needs."""
    write_tree(tmp_path, REACH)
    settings = Settings(root=tmp_path, cache=False, jobs=1)
    full = run([tmp_path], settings, catalogue)
    whole, refs = _reads(monkeypatch)
    scope = focus_for([tmp_path / named], tmp_path)
    alone = narrowed(run([tmp_path, tmp_path / named], settings, catalogue, focus=scope), scope)
    assert alone.findings == narrowed(full, scope).findings
    assert (UNREACHED_NOTE in alone.findings[0].message) == (named == "shop/unused.py")
    assert named in whole and not set(whole) & {"shop/wsgi.py", "shop/app.py"}
    if named == "shop/views.py":  # found through wsgi -> app: nothing else read
        assert sorted(refs) == ["shop/__init__.py", "shop/app.py", "shop/wsgi.py"]
    else:  # unreached: the whole closure is read to be sure
        assert sorted(refs) == ["shop/__init__.py", "shop/app.py", "shop/views.py", "shop/wsgi.py"]


def test_reachability_readings_are_cached(tmp_path, catalogue, monkeypatch):
    write_tree(tmp_path, REACH)
    _age(tmp_path)
    settings = Settings(root=tmp_path, cache=True, cache_dir=str(tmp_path / ".cache"), jobs=1)
    scope = focus_for([tmp_path / "shop/views.py"], tmp_path)
    first = run([tmp_path, tmp_path / "shop/views.py"], settings, catalogue, focus=scope)
    for path in (tmp_path / ".cache").rglob("*.run"):
        path.unlink()  # no replay: the run is made again from the facts cache
    whole, refs = _reads(monkeypatch)
    again = run([tmp_path, tmp_path / "shop/views.py"], settings, catalogue, focus=scope)
    assert again.findings == first.findings
    assert whole == [] and refs == []
