"""`12f-lint audit` and `12f-lint merge`: the same audit.json however it is made (local pool, per-repository
reports merged, a Dask cluster), bad sources recorded with their reasons, and the exit codes."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from audit_fleet import commit_all, comparable, make_fleet, validate
from click.testing import CliRunner
from conftest import STATEFUL_FLASK_APP, write_tree

from twelvefactor_lint.audit import sources
from twelvefactor_lint.audit.task import Options, audit_repo
from twelvefactor_lint.cli import main


def run(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fleet(tmp_path_factory) -> Path:
    return make_fleet(tmp_path_factory.mktemp("fleet"))


@pytest.fixture(scope="module")
def local_audit(fleet, tmp_path_factory) -> dict:
    out = tmp_path_factory.mktemp("local") / "audit.json"
    result = run("audit", str(fleet), "-o", str(out), "--work-dir", str(out.parent / "work"), "--jobs", "2")
    assert result.exit_code == 1, result.output
    return load(out)


def test_an_audit_records_every_repository_as_its_own_lint_reports_it(fleet, local_audit, tmp_path):
    validate(local_audit)
    assert [r["name"] for r in local_audit["repositories"]] == ["compose_stack", "fastapi_clean", "flask_shop", "tiny"]
    for record in local_audit["repositories"]:
        report_file = tmp_path / f"{record['name']}.json"
        run("check", "--format", "json", "-o", str(report_file), "--exit-zero", str(fleet / record["name"]))
        report = load(report_file)
        assert record["status"] == "ok" and record["reason"] is None
        assert record["source"] == str(fleet / record["name"])
        assert record["commit"] == subprocess.run(["git", "-C", str(fleet / record["name"]), "rev-parse", "HEAD"],
                                                  capture_output=True, text=True).stdout.strip()
        assert record["findings"] == report["findings"]
        assert record["files"] == {"analyzed": report["files"]["analyzed"], "skipped": len(report["files"]["skipped"])}
        assert record["by_rule"] == report["summary"]["by_rule"]
        assert record["processes"]["total"] == len(report["processes"])
    by_name = {r["name"]: r for r in local_audit["repositories"]}
    assert by_name["fastapi_clean"]["findings_total"] == 0
    assert by_name["tiny"]["by_factor"] == {"VI": {"error": 1, "warning": 0, "info": 0}}
    totals = local_audit["totals"]
    assert totals["by_status"] == {"ok": 4, "failed": 0, "skipped": 0}
    assert totals["findings"] == sum(r["findings_total"] for r in local_audit["repositories"])
    assert totals["by_rule"]["TF601"]["repositories"] == 2  # flask_shop and tiny
    assert "TF601" in local_audit["rule_selection"]["rules"]


def test_merge_of_per_repository_reports_is_the_same_audit(fleet, local_audit, tmp_path):
    reports = []
    for name in ("tiny", "flask_shop", "fastapi_clean", "compose_stack"):  # any order
        reports.append(tmp_path / f"{name}-report.json")
        run("check", "--format", "json", "-o", str(reports[-1]), "--exit-zero", str(fleet / name))
    out = tmp_path / "merged.json"
    result = run("merge", *map(str, reports), "-o", str(out))
    assert result.exit_code == 1, result.output
    merged = load(out)
    validate(merged)
    assert merged["run"]["mode"] == "merge" and local_audit["run"]["mode"] == "local"
    assert comparable(merged) == comparable(local_audit)


def test_a_dask_cluster_produces_the_same_audit(fleet, local_audit, tmp_path):
    distributed = pytest.importorskip("distributed")
    out = tmp_path / "dask.json"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run("audit", str(fleet), "-o", str(out), "--work-dir", str(tmp_path / "work"),
                     "--scheduler", cluster.scheduler_address)
    assert result.exit_code == 1, result.output
    document = load(out)
    validate(document)
    assert document["run"]["mode"] == "dask"
    assert comparable(document) == comparable(local_audit)


def test_the_json_report_carries_the_process_inventory_and_the_rules(fleet, tmp_path):
    run("check", "--format", "json", "-o", str(tmp_path / "r.json"), "--exit-zero", str(fleet / "compose_stack"))
    inventory = run("processes", "--format", "json", str(fleet / "compose_stack")).output
    report = load(tmp_path / "r.json")
    assert report["processes"] == json.loads(inventory) and report["processes"]
    assert "TF609" in report["rules"]


# --- bad sources, exit codes -------------------------------------------------------------------------


def test_bad_sources_are_recorded_with_a_reason_and_the_audit_goes_on(fleet, tmp_path):
    broken = write_tree(tmp_path / "broken", {"pyproject.toml": "[tool.12f-lint]\nselec = ['ALL']\n", "app.py": "x = 1\n"})
    commit_all(broken)
    (tmp_path / "plain.txt").write_text("not a repository\n")
    listing = tmp_path / "repos.txt"
    listing.write_text(f"# the fleet\n{fleet / 'tiny'}\nmissing-dir\nplain.txt\n{broken}\n"
                       f"file://{tmp_path}/nowhere.git main\n{fleet / 'tiny'} some-ref\n", encoding="utf-8")
    out = tmp_path / "audit.json"
    result = run("audit", str(listing), "-o", str(out), "--work-dir", str(tmp_path / "work"))
    assert result.exit_code == 2, result.output
    assert "(1 ok, 1 failed, 4 skipped)" in result.output
    document = load(out)
    validate(document)
    reasons = {r["name"]: (r["status"], r["reason"]) for r in document["repositories"]}
    assert reasons["tiny"] == ("ok", None)
    assert reasons["missing-dir"] == ("skipped", "no such directory")
    assert reasons["plain.txt"] == ("skipped", "not a directory")
    assert reasons["tiny-2"] == ("skipped", "a ref is only for git URLs, not for a local path")
    status, reason = reasons[f"{tmp_path.name}/nowhere"]
    assert status == "skipped" and reason.startswith("git fetch failed: fatal:")
    status, reason = reasons["broken"]
    assert status == "failed" and "selec" in reason


def test_a_git_url_is_cloned_at_its_ref(fleet, tmp_path):
    origin = fleet / "tiny"
    first = commit_all(origin, "first")
    (tmp_path / "repos.txt").write_text(f"file://{origin} {first} name=pinned\n")
    out = tmp_path / "audit.json"
    assert run("audit", str(tmp_path / "repos.txt"), "-o", str(out), "--work-dir", str(tmp_path / "work")).exit_code == 1
    (record,) = load(out)["repositories"]
    assert (record["name"], record["status"], record["ref"], record["commit"]) == ("pinned", "ok", first, first)
    assert record["by_rule"] == {"TF601": 1}
    assert not (tmp_path / "work" / "clones" / "pinned").exists(), "the clone is removed once linted"


def test_exit_codes(fleet, tmp_path):
    clean = run("audit", str(fleet / "fastapi_clean"), "-o", str(tmp_path / "a.json"), "--work-dir", str(tmp_path / "w"))
    assert clean.exit_code == 0
    assert run("audit", str(fleet / "tiny"), "-o", str(tmp_path / "b.json"), "--work-dir", str(tmp_path / "w")).exit_code == 1
    tiny_only_warnings = run("audit", str(fleet / "tiny"), "--fail-on", "error", "-o", str(tmp_path / "c.json"),
                             "--work-dir", str(tmp_path / "w"))
    assert tiny_only_warnings.exit_code == 1  # TF601 is an error
    missing = run("audit", str(fleet / "fastapi_clean"), str(tmp_path / "missing"), "-o", str(tmp_path / "d.json"),
                  "--work-dir", str(tmp_path / "w"))
    assert missing.exit_code == 2


def _fake_python(tmp_path: Path, body: str, monkeypatch) -> None:
    script = tmp_path / "python"
    script.write_text(f"#!/bin/sh\n{body}\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setattr(sys, "executable", str(script))


@pytest.mark.parametrize(("body", "reason"), [
    ("sleep 30", "linting took longer than 1 s (killed)"),
    ("kill -SEGV $$", "the linter died of SIGSEGV"),
    ("echo 'internal error: boom' >&2; exit 2", "internal error: boom"),
    ("exit 0", "the linter's report could not be read"),
])
def test_a_hung_or_crashing_lint_is_a_failed_repository(fleet, tmp_path, monkeypatch, body, reason):
    _fake_python(tmp_path, body, monkeypatch)
    source = sources.expand([str(fleet / "tiny")])[0]
    line = audit_repo(source, Options(str(tmp_path / "work"), timeout=1))
    assert line["key"] == str(fleet / "tiny")
    assert line["record"]["status"] == "failed" and line["record"]["reason"].startswith(reason)
    assert line["record"]["findings"] == [] and line["record"]["files"] is None


def test_resume_keeps_what_the_spool_has(fleet, tmp_path):
    work = tmp_path / "work"
    assert run("audit", str(fleet / "tiny"), "-o", str(tmp_path / "first.json"), "--work-dir", str(work)).exit_code == 1
    resumed = run("audit", str(fleet / "tiny"), str(fleet / "fastapi_clean"), "--resume", "-o", str(tmp_path / "second.json"),
                  "--work-dir", str(work))
    assert resumed.exit_code == 1, resumed.output
    document = load(tmp_path / "second.json")
    assert document["run"]["resumed"] == 1
    assert [r["name"] for r in document["repositories"]] == ["fastapi_clean", "tiny"]
    assert len((work / "audit.jsonl").read_text().splitlines()) == 2, "tiny was not audited again"
    fresh = run("audit", str(fleet / "fastapi_clean"), "-o", str(tmp_path / "third.json"), "--work-dir", str(work))
    assert fresh.exit_code == 0 and len((work / "audit.jsonl").read_text().splitlines()) == 1


def test_compare_says_what_got_better_or_worse(tmp_path):
    better = write_tree(tmp_path / "fleet" / "better", {"app.py": STATEFUL_FLASK_APP})
    worse = write_tree(tmp_path / "fleet" / "worse", {"app.py": "X = 1\n"})
    gone = write_tree(tmp_path / "fleet" / "gone", {"app.py": "X = 1\n"})
    args = ("--work-dir", str(tmp_path / "work"))
    run("audit", str(tmp_path / "fleet"), "-o", str(tmp_path / "before.json"), *args)
    (better / "app.py").write_text("X = 1\n")
    (worse / "app.py").write_text(STATEFUL_FLASK_APP)
    os.rename(gone, tmp_path / "fleet" / "new")
    run("audit", str(tmp_path / "fleet"), "--compare", str(tmp_path / "before.json"), "-o", str(tmp_path / "after.json"), *args)
    document = load(tmp_path / "after.json")
    validate(document)
    comparison = document["comparison"]
    assert {name: c["change"] for name, c in comparison["repositories"].items()} == {
        "better": "better", "worse": "worse", "gone": "gone", "new": "new"}
    assert comparison["repositories"]["better"] == {"change": "better", "before": 1, "after": 0, "delta": -1}
    assert comparison["factors"] == {"VI": {"before": 1, "after": 1, "delta": 0}}
    assert comparison["counts"] == {"better": 1, "worse": 1, "same": 0, "new": 1, "gone": 1, "unaudited": 0}


def test_compare_with_something_else_is_a_usage_error(fleet, tmp_path):
    (tmp_path / "x.json").write_text('{"not": "an audit"}')
    result = run("audit", str(fleet / "tiny"), "--compare", str(tmp_path / "x.json"), "-o", str(tmp_path / "a.json"),
                 "--work-dir", str(tmp_path / "w"))
    assert result.exit_code == 2 and "is not a 12f-lint audit" in result.output


def test_merge_records_an_unreadable_report_as_failed(tmp_path):
    (tmp_path / "junk.json").write_text("{ not json")
    (tmp_path / "other.json").write_text('{"findings": "?"}')
    result = run("merge", str(tmp_path / "junk.json"), str(tmp_path / "other.json"), str(tmp_path / "absent.json"),
                 "-o", str(tmp_path / "audit.json"))
    assert result.exit_code == 2
    document = load(tmp_path / "audit.json")
    validate(document)
    assert {r["name"]: r["status"] for r in document["repositories"]} == {"junk": "failed", "other": "failed", "absent": "failed"}
    assert all(r["reason"] for r in document["repositories"])


# --- sources ---------------------------------------------------------------------------------------


def test_sources_names_and_kinds(tmp_path):
    write_tree(tmp_path / "fleet", {"a/app.py": "x = 1\n", "b/Dockerfile": "FROM python\n", ".hidden/app.py": "",
                                    "notes.txt": ""})
    write_tree(tmp_path / "other", {"a/app.py": "x = 1\n"})
    write_tree(tmp_path / "single", {"pyproject.toml": "", "src/app.py": ""})
    found = sources.expand([str(tmp_path / "fleet"), str(tmp_path / "other"), str(tmp_path / "single"),
                            "https://github.com/acme/api.git", "git@github.com:acme/api.git", str(tmp_path / "fleet" / "a")])
    assert [(s.name, s.remote) for s in found] == [("a", False), ("b", False), ("a-2", False), ("single", False),
                                                   ("acme/api", True), ("acme/api-2", True)]
    assert found[4].slug == "acme+api"


def test_a_symlinked_checkout_is_audited_as_its_target(fleet, tmp_path):
    (tmp_path / "links").mkdir()
    (tmp_path / "links" / "tiny").symlink_to(fleet / "tiny", target_is_directory=True)
    out = tmp_path / "audit.json"
    assert run("audit", str(tmp_path / "links"), "-o", str(out), "--work-dir", str(tmp_path / "w")).exit_code == 1
    (record,) = load(out)["repositories"]
    assert (record["name"], record["source"], record["by_rule"]) == ("tiny", str((fleet / "tiny").resolve()), {"TF601": 1})
