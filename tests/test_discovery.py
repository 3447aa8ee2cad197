"""Discover: which files are read, as what kind, in which role, and what is left out (and why)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time

import pytest
from conftest import REPO, write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover import walk
from twelvefactor_lint.discover.scope import classify
from twelvefactor_lint.discover.walk import discover, kind_of
from twelvefactor_lint.runner import run

BROKEN = "def broken(:\n"
"""Python that always yields a TF001 finding: marks a file as analyzed in a full run."""


def found(root, paths=None, **options) -> list[str]:
    return [f.rel for f in discover(paths or [root], root, **options).files]


def linted_paths(root, catalogue, paths=None, **settings) -> set[str]:
    """Paths that got a TF001 finding in a full run: the broken files that were analyzed."""
    result = run(paths or [root], Settings(root=root, **settings), catalogue)
    return {f.path for f in result.findings if f.rule == "TF001"}


# --- kinds -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, kind", [
    ("app.py", "python"),
    ("Dockerfile", "dockerfile"),
    ("dockerfile", "dockerfile"),
    ("Dockerfile.prod", "dockerfile"),
    ("Dockerfile-prod", "dockerfile"),
    ("Dockerfile_web", "dockerfile"),
    ("dockerfile_parse.py", "python"),
    ("dockerfile.py", "python"),  # a module about Dockerfiles, not one
    ("Dockerfile-notes.md", None),
    ("app.Dockerfile", "dockerfile"),
    ("Containerfile", "dockerfile"),
    ("compose.yaml", "compose"),
    ("compose.override.yml", "compose"),
    ("docker-compose.yml", "compose"),
    ("docker-compose.prod.yaml", "compose"),
    ("az-docker-compose.yml", "compose"),
    ("Procfile", "procfile"),
    ("Procfile.dev", "procfile"),
    ("requirements.txt", "dependencies"),
    ("setup.cfg", "dependencies"),
    ("poetry.lock", "dependencies"),
    ("uv.lock", "dependencies"),
    ("Pipfile.lock", "dependencies"),
    ("requirements.dev.lock", "dependencies"),
    ("yarn.lock", None),
    ("fly.toml", "paas"),
])
def test_kind_of_known_files(name, kind):
    assert kind_of(name) == kind


@pytest.mark.parametrize("name", [
    "README.md", "app.pyc", "app.pyi", "config.yaml", "values.yml",
    "compose.json", "docker-compose.yml.bak", "my-compose.yml", "Makefile", ".dockerignore", "notes.py.txt",
    "Procfile.sh", "Procfile.bash",  # a script a Procfile line runs, read when the line starts it
    "Dockerfile.ui.dockerignore", "Dockerfile.dockerignore",  # BuildKit's per-Dockerfile ignore files
    "Dockerfile.md", "Dockerfile.orig",
    "dockerfile.js", "Dockerfile.yml",  # an editor's snippets about Dockerfiles, a config file
])
def test_other_files_have_no_kind(name):
    assert kind_of(name) is None


def test_discovery_classifies_files_in_a_tree(tmp_path):
    write_tree(tmp_path, {
        "svc/app.py": "", "svc/Dockerfile.prod": "", "svc/app.Dockerfile": "", "Containerfile": "",
        "docker-compose.prod.yaml": "", "compose.override.yml": "", "Procfile": "", "README.md": "",
        "deploy/values.yaml": "",
    })
    kinds = {f.rel: f.kind for f in discover([tmp_path], tmp_path).files}
    assert kinds == {
        "Containerfile": "dockerfile", "Procfile": "procfile", "compose.override.yml": "compose",
        "docker-compose.prod.yaml": "compose", "svc/Dockerfile.prod": "dockerfile",
        "svc/app.Dockerfile": "dockerfile", "svc/app.py": "python",
    }


def test_a_compose_file_named_for_what_it_runs_is_found_by_its_services(tmp_path):
    """`docker compose -f .docker/full-stack.yml` takes any name: a top-level `services:` mapping whose services
    give an image or a build is a compose file; GitLab CI's `services:` list and other YAML are not."""
    write_tree(tmp_path, {
        ".docker/full-stack.yml": "version: '3'\nservices:\n\n  web:\n    image: local/site:devel\n",
        "deploy/portainer.yaml": "services:\n  # the app\n  core:\n    build: ..\n",
        ".gitlab-ci.yml": "services:\n  - postgres:15\ntest:\n  image: python:3.12\n",
        "config/services.yml": "services:\n  mailer:\n    host: smtp.example.com\n",
    })
    kinds = {f.rel: f.kind for f in discover([tmp_path], tmp_path).files}
    assert kinds == {".docker/full-stack.yml": "compose", "deploy/portainer.yaml": "compose"}


