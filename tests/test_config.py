"""Settings from `[tool.12f-lint]` in pyproject.toml or a `.12f-lint.toml`: where, what, and errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint.cli import main
from twelvefactor_lint.config import ConfigError, Settings, load
from twelvefactor_lint.runner import run

FILE_LOGGING_APP = """\
import logging
logging.basicConfig(filename="app.log")
"""


@pytest.fixture
def project(tmp_path):
    """tmp_path, after making sure no config or git repository above it can take part."""
    for directory in tmp_path.parents:
        if any((directory / name).exists() for name in (".git", "pyproject.toml", ".12f-lint.toml")):
            pytest.skip(f"{directory} holds a config or .git; root detection tests need a clean ancestry")
    return tmp_path


def pyproject(table: str) -> str:
    return f'[project]\nname = "demo"\n\n[tool.12f-lint]\n{table}\n'


# --- where the config comes from ---------------------------------------------------------------


def test_pyproject_table_is_read(project):
    write_tree(project, {"pyproject.toml": pyproject('select = ["TF601"]\nfail-on = "error"')})
    settings = load([project])
    assert settings.select == ("TF601",)
    assert settings.fail_on == "error"
    assert settings.root == project
    assert settings.config_path == project / "pyproject.toml"


def test_dedicated_file_is_read_at_top_level(project):
    write_tree(project, {".12f-lint.toml": 'ignore = ["TF1101"]\n'})
    settings = load([project])
    assert settings.ignore == ("TF1101",)
    assert settings.config_path == project / ".12f-lint.toml"


def test_dedicated_file_wins_over_pyproject_in_the_same_directory(project):
    write_tree(project, {
        "pyproject.toml": pyproject('select = ["TF601"]'),
        ".12f-lint.toml": 'select = ["TF1101"]\n',
    })
    settings = load([project])
    assert settings.select == ("TF1101",)
    assert settings.config_path == project / ".12f-lint.toml"


def test_pyproject_without_the_table_is_not_a_config(project):
    write_tree(project, {
        "pyproject.toml": pyproject('select = ["TF601"]'),
        "sub/pyproject.toml": '[project]\nname = "sub"\n',
        "sub/app.py": "",
    })
    settings = load([project / "sub"])
    assert settings.root == project
    assert settings.select == ("TF601",)


def test_nearest_config_wins(project):
    write_tree(project, {
        "pyproject.toml": pyproject('select = ["TF601"]'),
        "svc/.12f-lint.toml": 'select = ["TF1101"]\n',
        "svc/pkg/app.py": "",
    })
    settings = load([project / "svc" / "pkg" / "app.py"])
    assert settings.root == project / "svc"
    assert settings.select == ("TF1101",)


def test_root_is_the_config_directory_when_linting_a_subdirectory(project):
    write_tree(project, {"pyproject.toml": pyproject('ignore = ["TF903"]'), "src/app/views.py": ""})
    assert load([project / "src" / "app"]).root == project


def test_root_is_the_git_work_tree_without_a_config(project):
    (project / ".git").mkdir()
    write_tree(project, {"src/app/views.py": ""})
    settings = load([project / "src" / "app" / "views.py"])
    assert settings.root == project
    assert settings.config_path is None
    assert settings == Settings(root=project)


def test_root_is_the_path_without_config_or_git(project):
    write_tree(project, {"src/app/views.py": ""})
    assert load([project / "src"]).root == project / "src"
    assert load([project / "src" / "app" / "views.py"]).root == project / "src" / "app"


def test_explicit_config_file(project):
    write_tree(project, {"conf/lint.toml": 'select = ["TF601"]\n', "app.py": ""})
    settings = load([project], project / "conf" / "lint.toml")
    assert settings.select == ("TF601",)


def test_explicit_pyproject_config_file(project):
    write_tree(project, {"conf/pyproject.toml": pyproject('ignore = ["TF903"]')})
    settings = load([project], project / "conf" / "pyproject.toml")
    assert settings.ignore == ("TF903",)


def test_explicit_pyproject_whose_table_is_not_a_table_is_a_config_error(project):
    # The same file found by search is a ConfigError (test_table_that_is_not_a_table below);
    # handing it over with --config must not turn it into a crash.
    write_tree(project, {"conf/pyproject.toml": '[tool]\n"12f-lint" = "ALL"\n'})
    with pytest.raises(ConfigError, match="12f-lint"):
        load([project], project / "conf" / "pyproject.toml")


def test_explicit_config_file_that_does_not_exist(project):
    with pytest.raises(ConfigError, match="not found"):
        load([project], project / "missing.toml")


# --- what is accepted --------------------------------------------------------------------------


def test_every_documented_key(project):
    write_tree(project, {".12f-lint.toml": """
