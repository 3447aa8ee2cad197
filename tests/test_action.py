"""The composite GitHub Action (action.yml) and the README's CI snippets.

The action and the workflow are validated against SchemaStore's schemas as check-jsonschema
vendors them, and the action's steps are run here as the runner would run them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import yaml
from conftest import REPO

ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
README = (REPO / "README.md").read_text(encoding="utf-8")
_EXPRESSION = re.compile(r"\$\{\{\s*([^}]*?)\s*\}\}")


def readme_block(first_line: str) -> str:
    """The fenced block of the README whose first line is `first_line` (a comment naming the file)."""
    for block in re.findall(r"```ya?ml\n(.*?)```", README, re.DOTALL):
        if block.startswith(first_line + "\n"):
            return block
    raise AssertionError(f"no README block starts with {first_line!r}")


def check_jsonschema(schema: str, path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
                          capture_output=True, text=True)


def test_action_is_valid_against_the_github_actions_schema():
    result = check_jsonschema("vendor.github-actions", REPO / "action.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_catches_a_broken_action(tmp_path):
    broken = {**ACTION, "runs": {"using": "composite", "steps": [{"run": "echo hi"}]}}  # a composite run step needs `shell`
    (tmp_path / "action.yml").write_text(yaml.safe_dump(broken))
    assert check_jsonschema("vendor.github-actions", tmp_path / "action.yml").returncode == 1


def test_action_inputs_outputs_and_steps():
    assert set(ACTION["inputs"]) == {"paths", "args", "version", "sarif-file"}
    assert all("description" in spec and spec.get("required") is False for spec in ACTION["inputs"].values())
    assert ACTION["inputs"]["paths"]["default"] == "."
    assert set(ACTION["outputs"]) == {"sarif-file", "exit-code"}
    assert ACTION["outputs"]["sarif-file"]["value"] == "${{ steps.lint.outputs.sarif-file }}"
    assert ACTION["runs"]["using"] == "composite"
    steps = ACTION["runs"]["steps"]
    assert [step.get("id") for step in steps] == [None, None, None, "lint"]
    assert all(step["shell"] == "bash" for step in steps if "run" in step)
    assert "--format github" in steps[-1]["run"] and 'sarif:$SARIF_FILE' in steps[-1]["run"]


def test_pip_cache_is_keyed_on_the_version_and_windows_is_refused():
    windows, cache, install, _ = ACTION["runs"]["steps"]
    assert windows["if"] == "runner.os == 'Windows'" and "exit 2" in windows["run"] and "::error" in windows["run"]
    assert cache["uses"].startswith("actions/cache@")
    assert "inputs.version" in cache["with"]["key"] and "runner.os" in cache["with"]["key"]
    assert install["env"]["PIP_CACHE_DIR"] == cache["with"]["path"]
    assert "10 annotations of each type" in (REPO / "action.yml").read_text()


def test_inputs_never_reach_a_script_unquoted():
    """Expressions are expanded before the shell runs: inside `run:` they would be script injection."""
    for step in ACTION["runs"]["steps"]:
        assert not _EXPRESSION.search(step.get("run", "")), step["name"]


def _expand(value: str, context: dict[str, str]) -> str:
    def lookup(match: re.Match) -> str:
        assert match[1] in context, f"unexpected expression {match[0]}"
        return context[match[1]]
    return _EXPRESSION.sub(lookup, value)


def run_action(workdir: Path, runner_temp: Path, **inputs: str) -> tuple[int, dict[str, str], str, Path]:
    """Run the composite steps as the runner does (bash -e, inputs through env), in `workdir`."""
    context = {f"inputs.{name}": inputs.get(name, spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    context["github.action_path"] = str(REPO)
    output, summary = runner_temp / "output", runner_temp / "summary.md"
    env = {**os.environ, "RUNNER_TEMP": str(runner_temp), "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    env.pop("PYTHONPATH", None)
    log = ""
    context["runner.temp"] = str(runner_temp)
    for step in ACTION["runs"]["steps"]:
        if "run" not in step or step.get("if") == "runner.os == 'Windows'":
            continue  # an action the runner provides (the cache), or a step for another OS
        step_env = {**env, **{key: _expand(str(value), context) for key, value in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]], cwd=workdir,
                              env=step_env, capture_output=True, text=True, timeout=900)
        log += done.stdout + done.stderr
        if done.returncode != 0:
            break
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines()) if output.exists() else {}
    return done.returncode, outputs, log, summary


def test_action_steps_install_lint_and_write_annotations_and_sarif(tmp_path):
    workdir, runner_temp = tmp_path / "repo", tmp_path / "runner"
    runner_temp.mkdir()
    subprocess.run(["cp", "-r", str(REPO / "fixtures" / "flask_shop"), str(workdir)], check=True)
    subprocess.run(["git", "init", "-q", str(workdir)], check=True)
    code, outputs, log, summary = run_action(workdir, runner_temp, args="--fail-on error", **{"sarif-file": "out/12f.sarif"})
    assert (code, outputs.get("exit-code")) == (1, "1"), log
    assert outputs["sarif-file"] == "out/12f.sarif"
    annotations = [line for line in log.splitlines() if line.startswith("::error file=")]
    assert any(line.startswith("::error file=Dockerfile,line=14") for line in annotations), log
    sarif = json.loads((workdir / "out" / "12f.sarif").read_text())
    assert len([r for r in sarif["runs"][0]["results"] if "suppressions" not in r]) == len(
        [line for line in log.splitlines() if line.startswith(("::error", "::warning", "::notice"))])
    assert summary.read_text().startswith("## 12f-lint:")


def test_no_sarif_output_when_no_report_was_written(tmp_path):
    workdir, runner_temp = tmp_path / "repo", tmp_path / "runner"
    runner_temp.mkdir()
    workdir.mkdir()
    (workdir / "12f-lint.sarif").write_text("{}")  # a stale report from before
    code, outputs, log, _ = run_action(workdir, runner_temp, args="--select NOPE")
    assert (code, outputs.get("exit-code")) == (2, "2"), log
    assert "sarif-file" not in outputs


def test_readme_workflow_is_a_valid_workflow_that_uploads_the_sarif(tmp_path):
    block = readme_block("# .github/workflows/12f-lint.yml")
    (tmp_path / "12f-lint.yml").write_text(block)
    result = check_jsonschema("vendor.github-workflows", tmp_path / "12f-lint.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    workflow = yaml.safe_load(block)
    assert workflow["permissions"]["security-events"] == "write"
    (job,) = workflow["jobs"].values()
    lint = next(step for step in job["steps"] if re.fullmatch(r"[\w.-]+/12f-lint@[\w.-]+", step.get("uses", "")))
    upload = next(step for step in job["steps"] if step.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert upload["with"]["sarif_file"] == f"${{{{ steps.{lint['id']}.outputs.sarif-file }}}}"
    assert "cancelled()" in upload["if"], "the SARIF must be uploaded when the lint step fails on findings"


def test_readme_pre_commit_config_is_valid(tmp_path):
    block = readme_block("# .pre-commit-config.yaml")
    (tmp_path / ".pre-commit-config.yaml").write_text(block)
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-config", str(tmp_path / ".pre-commit-config.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    (repo,) = yaml.safe_load(block)["repos"]
    assert [hook["id"] for hook in repo["hooks"]] == ["12f-lint"]

