"""The text report at a terminal: short messages (the advice on demand), colour, source lines, the
fixable marker and hint, statistics, quiet, paths relative to the current directory, and the top-level help."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import REPO, STATEFUL_FLASK_APP, write_tree
from test_cli import cli

SETTINGS = 'INSTALLED_APPS = []\nROOT_URLCONF = "x"\nSECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\n'
PROJECT = {
    ".git/HEAD": "",
    "shop/app.py": STATEFUL_FLASK_APP,
    "Dockerfile": "FROM python:3.12-slim\nCMD gunicorn app:app\n",
    "mysite/settings.py": SETTINGS,
}


@pytest.fixture
def project(tmp_path):
    return write_tree(tmp_path, PROJECT)


def test_each_finding_is_one_short_line_and_the_advice_comes_on_demand(project):
    short = cli("--select", "TF601", str(project)).stdout
    line = next(text for text in short.splitlines() if "TF601" in text)
    assert line.endswith("is process-local state, mutated by item assignment in request handler `add()`")
    assert "Why and how to fix: --show-advice, `12f-lint explain ID`, or the rule docs at" in short
    full = cli("--show-advice", "--select", "TF601", str(project)).stdout
    assert f"{line}; no deploy file shows more than one process running it (`gunicorn app:app` in Dockerfile CMD at " \
        "Dockerfile:2 leaves its worker count to the server's default of one" in full
    report = json.loads(cli("--format", "json", "--select", "TF601", str(project)).stdout)
    assert report["findings"][0]["message"].endswith("store it in a backing service (Redis, a database)")


def test_a_parse_error_keeps_its_reason(tmp_path):
    write_tree(tmp_path, {"app.py": "def broken(:\n"})
    assert "app.py:1:12: TF001 [info] could not be parsed, so no rule checked it: " in cli(str(tmp_path)).stdout


def test_show_source_prints_the_line_and_a_caret(project):
    out = cli("--show-source", "--select", "TF601", str(project)).stdout
    assert "7 |     CARTS[user] = []\n  |     ^^^^^^^^^^^" in out


def test_fixable_marker_and_hint(project):
    out = cli(str(project)).stdout
    assert "Dockerfile:2:1: TF901 [*] [info]" in out
    assert "TF301 [error]" in out  # an unsafe fix gets no marker
    assert "1 fixable with --fix (1 more with --unsafe-fixes)." in out


def test_statistics_count_per_rule(project):
    out = cli("--statistics", str(project)).stdout
    assert "    1  TF901   [*] shell-as-pid1" in out
    assert "    1  TF601       mutable-module-state" in out
    assert "shop/app.py:7" not in out


def test_quiet_prints_the_findings_only(project):
    result = cli("-q", str(project))
    assert result.exit_code == 1
    assert "Found" not in result.stdout and "fixable with" not in result.stdout
    assert "TF601" in result.stdout
    assert cli("--quiet", "--select", "TF609", str(project)).stdout == ""


def test_paths_are_relative_to_the_current_directory_inside_the_project(project, monkeypatch):
    monkeypatch.chdir(project / "shop")
    assert "\napp.py:7:5: TF601" in "\n" + cli("--select", "TF601", str(project)).stdout
    report = json.loads(cli("--format", "json", "--select", "TF601", str(project)).stdout)
    assert report["findings"][0]["path"] == "shop/app.py"  # the machine formats stay root-relative


def test_paths_stay_root_relative_from_outside_the_project(project, monkeypatch):
    monkeypatch.chdir(project.parent)
    assert cli("--select", "TF601", str(project)).stdout.startswith("shop/app.py:7:5: TF601")


def _colored(env: dict[str, str], *args: str) -> bool:
    """Run the real CLI with stdout a pipe: whether it printed colour."""
    full = {"PATH": "/usr/bin:/bin", "HOME": "/tmp", **env}
    out = subprocess.run([sys.executable, "-m", "twelvefactor_lint", *args, "--select", "TF601",
                          str(REPO / "fixtures" / "flask_shop")], capture_output=True, text=True, env=full).stdout
    return "\033[" in out


def test_color_flags_and_environment():
    assert not _colored({})
    assert _colored({}, "--color")
    assert _colored({"FORCE_COLOR": "1"})
    assert not _colored({"FORCE_COLOR": "1", "NO_COLOR": "1"})
    assert _colored({"FORCE_COLOR": "1", "NO_COLOR": ""})  # NO_COLOR counts only when non-empty
    assert not _colored({"FORCE_COLOR": "1"}, "--no-color")
    assert not _colored({"FORCE_COLOR": ""})


def test_top_level_help_shows_the_check_options():
    out = cli("--help").stdout
    assert "Check options" in out
    for option in ("--select", "--baseline", "--show-source", "--fail-on", "--output-format"):
        assert option in out
