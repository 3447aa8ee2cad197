"""GitHub Actions annotations (workflow commands) and the step summary."""

from __future__ import annotations

import re

from conftest import write_tree
from report_projects import HOSTILE, HOSTILE_PATH, MIXED, cli

from twelvefactor_lint.report.github import command, escape_data, escape_property

# The runner's parser (actions/toolkit): `::name key=value,key=value::message`, one command per line.
_COMMAND = re.compile(r"^::(?P<name>\w+)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%3A", ":").replace("%2C", ",").replace("%25", "%")


def parse(line: str) -> tuple[str, dict[str, str], str]:
    match = _COMMAND.match(line)
    assert match, line
    props = dict(pair.split("=", 1) for pair in match["props"].split(",")) if match["props"] else {}
    return match["name"], {k: unescape(v) for k, v in props.items()}, unescape(match["message"])


def annotations(stdout: str) -> list[tuple[str, dict[str, str], str]]:
    return [parse(line) for line in stdout.splitlines() if line.startswith("::")]


def test_escaping_follows_the_workflow_command_rules():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("a: b, 100%\n") == "a%3A b%2C 100%25%0A"
    line = command("error", "two\nlines", file="dir,x:y.py", line=3)
    assert line == "::error file=dir%2Cx%3Ay.py,line=3::two%0Alines"
    assert parse(line) == ("error", {"file": "dir,x:y.py", "line": "3"}, "two\nlines")


def test_one_annotation_per_finding_worst_first(tmp_path):
    write_tree(tmp_path, MIXED)
    result = cli("check", "--format", "github", str(tmp_path))
    assert result.exit_code == 1
    found = annotations(result.stdout)
    assert [(name, props["file"], props["line"]) for name, props, _ in found] == [
        ("error", "shop/app.py", "8"), ("warning", "shop/logs.py", "2")]
    name, props, message = found[0]
    assert props["col"] == "5" and props["endLine"] == "8" and int(props["endColumn"]) > 5
    assert props["title"] == "TF601 mutable-module-state (VI Processes)"
    assert "CARTS" in message
    assert result.stdout.splitlines()[-1].startswith("Found 2 findings")


def test_info_findings_are_notices(tmp_path):
    write_tree(tmp_path, MIXED)
    result = cli("check", "--format", "github", "--severity", "TF1101=info", str(tmp_path))
    assert [name for name, _, _ in annotations(result.stdout)] == ["error", "notice"]


def test_multi_line_findings_carry_no_columns(tmp_path):
    """GitHub rejects col/endColumn when line and endLine differ."""
    write_tree(tmp_path, {"app.py": 'import logging\nh = logging.FileHandler(\n    "app.log",\n)\n'})
    (found,) = annotations(cli("check", "--format", "github", str(tmp_path)).stdout)
    assert found[1]["line"] == "2" and found[1]["endLine"] == "4"
    assert "col" not in found[1] and "endColumn" not in found[1]


def test_hostile_names_cannot_break_out_of_the_command(tmp_path):
    write_tree(tmp_path, {**HOSTILE, "x,y:z%0A/app.py": MIXED["shop/logs.py"]})
    result = cli("check", "--format", "github", str(tmp_path))
    found = annotations(result.stdout)
    assert {props["file"] for _, props, _ in found} == {HOSTILE_PATH, "a&b/views.py", "x,y:z%0A/app.py"}
    assert len([line for line in result.stdout.splitlines() if line.startswith("::")]) == 3


def test_step_summary_is_appended_when_github_asks_for_it(tmp_path):
    project, summary = tmp_path / "p", tmp_path / "summary.md"
    write_tree(project, MIXED)
    summary.write_text("earlier step\n")
    result = cli("check", "--format", "github", "--select", "TF6", "--select", "TF11", str(project),
                 env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert result.exit_code == 1
    text = summary.read_text()
    assert text.startswith("earlier step\n## 12f-lint: 2 findings (1 error, 1 warning)")
    rows = {line.split("|")[1].strip(): [c.strip() for c in line.split("|")[2:-1]] for line in text.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip()[:1] in "IVX"}
    assert rows["VI Processes"][:3] == ["1", "0", "0"]
    assert rows["XI Logs"][:3] == ["0", "1", "0"]
    assert rows["VI Processes"][3] == "1 finding"
    assert rows["III Config"] == ["—", "—", "—", "not checked (no rule selected)"]
    assert "shop/app.py:8:5" in text and "shop/logs.py:2:1" in text


def test_step_summary_escapes_markdown_and_html(tmp_path):
    project, summary = tmp_path / "p", tmp_path / "summary.md"
    write_tree(project, HOSTILE)
    cli("check", "--format", "github", str(project), env={"GITHUB_STEP_SUMMARY": str(summary)})
    text = summary.read_text()
    assert "<script>" not in text and "<img" not in text
    assert r"\<script\>alert(1)\</script\>.py" in text


def test_no_step_summary_without_the_variable_or_the_format(tmp_path):
    project, summary = tmp_path / "p", tmp_path / "summary.md"
    write_tree(project, MIXED)
    cli("check", "--format", "text", str(project), env={"GITHUB_STEP_SUMMARY": str(summary)})
    assert not summary.exists()
    assert cli("check", "--format", "github", str(project), env={"GITHUB_STEP_SUMMARY": ""}).exit_code == 1
    assert not summary.exists()
