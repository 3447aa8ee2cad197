"""Message templates: `{attr}` placeholders and `{attr?text}` optional parts, checked when the catalogue loads."""

from __future__ import annotations

import pytest
from conftest import REPO

from twelvefactor_lint.judge import template
from twelvefactor_lint.judge.catalogue import CatalogueError, load_rule

HOP = "process{started_by? (started by {started_by})}: run it once"


@pytest.mark.parametrize("attrs, expected", [
    ({"started_by": "Dockerfile:7 ENTRYPOINT"}, "process (started by Dockerfile:7 ENTRYPOINT): run it once"),
    ({"started_by": ""}, "process: run it once"),
    ({}, "process: run it once"),
    ({"started_by": None}, "process: run it once"),
    ({"started_by": []}, "process: run it once"),
    ({"started_by": False}, "process: run it once"),
    ({"started_by": 0}, "process (started by 0): run it once"),
])
def test_an_optional_part_shows_only_when_its_attribute_has_a_value(attrs, expected):
    assert template.render(HOP, attrs) == expected


def test_an_optional_part_fills_other_attributes_and_leaves_unknown_ones_visible():
    text = "{n? ({n} of {total}, {missing})}"
    assert template.render(text, {"n": 2, "total": 3}) == " (2 of 3, {missing})"


def test_inserted_values_are_never_read_as_template_text():
    attrs = {"command": "uvicorn --port ${PORT}", "PORT": "8000", "started_by": "{command}"}
    assert template.render("`{command}`{started_by? via {started_by}}", attrs) == "`uvicorn --port ${PORT}` via {command}"


@pytest.mark.parametrize("bad", ["a {b", "a } b", "{a? {b? c}}", "{a? x", "{a.b}", "{a!r}", "{}"])
def test_malformed_templates_are_refused(bad):
    with pytest.raises(ValueError, match="malformed"):
        template.check(bad)


def test_well_formed_templates_pass_the_check():
    template.check(HOP)
    template.check("plain text, `{name}` and {n? ({n})}")


def test_the_catalogue_refuses_a_rule_whose_message_is_malformed(tmp_path):
    rule = (REPO / "rules" / "TF902-entrypoint-without-exec.yaml").read_text(encoding="utf-8")
    source = tmp_path / "TF902-entrypoint-without-exec.yaml"
    source.write_text(rule.replace("{started_by? (started by {started_by})}", "{started_by? (started by {started_by)}"),
                      encoding="utf-8")
    with pytest.raises(CatalogueError, match="TF902.*`message` of the match on `process.script_without_exec`.*malformed"):
        load_rule(source)
