"""The rule docs in docs/rules are generated from the catalogue and must not go stale."""

from __future__ import annotations

import re

import pytest
from conftest import REPO
from report_projects import cli

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.report.docs import rule_url
from twelvefactor_lint.report.ruledoc import doc_files, markdown

CATALOGUE = catalogue_module.load()
DOCS = REPO / "docs" / "rules"
REGENERATE = "regenerate them with `12f-lint rules --write-docs docs/rules` and commit the result"
SECTIONS = ["## What it does", "## Why is this bad?", "## Example", "## Use instead", "## References"]


def test_committed_rule_docs_match_the_catalogue():
    wanted = doc_files(CATALOGUE)
    present = {p.name: p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    missing = sorted(set(wanted) - set(present))
    extra = sorted(set(present) - set(wanted))
    stale = sorted(name for name in set(wanted) & set(present) if wanted[name] != present[name])
    assert not (missing or extra or stale), \
        f"docs/rules is stale (missing {missing}, extra {extra}, changed {stale}): {REGENERATE}"


@pytest.mark.parametrize("rule", CATALOGUE.rules, ids=lambda r: r.id)
def test_explain_prints_the_rule_doc_file_text(rule):
    result = cli("explain", rule.id)
    assert result.exit_code == 0
    assert result.stdout == markdown(rule) + f"\nOnline: {rule_url(rule.id, rule.name)}\n"


@pytest.mark.parametrize("rule", CATALOGUE.rules, ids=lambda r: r.id)
def test_every_doc_has_the_skeleton_and_quotes_its_factor(rule):
    text = markdown(rule)
    assert [line for line in text.splitlines() if line.startswith("## ")] == SECTIONS
    why = text.split("## Why is this bad?")[1]
    assert why.lstrip().startswith("> ")
    if rule.factor != "tool":
        assert f"**{rule.factor}. " in why and "https://12factor.net/" in why


def test_what_it_does_describes_rather_than_repeats_the_title():
    text = markdown(CATALOGUE.get("TF601"))
    what = text.split("## What it does")[1].split("## Why is this bad?")[0].strip()
    assert what != CATALOGUE.get("TF601").title + "."
    assert "Python modules" in what
    assert "tests, migrations, scripts" in what
    # the findings 12f-lint reports on the bad example, from a real run
    assert re.search(r"^- shop/app\.py:\d+ \(error\): `CARTS`", what, re.MULTILINE)  # the example with its Dockerfile


def test_write_docs_writes_and_prunes(tmp_path):
    (tmp_path / "TF999-gone.md").write_text("old")
    (tmp_path / "notes.md").write_text("kept")
    result = cli("rules", "--write-docs", str(tmp_path))
    assert result.exit_code == 0
    names = {p.name for p in tmp_path.glob("*.md")}
    assert names == set(doc_files(CATALOGUE)) | {"notes.md"}
    assert (tmp_path / "TF601-mutable-module-state.md").read_text() == markdown(CATALOGUE.get("TF601"))
