"""Every rule's bad examples fire (at the stated lines, with the stated severities) and its good examples stay silent."""

from __future__ import annotations

import re

import pytest
from conftest import REPO

from twelvefactor_lint.judge import catalogue as catalogue_module

CATALOGUE = catalogue_module.load()


def _cases(side: str):
    for rule in CATALOGUE.rules:
        for number, example in enumerate(getattr(rule, side), start=1):
            yield pytest.param(rule, example, id=f"{rule.id}-{side}-{number}")


def _files(example) -> dict[str, str]:
    return {f.path: f.code for f in example.files}


@pytest.mark.parametrize("rule, example", list(_cases("bad")))
def test_bad_example_fires(rule, example, lint):
    result = lint(_files(example), select=(rule.id,))
    target = example.files[0].path
    mine = [f for f in result.findings if f.rule == rule.id and f.path == target]
    assert mine, f"{rule.id} did not fire on its bad example {target}"
    if example.lines:
        assert sorted({f.line for f in mine}) == [n for n, _ in example.lines], [f"{f.line}: {f.message}" for f in mine]
        stated = [(n, severity) for n, severity in example.lines if severity]
        assert sorted({(f.line, f.severity) for f in mine if f.line in dict(stated)}) == stated, \
            [f"{f.line}: {f.severity}" for f in mine]
    for finding in mine:
        assert not re.search(r"\{\w+\}", finding.message), f"unfilled placeholder in {finding.message!r}"


@pytest.mark.parametrize("rule, example", list(_cases("good")))
def test_good_example_is_silent(rule, example, lint):
    result = lint(_files(example), select=(rule.id,))
    assert [f"{f.path}:{f.line} {f.message}" for f in result.findings if f.rule == rule.id] == []
    assert not [f for f in result.findings if f.rule == "TF001"], "a good example must parse"


def test_every_bad_example_states_its_lines_and_their_severity():
    vague = [f"{r.id} bad {n}" for r in CATALOGUE.rules for n, e in enumerate(r.bad, start=1)
             if not e.lines or any(severity is None for _, severity in e.lines)]
    assert vague == [], "write `lines: {LINE: SEVERITY}` in these examples"


@pytest.mark.parametrize("lines", ["{3: fatal}", "[three]", "{true: error}", "3"])
def test_malformed_example_lines_are_refused(tmp_path, lines):
    text = (REPO / "rules" / "TF903-missing-start-command.yaml").read_text(encoding="utf-8")
    source = tmp_path / "TF903-missing-start-command.yaml"
    source.write_text(text.replace("lines: {3: warning}", f"lines: {lines}", 1), encoding="utf-8")
    with pytest.raises(catalogue_module.CatalogueError, match="`lines` must map line numbers to severities"):
        catalogue_module.load_rule(source)


def test_example_lines_may_omit_severities(tmp_path):
    text = (REPO / "rules" / "TF903-missing-start-command.yaml").read_text(encoding="utf-8")
    source = tmp_path / "TF903-missing-start-command.yaml"
    source.write_text(text.replace("lines: {3: warning}", "lines: [3]", 1), encoding="utf-8")
    assert catalogue_module.load_rule(source).bad[0].lines == ((3, None),)
