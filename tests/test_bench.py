"""The benchmark's generated corpus is what it claims to be: real service trees 12f-lint reads
without a parse error. (The benchmark's timings are never asserted: they depend on the machine.)"""

from __future__ import annotations

import importlib.util

from conftest import REPO

from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run


def _bench(name: str = "run"):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", REPO / "bench" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_services_and_the_small_project_parse_and_have_findings(tmp_path, catalogue):
    bench = _bench()
    assert bench.generate_services(tmp_path / "services", tmp_path / "dockerfiles", 12) == 12
    bench.small_project(tmp_path / "small")
    assert len([p for p in (tmp_path / "small").rglob("*") if p.is_file()]) == 10
    for tree in ("services", "dockerfiles", "small"):
        result = run([tmp_path / tree], Settings(root=tmp_path / tree, cache=False), catalogue)
        assert result.analyzed and not result.skipped
        assert not {"TF001", "TF002"} & {f.rule for f in result.findings}
        assert result.findings
    assert len(list((tmp_path / "dockerfiles").rglob("Dockerfile"))) == 12


def test_the_language_server_benchmark_edits_one_view_between_a_finding_and_none(tmp_path, catalogue):
    bench = _bench("lsp")
    assert bench.generate(tmp_path, services=3) == 30
    view = tmp_path / "svc000" / "app" / "views.py"

    def findings() -> set[tuple[str, str]]:
        result = run([tmp_path], Settings(root=tmp_path, cache=False), catalogue)
        assert result.analyzed == 30 and not result.skipped
        return {(f.rule, f.path) for f in result.findings}

    assert findings() == set()
    view.write_text(bench.VIEW.format(mutation=bench.MUTATION), encoding="utf-8")
    assert findings() == {("TF601", "svc000/app/views.py")}