select = ["TF6", "TF1101"]
extend-select = ["TF903"]
ignore = ["TF609"]
exclude = ["vendor/"]
extend-exclude = ["legacy/"]
respect-gitignore = false
force-exclude = true
fail-on = "info"
max-file-size = 1000
file-timeout = 2.5

[per-file-ignores]
"tests/*" = ["TF601"]

[severity]
TF601 = "warning"
log-to-file = "error"
"""})
    settings = load([project])
    assert settings.select == ("TF6", "TF1101")
    assert settings.extend_select == ("TF903",)
    assert settings.ignore == ("TF609",)
    assert settings.exclude == ("vendor/",)
    assert settings.extend_exclude == ("legacy/",)
    assert settings.respect_gitignore is False
    assert settings.force_exclude is True
    assert settings.fail_on == "info"
    assert settings.max_file_size == 1000
    assert settings.file_timeout == 2.5
    assert dict(settings.per_file_ignores) == {"tests/*": ("TF601",)}
    assert dict(settings.severity) == {"TF601": "warning", "log-to-file": "error"}


# --- what is rejected --------------------------------------------------------------------------


def test_unknown_key_names_the_key(project):
    write_tree(project, {"pyproject.toml": pyproject('selekt = ["TF601"]')})
    with pytest.raises(ConfigError, match="selekt"):
        load([project])


def test_unknown_key_in_dedicated_file(project):
    write_tree(project, {".12f-lint.toml": 'line-length = 88\n'})
    with pytest.raises(ConfigError, match="line-length"):
        load([project])


@pytest.mark.parametrize("line, key", [
    ('select = "TF601"', "select"),
    ('ignore = [601]', "ignore"),
    ('exclude = "build/"', "exclude"),
    ('respect-gitignore = "yes"', "respect-gitignore"),
    ('force-exclude = 1', "force-exclude"),
    ('fail-on = "fatal"', "fail-on"),
    ('fail-on = 2', "fail-on"),
    ('max-file-size = 0', "max-file-size"),
    ('max-file-size = true', "max-file-size"),
    ('max-file-size = "1MB"', "max-file-size"),
    ('file-timeout = 0', "file-timeout"),
    ('file-timeout = -1', "file-timeout"),
    ('file-timeout = "10s"', "file-timeout"),
    ('file-timeout = true', "file-timeout"),
    ('file-timeout = inf', "file-timeout"),
    ('file-timeout = nan', "file-timeout"),
    ('severity = "error"', "severity"),
    ('severity = { TF601 = "critical" }', "TF601"),
    ('per-file-ignores = ["tests/*"]', "per-file-ignores"),
    ('per-file-ignores = { "tests/*" = "TF601" }', "tests/*"),
])
def test_wrong_types_are_errors_naming_the_key(project, line, key):
    write_tree(project, {"pyproject.toml": pyproject(line)})
    with pytest.raises(ConfigError) as error:
        load([project])
    assert key in str(error.value)


def test_invalid_toml_names_the_file(project):
    write_tree(project, {".12f-lint.toml": 'select = ["TF601"\n'})
    with pytest.raises(ConfigError) as error:
        load([project])
    assert ".12f-lint.toml" in str(error.value)
    assert "TOML" in str(error.value)


def test_invalid_pyproject_is_an_error_not_a_skip(project):
    write_tree(project, {"pyproject.toml": "[tool.12f-lint\nselect = 1\n"})
    with pytest.raises(ConfigError, match="pyproject.toml"):
        load([project])


def test_table_that_is_not_a_table(project):
    write_tree(project, {"pyproject.toml": '[tool]\n"12f-lint" = "ALL"\n'})
    with pytest.raises(ConfigError, match="12f-lint"):
        load([project])


# --- the settings take effect ------------------------------------------------------------------


def _run(project, catalogue):
    settings = load([project])
    return run([project], settings, catalogue)


def test_severity_table_changes_a_rules_severity(project, catalogue):
    write_tree(project, {"app.py": STATEFUL_FLASK_APP, "log.py": FILE_LOGGING_APP})
    before = {f.rule: f.severity for f in _run(project, catalogue).findings}
    assert before == {"TF601": "warning", "TF1101": "warning"}
    write_tree(project, {"pyproject.toml": pyproject('severity = { TF601 = "info", log-to-file = "error" }')})
    after = {f.rule: f.severity for f in _run(project, catalogue).findings}
    assert after == {"TF601": "info", "TF1101": "error"}


def test_severity_for_an_unknown_rule_is_a_config_error(project, catalogue):
    write_tree(project, {"pyproject.toml": pyproject('severity = { TF999 = "info" }'), "app.py": ""})
    with pytest.raises(ConfigError, match="TF999"):
        _run(project, catalogue)


def test_per_file_ignores_drop_findings_for_matching_paths_only(project, catalogue):
    write_tree(project, {
        "pyproject.toml": pyproject('[tool.12f-lint.per-file-ignores]\n"legacy/*.py" = ["mutable-module-state"]'),
        "legacy/app.py": STATEFUL_FLASK_APP,
        "shop/app.py": STATEFUL_FLASK_APP,
        "legacy/log.py": FILE_LOGGING_APP,
    })
    findings = {(f.path, f.rule) for f in _run(project, catalogue).findings}
    assert findings == {("shop/app.py", "TF601"), ("legacy/log.py", "TF1101")}


def test_per_file_ignores_with_an_unknown_rule_is_a_config_error(project, catalogue):
    write_tree(project, {"pyproject.toml": pyproject('per-file-ignores = { "x.py" = ["TF999"] }'), "app.py": ""})
    with pytest.raises(ConfigError, match="TF999"):
        _run(project, catalogue)


def test_select_and_ignore_take_effect(project, catalogue):
    write_tree(project, {"app.py": STATEFUL_FLASK_APP, "log.py": FILE_LOGGING_APP, ".12f-lint.toml": 'ignore = ["TF6"]\n'})
    assert {f.rule for f in _run(project, catalogue).findings} == {"TF1101"}
    write_tree(project, {".12f-lint.toml": 'select = ["mutable-module-state"]\n'})
    assert {f.rule for f in _run(project, catalogue).findings} == {"TF601"}


@pytest.mark.parametrize("fail_on, code", [("warning", 1), ("error", 0)])
def test_fail_on_from_the_config_sets_the_exit_code(project, fail_on, code):
    write_tree(project, {"log.py": FILE_LOGGING_APP, ".12f-lint.toml": f'fail-on = "{fail_on}"\n'})
    result = CliRunner().invoke(main, ["check", str(project)])
    assert "TF1101" in result.stdout
    assert result.exit_code == code, result.output


def test_cli_fail_on_overrides_the_config(project):
    write_tree(project, {"log.py": FILE_LOGGING_APP, ".12f-lint.toml": 'fail-on = "error"\n'})
    result = CliRunner().invoke(main, ["check", "--fail-on", "warning", str(project)])
    assert result.exit_code == 1, result.output


def test_config_is_found_for_a_relative_path(project, monkeypatch):
    write_tree(project, {"pyproject.toml": pyproject('ignore = ["TF1101"]'), "pkg/log.py": FILE_LOGGING_APP})
    monkeypatch.chdir(project / "pkg")
    settings = load([Path(".")])
    assert settings.root == project
    assert settings.ignore == ("TF1101",)
