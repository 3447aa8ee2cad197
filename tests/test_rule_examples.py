"""Every rule's bad examples fire (at the stated lines, with the stated severities) and its good examples stay silent."""

from __future__ import annotations

import pytest
from conftest import REPO

from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.judge.examples import problem

CATALOGUE = catalogue_module.load()


def _cases(side: str):
    for rule in CATALOGUE.rules:
        for number, example in enumerate(getattr(rule, side), start=1):
            yield pytest.param(rule, example, id=f"{rule.id}-{side}-{number}")


@pytest.mark.parametrize("rule, example", list(_cases("bad")))
def test_bad_example_fires(rule, example):
    assert problem(rule, example, "bad", CATALOGUE) == ""


@pytest.mark.parametrize("rule, example", list(_cases("good")))
def test_good_example_is_silent_and_parses(rule, example):
    assert problem(rule, example, "good", CATALOGUE) == ""


def test_every_bad_example_states_its_lines_and_their_severity():
    vague = [f"{r.id} bad {n}" for r in CATALOGUE.rules for n, e in enumerate(r.bad, start=1)
             if not e.lines or any(severity is None for _, severity in e.lines)]
    assert vague == [], "write `lines: {LINE: SEVERITY}` in these examples"


@pytest.mark.parametrize("lines", ["{3: fatal}", "[three]", "{true: error}", "3"])
def test_malformed_example_lines_are_refused(tmp_path, lines):
    text = (REPO / "rules" / "TF903-missing-start-command.yaml").read_text(encoding="utf-8")
    source = tmp_path / "TF903-missing-start-command.yaml"
    source.write_text(text.replace("lines: {3: info}", f"lines: {lines}", 1), encoding="utf-8")
    with pytest.raises(catalogue_module.CatalogueError, match="`lines` must map line numbers to severities"):
        catalogue_module.load_rule(source)


def test_example_lines_may_omit_severities(tmp_path):
    text = (REPO / "rules" / "TF903-missing-start-command.yaml").read_text(encoding="utf-8")
    source = tmp_path / "TF903-missing-start-command.yaml"
    source.write_text(text.replace("lines: {3: info}", "lines: [3]", 1), encoding="utf-8")
    assert catalogue_module.load_rule(source).bad[0].lines == ((3, None),)
