"""JUnit XML, read back with the standard library's XML parser."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from conftest import write_tree
from report_projects import HOSTILE, HOSTILE_PATH, MIXED, cli


def junit(root, *args: str) -> ET.Element:
    result = cli("check", "--format", "junit", *args, str(root))
    assert result.exit_code in (0, 1), result.output
    return ET.fromstring(result.stdout.encode("utf-8"))


def test_cases_per_finding_clean_file_and_skipped_file(tmp_path):
    write_tree(tmp_path, MIXED)
    suites = junit(tmp_path, "--junit-passing")
    assert suites.tag == "testsuites"
    (suite,) = suites.findall("testsuite")
    cases = suite.findall("testcase")
    outcome = {(c.get("classname"), c.get("name")): (c[0].tag if len(c) else "passed") for c in cases}
    assert outcome == {
        ("shop/app.py", "TF601 mutable-module-state at 8:5"): "failure",
        ("shop/logs.py", "TF1101 log-to-file at 2:1"): "failure",
        ("shop/clean.py", "twelve-factor checks"): "passed",
        ("Procfile", "twelve-factor checks"): "passed",
        ("data.bin.py", "not analyzed"): "skipped",
    }
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("5", "2", "0", "1")
    assert suites.get("tests") == "5" and suites.get("failures") == "2"
    failure = next(c for c in cases if c.get("classname") == "shop/app.py").find("failure")
    assert failure.get("type") == "error" and "CARTS" in failure.get("message")
    assert failure.text.startswith("shop/app.py:8:5: TF601 [error]")
    assert "Use instead:" in failure.text


def test_clean_project_has_only_passing_cases(tmp_path):
    write_tree(tmp_path, {"app.py": "VALUE = 1\n"})
    suites = junit(tmp_path, "--junit-passing")
    assert suites.get("failures") == "0"
    assert [len(c) for c in suites.iter("testcase")] == [0]


def test_passing_cases_only_when_asked(tmp_path):
    write_tree(tmp_path, MIXED)
    suites = junit(tmp_path)
    outcomes = sorted(c[0].tag for c in suites.iter("testcase"))
    assert outcomes == ["failure", "failure", "skipped"]
    assert (suites.get("tests"), suites.get("failures")) == ("3", "2")
    write_tree(tmp_path / "clean", {"app.py": "VALUE = 1\n"})
    assert list(junit(tmp_path / "clean").iter("testcase")) == []


def test_hostile_text_and_control_characters_stay_well_formed(tmp_path):
    write_tree(tmp_path, {**HOSTILE, "ctl.py": 'import logging\nlogging.basicConfig(filename="a\\x01\\x1b[31mb.log")\n'})
    suites = junit(tmp_path)
    files = {c.get("classname") for c in suites.iter("testcase")}
    assert HOSTILE_PATH in files and "a&b/views.py" in files
    messages = [f.get("message") for f in suites.iter("failure")]
    assert any("<script>alert(2)</script>.log" in m for m in messages)
