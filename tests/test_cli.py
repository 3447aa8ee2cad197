"""The command line, run for real: exit codes, the JSON contract, rules/explain, config errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, write_tree

from twelvefactor_lint import __version__
from twelvefactor_lint.cli import main

STATEFUL = {
    "shop/app.py": """\
from flask import Flask, request

app = Flask(__name__)
CARTS = {}


@app.post("/cart/<user>")
def add_to_cart(user):
    CARTS.setdefault(user, []).append(request.form["sku"])
    return {"items": CARTS[user]}
""",
    "Procfile": "web: gunicorn --bind 0.0.0.0:$PORT -w 4 shop.app:app\n",  # four copies of CARTS: an error
}

FILE_LOGGING = {
    "app.py": """\
import logging

from flask import Flask

app = Flask(__name__)
app.logger.addHandler(logging.FileHandler("app.log"))


@app.get("/")
def index():
    return "ok"
""",
}

CLEAN = {
    "app.py": """\
import logging
import sys

from flask import Flask

app = Flask(__name__)
logging.basicConfig(stream=sys.stdout)


@app.get("/")
def index():
    return "ok"
""",
}

FINDING_KEYS = {"rule", "name", "factor", "severity", "path", "line", "column", "end_line", "end_column", "message",
                "fingerprint"}


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def report(root: Path, *args: str) -> dict:
    result = cli("check", "--format", "json", *args, str(root))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def rule_files() -> set[str]:
    return {p.name.split("-", 1)[0] for p in (REPO / "rules").glob("*.yaml")}


def assert_one_line_error(result, *expected: str):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    for text in expected:
        assert text in lines[0]


# --- exit codes --------------------------------------------------------------------------------


def test_findings_exit_1_and_are_printed(tmp_path):
    write_tree(tmp_path, STATEFUL)
    result = cli("check", str(tmp_path))
    assert result.exit_code == 1
    assert "shop/app.py:9:5: TF601 [error]" in result.stdout
    assert "CARTS" in result.stdout


def test_clean_project_exits_0(tmp_path):
    write_tree(tmp_path, CLEAN)
    result = cli("check", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "TF" not in result.stdout


def test_empty_directory_exits_0(tmp_path):
    assert cli("check", str(tmp_path)).exit_code == 0


def test_exit_zero(tmp_path):
    write_tree(tmp_path, STATEFUL)
    result = cli("check", "--exit-zero", str(tmp_path))
    assert result.exit_code == 0
    assert "TF601" in result.stdout


def test_warning_only_project_fails_by_default_but_not_with_fail_on_error(tmp_path):
    write_tree(tmp_path, FILE_LOGGING)
    assert cli("check", str(tmp_path)).exit_code == 1
    result = cli("check", "--fail-on", "error", str(tmp_path))
    assert result.exit_code == 0
    assert "TF1101 [warning]" in result.stdout


def test_fail_on_error_still_fails_on_an_error(tmp_path):
    write_tree(tmp_path, STATEFUL)
    assert cli("check", "--fail-on", "error", str(tmp_path)).exit_code == 1


def test_fail_on_uses_the_overridden_severity(tmp_path):
    write_tree(tmp_path, STATEFUL)
    result = cli("check", "--fail-on", "error", "--severity", "TF601=warning", str(tmp_path))
    assert result.exit_code == 0
    assert "TF601 [warning]" in result.stdout


def test_path_without_the_check_word(tmp_path):
    write_tree(tmp_path, STATEFUL)
    bare = cli("--format", "json", str(tmp_path))
    explicit = cli("check", "--format", "json", str(tmp_path))
    assert bare.exit_code == explicit.exit_code == 1
    assert bare.stdout == explicit.stdout
    assert cli(str(tmp_path)).exit_code == 1


def test_no_path_lints_the_current_directory(tmp_path, monkeypatch):
    write_tree(tmp_path, STATEFUL)
    monkeypatch.chdir(tmp_path)
    result = cli()
    assert result.exit_code == 1
    assert "shop/app.py" in result.stdout


def test_usage_error_exits_2(tmp_path):
    assert cli("check", "--format", "xml", str(tmp_path)).exit_code == 2
    assert cli("check", "--fail-on", "fatal", str(tmp_path)).exit_code == 2


def test_bad_severity_option_exits_2(tmp_path):
    assert_one_line_error(cli("check", "--severity", "TF601", str(tmp_path)), "--severity")


# --- JSON contract -----------------------------------------------------------------------------


def test_json_report_shape(tmp_path):
    write_tree(tmp_path, {**STATEFUL, **FILE_LOGGING, "broken.py": "def f(:\n", "data.py": b"\x00\x01binary"})
    data = report(tmp_path)
    assert set(data) == {"version", "root", "findings", "files", "summary", "processes", "rules"}
    assert data["version"] == __version__
    assert Path(data["root"]) == tmp_path
    assert data["findings"], "the project has findings"
    for finding in data["findings"]:
        assert set(finding) == FINDING_KEYS
        for key in ("line", "column", "end_line", "end_column"):
            assert isinstance(finding[key], int) and finding[key] >= 1
        assert finding["severity"] in ("info", "warning", "error")
        assert isinstance(finding["fingerprint"], str) and finding["fingerprint"]
    assert set(data["files"]) == {"analyzed", "skipped"}
    assert data["files"]["analyzed"] == 4  # shop/app.py, the Procfile, the logging module, broken.py is skipped
    assert data["files"]["skipped"] == [{"path": "data.py", "reason": data["files"]["skipped"][0]["reason"]}]
    assert data["files"]["skipped"][0]["reason"]
    assert isinstance(data["summary"], dict)
    assert {f["rule"] for f in data["findings"]} == {"TF001", "TF601", "TF1101"}
    assert {"TF601", "TF1101", "TF901"} <= set(data["rules"]) and [p["name"] for p in data["processes"]] == ["web"]


def test_json_finding_values(tmp_path):
    write_tree(tmp_path, STATEFUL)
    (finding,) = report(tmp_path)["findings"]
    assert {k: finding[k] for k in ("rule", "name", "factor", "severity", "path", "line", "column")} == {
        "rule": "TF601", "name": "mutable-module-state", "factor": "VI", "severity": "error",
        "path": "shop/app.py", "line": 9, "column": 5,
    }
    assert finding["end_line"] == 9 and finding["end_column"] > finding["column"]


def test_json_lines_and_columns_are_1_based(tmp_path):
    write_tree(tmp_path, {"log.py": 'import logging; logging.basicConfig(filename="x.log")\n', "broken.py": "(\n"})
    findings = {f["path"]: f for f in report(tmp_path)["findings"]}
    assert (findings["log.py"]["line"], findings["log.py"]["column"]) == (1, 17)
    assert findings["broken.py"]["line"] == 1


def test_json_paths_are_relative_to_the_root_with_slashes(tmp_path, monkeypatch):
    write_tree(tmp_path, {".12f-lint.toml": "", "src/shop/deep/app.py": STATEFUL["shop/app.py"]})
    monkeypatch.chdir(tmp_path / "src")
    result = cli("check", "--format", "json", ".")
    data = json.loads(result.stdout)
    assert [f["path"] for f in data["findings"]] == ["src/shop/deep/app.py"]


def test_json_findings_are_sorted(tmp_path):
    # a handler and a log appended by hand: two findings on one line (two handlers of one setup would be one)
    two_sinks = 'import logging\nh = [logging.FileHandler("a.log"), open("b.log", "a")]\n'
    write_tree(tmp_path, {
        "b.py": two_sinks, "a/z.py": two_sinks, "a.py": two_sinks, "a-b.py": "(\n", "zz/app.py": STATEFUL["shop/app.py"],
        "Dockerfile": "FROM python:3.12\nCMD gunicorn a:b\nCMD supervisord\n",
    })
    findings = report(tmp_path)["findings"]
    keys = [(f["path"], f["line"], f["column"], f["rule"]) for f in findings]
    assert keys == sorted(keys)
    assert len({f["path"] for f in findings}) == 6
    assert [f["column"] for f in findings if f["path"] == "a.py"] == [6, 36]


def test_fingerprint_is_stable_when_lines_are_inserted_above(tmp_path):
    write_tree(tmp_path, {**STATEFUL, **FILE_LOGGING})
    before = {f["rule"]: f for f in report(tmp_path)["findings"]}
    source = STATEFUL["shop/app.py"].replace("    CARTS.setdefault", "    # a comment\n    sku = None\n    CARTS.setdefault")
    write_tree(tmp_path, {"shop/app.py": '"""Shop."""\n\n' + source, "app.py": "# header\n" + FILE_LOGGING["app.py"]})
    after = {f["rule"]: f for f in report(tmp_path)["findings"]}
    assert after["TF601"]["line"] == before["TF601"]["line"] + 4
    assert after["TF1101"]["line"] == before["TF1101"]["line"] + 1
    assert after["TF601"]["fingerprint"] == before["TF601"]["fingerprint"]
    assert after["TF1101"]["fingerprint"] == before["TF1101"]["fingerprint"]
    assert before["TF601"]["fingerprint"] != before["TF1101"]["fingerprint"]


def test_fingerprint_differs_between_files_with_the_same_finding(tmp_path):
    write_tree(tmp_path, {"a/app.py": STATEFUL["shop/app.py"], "b/app.py": STATEFUL["shop/app.py"]})
    prints = [f["fingerprint"] for f in report(tmp_path)["findings"]]
    assert len(prints) == 2 and len(set(prints)) == 2


def test_output_file(tmp_path):
    project, out = tmp_path / "project", tmp_path / "out" / "report.json"
    write_tree(project, STATEFUL)
    out.parent.mkdir()
    result = cli("check", "--format", "json", "-o", str(out), str(project))
    assert result.exit_code == 1
    assert result.stdout == ""
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written == json.loads(cli("check", "--format", "json", str(project)).stdout)


def test_output_file_that_cannot_be_written_exits_2(tmp_path):
    write_tree(tmp_path, STATEFUL)
    assert_one_line_error(cli("check", "-o", str(tmp_path / "missing-dir" / "r.txt"), str(tmp_path)), "cannot write")


# --- config errors -----------------------------------------------------------------------------


def test_unknown_config_key_exits_2_with_one_line(tmp_path):
    write_tree(tmp_path, {**STATEFUL, ".12f-lint.toml": 'selct = ["TF601"]\n'})
    assert_one_line_error(cli("check", str(tmp_path)), "selct")


def test_bad_toml_exits_2_with_one_line(tmp_path):
    write_tree(tmp_path, {**STATEFUL, "pyproject.toml": '[tool.12f-lint]\nselect = ["TF601"\nignore = []\n'})
    assert_one_line_error(cli("check", str(tmp_path)), "pyproject.toml")


def test_wrong_type_in_config_exits_2_with_one_line(tmp_path):
    write_tree(tmp_path, {**STATEFUL, ".12f-lint.toml": 'fail-on = "fatal"\n'})
    assert_one_line_error(cli("check", str(tmp_path)), "fail-on")


def test_explicit_config_option(tmp_path):
    write_tree(tmp_path, {**STATEFUL, **FILE_LOGGING, "ci/lint.toml": 'select = ["TF1101"]\n'})
    data = report(tmp_path, "--config", str(tmp_path / "ci" / "lint.toml"))
    assert {f["rule"] for f in data["findings"]} == {"TF1101"}


def test_unknown_select_exits_2(tmp_path):
    write_tree(tmp_path, STATEFUL)
    assert_one_line_error(cli("check", "--select", "TF999", str(tmp_path)), "TF999")


def test_unknown_ignore_exits_2(tmp_path):
    write_tree(tmp_path, STATEFUL)
    assert_one_line_error(cli("check", "--ignore", "no-such-rule", str(tmp_path)), "no-such-rule")


def test_select_and_ignore_options(tmp_path):
    write_tree(tmp_path, {**STATEFUL, **FILE_LOGGING})
    assert {f["rule"] for f in report(tmp_path, "--select", "log-to-file")["findings"]} == {"TF1101"}
    assert {f["rule"] for f in report(tmp_path, "--ignore", "TF6")["findings"]} == {"TF1101"}


# --- rules and explain -------------------------------------------------------------------------


def test_rules_lists_every_rule_file():
    result = cli("rules")
    assert result.exit_code == 0
    listed = {line.split()[0] for line in result.stdout.splitlines() if line.strip()}
    assert listed == rule_files()
    assert "mutable-module-state" in result.stdout


def test_rules_json_lists_every_rule_file():
    result = cli("rules", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert {r["id"] for r in data} == rule_files()
    for entry in data:
        assert {"id", "name", "factor", "severity", "title"} <= set(entry)
        assert (REPO / "rules" / f"{entry['id']}-{entry['name']}.yaml").is_file()


@pytest.mark.parametrize("key", ["TF601", "mutable-module-state", "tf601"])
def test_explain_prints_the_rule_doc(key):
    result = cli("explain", key)
    assert result.exit_code == 0
    assert result.stdout.startswith("# TF601 mutable-module-state")
    assert "share-nothing" in result.stdout  # from the rationale
    assert "https://12factor.net/processes" in result.stdout
    assert "CARTS" in result.stdout  # the bad example


def test_explain_unknown_rule_exits_2():
    assert_one_line_error(cli("explain", "TF999"), "TF999")


def test_version():
    result = cli("--version")
    assert result.exit_code == 0
    assert __version__ in result.stdout


def test_the_console_script_answers_version_as_click_does_without_importing_it():
    code = ("import sys; sys.argv = ['12f-lint', '--version']; from twelvefactor_lint.entry import main; main(); "
            "print(sorted({'click', 'yaml', 'twelvefactor_lint.cli'} & set(sys.modules)))")
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, check=True)
    assert completed.stdout == cli("--version").stdout + "[]\n"


# --- the real process --------------------------------------------------------------------------


def test_python_dash_m_runs_the_cli(tmp_path):
    write_tree(tmp_path, {**STATEFUL, **FILE_LOGGING})
    completed = subprocess.run(
        [sys.executable, "-m", "twelvefactor_lint", "--format", "json", str(tmp_path)],
        capture_output=True, text=True, timeout=60, cwd=tmp_path,
    )
    assert completed.returncode == 1, completed.stderr
    data = json.loads(completed.stdout)
    assert [(f["rule"], f["path"]) for f in data["findings"]] == [("TF1101", "app.py"), ("TF601", "shop/app.py")]
    assert completed.stderr == ""


def test_python_dash_m_config_error_has_no_traceback(tmp_path):
    write_tree(tmp_path, {**CLEAN, ".12f-lint.toml": "select = [\n"})
    completed = subprocess.run([sys.executable, "-m", "twelvefactor_lint", str(tmp_path)],
                               capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert completed.returncode == 2
    assert "Traceback" not in completed.stderr
    assert len(completed.stderr.strip().splitlines()) == 1
