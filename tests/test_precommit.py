"""The pre-commit hook, run by the real pre-commit (`try-repo`) in a throw-away git repository."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from conftest import REPO, write_tree

from twelvefactor_lint.discover.walk import by_content, kind_of

HOOKS = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
NAMES = [
    "app.py", "pkg/views.py", "setup.py", "Dockerfile", "docker/Dockerfile.prod", "api.Dockerfile", "Containerfile",
    "dockerfile", ".dockerfile", "compose.yaml", "compose.yml", "docker-compose.override.yml", "ops/docker-compose-dev.yaml",
    "Procfile", "Procfile.dev", "procfile", "config.yaml", ".github/workflows/ci.yml", "README.md", "app.pyc",
    "requirements.txt", "entrypoint.sh", "app.py.bak", "docker/docker-entrypoint.sh", "bin/start.bash", "docker-entrypoint",
    "LICENSE", "supervisord.conf", "etc/supervisor/conf.d/app.conf", "nginx.conf", "nginx/default.conf",
    "deploy/nginx/sites-enabled/app.conf", "haproxy.cfg", "haproxy/backends.cfg", "app.conf", "config.ini", "setup.cfg",
    "k8s/deployment.yaml", "chart/templates/web.yml", "fly.toml", "render.yaml", "heroku.yml", "app.json", "pyproject.toml",
    "requirements/base.txt", "dev-requirements.in", "Pipfile", "notes.txt",
]
PROJECT = {
    "shop/views.py": """\
from flask import Flask
from shop.state import CARTS

app = Flask(__name__)

@app.post("/cart/<user>")
def add(user):
    CARTS[user] = []
    return str(len(CARTS))
""",
    "shop/state.py": "CARTS = {}\n",
    "Procfile": "web: gunicorn --bind 0.0.0.0:$PORT -w 4 shop.views:app\n",  # not passed, but context: an error
    "shop/logs.py": 'import logging\nlogging.basicConfig(filename="shop.log")\n',
    "README.md": "# shop\n",
}


def test_hook_manifest():
    (hook,) = HOOKS
    assert hook["id"] == "12f-lint"
    assert hook["entry"] == "12f-lint" and hook["language"] == "python"
    assert hook["require_serial"] is True
    assert hook.get("pass_filenames", True) is True
    result = subprocess.run([sys.executable, "-m", "pre_commit", "validate-manifest", str(REPO / ".pre-commit-hooks.yaml")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", NAMES)
def test_hook_files_are_the_files_12f_lint_reads_or_follows(path):
    """The hook's `files` pattern and discovery agree: every kind 12f-lint reads, and the shell scripts it
    follows (`*.sh`, `*.bash`, and extension-less files, which 12f-lint checks for a shell shebang), and the
    files only their content classifies (YAML manifests, app.json)."""
    parent, _, name = path.rpartition("/")
    script = name.endswith((".sh", ".bash")) or "." not in name.lstrip(".")
    assert bool(re.search(HOOKS[0]["files"], path)) == (kind_of(name, parent) is not None or script or by_content(name))


GIT_IDENTITY = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com", "GIT_COMMITTER_NAME": "t",
                "GIT_COMMITTER_EMAIL": "t@example.com"}


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env={**os.environ, **GIT_IDENTITY})


def _hook_repo(target: Path) -> Path:
    """This checkout's hook and package as a one-commit git repository: try-repo installs from git, and the
    tree under test may be an uncommitted work tree (or no git checkout at all)."""
    for name in (".pre-commit-hooks.yaml", "pyproject.toml", "README.md"):
        (target / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / name, target / name)
    for directory in ("twelvefactor_lint", "rules"):
        shutil.copytree(REPO / directory, target / directory, ignore=shutil.ignore_patterns("__pycache__"))
    _git(target, "init", "-q")
    _git(target, "add", ".")
    _git(target, "commit", "-q", "-m", "hook under test")
    return target


@pytest.fixture(scope="module")
def hook(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """The hook repository and a pre-commit home shared by this module's runs: pre-commit installs the
    hook's environment once."""
    base = tmp_path_factory.mktemp("pre-commit")
    env = {**os.environ, **GIT_IDENTITY, "PRE_COMMIT_HOME": str(base / "cache"), "NO_COLOR": "1"}
    env.pop("GITHUB_STEP_SUMMARY", None)
    return _hook_repo(base / "hook"), env


def test_try_repo_reports_on_the_staged_files_with_the_project_as_context(tmp_path, hook):
    """pre-commit installs the hook from this checkout and passes it the files: views.py's write to CARTS
    is found although CARTS is defined in state.py, which is not passed; logs.py's finding is not reported;
    README.md never reaches 12f-lint."""
    project = tmp_path / "project"
    write_tree(project, PROJECT)
    hook_repo, env = hook
    _git(project, "init", "-q")
    _git(project, "add", ".")
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "12f-lint", "--files", "shop/views.py", "README.md",
         "--verbose", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"shop/views\.py:8:5: TF601 \[error\] `CARTS`", output), output
    assert "shop/logs.py" not in output
    assert "README.md" not in output.split("12f-lint (twelve-factor)", 1)[-1]
    assert "analyzed 1 file, skipped 0" in output


def test_a_staged_start_script_is_reported_through_the_chain_that_runs_it(tmp_path, hook):
    """A staged entrypoint script (and an extension-less one) reaches 12f-lint, which reports its findings as
    the process the Dockerfile starts; an unrelated extension-less file staged beside them is ignored."""
    project = tmp_path / "project"
    write_tree(project, {
        "Dockerfile": "FROM python:3.12-slim\nWORKDIR /app\nCOPY . .\n"
                      "COPY docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh\n"
                      "ENTRYPOINT [\"/usr/local/bin/docker-entrypoint.sh\"]\nCMD [\"gunicorn\", \"app:app\"]\n",
        "compose.yaml": "services:\n  worker:\n    build: .\n    entrypoint: []\n    command: /app/start\n",
        "docker-entrypoint.sh": "#!/bin/sh\npython manage.py migrate --noinput\nexec \"$@\"\n",
        "start": "#!/bin/sh\ncelery -A proj worker &\nexec gunicorn proj.wsgi\n",
        "LICENSE": "MIT\n",
    })
    (project / "start").chmod(0o755)
    hook_repo, env = hook
    _git(project, "init", "-q")
    _git(project, "add", "docker-entrypoint.sh", "start", "LICENSE")  # what `git commit` would pass
    result = subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "12f-lint", "--verbose", "--color", "never"],
        cwd=project, env=env, capture_output=True, text=True, timeout=900,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert re.search(r"docker-entrypoint\.sh:2:1: TF1201 \[warning\]", output), output
    assert re.search(r"start:2:1: TF609 \[error\] script `start`", output), output
    assert "not a file kind" not in output and "LICENSE" not in output.split("12f-lint (twelve-factor)", 1)[-1]
