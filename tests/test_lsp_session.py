"""The language server's project session, without the protocol around it, and the server command without its extra."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from twelvefactor_lint import runner
from twelvefactor_lint.lsp.session import ProjectSession

VIEW = "from flask import Flask\n\napp = Flask(__name__)\nHITS = []\n\n\n@app.get('/')\ndef index():\n{body}    return 'ok'\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.12f-lint]\ncache-dir = '../cache'\n", encoding="utf-8")
    (root / "app" / "views.py").write_text(VIEW.format(body="    HITS.append(1)\n"), encoding="utf-8")
    for n in range(5):
        (root / "app" / f"helper_{n}.py").write_text(f"VALUE_{n} = {n}\n", encoding="utf-8")
    return root


def _rules(session: ProjectSession) -> list[tuple[str, str]]:
    return [(f.rule, f.path) for f in session.result.findings]


def test_an_edit_reanalyzes_only_the_edited_file(project, monkeypatch):
    session = ProjectSession(project)
    session.lint()
    assert _rules(session) == [("TF601", "app/views.py")]
    analyzed: list[str] = []
    real_all, real_data = runner.analyze_all, runner.analyze_data
    def analyze_all(sources, settings, progress=None):
        analyzed.extend(s.rel for s in sources)
        return real_all(sources, settings, progress)

    def analyze_data(source, data, timeout):
        analyzed.append(source.rel)
        return real_data(source, data, timeout)

    monkeypatch.setattr(runner, "analyze_all", analyze_all)
    monkeypatch.setattr(runner, "analyze_data", analyze_data)
    session.set_buffer("app/views.py", VIEW.format(body=""))
    session.lint()
    assert analyzed == ["app/views.py"] and _rules(session) == []
    session.lint()
    assert analyzed == ["app/views.py"]  # nothing changed, nothing read
    session.drop_buffer("app/views.py")
    session.lint()
    assert analyzed == ["app/views.py", "app/views.py"] and _rules(session) == [("TF601", "app/views.py")]


def test_the_buffer_is_judged_not_the_file(project):
    session = ProjectSession(project)
    session.set_buffer("app/helper_0.py", "from flask import Flask\napp = Flask(__name__)\nSEEN = {}\n\n"
                                          "@app.post('/')\ndef add():\n    SEEN['x'] = 1\n")
    assert ("TF601", "app/helper_0.py") in _rules(session.lint() and session)
    assert (project / "app" / "helper_0.py").read_text() == "VALUE_0 = 0\n"


def test_config_is_read_again_on_reload(project):
    session = ProjectSession(project)
    session.lint()
    (project / ".12f-lint.toml").write_text('ignore = ["TF601"]\n', encoding="utf-8")
    session.lint()
    assert _rules(session) == [("TF601", "app/views.py")]
    session.reload_config()
    session.lint()
    assert _rules(session) == []


def test_a_broken_config_falls_back_to_the_defaults(project):
    (project / ".12f-lint.toml").write_text('select = "not a list"\n', encoding="utf-8")
    session = ProjectSession(project)
    assert _rules(session.lint() and session) == [("TF601", "app/views.py")]


def test_paths_outside_the_folder_have_no_name(project, tmp_path):
    session = ProjectSession(project)
    assert session.rel(project / "app" / "views.py") == "app/views.py"
    assert session.rel(tmp_path / "elsewhere.py") is None
    assert session.is_config(project / "pyproject.toml") and session.is_config(tmp_path / ".12f-lint.toml")
    assert not session.is_config(tmp_path / "other" / "pyproject.toml")


def test_new_and_deleted_files_are_found_after_files_changed(project):
    session = ProjectSession(project)
    session.lint()
    (project / "app" / "views.py").unlink()
    session.files_changed()
    session.forget("app/views.py")
    assert _rules(session.lint() and session) == []
    assert "app/views.py" not in session.result.files


def test_only_files_12f_lint_reads_are_taken_and_a_new_one_is_discovered(project):
    session = ProjectSession(project)
    session.lint()
    assert not session.reads("README.md")
    (project / "app" / "new.py").write_text("from flask import Flask\napp = Flask(__name__)\nS = []\n\n"
                                            "@app.get('/')\ndef f():\n    S.append(1)\n", encoding="utf-8")
    assert session.reads("app/new.py")
    assert ("TF601", "app/new.py") in _rules(session.lint() and session)


def test_a_config_that_moves_the_root_keeps_the_open_buffers(project):
    (project / "pyproject.toml").unlink()
    (project / ".git").mkdir()
    session = ProjectSession(project / "app")
    assert session.rel(project / "app" / "views.py") == "app/views.py"
    session.set_buffer("app/views.py", VIEW.format(body=""))
    (project / "app" / ".12f-lint.toml").write_text("", encoding="utf-8")
    session.reload_config()
    assert session.root == project / "app"
    assert _rules(session.lint() and session) == []  # the buffer, now `views.py`, still counts over the file


def test_without_the_extra_the_server_says_what_to_install(tmp_path):
    blocked = "import sys; sys.modules['pygls'] = None\nfrom twelvefactor_lint.cli import main\nmain(['server'])\n"
    done = subprocess.run([sys.executable, "-c", blocked], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == "12f-lint: error: the language server needs its extra: pip install 'twelvefactor-lint[lsp]'\n"
