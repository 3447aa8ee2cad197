"""Fuzzing the whole pipeline: generated projects (a module, a Dockerfile, a compose file and a
Procfile, each possibly damaged) go through discover, analyze, link, the rules, suppression and every
report format. The property: no internal error (TF002), every file accounted for, reports render."""

from __future__ import annotations

import shutil

import pytest
from fuzzing import files_from
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_compose import streams
from test_fuzz_dockerfile import dockerfiles
from test_fuzz_procfile import procfiles
from test_fuzz_python import python_modules

from twelvefactor_lint.config import Settings
from twelvefactor_lint.report import FORMATS, render
from twelvefactor_lint.runner import run

PROJECTS = st.fixed_dictionaries({}, optional={
    "app/views.py": files_from(python_modules),
    "app/tasks.py": files_from(python_modules),
    "Dockerfile": files_from(dockerfiles()),
    "compose.yaml": files_from(streams()),
    "Procfile": files_from(procfiles()),
})


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("projects")


@given(PROJECTS)
def test_generated_projects(workdir, catalogue, files):
    root = workdir / "project"
    shutil.rmtree(root, ignore_errors=True)
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    root.mkdir(exist_ok=True)
    result = run([root], Settings(root=root), catalogue)
    assert not [f.message for f in result.findings if f.rule == "TF002"]
    assert result.analyzed + len(result.skipped) >= len(files)
    for fmt in FORMATS:
        assert render(result, fmt)