# --- .gitignore --------------------------------------------------------------------------------


def test_gitignore_nested_and_negated(tmp_path):
    write_tree(tmp_path, {
        ".gitignore": "generated/\n*_pb2.py\n!keep_pb2.py\n",
        "app.py": "",
        "api_pb2.py": "",
        "keep_pb2.py": "",
        "generated/models.py": "",
        "pkg/.gitignore": "local_*.py\n!local_settings_example.py\n",
        "pkg/local_settings.py": "",
        "pkg/local_settings_example.py": "",
        "pkg/views.py": "",
        "other/local_x.py": "",
    })
    assert found(tmp_path) == ["app.py", "keep_pb2.py", "other/local_x.py", "pkg/local_settings_example.py", "pkg/views.py"]
    # ...and everything is found when .gitignore is not respected.
    assert "generated/models.py" in found(tmp_path, respect_gitignore=False)
    assert "pkg/local_settings.py" in found(tmp_path, respect_gitignore=False)


def test_nested_gitignore_can_reinclude_what_a_parent_ignores(tmp_path):
    write_tree(tmp_path, {
        ".gitignore": "*.gen.py\n",
        "a.gen.py": "",
        "sub/.gitignore": "!b.gen.py\n",
        "sub/b.gen.py": "",
        "sub/c.gen.py": "",
    })
    assert found(tmp_path) == ["sub/b.gen.py"]


def test_gitignore_is_honoured_in_a_full_run(tmp_path, catalogue):
    write_tree(tmp_path, {".gitignore": "ignored.py\n", "ignored.py": BROKEN, "kept.py": BROKEN})
    assert linted_paths(tmp_path, catalogue) == {"kept.py"}
    assert linted_paths(tmp_path, catalogue, respect_gitignore=False) == {"ignored.py", "kept.py"}


# --- excludes ----------------------------------------------------------------------------------


def test_default_excludes(tmp_path):
    write_tree(tmp_path, {
        "app.py": "",
        ".git/hooks/pre-commit.py": "",
        ".venv/lib/site.py": "",
        "env/pyvenv.cfg": "home = /usr/bin\n",
        "env/lib/python3.12/os.py": "",
        "node_modules/pkg/build.py": "",
        "build/lib/app.py": "",
        "dist/app.py": "",
        "pkg/__pycache__/mod.py": "",
        "pkg/mod.py": "",
    })
    assert found(tmp_path) == ["app.py", "pkg/mod.py"]


def test_custom_exclude_replaces_the_defaults(tmp_path, catalogue):
    write_tree(tmp_path, {"app.py": BROKEN, "legacy/old.py": BROKEN, "node_modules/x.py": BROKEN})
    assert linted_paths(tmp_path, catalogue, exclude=("legacy/",)) == {"app.py", "node_modules/x.py"}


def test_extend_exclude_adds_to_the_defaults(tmp_path, catalogue):
    write_tree(tmp_path, {"app.py": BROKEN, "legacy/old.py": BROKEN, "gen_x.py": BROKEN, "node_modules/x.py": BROKEN})
    assert linted_paths(tmp_path, catalogue, extend_exclude=("legacy/", "gen_*.py")) == {"app.py"}


