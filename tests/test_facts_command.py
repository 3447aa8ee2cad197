"""`12f-lint facts`: a project's linked facts for rule authors, and docs/facts.md generated from the vocabulary."""

from __future__ import annotations

import json
import subprocess
import sys

from conftest import REPO, write_tree
from report_projects import cli

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.report.factdoc import markdown

DOC = REPO / "docs" / "facts.md"


def test_committed_facts_doc_matches_the_vocabulary():
    assert DOC.read_text(encoding="utf-8") == markdown(catalogue_module.load()), \
        "docs/facts.md is stale: regenerate it with `12f-lint facts --write-docs docs/facts.md` and commit the result"


def test_the_doc_lists_every_kind_with_the_rules_that_judge_it():
    text = DOC.read_text(encoding="utf-8")
    assert "### `python.state_mutation`" in text and "Judged by: TF601" in text
    assert "| `session_key` | `str` | required |" in text


def _run(*args: str, cwd) -> subprocess.CompletedProcess:
    """As an installed package runs: `python -m twelvefactor_lint`, from another directory."""
    return subprocess.run([sys.executable, "-m", "twelvefactor_lint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=120)


def test_facts_of_a_tree_after_linking_as_json(tmp_path):
    project = write_tree(tmp_path / "project", {
        "recipes/api.py": "from fastapi import FastAPI\nfrom recipes.data import RECIPES\n\napp = FastAPI()\n\n"
                          "@app.post('/r')\ndef create(r: dict):\n    RECIPES.append(r)\n",
        "recipes/data.py": "RECIPES = []\n",
    })
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "pyproject.toml").write_text("[tool.12f-lint]\n", encoding="utf-8")
    tree = {"recipes/api.py", "recipes/data.py", "pyproject.toml"}  # a pyproject.toml declares dependencies
    for named, paths in ((project, tree), (project / "recipes/api.py", {"recipes/api.py"})):
        done = _run("facts", "--format", "json", str(named), cwd=elsewhere)
        assert done.returncode == 0, done.stderr
        facts = json.loads(done.stdout)
        assert {f["path"] for f in facts} == paths
        [mutation] = [f for f in facts if f["kind"] == "python.state_mutation"]
        # link resolved the imported name to the container of the other module, also when one file is named
        assert (mutation["path"], mutation["line"], mutation["name"], mutation["container"], mutation["defined_at"]) \
            == ("recipes/api.py", 8, "RECIPES", "list", "recipes/data.py:1")
        assert not [f for f in facts if f["kind"] == "python.imported_state_write"]


def test_facts_as_text_show_the_fields_not_at_their_default(tmp_path):
    write_tree(tmp_path, {"Procfile": "web: gunicorn app:app\n"})
    result = cli("facts", str(tmp_path / "Procfile"))
    assert result.exit_code == 0
    assert "Procfile:1:1: procfile.process\n    type = \"web\"\n" in result.stdout
    assert "    port_binding = \"env\"\n" in result.stdout
    assert "    started_by = " not in result.stdout  # at its default


def test_kinds_lists_every_kind_with_its_fields():
    result = cli("facts", "--kinds")
    assert result.exit_code == 0
    assert "process.build_at_start: " in result.stdout and ", work" in result.stdout


def test_write_docs_writes_the_reference(tmp_path):
    result = cli("facts", "--write-docs", str(tmp_path / "facts.md"))
    assert result.exit_code == 0
    assert (tmp_path / "facts.md").read_text(encoding="utf-8") == DOC.read_text(encoding="utf-8")
