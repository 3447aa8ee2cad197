"""Safety on an untrusted repository: the scanned tree is never written, nothing in it is imported,
executed or constructed, output is deterministic, and an internal error stays one file's problem."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import REPO, STATEFUL_FLASK_APP, write_tree
from test_robustness import AWKWARD, BAD, GOOD, snapshot

from twelvefactor_lint.cli import main
from twelvefactor_lint.report import FORMATS

SCRIPT = Path(sys.executable).with_name("12f-lint")


def cli(*args: str):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def hostile_tree(tmp_path):
    root = write_tree(tmp_path / "repo", {
        **BAD, **AWKWARD, **GOOD, "with space/Procfile": "web: gunicorn app:app & celery worker\n",
        ".gitignore": "ignored/\n", "ignored/app.py": STATEFUL_FLASK_APP, "pyproject.toml": '[tool.12f-lint]\nfail-on = "info"\n',
        "bin/start.sh": "#!/bin/sh\nsupervisord -n\n",
        "Dockerfile": 'FROM python:3.12-slim\nCOPY bin/start.sh /start.sh\nENTRYPOINT ["/start.sh"]\n',
    })
    os.symlink(root / "good", root / "alias")
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_scanned_tree_is_never_written(hostile_tree, tmp_path, monkeypatch, fmt):
    """To stdout, with -o into a directory outside the tree, and with every other format besides."""
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    before = snapshot(hostile_tree)
    out = tmp_path / "reports"
    out.mkdir()
    assert cli("check", "--format", fmt, str(hostile_tree)).exit_code == 1
    others = [f"{other}:{out / ('all.' + other)}" for other in FORMATS if other != fmt]
    result = cli("check", "--format", fmt, "-o", str(out / f"report.{fmt}"), *[a for o in others for a in ("-o", o)],
                 str(hostile_tree))
    assert result.exit_code == 1, result.output
    assert len(list(out.iterdir())) == len(FORMATS)
    assert snapshot(hostile_tree) == before


# --- where the run may write ----------------------------------------------------------------------


@pytest.mark.parametrize("cache_dir", ["/tmp", "../elsewhere", "sub/../../elsewhere", "escape"])
def test_a_project_config_cannot_send_the_cache_outside_the_project(tmp_path, cache_dir):
    root = write_tree(tmp_path / "repo", {".12f-lint.toml": f"cache-dir = {json.dumps(cache_dir)}\n", **GOOD})
    os.symlink(tmp_path, root / "escape")
    result = cli("check", str(root))
    assert result.exit_code == 2 and "`cache-dir` must be a directory inside the project" in result.stderr


def test_an_existing_directory_is_never_taken_over_as_the_cache(tmp_path):
    """Pointed at a home directory (by mistake, or by a project config at its root), the cache must not
    overwrite its .gitignore nor prune its old `projects/` and `facts/` files."""
    home = write_tree(tmp_path / "home", {".gitignore": "mine\n", "projects/thesis.tex": "old", "facts/x": "old"})
    for old in (home / "projects" / "thesis.tex", home / "facts" / "x"):
        os.utime(old, (1, 1))
    repo = write_tree(tmp_path / "repo", {**GOOD, ".gitignore": "build/\n", ".12f-lint.toml": 'cache-dir = "."\n'})
    before = snapshot(tmp_path)
    assert cli("check", "--cache-dir", str(home), str(repo / "good")).exit_code == 1
    assert cli("check", str(repo)).exit_code == 1
    assert snapshot(tmp_path) == before


# --- no execution --------------------------------------------------------------------------------

def planted(markers: Path) -> dict[str, str]:
    """Files that leave a marker in `markers` if anything imports, executes or constructs them."""
    def mark(name: str) -> str:
        return f"open({str(markers / name.replace('/', '_'))!r}, 'w').write('executed')"

    touch = f"touch {markers / 'shell'}"
    python_tag = f"!!python/object/apply:os.system [{json.dumps(touch)}]"
    files = {name: mark(name) + "\n" for name in (
        "marker_at_import.py", "conftest.py", "setup.py", "manage.py", "sitecustomize.py", "usercustomize.py",
        "pkg/__init__.py", "pkg/__main__.py",
        # modules the linter itself imports: shadowing them would run this code in the linter
        "yaml.py", "click.py", "pathspec.py", "json.py", "re.py", "ast.py", "tree_sitter.py", "dockerfile_parse.py")}
    files.update({
        "evil.pth": f"import os; {mark('pth')}\n",
        "eval_me.py": f"__import__('os').system({touch!r})\nexec({mark('exec')!r})\n",
        "Dockerfile": f"FROM python:3.12-slim\nRUN {touch}\nCOPY start.sh /start.sh\nENTRYPOINT [\"/start.sh\"]\nCMD {touch}\n",
        "start.sh": f"#!/bin/sh\n{touch}\nexec gunicorn app:app\n",
        "Procfile": f"web: {touch} && gunicorn app:app\nrelease: {touch}\n",
        "compose.yaml": (f"x-evil: &evil {python_tag}\nservices:\n  web:\n    image: acme/web:1\n"
                         f"    command: {touch}\n    environment: *evil\n"
                         f"    labels: !!python/object/new:os.system [{json.dumps(touch)}]\n"),
        ".12f-lint.toml": 'fail-on = "info"\n',
    })
    return files


def test_nothing_in_the_tree_is_imported_executed_or_constructed(tmp_path, monkeypatch):
    markers = tmp_path / "markers"
    markers.mkdir()
    root = write_tree(tmp_path / "repo", planted(markers))
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    monkeypatch.chdir(root)
    for fmt in FORMATS:
        assert cli("check", "--format", fmt, ".").exit_code in (0, 1)
    assert sorted(p.name for p in markers.iterdir()) == []
    # `python -m` puts the current directory first on sys.path (a planted `twelvefactor_lint/` package
    # would still win there: untrusted trees are for the `12f-lint` script, or `python -P -m`).
    commands = [[sys.executable, "-m", "twelvefactor_lint", "--format", "json", "."]]
    if SCRIPT.exists():
        commands.append([str(SCRIPT), "--format", "json", "."])
    for command in commands:
        done = subprocess.run(command, cwd=root, capture_output=True, text=True, timeout=120,
                              env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"})
        assert sorted(p.name for p in markers.iterdir()) == [], command
        assert done.returncode in (0, 1), (command, done.stderr[-2000:])
        assert json.loads(done.stdout)["files"]["analyzed"] >= 10


def test_yaml_python_tags_stay_tags(tmp_path):
    """The compose analyzer reads the node tree: a python/object tag is text, the service is still seen."""
    from twelvefactor_lint.analyze.compose import analyze

    markers = tmp_path / "markers"
    markers.mkdir()
    analysis = analyze("compose.yaml", planted(markers)["compose.yaml"].encode())
    assert [f.service for f in analysis.facts if f.kind == "compose.service"] == ["web"]
    assert not any(f.kind == "parse_error" for f in analysis.facts)
    assert list(markers.iterdir()) == []


_FORBIDDEN_CALLS = {"eval", "exec", "__import__", "os.system", "os.popen", "os.execv", "os.execvp", "os.spawnv",
                    "yaml.load", "yaml.unsafe_load", "yaml.full_load", "yaml.load_all", "runpy.run_path", "runpy.run_module"}
_FORBIDDEN_MODULES = {"subprocess", "pickle", "marshal", "shelve", "socket", "ctypes", "urllib.request", "http.client"}
_DYNAMIC_IMPORT_ALLOWED = {"analyze/__init__.py", "report/__init__.py"}  # from fixed tables of our own modules
_SUBPROCESS_ALLOWED = {"infra/external.py"}  # fixed tools by name, argument lists, a cleaned environment


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else ""


def test_the_package_has_no_way_to_execute_what_it_reads():
    """A static guard behind the test above: no eval/exec, shells, unsafe YAML, pickles or network in the package."""
    problems = []
    package = REPO / "twelvefactor_lint"
    for path in package.rglob("*.py"):
        rel = path.relative_to(package).as_posix()
        for node in ast.walk(ast.parse(path.read_bytes())):
            if isinstance(node, ast.Call):
                name = _dotted(node.func)
                dynamic = name in {"importlib.import_module", "import_module"} and rel not in _DYNAMIC_IMPORT_ALLOWED
                if name in _FORBIDDEN_CALLS or dynamic:
                    problems.append(f"{rel}:{node.lineno}: {name}()")
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                modules = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
                problems += [f"{rel}:{node.lineno}: import {m}" for m in modules if m in _FORBIDDEN_MODULES
                             and not (m == "subprocess" and rel in _SUBPROCESS_ALLOWED)]
            elif isinstance(node, ast.Attribute) and node.attr in {"Loader", "UnsafeLoader", "FullLoader"} \
                    and _dotted(node.value) == "yaml":
                problems.append(f"{rel}:{node.lineno}: yaml.{node.attr}")
    assert problems == []


# --- determinism ---------------------------------------------------------------------------------


def build(root: Path, files: dict[str, str | bytes], reverse: bool) -> Path:
    """The same tree, its files created in the given order or the reverse (directory order follows creation
    order on many file systems)."""
    items = list(files.items())
    write_tree(root, dict(reversed(items) if reverse else items))
    return root


@pytest.mark.parametrize("fmt", FORMATS)
def test_reports_are_byte_identical_across_runs_and_creation_order(tmp_path, monkeypatch, fmt):
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    files = {**BAD, **AWKWARD, **GOOD, "Procfile": "web: gunicorn app:app & celery worker\n"}
    first = build(tmp_path / "one" / "repo", files, reverse=False)
    second = build(tmp_path / "two" / "repo", files, reverse=True)
    outputs = []
    for root in (first, first, second):
        monkeypatch.chdir(root.parent)  # reports name files relative to the root; the root itself is normalised
        outputs.append(cli("check", "--format", fmt, "repo").stdout.replace(str(root), "<root>"))
    assert outputs[0] == outputs[1] == outputs[2]


def test_json_is_byte_identical_whatever_the_number_of_worker_processes(tmp_path):
    root = write_tree(tmp_path, {**BAD, **AWKWARD, **{f"pkg{i:02d}/app.py": STATEFUL_FLASK_APP for i in range(60)}})
    reports = [cli("check", "--format", "json", "--no-cache", "--jobs", jobs, str(root)).stdout for jobs in ("1", "2", "0")]
    assert reports[0] == reports[1] == reports[2]
    assert len(json.loads(reports[0])["findings"]) >= 60


def test_json_is_byte_identical_across_hash_seeds(tmp_path):
    """Set and dict order must not leak into reports: two processes with different string hashing agree."""
    root = write_tree(tmp_path, {**BAD, **AWKWARD, **GOOD, "Procfile": "web: gunicorn app:app & celery worker\n"})
    reports = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-m", "twelvefactor_lint", "--format", "json", str(root)],
                              capture_output=True, env=env, timeout=120)
        assert done.returncode == 1, done.stderr
        reports.append(done.stdout)
    assert reports[0] == reports[1]


def test_the_snapshot_sees_a_new_file_a_touched_file_and_a_changed_symlink(tmp_path):
    """The snapshot the tests above compare is sensitive enough to catch a write."""
    root = write_tree(tmp_path / "repo", {"a/app.py": "x = 1\n"})
    os.symlink("a", root / "link")
    for change in (lambda: (root / "a" / "new.txt").write_text(""), lambda: os.utime(root / "a" / "app.py", ns=(1, 1)),
                   lambda: (os.remove(root / "link"), os.symlink("b", root / "link"))):
        before = snapshot(root)
        change()
        assert snapshot(root) != before