def test_explicit_file_is_analyzed_even_if_excluded_unless_force_exclude(tmp_path, catalogue):
    write_tree(tmp_path, {".gitignore": "ignored.py\n", "ignored.py": BROKEN, "legacy/old.py": BROKEN})
    explicit = [tmp_path / "ignored.py", tmp_path / "legacy" / "old.py"]
    settings = {"extend_exclude": ("legacy/",)}
    assert linted_paths(tmp_path, catalogue, explicit, **settings) == {"ignored.py", "legacy/old.py"}
    assert linted_paths(tmp_path, catalogue, explicit, force_exclude=True, **settings) == set()


# --- symlinks ----------------------------------------------------------------------------------


def _symlink(link, target, directory=False):
    try:
        os.symlink(target, link, target_is_directory=directory)
    except (OSError, NotImplementedError) as error:  # pragma: no cover - platforms without symlinks
        pytest.skip(f"cannot create symlinks here: {error}")


def test_directory_symlinks_are_not_followed(tmp_path):
    write_tree(tmp_path, {"real/app.py": ""})
    _symlink(tmp_path / "alias", tmp_path / "real", directory=True)
    discovery = discover([tmp_path], tmp_path)
    assert [f.rel for f in discovery.files] == ["real/app.py"]


def test_symlink_loop_does_not_hang(tmp_path):
    write_tree(tmp_path, {"pkg/app.py": ""})
    _symlink(tmp_path / "pkg" / "loop", tmp_path, directory=True)
    _symlink(tmp_path / "self", tmp_path / "self", directory=False)  # a link to itself
    outcome = {}
    worker = threading.Thread(target=lambda: outcome.setdefault("d", discover([tmp_path], tmp_path)), daemon=True)
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "discovery did not finish: it followed a symlink loop"
    assert [f.rel for f in outcome["d"].files] == ["pkg/app.py"]


def test_file_symlink_outside_the_root_is_skipped_with_a_reason(tmp_path):
    root = tmp_path / "project"
    write_tree(tmp_path, {"secrets/app.py": "CARTS = {}\n", "project/app.py": ""})
    _symlink(root / "linked.py", tmp_path / "secrets" / "app.py")
    discovery = discover([root], root)
    assert [f.rel for f in discovery.files] == ["app.py"]
    skipped = {s.rel: s.reason for s in discovery.skipped}
    assert "linked.py" in skipped
    assert "outside" in skipped["linked.py"]


def test_file_symlink_inside_the_root_is_read(tmp_path):
    write_tree(tmp_path, {"real.py": ""})
    _symlink(tmp_path / "alias.py", tmp_path / "real.py")
    assert found(tmp_path) == ["alias.py", "real.py"]


# --- determinism -------------------------------------------------------------------------------


def test_output_is_sorted_and_deterministic(tmp_path):
    names = ["b.py", "a/z.py", "a.py", "a-b.py", "A/Dockerfile", "c/b/a.py", "c/a.py", "_x.py", "Procfile"]
    write_tree(tmp_path, {name: "" for name in names})
    first = discover([tmp_path], tmp_path)
    rels = [f.rel for f in first.files]
    assert rels == sorted(names)
    assert discover([tmp_path], tmp_path) == first
    # The same files given in another order, and twice, give the same result.
    again = discover([tmp_path / "c", tmp_path, tmp_path / "a"], tmp_path)
    assert [f.rel for f in again.files] == rels


def test_missing_path_is_accounted_for(tmp_path):
    discovery = discover([tmp_path / "nope.py"], tmp_path)
    assert discovery.files == ()
    assert [s.rel for s in discovery.skipped] == ["nope.py"]


# --- roles -------------------------------------------------------------------------------------


