"""Message templates: `{attr}` placeholders and `{attr?text}` optional parts, checked when the catalogue loads."""

from __future__ import annotations

from types import SimpleNamespace

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
    assert template.render(HOP, SimpleNamespace(**attrs)) == expected


def test_an_optional_part_fills_other_attributes_and_leaves_unknown_ones_visible():
    text = "{n? ({n} of {total}, {missing})}"
    assert template.render(text, SimpleNamespace(n=2, total=3)) == " (2 of 3, {missing})"


def test_inserted_values_are_never_read_as_template_text():
    fact = SimpleNamespace(command="uvicorn --port ${PORT}", PORT="8000", started_by="{command}")
    assert template.render("`{command}`{started_by? via {started_by}}", fact) == "`uvicorn --port ${PORT}` via {command}"


@pytest.mark.parametrize("bad", ["a {b", "a } b", "{a? {b? c}}", "{a? x", "{a.b}", "{a!r}", "{}"])
def test_malformed_templates_are_refused(bad):
    with pytest.raises(ValueError, match="malformed"):
        template.check(bad)


def test_well_formed_templates_pass_the_check():
    template.check(HOP)
    template.check("plain text, `{name}` and {n? ({n})}")


def test_names_lists_placeholders_and_the_names_that_switch_optional_parts_on():
    assert template.names("`{command}`{started_by? (started by {started_by} at {started_by_line})}: {source}") == [
        "command", "started_by", "started_by", "started_by_line", "source"]


@pytest.mark.parametrize("written, refusal", [
    ("{started_by? (started by {started_by)}", "`message` of the match on `process.script_without_exec`.*malformed"),
    ("{startd_by? (started by {started_by})}", "no field `startd_by`.*nearest: `started_by`"),  # an optional part's name
])
def test_the_catalogue_refuses_a_rule_whose_message_is_malformed_or_names_a_missing_field(tmp_path, written, refusal):
    rule = (REPO / "rules" / "TF902-entrypoint-without-exec.yaml").read_text(encoding="utf-8")
    source = tmp_path / "TF902-entrypoint-without-exec.yaml"
    source.write_text(rule.replace("{started_by? (started by {started_by})}", written), encoding="utf-8")
    with pytest.raises(CatalogueError, match=f"TF902.*{refusal}"):
        load_rule(source)
