"""`--diff`, `--fix` and `--unsafe-fixes`: what gets written, where, and what never does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REPO, write_tree
from fixing import CATALOGUE, lint
from report_projects import cli

from twelvefactor_lint import fix
from twelvefactor_lint.discover.sources import digest
from twelvefactor_lint.judge.catalogue import CatalogueError, load_rule

SETTINGS = 'INSTALLED_APPS = []\nROOT_URLCONF = "x"\nSECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"  # TF301, unsafe fix\n'
DOCKERFILE = "FROM python:3.12-slim\nCMD gunicorn app:app\n"
"""TF901 on line 2, with a safe fix."""
PROJECT = {"mysite/settings.py": SETTINGS, "Dockerfile": DOCKERFILE}


def test_the_result_carries_each_analyzed_files_content_hash(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = lint(tmp_path, "TF901")
    assert result.digests == {path: digest(text.encode()) for path, text in PROJECT.items()}


def test_diff_prints_the_safe_fixes_and_writes_nothing(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = cli("check", "--diff", str(tmp_path))
    assert result.exit_code == 1
    assert result.stdout == ("--- a/Dockerfile\n+++ b/Dockerfile\n@@ -1,2 +1,2 @@\n FROM python:3.12-slim\n"
                             '-CMD gunicorn app:app\n+CMD ["gunicorn", "app:app"]\n')
    assert "Would fix 1 finding in 1 file (1 more with --unsafe-fixes)." in result.stderr
    assert (tmp_path / "Dockerfile").read_text() == DOCKERFILE


def test_diff_with_unsafe_fixes_and_exit_zero(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = cli("check", "--diff", "--unsafe-fixes", "--exit-zero", str(tmp_path))
    assert result.exit_code == 0
    assert '+SECRET_KEY = os.environ["SECRET_KEY"]  # TF301, unsafe fix\n' in result.stdout
    assert "Would fix 2 findings in 2 files." in result.stderr


def test_the_diff_applies_with_git_apply(tmp_path):
    write_tree(tmp_path, {**PROJECT, "Dockerfile": DOCKERFILE.rstrip("\n")})
    patch = cli("check", "--diff", "--unsafe-fixes", str(tmp_path)).stdout
    (tmp_path / "fixes.patch").write_text(patch)
    subprocess.run(["git", "apply", "-p1", "fixes.patch"], cwd=tmp_path, check=True, capture_output=True)
    assert (tmp_path / "Dockerfile").read_text() == 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]'
    assert cli("check", "--diff", "--unsafe-fixes", str(tmp_path)).stdout == ""


def test_diff_with_nothing_to_fix_exits_0(tmp_path):
    write_tree(tmp_path, {"app.py": "VALUE = 1\n"})
    result = cli("check", "--diff", str(tmp_path))
    assert (result.exit_code, result.stdout) == (0, "")


def test_fix_applies_safe_fixes_then_reports_what_is_left(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = cli("check", "--fix", "--format", "json", str(tmp_path))
    assert result.exit_code == 1
    assert [f["rule"] for f in json.loads(result.stdout)["findings"]] == ["TF301"]
    assert "Fixed 1 finding in 1 file (1 more with --unsafe-fixes)." in result.stderr
    assert (tmp_path / "Dockerfile").read_text() == 'FROM python:3.12-slim\nCMD ["gunicorn", "app:app"]\n'
    assert (tmp_path / "mysite/settings.py").read_text() == SETTINGS


def test_fix_with_unsafe_fixes_fixes_everything(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = cli("check", "--fix", "--unsafe-fixes", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "import os\n" in (tmp_path / "mysite/settings.py").read_text()
    assert cli("check", "--diff", "--unsafe-fixes", str(tmp_path)).stdout == ""


@pytest.mark.parametrize("args", [["--unsafe-fixes"], ["--fix", "--write-baseline", "b.json"]])
def test_flag_misuse_is_a_usage_error(tmp_path, args):
    write_tree(tmp_path, PROJECT)
    result = cli("check", *args, str(tmp_path))
    assert result.exit_code == 2 and "12f-lint: error:" in result.stderr


def test_suppressed_and_baselined_findings_are_not_fixed(tmp_path):
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.12-slim\n# 12f: ignore[TF901]\nCMD gunicorn app:app\n",
                          "worker/Dockerfile": DOCKERFILE})
    assert cli("check", "--write-baseline", str(tmp_path / "b.json"), str(tmp_path)).exit_code == 0
    result = cli("check", "--fix", "--baseline", str(tmp_path / "b.json"), str(tmp_path))
    assert "Fixed 0 findings in 0 files." in result.stderr
    assert (tmp_path / "worker/Dockerfile").read_text() == DOCKERFILE


def test_only_files_under_the_paths_given_are_fixed(tmp_path):
    write_tree(tmp_path, {"api/Dockerfile": DOCKERFILE, "worker/Dockerfile": DOCKERFILE, ".12f-lint.toml": ""})
    assert cli("check", "--fix", str(tmp_path / "api")).exit_code == 0
    assert cli("check", "--fix", str(tmp_path / "api" / "Dockerfile")).exit_code == 0
    assert (tmp_path / "worker/Dockerfile").read_text() == DOCKERFILE
    assert (tmp_path / "api/Dockerfile").read_text() != DOCKERFILE


def test_findings_outside_the_paths_given_are_never_fixed(tmp_path):
    """The runner reads some files beyond the paths (scripts an image starts): their findings are context only."""
    write_tree(tmp_path, {"api/Dockerfile": DOCKERFILE, "worker/Dockerfile": DOCKERFILE})
    proposal = fix.propose(lint(tmp_path), [tmp_path / "api"], unsafe=False)
    assert [c.path for c in proposal.changes] == ["api/Dockerfile"]
    assert proposal.notices == ("worker/Dockerfile: not fixed: it is not under the paths given",)


def test_a_file_that_changed_since_analysis_is_skipped_with_a_notice(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = lint(tmp_path)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE + "USER app\n")
    proposal = fix.propose(result, [tmp_path], unsafe=False)
    assert proposal.changes == ()
    assert proposal.notices == ("Dockerfile: not fixed: it changed since it was analyzed",)


def test_a_file_that_changes_while_fixing_is_not_overwritten(tmp_path):
    write_tree(tmp_path, PROJECT)
    proposal = fix.propose(lint(tmp_path), [tmp_path], unsafe=False)
    (tmp_path / "Dockerfile").write_text(DOCKERFILE + "USER app\n")
    assert fix.apply(proposal) == ([], ["Dockerfile: not fixed: it changed while fixing"])
    assert (tmp_path / "Dockerfile").read_text() == DOCKERFILE + "USER app\n"


def test_a_symlink_out_of_the_root_is_never_written_through(tmp_path):
    outside, root = tmp_path / "outside", tmp_path / "root"
    write_tree(outside, {"Dockerfile": DOCKERFILE})
    write_tree(root, {"Dockerfile": DOCKERFILE})
    result = lint(root)
    (root / "Dockerfile").unlink()
    (root / "Dockerfile").symlink_to(outside / "Dockerfile")
    proposal = fix.propose(result, [root], unsafe=False)
    assert proposal.notices == ("Dockerfile: not fixed: it is a symlink leading out of the project root",)
    assert (outside / "Dockerfile").read_text() == DOCKERFILE


def test_a_finding_outside_the_root_is_never_fixed(tmp_path):
    write_tree(tmp_path, PROJECT)
    result = lint(tmp_path)
    moved = tuple(replace(f, path=str(tmp_path / f.path)) for f in result.findings)
    proposal = fix.propose(replace(result, findings=moved), [tmp_path], unsafe=True)
    assert proposal.changes == () and all("outside the project root" in n for n in proposal.notices)


def test_a_symlink_inside_the_root_stays_a_symlink(tmp_path):
    write_tree(tmp_path, {"docker/Dockerfile.real": DOCKERFILE})
    (tmp_path / "Dockerfile").symlink_to("docker/Dockerfile.real")
    (tmp_path / "docker/Dockerfile.real").chmod(0o640)
    fix.apply(fix.propose(lint(tmp_path), [tmp_path], unsafe=False))
    assert (tmp_path / "Dockerfile").is_symlink()
    assert (tmp_path / "docker/Dockerfile.real").read_text().endswith('CMD ["gunicorn", "app:app"]\n')
    assert (tmp_path / "docker/Dockerfile.real").stat().st_mode & 0o777 == 0o640


def _run_python(code: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("args, files, imported", [
    ([], PROJECT, False), (["--diff"], {"Dockerfile": DOCKERFILE}, False), (["--diff"], PROJECT, True)])
def test_libcst_is_imported_only_to_fix_python(tmp_path, args, files, imported):
    write_tree(tmp_path, files)
    code = (f"import sys\nfrom twelvefactor_lint.cli import main\ntry:\n    main({['check', *args, '.']!r})\n"
            "except SystemExit:\n    pass\nprint('libcst' in sys.modules)\n")
    assert _run_python(code, tmp_path).stdout.splitlines()[-1] == str(imported)


def test_rules_json_and_explain_tell_which_rules_have_a_fix():
    rules = {r["id"]: r["autofix"] for r in json.loads(cli("rules", "--format", "json").stdout)}
    assert (rules["TF901"], rules["TF301"], rules["TF601"]) == ("safe", "unsafe", None)
    assert "**Automatic fix** (unsafe, `12f-lint --fix --unsafe-fixes`)" in cli("explain", "TF301").stdout
    assert "Automatic fix" not in cli("explain", "TF601").stdout


def test_the_rules_of_issue_8_have_fixes():
    fixable = [r for r in CATALOGUE.rules if r.autofix]
    assert {r.id for r in fixable} == {"TF301", "TF303", "TF401", "TF701", "TF901", "TF1101"}


RULE = Path(REPO / "rules" / "TF901-shell-as-pid1.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize("autofix, message", [
    ("autofix: {safety: maybe, summary: x, examples: [{path: Dockerfile, before: a, after: b}]}", "safety"),
    ("autofix: {safety: safe, summary: x, examples: []}", "non-empty"),
    ("autofix: {safety: safe, summary: x, examples: [{path: Dockerfile, before: a, after: a}]}", "does not change"),
    ("autofix: {safety: safe, summary: x, examples: [{path: Dockerfile, before: a}]}", "`before` and `after`"),
    ("autofix: {safety: safe, examples: [{path: Dockerfile, before: a, after: b}]}", "exactly"),
])
def test_malformed_autofix_is_rejected(tmp_path, autofix, message):
    source = tmp_path / "TF901-shell-as-pid1.yaml"
    source.write_text(RULE.split("\nautofix:")[0] + "\n" + autofix + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_rule(source)


@pytest.mark.parametrize("change", [
    lambda text: text.replace("    autofix: true\n", ""),
    lambda text: text.split("\nautofix:")[0] + "\n",
    lambda text: text.replace("    autofix: true\n", "    autofix: yes please\n"),
])
def test_fixable_matches_and_an_autofix_go_together(tmp_path, change):
    source = tmp_path / "TF901-shell-as-pid1.yaml"
    source.write_text(change(RULE), encoding="utf-8")
    with pytest.raises(CatalogueError, match="autofix"):
        load_rule(source)


def test_only_findings_of_fixable_matches_are_offered_to_fixes(tmp_path):
    write_tree(tmp_path, {"Dockerfile": "FROM python:3.12-slim\nCMD cd /app && gunicorn app:app\n"})
    [finding] = lint(tmp_path, "TF901").findings
    assert not finding.fixable
    assert fix.propose(replace(lint(tmp_path, "TF901"), findings=(replace(finding, fixable=True),)), [tmp_path],
                       unsafe=False).changes == ()