@pytest.mark.parametrize("path, role", [
    ("tests/test_views.py", "test"),
    ("tests/helpers.py", "test"),
    ("docker/regtest/docker-compose.yml", "test"),
    ("loadtests/Dockerfile", "test"),
    ("docker/test-server/Dockerfile", "test"),  # a test setup's image: a test word in its directory's name
    ("docker/test-server/entrypoint.sh", "test"),
    ("deploy/e2e_stack/settings/app.py", "test"),
    ("dojo/test_type/views.py", "prod"),  # a module of an app named `test_type`: app code
    ("contest-server/Dockerfile", "prod"),
    ("latest/docker-compose.yml", "prod"),
    ("app/test_x.py", "test"),
    ("conftest.py", "test"),
    ("shop/migrations/0001_initial.py", "migration"),
    ("scripts/seed.py", "script"),
    ("polls/management/commands/import_questions.py", "script"),
    ("docs/conf_example.py", "docs"),
    ("apps/accounts/demos/python/demo.py", "docs"),  # demo clients of the API: example code
    ("demo/settings.py", "prod"),  # a lone `demo/` is often the project itself
    ("attic/connection-test/spawn_open_connection.py", "docs"),  # retired code, kept to read: nothing deploys it
    ("src/graveyard/Dockerfile", "docs"),
    ("legacy/app/views.py", "prod"),  # `legacy/` often still serves requests
    ("mysite/settings/dev.py", "dev"),
    ("mysite/settings/test.py", "test"),
    ("docker-compose.override.yml", "dev"),
    ("Dockerfile.dev", "dev"),
    ("mysite/settings/debug/__init__.py", "dev"),
    ("mysite/settings/pytest/__init__.py", "test"),
    ("mysite/settings/unittests.py", "test"),
    ("project/settings/circleci.py", "test"),  # the settings CI selects, named for the CI service
    ("settings_ci.py", "test"),  # a settings module named for CI beside settings.py (`--settings=settings_ci`)
    ("app/ci_settings.py", "test"),
    ("src/ci_utils.py", "prod"),  # a module named for CI, not settings: a CI client
    ("docker-compose.travis.yml", "test"),
    ("ops/containers/docker-compose-codebuild.yaml", "test"),  # AWS CodeBuild runs it
    ("ops/containers/docker-compose-codebuild-selenium.yaml", "test"),
    ("app/jenkins.py", "prod"),  # a module, not settings: a Jenkins client
    ("mysite/settings/devstack.py", "dev"),  # a developer stack (Open edX, OpenStack)
    ("app/config_testing.py", "test"),
    ("src/MCPClient/lib/settings/testmysql.py", "test"),  # test settings for the test run's MySQL, words run together
    ("src/dashboard/src/settings/testpostgres.py", "test"),
    ("seed_stage_based_messaging/testsettings.py", "test"),
    ("app/settings/testimonials.py", "prod"),  # not `test` + a settings, database or environment word
    ("app/settings/tester.py", "prod"),
    ("zeus/models/testcase.py", "prod"),
    ("util/config/provider/testprovider.py", "prod"),
    ("app/testmysql.py", "prod"),  # outside a settings package a database name says nothing of settings
    ("db/create_ci_test_db.py", "test"),
    ("mysite/settings_example.py", "docs"),
    ("devproject/settings.py", "dev"),
    ("dev/oidc/init.py", "dev"),
    ("Procfile.windows", "dev"),
    (".claude/hooks/session_start.py", "dev"),  # a coding assistant's session hook: developer tooling
    (".cursor/hooks/after_edit.py", "dev"),
    (".vscode/tasks.py", "dev"),
    (".github/scripts/release.py", "build"),  # CI tooling
    ("app/.claude/x.py", "prod"),  # only a repository-level tool directory
    ("deploy/docker-compose.prd.yml", "prod"),
    ("settings/local_prod.py", "prod"),
    ("app/views.py", "prod"),
    ("setup.py", "build"),
    ("packages/client/setup.py", "build"),
    ("src/app/core/setup.py", "prod"),
    ("app/devices.py", "prod"),
    ("devops/app.py", "prod"),
    ("app/__init__.py", "prod"),
    ("app/latest.py", "prod"),
    ("Dockerfile", "prod"),
    ("docker-compose.yml", "prod"),
    ("core/settings/static.py", "build"),  # the collectstatic settings of the image build
    ("course_discovery/settings/docs_settings.py", "build"),  # the settings only the Sphinx build imports
    ("app/settings/sphinx.py", "build"),
    ("app/docs_settings.py", "build"),
    ("app/docs.py", "prod"),  # a module of the app, not settings
    ("app/static.py", "prod"),
    ("tools/conv.py", "script"),  # a repository-level tools directory: one-off scripts
    ("app/agents/tools/search.py", "prod"),  # an agent's tools are app code
    ("pytest_pootle/fixtures/debug.py", "test"),  # a pytest plugin package: the project's fixtures
    ("src/myapp_pytest/plugin.py", "test"),
    ("app/pytester.py", "prod"),
])
def test_classify_roles(path, role):
    assert classify(path) == role


