"""Rule docs at stable URLs: one helper, linked from SARIF, `explain` and the text footer."""

from __future__ import annotations

import json
import sys

import pytest
from conftest import REPO, write_tree
from test_cli import cli
from test_report_sarif import schema, validate  # noqa: F401 - the fixture

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.report import docs

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CATALOGUE = catalogue_module.load()


def test_the_repository_url_is_the_one_in_pyproject():
    """pyproject.toml cannot import the constant: every URL there is checked against it instead."""
    urls = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["urls"]
    assert urls["Repository"] == docs.REPOSITORY
    documentation = urls["Documentation"]
    assert documentation.startswith(f"{docs.REPOSITORY}/blob/main/")
    assert (REPO / documentation.removeprefix(f"{docs.REPOSITORY}/blob/main/")).is_file()


@pytest.mark.parametrize("rule", CATALOGUE.rules, ids=lambda r: r.id)
def test_every_rule_url_names_a_committed_doc(rule):
    url = docs.rule_url(rule.id, rule.name)
    assert url.startswith(f"{docs.REPOSITORY}/blob/main/")
    assert (REPO / url.removeprefix(f"{docs.REPOSITORY}/blob/main/")).is_file()


def test_sarif_links_rule_docs_and_reports_parse_errors_as_notifications(tmp_path, schema):  # noqa: F811
    write_tree(tmp_path, {"app.py": "def broken(:\n", "docker-compose.yml": "services: [\n"})
    log = json.loads(cli("--format", "sarif", str(tmp_path)).stdout)
    validate(log, schema)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["informationUri"] == docs.REPOSITORY
    tf601 = next(r for r in driver["rules"] if r["id"] == "TF601")
    assert tf601["helpUri"] == docs.rule_url("TF601", "mutable-module-state")
    notes = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    troubles = [n for n in notes if n.get("associatedRule", {}).get("id") == "TF001"]
    assert sorted(n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in troubles) == \
        ["app.py", "docker-compose.yml"]
    assert all(n["level"] == "note" for n in troubles)  # a notice: the file was not analysed
    assert [r["ruleId"] for r in log["runs"][0]["results"]] == ["TF001", "TF001"]  # still results too


def test_explain_and_the_text_footer_link_the_docs(tmp_path):
    assert cli("explain", "TF601").stdout.rstrip().endswith(
        "Online: https://github.com/12f-lint/12f-lint/blob/main/docs/rules/TF601-mutable-module-state.md")
    write_tree(tmp_path, {"app.py": "def broken(:\n"})
    assert f"or the rule docs at {docs.DEFAULT_BASE}/\n" in cli(str(tmp_path)).stdout
    assert f"Rule docs: {docs.DEFAULT_BASE}/ (or `12f-lint explain ID`)" in cli("--show-advice", str(tmp_path)).stdout


def test_the_docs_base_is_configurable(tmp_path):
    write_tree(tmp_path, {"app.py": "def broken(:\n",
                          "pyproject.toml": '[tool.12f-lint]\ndocs-url = "https://lint.example.com/rules/"\n'})
    assert "the rule docs at https://lint.example.com/rules/\n" in cli(str(tmp_path)).stdout
    log = json.loads(cli("--format", "sarif", str(tmp_path)).stdout)
    assert log["runs"][0]["tool"]["driver"]["rules"][0]["helpUri"].startswith("https://lint.example.com/rules/TF")
