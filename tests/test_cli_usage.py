"""Usage errors a CI typo makes: one line `12f-lint: error: ...`, exit 2, before any analysis runs."""

from __future__ import annotations

import json

import pytest
from conftest import write_tree
from test_cli import CLEAN, STATEFUL, assert_one_line_error, cli


@pytest.fixture
def no_analysis(monkeypatch):
    """Fail the test if the pipeline runs: the error must come before it."""
    from twelvefactor_lint import runner

    def refuse(*args, **kwargs):
        raise AssertionError("the analysis ran")

    monkeypatch.setattr(runner, "run", refuse)


def test_a_missing_path_is_an_error_naming_it_as_given(tmp_path, monkeypatch, no_analysis):
    write_tree(tmp_path, CLEAN)
    monkeypatch.chdir(tmp_path)
    result = cli("app.py", "a/b/c.py")
    assert_one_line_error(result, "12f-lint: error: a/b/c.py: no such file or directory")
    assert result.stdout == ""


@pytest.mark.parametrize(("typed", "meant"), [("rule", "rules"), ("explian", "explain"), ("proceses", "processes"),
                                              ("chek", "check")])
def test_a_mistyped_command_names_the_nearest_one(tmp_path, monkeypatch, no_analysis, typed, meant):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(cli(typed, "TF601"), f"no such command or path: {typed}", f"did you mean `12f-lint {meant}`?")


def test_an_unknown_word_lists_the_commands(tmp_path, monkeypatch, no_analysis):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(cli("zzz"), "no such command or path: zzz", "commands: audit, check, clean, explain, facts, merge")


def test_a_directory_named_like_a_command_is_linted(tmp_path, monkeypatch):
    write_tree(tmp_path / "rule", STATEFUL)
    monkeypatch.chdir(tmp_path)
    assert cli("rule").exit_code == 1


@pytest.mark.parametrize("args", [
    ("--fail-on", "fatal"),
    ("--format", "xml"),
    ("--jobs", "-3"),
    ("--no-such-option",),
    ("--config", "."),  # a directory where a file is needed
])
def test_clicks_own_usage_errors_are_one_line(tmp_path, no_analysis, args):
    result = cli("check", *args, str(tmp_path))
    assert_one_line_error(result, "12f-lint: error: ")
    assert "Usage:" not in result.output


def test_output_with_an_unknown_format_prefix(tmp_path, no_analysis):
    assert_one_line_error(cli("-o", f"xml:{tmp_path}/out.xml", str(tmp_path)), "unknown format 'xml'")


def test_output_format_is_inferred_from_the_extension(tmp_path):
    write_tree(tmp_path, STATEFUL)
    result = cli("-o", str(tmp_path / "report.sarif"), str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert json.loads((tmp_path / "report.sarif").read_text())["version"] == "2.1.0"


def test_an_extension_contradicting_format_is_refused(tmp_path, no_analysis):
    assert_one_line_error(cli("--format", "text", "-o", str(tmp_path / "report.sarif"), str(tmp_path)),
                          "the extension says sarif but --format is text")


def test_sarif_may_be_written_to_a_json_file(tmp_path):
    write_tree(tmp_path, CLEAN)
    assert cli("--format", "sarif", "-o", str(tmp_path / "report.json"), str(tmp_path)).exit_code == 0
    assert json.loads((tmp_path / "report.json").read_text())["version"] == "2.1.0"


@pytest.mark.parametrize("spec", ["missing-dir/r.json", "sarif:missing-dir/r.sarif", "."])
def test_an_output_that_cannot_be_written_is_found_before_the_analysis(tmp_path, monkeypatch, no_analysis, spec):
    monkeypatch.chdir(tmp_path)
    assert_one_line_error(cli("-o", spec, "."), "cannot write")


def test_a_missing_baseline_is_found_before_the_analysis(tmp_path, no_analysis):
    assert_one_line_error(cli("--baseline", str(tmp_path / "nope.json"), str(tmp_path)), "baseline file not found")


def test_a_configured_missing_baseline_is_found_before_the_analysis(tmp_path, no_analysis):
    write_tree(tmp_path, {"pyproject.toml": '[tool.12f-lint]\nbaseline = "b.json"\n'})
    assert_one_line_error(cli(str(tmp_path)), "baseline file not found")


def test_writing_the_configured_baseline_the_first_time(tmp_path):
    write_tree(tmp_path, {**STATEFUL, "pyproject.toml": '[tool.12f-lint]\nbaseline = "b.json"\n'})
    assert cli("--write-baseline", str(tmp_path / "b.json"), str(tmp_path)).exit_code == 0
    assert cli(str(tmp_path)).exit_code == 0


@pytest.mark.parametrize("name", ["JSON", "Json"])
def test_format_names_are_case_insensitive(tmp_path, name):
    write_tree(tmp_path, CLEAN)
    result = cli("--format", name, str(tmp_path))
    assert json.loads(result.stdout)["findings"] == []
    assert json.loads(cli("--output-format", name, str(tmp_path)).stdout)["findings"] == []
    assert cli("-o", f"{name}:{tmp_path}/r.json", str(tmp_path)).exit_code == 0


def test_dedicated_config_may_hold_a_tool_table(tmp_path):
    write_tree(tmp_path, {**STATEFUL, ".12f-lint.toml": '[tool.12f-lint]\nignore = ["TF601"]\n'})
    result = cli("--format", "json", str(tmp_path))
    assert result.exit_code in (0, 1), result.output
    assert "TF601" not in {f["rule"] for f in json.loads(result.stdout)["findings"]}


def test_dedicated_config_mixing_top_level_keys_and_a_tool_table_is_refused(tmp_path, no_analysis):
    write_tree(tmp_path, {".12f-lint.toml": 'fail-on = "error"\n[tool.12f-lint]\nignore = ["TF601"]\n'})
    assert_one_line_error(cli(str(tmp_path)), "put the settings at the top level")


def test_processes_refuses_a_missing_path(tmp_path, no_analysis):
    assert_one_line_error(cli("processes", str(tmp_path / "nope")), "no such file or directory")


SCRIPTED = {
    ".git/HEAD": "",
    "Dockerfile": 'FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\nENTRYPOINT ["/app/docker-entrypoint.sh"]\n',
    "docker-entrypoint.sh": "#!/bin/sh\npython manage.py migrate --noinput\nexec gunicorn app:app\n",
    "tools/lonely.sh": "#!/bin/sh\necho hi\n",
}


def test_a_named_script_is_reported_through_the_chain_that_runs_it(tmp_path, monkeypatch):
    write_tree(tmp_path, SCRIPTED)
    monkeypatch.chdir(tmp_path)
    result = cli("docker-entrypoint.sh", "tools/lonely.sh")
    assert "docker-entrypoint.sh:2:1: TF1201" in result.stdout
    assert "not a file kind" not in result.stdout
    assert "skipped tools/lonely.sh: a shell script no start command in the project runs" in result.stdout


def test_the_readme_shows_every_check_option():
    import click
    from conftest import REPO

    from twelvefactor_lint.cli import main

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    options = [o for p in main.commands["check"].params if isinstance(p, click.Option)
               for o in (*p.opts, *p.secondary_opts) if o.startswith("--") and o != "--help"]
    assert [o for o in options if o not in readme] == []
