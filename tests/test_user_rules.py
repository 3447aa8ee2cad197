"""User rule directories: a team's own YAML rules over the same facts, validated like the built-in ones,
shown and reported like them; `rules --test DIR` runs their examples."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO, write_tree
from report_projects import cli

ACME001 = """\
id: ACME001
name: sqlite-in-handlers
factor: IV
severity: warning
title: SQLite opened in a request handler
match:
  fact: python.call
  where:
    api: sqlite_connect
    context: request_handler
  message: "`{api}` in {site}: our services keep data in Postgres"
rationale: ACME runs several replicas of every service; a local database file is per replica.
fix: Use the shared Postgres through `acme.db`.
references: [https://12factor.net/backing-services]
examples:
  bad:
    - path: app.py
      lines: [7]
      code: |
        import sqlite3
        from flask import Flask
        app = Flask(__name__)

        @app.get("/")
        def index():
            db = sqlite3.connect("app.db")
            return "ok"
  good:
    - path: app.py
      code: |
        import sqlite3
        db = sqlite3.connect(":memory:")
"""
APP = 'import sqlite3\nfrom flask import Flask\napp = Flask(__name__)\n\n@app.get("/")\ndef index():\n' \
      '    db = sqlite3.connect("app.db")\n    return "ok"\n'
RULE_FILE = "team-rules/ACME001-sqlite-in-handlers.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    return write_tree(tmp_path / "project", {
        "pyproject.toml": '[tool.12f-lint]\nrule-dirs = ["team-rules"]\n', RULE_FILE: ACME001, "app.py": APP})


def _json(root: Path, *args: str) -> dict:
    result = cli("check", "--format", "json", *args, str(root))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_a_config_rule_dir_adds_rules_that_report_like_built_in_ones(project):
    findings = _json(project, "--select", "ACME")["findings"]
    assert [(f["rule"], f["name"], f["factor"], f["severity"], f["line"], f["message"]) for f in findings] == [
        ("ACME001", "sqlite-in-handlers", "IV", "warning", 7,
         "`sqlite_connect` in request handler `index()`: our services keep data in Postgres")]


@pytest.mark.parametrize("selector", ["ACME001", "ACME", "sqlite-in-handlers"])
def test_a_directive_names_a_user_rule_by_id_prefix_or_name(project, selector):
    app = project / "app.py"
    app.write_text(APP.replace('("app.db")', f'("app.db")  # 12f: ignore[{selector}] -- the demo keeps it local'),
                   encoding="utf-8")
    report = _json(project, "--select", "ACME,TF003,TF004")
    assert report["findings"] == []
    assert report["summary"]["suppressed"] == 1


def test_user_rules_are_in_sarif_rule_metadata(project):
    result = cli("check", "--format", "sarif", "--select", "ACME001", str(project))
    driver = json.loads(result.stdout)["runs"][0]["tool"]["driver"]
    assert "ACME001" in [r["id"] for r in driver["rules"]]


def test_rules_and_explain_show_the_projects_rules(project, monkeypatch):
    monkeypatch.chdir(project)
    listed = cli("rules")
    assert listed.exit_code == 0 and listed.stdout.splitlines()[-1].startswith("ACME001 sqlite-in-handlers")
    assert "ACME001" in [r["id"] for r in json.loads(cli("rules", "--format", "json").stdout)]
    explained = cli("explain", "ACME001")
    assert explained.exit_code == 0
    assert explained.stdout.startswith("# ACME001 sqlite-in-handlers\n")
    assert "- line 7 (warning): `sqlite_connect` in request handler `index()`" in explained.stdout


def test_rule_dir_option_adds_a_directory(tmp_path):
    write_tree(tmp_path, {"rules/ACME001-sqlite-in-handlers.yaml": ACME001, "src/app.py": APP})
    findings = _json(tmp_path / "src", "--rule-dir", str(tmp_path / "rules"), "--select", "ACME001")["findings"]
    assert [f["rule"] for f in findings] == ["ACME001"]


@pytest.mark.parametrize("old, new, message", [
    ("ACME001", "TF1299", "`id` 'TF1299' must be an uppercase prefix other than TF"),
    ("ACME001", "Acme001", "`id` 'Acme001' must be an uppercase prefix other than TF"),
    ("context: request_handler", "contxt: request_handler",
     "`python.call` has no field `contxt` (in `where`; nearest: `context`)"),
    ("fact: python.call", "fact: python.calls", "unknown fact kind `python.calls` in `match` (nearest: `python.call`"),
])
def test_a_bad_user_rule_stops_the_run_with_exit_2_and_one_line(project, old, new, message):
    (project / RULE_FILE).unlink()
    rule = project / RULE_FILE.replace(old, new)
    rule.write_text(ACME001.replace(old, new), encoding="utf-8")
    result = cli("check", str(project))
    assert result.exit_code == 2
    [line] = result.stderr.splitlines()
    assert line.startswith(f"12f-lint: error: rule catalogue: {rule}: ") and message in line


def test_a_rule_dir_outside_the_project_is_refused(tmp_path):
    write_tree(tmp_path, {"project/pyproject.toml": '[tool.12f-lint]\nrule-dirs = ["../elsewhere"]\n',
                          "project/app.py": "x = 1\n", "elsewhere/.keep": ""})
    result = cli("check", str(tmp_path / "project"))
    assert result.exit_code == 2 and "`rule-dirs` must be a directory inside the project" in result.stderr


def test_a_user_rule_cannot_reuse_a_built_in_name(project):
    (project / RULE_FILE).unlink()
    write_tree(project, {"team-rules/ACME002-mutable-module-state.yaml":
                         ACME001.replace("ACME001", "ACME002").replace("sqlite-in-handlers", "mutable-module-state")})
    result = cli("check", str(project))
    assert result.exit_code == 2 and "`mutable-module-state` is already defined" in result.stderr


def test_rules_test_reports_each_example(project):
    result = cli("rules", "--test", str(project / "team-rules"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "ACME001 bad example 1 (app.py): pass", "ACME001 good example 1 (app.py): pass",
        f"2 passed, 0 failed (1 rule in {project / 'team-rules'})"]


def test_rules_test_fails_an_example_that_does_not_behave(project):
    (project / RULE_FILE).write_text(ACME001.replace("lines: [7]", "lines: [6]"), encoding="utf-8")
    result = cli("rules", "--test", str(project / "team-rules"))
    assert result.exit_code == 1
    assert "ACME001 bad example 1 (app.py): FAIL: fired on lines [7], the example says [6]" in result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The package laid out as the wheel installs it (rules/ inside the package), apart from the checkout."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(REPO / "twelvefactor_lint", site / "twelvefactor_lint",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "rules", site / "twelvefactor_lint" / "rules")
    return site


def _installed_run(site: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(site), "HOME": str(cwd), "XDG_CACHE_HOME": str(cwd / ".cache")}
    return subprocess.run([sys.executable, "-m", "twelvefactor_lint", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=120)


def test_user_rules_and_rules_test_from_an_installed_package(installed, project, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    tested = _installed_run(installed, elsewhere, "rules", "--test", str(project / "team-rules"))
    assert tested.returncode == 0, tested.stderr
    assert tested.stdout.endswith("2 passed, 0 failed (1 rule in " + str(project / "team-rules") + ")\n")
    checked = _installed_run(installed, elsewhere, "--format", "json", "--select", "ACME001", str(project))
    assert checked.returncode == 1, checked.stderr
    assert [f["rule"] for f in json.loads(checked.stdout)["findings"]] == ["ACME001"]
    facts = _installed_run(installed, elsewhere, "facts", "--format", "json", str(project / "app.py"))
    assert facts.returncode == 0, facts.stderr
    assert "python.call" in [f["kind"] for f in json.loads(facts.stdout)]
