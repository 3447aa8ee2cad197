"""Files of roles no selected rule judges are analyzed only when linking needs them: no finding is lost."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint import runner
from twelvefactor_lint.analyze.directives import may_hold_directive
from twelvefactor_lint.cli import main
from twelvefactor_lint.config import Settings
from twelvefactor_lint.link import needs
from twelvefactor_lint.runner import run

BROKEN = "def broken(:\n"

STATE_IN_A_SCRIPT = {
    "scripts/data.py": "CARTS = {}\n",
    "shop/app.py": "from flask import Flask\nfrom scripts.data import CARTS\n\napp = Flask(__name__)\n\n\n"
                   "@app.post('/cart/<user>')\ndef add(user):\n    CARTS[user] = []\n    return 'ok'\n",
}
CLASS_STATE_IN_A_SCRIPT = {
    "scripts/views.py": "class RoomView:\n    board = {}\n",
    "shop/app.py": "from flask import Flask\nfrom scripts.views import RoomView\n\napp = Flask(__name__)\n\n\n"
                   "@app.post('/pin/<room>')\ndef pin(room):\n    RoomView.board[room] = 1\n    return 'ok'\n",
}
SETTINGS_LEAF_IN_TESTS = {
    "mysite/settings/base.py": 'INSTALLED_APPS = ["django.contrib.sessions"]\n'
                               'SESSION_ENGINE = "django.contrib.sessions.backends.cache"\n',
    "mysite/settings/production.py": "from .base import *\nDEBUG = False\n",
    "tests/settings.py": "from mysite.settings.production import *\nDEBUG = True\n",
}
ROUTE_IN_TESTS = {
    "polls/pages.py": "STATS = {}\n\n\ndef detail(request, pk):\n    STATS[pk] = 1\n    return None\n",
    "tests/urls.py": "from django.urls import path\nfrom polls import pages\n\nurlpatterns = [path('<pk>/', pages.detail)]\n",
}


def _analyzed_paths(monkeypatch) -> list[str]:
    seen: list[str] = []
    real = runner.analyze_file
    monkeypatch.setattr(runner, "analyze_file", lambda source, *a, **k: seen.append(source.rel) or real(source, *a, **k))
    return seen


def _findings(root, catalogue, **settings) -> list[tuple]:
    result = run([root], Settings(root=root, cache=False, jobs=1, **settings), catalogue)
    return [(f.rule, f.path, f.line, f.message) for f in result.findings]


@pytest.mark.parametrize("files, rule", [(STATE_IN_A_SCRIPT, "TF601"), (CLASS_STATE_IN_A_SCRIPT, "TF601"),
                                         (SETTINGS_LEAF_IN_TESTS, None),
                                         (ROUTE_IN_TESTS, "TF601"), ({"app.py": STATEFUL_FLASK_APP}, "TF601")])
def test_what_linking_needs_from_unjudged_files_is_still_read(tmp_path, catalogue, monkeypatch, files, rule):
    write_tree(tmp_path, {**files, "tests/test_app.py": "def test_x():\n    assert True\n", "docs/conf_example.py": "X = 1\n"})
    seen = _analyzed_paths(monkeypatch)
    findings = _findings(tmp_path, catalogue)
    assert "tests/test_app.py" not in seen and "docs/conf_example.py" not in seen
    assert findings == _findings(tmp_path, catalogue, analyze_all_files=True)
    assert {f[0] for f in findings} >= ({rule} if rule else set())
    assert rule is not None or not findings  # the test settings star-import production: it is no leaf


def test_a_parse_error_in_a_test_file_is_opt_in(tmp_path, catalogue):
    write_tree(tmp_path, {"app.py": "X = 1\n", "tests/test_app.py": BROKEN, "shop/migrations/0001_x.py": BROKEN,
                          "app/broken.py": BROKEN})
    result = run([tmp_path], Settings(root=tmp_path, cache=False), catalogue)
    assert [(f.rule, f.path) for f in result.findings] == [("TF001", "app/broken.py")]
    assert result.analyzed == 4 and set(result.files) == {"app.py", "app/broken.py", "shop/migrations/0001_x.py",
                                                          "tests/test_app.py"}
    every = {(f.rule, f.path) for f in _every(tmp_path, catalogue, analyze_all_files=True)}
    assert every == {("TF001", "app/broken.py"), ("TF001", "tests/test_app.py"), ("TF001", "shop/migrations/0001_x.py")}
    (tmp_path / ".12f-lint.toml").write_text("analyze-all-files = true\n")
    result = CliRunner().invoke(main, ["check", "--exit-zero", "--format", "json", "--no-cache", str(tmp_path)])
    report = json.loads(result.stdout)
    assert {f["path"] for f in report["findings"]} == {"app/broken.py", "tests/test_app.py", "shop/migrations/0001_x.py"}


def _every(root, catalogue, **settings):
    return run([root], Settings(root=root, cache=False, **settings), catalogue).findings


def test_a_named_test_file_is_analyzed(tmp_path, catalogue):
    write_tree(tmp_path, {"app.py": "X = 1\n", "tests/test_app.py": BROKEN, ".12f-lint.toml": ""})
    result = CliRunner().invoke(main, ["check", "--format", "json", "--no-cache", str(tmp_path / "tests" / "test_app.py")])
    assert [(f["rule"], f["path"]) for f in json.loads(result.stdout)["findings"]] == [("TF001", "tests/test_app.py")]


def test_selecting_only_the_tool_rules_judges_every_role(catalogue):
    tool_only = [r for r in catalogue.rules if r.factor == "tool"]
    assert needs.judged_roles(tool_only) == needs.judged_roles([]) == {"prod", "dev", "test", "migration", "script",
                                                                       "docs", "build"}
    assert "test" not in needs.judged_roles(catalogue.rules)


@pytest.mark.parametrize("text, expected", [
    (b"from .base import *\n", True), (b"from x import \\\n    *\n", True), (b"RATELIMIT_STORAGE_URI = 'redis://'\n", True),
    (b"from django.urls import path\nurlpatterns = [path('', v)]\n", True),
    (b"from django.urls import reverse\nreverse('x')\n", False), (b"import os\nos.path.join('a')\n", False),
    (b"from setuptools import setup\nsetup(name='app')\n", True), (b"import setuptools\nsetuptools.setup(name='a')\n", True),
    (b"from distutils.core import setup\nsetup(name='app')\n", True), (b"name = 'setuptools'\n", False),
])
def test_the_byte_scan_for_context(text, expected):
    assert needs.may_provide_context(text) is expected


@pytest.mark.parametrize("text, expected", [
    (b"x = 1  # 12f: ignore[TF601]\n", True), (b"x = 1  # noqa: TF601\n", True), (b"x = 1  # NoQA: e501, tf601\n", True),
    (b"x = 1  # noqa: E501\n", False), (b"x = 1  # NOQA\nTF601 = 2\n", False), (b"import os\n", False),
])
def test_the_byte_scan_for_directives(text, expected):
    assert may_hold_directive(text) is expected


@pytest.mark.parametrize("rel, expected", [
    ("app/data.py", True), ("src/app/data.py", True), ("app/data/__init__.py", True), ("data.py", False),
    ("app/metadata.py", False), ("other/data.py", False), ("app/views.py", True), ("app/views/room.py", False),
])
def test_a_file_provides_a_wanted_module_by_its_name_or_a_dotted_suffix(rel, expected):
    assert needs.provides(rel, {"app.data", "views"}) is expected