def test_discovered_files_carry_their_role(tmp_path):
    write_tree(tmp_path, {"app/views.py": "", "tests/test_views.py": "", "Dockerfile.dev": ""})
    roles = {f.rel: f.role for f in discover([tmp_path], tmp_path).files}
    assert roles == {"Dockerfile.dev": "dev", "app/views.py": "prod", "tests/test_views.py": "test"}


# --- git's file list equals the walker's -------------------------------------------------------

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def _walker_only(monkeypatch):
    monkeypatch.setattr(walk._Walker, "_git_files", lambda self, top: None)


def _git_init(root):
    subprocess.run(["git", "init", "-q", str(root)], check=True)


@needs_git
@pytest.mark.parametrize("fixture", sorted(p.name for p in (REPO / "fixtures").iterdir() if p.is_dir()))
def test_git_listing_finds_what_the_walker_finds_in_the_fixtures(tmp_path, monkeypatch, fixture):
    root = tmp_path / fixture
    shutil.copytree(REPO / "fixtures" / fixture, root)
    _git_init(root)
    assert walk._Walker(str(root), walk._Excludes(()), True)._git_files(str(root)) is not None
    by_git = discover([root], root)
    _walker_only(monkeypatch)
    assert by_git == discover([root], root)


@needs_git
def test_git_listing_finds_what_the_walker_finds_in_a_generated_tree(tmp_path, monkeypatch):
    files = {
        ".gitignore": "generated/\n*_pb2.py\n!keep_pb2.py\n/local.py\n",
        "local.py": "", "sub/local.py": "", "api_pb2.py": "", "keep_pb2.py": "", "generated/models.py": "",
        "pkg/.gitignore": "local_*.py\n!local_settings_example.py\nconf/\n",
        "pkg/local_settings.py": "", "pkg/local_settings_example.py": "", "pkg/conf/x.py": "",
        "pkg/deep/er/.gitignore": "*.gen.py\n", "pkg/deep/er/a.gen.py": "", "pkg/deep/er/b.py": "",
        "build/lib/app.py": "", "src/node_modules/x.py": "", "env/pyvenv.cfg": "", "env/lib/os.py": "",
        "x.egg-info/setup.py": "", "docs/Dockerfile": "", "deploy/docker-compose.prod.yml": "",
        "deploy/docker-compose.yml": "", "Procfile": "", "nginx/site.conf": "", "README.md": "",
    }
    for number in range(40):
        files[f"app{number % 7}/mod{number}/views_{number}.py"] = ""
    write_tree(tmp_path, files)
    _git_init(tmp_path)
    subprocess.run(["git", "-C", str(tmp_path), "add", "app0", "Procfile"], check=True)  # tracked and untracked
    named = [tmp_path / "pkg", tmp_path / "Procfile", tmp_path / "generated"]
    by_git = (discover([tmp_path], tmp_path), discover(named, tmp_path), discover([tmp_path / "pkg"], tmp_path))
    assert "pkg/local_settings_example.py" in {f.rel for f in by_git[0].files}
    _walker_only(monkeypatch)
    assert by_git == (discover([tmp_path], tmp_path), discover(named, tmp_path), discover([tmp_path / "pkg"], tmp_path))


def test_outside_a_work_tree_git_gives_no_listing(tmp_path):
    write_tree(tmp_path, {"app.py": ""})
    assert walk._Walker(str(tmp_path), walk._Excludes(()), True)._git_files(str(tmp_path)) is None


# --- the discovery memo ------------------------------------------------------------------------

_MANIFEST = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n"


