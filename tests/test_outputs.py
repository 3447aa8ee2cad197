"""Several reports from one run: `--format` to stdout or `-o FILE`, and `-o FORMAT:FILE` besides."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from conftest import write_tree
from report_projects import MIXED, cli


def test_one_run_writes_every_requested_format(tmp_path):
    project, out = tmp_path / "p", tmp_path / "out"
    write_tree(project, MIXED)
    out.mkdir()
    result = cli("check", "--format", "text", "-o", f"sarif:{out / 'r.sarif'}", "-o", f"junit:{out / 'r.xml'}",
                 "-o", f"json:{out / 'r.json'}", str(project))
    assert result.exit_code == 1
    assert "shop/app.py:8:5: TF601 [error]" in result.stdout
    report = json.loads((out / "r.json").read_text())
    sarif = json.loads((out / "r.sarif").read_text())
    assert [f["fingerprint"] for f in report["findings"]] == [
        r["partialFingerprints"]["twelvefactorLint/v1"] for r in sarif["runs"][0]["results"] if "suppressions" not in r]
    assert ET.parse(out / "r.xml").getroot().get("failures") == "2"


def test_plain_output_file_takes_the_format_report(tmp_path):
    project = tmp_path / "p"
    write_tree(project, MIXED)
    result = cli("check", "--format", "json", "-o", str(tmp_path / "r.json"), "-o", f"github:{tmp_path / 'gh.txt'}", str(project))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(json.loads((tmp_path / "r.json").read_text())["findings"]) == 2
    assert (tmp_path / "gh.txt").read_text().startswith("::error file=shop/app.py,line=8")


def test_dot_slash_names_a_file_that_looks_like_a_format(tmp_path, monkeypatch):
    write_tree(tmp_path / "p", MIXED)
    monkeypatch.chdir(tmp_path)
    assert cli("check", "--format", "json", "-o", "./json:odd", "p").exit_code == 1
    assert json.loads((tmp_path / "json:odd").read_text())["findings"]


@pytest.mark.parametrize("args, message", [
    (("-o", "a.txt", "-o", "b.txt"), "already goes to a.txt"),
    (("-o", "sarif:"), "give a file after the colon"),
    (("-o", "x.json", "-o", "json:x.json"), "same file"),
])
def test_output_usage_errors_exit_2_on_one_line(tmp_path, args, message):
    result = cli("check", *args, str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr


def test_unwritable_extra_output_exits_2(tmp_path):
    write_tree(tmp_path, MIXED)
    result = cli("check", "-o", f"sarif:{tmp_path / 'missing-dir' / 'r.sarif'}", str(tmp_path))
    assert result.exit_code == 2
    assert "cannot write" in result.stderr and "r.sarif" in result.stderr