def _memo_tree(tmp_path):
    files = {"app/views.py": "", "tests/test_views.py": "", "deploy/pod.yaml": _MANIFEST, "config.yaml": "debug: true\n",
             "chart/Chart.yaml": "name: c\n", "chart/values.yaml": "image: x\n", "s6-overlay/s6-rc.d/test-db/run": "",
             "Dockerfile": "FROM python:3.12\n", "Dockerfile.prod": "FROM python:3.12\n"}
    write_tree(tmp_path, files)
    past = os.stat(tmp_path).st_mtime - 60
    for rel in files:
        os.utime(tmp_path / rel, (past, past))
    return tmp_path


def _memo_from(memo):
    """The memo a later run reads: its data through JSON, as the cache keeps it."""
    return walk.Memo(json.loads(json.dumps(memo.data())), time.time() * 1e9 - 3e9)


def test_a_memo_gives_what_discovery_works_out(tmp_path, monkeypatch):
    root = _memo_tree(tmp_path)
    plain = discover([root], root)
    first = walk.Memo(None, time.time() * 1e9 - 3e9)
    assert discover([root], root, memo=first) == plain and first.changed
    assert first.data()["kinds"]["deploy/pod.yaml"][3] == "kubernetes" and "chart/values.yaml" not in first.data()["kinds"]
    worked_out: list[str] = []
    monkeypatch.setattr(walk.scope, "classify", lambda path: worked_out.append(path) or classify(path))
    real_sniff = walk.sniff_kind
    monkeypatch.setattr(walk, "sniff_kind", lambda path: worked_out.append(path.name) or real_sniff(path))
    second = _memo_from(first)
    assert discover([root], root, memo=second) == plain
    # only a chart's values file (its kind depends on its chart too) and the Dockerfile beside a production one
    # (the sibling pass, which classifies no more than that) are worked out again
    assert sorted(worked_out) == ["Dockerfile", "values.yaml"] and not second.changed


def test_a_memo_reads_a_changed_file_again_and_ignores_what_it_cannot_use(tmp_path):
    root = _memo_tree(tmp_path)
    memo = walk.Memo(None, time.time() * 1e9 - 3e9)
    discover([root], root, memo=memo)
    (root / "config.yaml").write_text(_MANIFEST)  # now a manifest: its stat changed
    data = memo.data()
    data["roles"]["app/views.py"] = "nonsense"
    data["roles"]["tests/test_views.py"] = ["test"]
    data["kinds"]["deploy/pod.yaml"] = "kubernetes"
    data["excludes"] = {key: ["not", "a", "regex"] for key in data["excludes"]}
    again = walk.Memo(json.loads(json.dumps(data)), time.time() * 1e9 - 3e9)
    assert discover([root], root, memo=again) == discover([root], root)
    assert {f.rel: f.kind for f in discover([root], root).files}["config.yaml"] == "kubernetes"
    assert "config.yaml" not in again.data()["kinds"]  # modified seconds ago: read again next time
    assert walk.Memo("not a memo", 0).data() == {"roles": {}, "kinds": {}, "excludes": {}}


def test_exclude_patterns_match_as_pathspec_matches_them():
    """The excludes are one regex (patterns of any depth share their `^(?:.+/)?`); it decides as pathspec does."""
    import pathspec

    patterns = [*walk.DEFAULT_EXCLUDE, "/build/", "docs/*.py", "foo", "*.log", "a/**/b", "generated/*/"]
    excludes, spec = walk._Excludes(patterns), pathspec.GitIgnoreSpec.from_lines(patterns)
    paths = [".git/", "x/.git/", "x.git/", "a/b/", "a/x/y/b", "ab/", "build/", "src/build/", "src/build", "docs/x.py",
             "docs/a/x.py", "foo", "z/foo/", "foobar", "q.log", "q/r.log/", "x.egg-info/", "x.egg-info", "ok/file.py",
             "node_modules/x", "myvenv/", "x/venv/y", "generated/a/", "generated/a/b/", "x/generated/a/"]
    assert [excludes.match(path) for path in paths] == [spec.match_file(path) for path in paths]
    assert sum(excludes.match(path) for path in paths) > len(paths) // 2
