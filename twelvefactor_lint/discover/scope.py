"""The role a file plays in the project, from its path alone.

Twelve-factor judges what runs in production. Tests, migrations, scripts and docs
are not judged by default; dev-only files are reported as info (see `judge/engine.py`). The words that
name development or production come from `devprod`, the one vocabulary every stage reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from twelvefactor_lint.devprod import ENVIRONMENT_WORDS, names_dev_file, names_prod_file
from twelvefactor_lint.infra.deferred_re import deferred

PROD, DEV, TEST, MIGRATION, SCRIPT, DOCS, BUILD = "prod", "dev", "test", "migration", "script", "docs", "build"
ROLES = (PROD, DEV, TEST, MIGRATION, SCRIPT, DOCS, BUILD)
ROLE_SET = frozenset(ROLES)

_TEST_DIRS = {"tests", "test", "testing", "spec", "specs", "__tests__", "e2e", "integration_tests", "functional_tests"}
_TEST_DIR = deferred(r"^(reg|load|smoke|stress|perf|system|integration|functional|acceptance|e2e)[-_]?tests?$")
"""A test environment's directory by its kind of test: `regtest` (a regression network), `loadtest`, `smoke-tests`."""
_PYTEST_PLUGIN_DIR = deferred(r"^pytest_[a-z0-9]\w*$|^[a-z_]\w*_pytest$")
"""A pytest plugin package (`pytest_pootle/`: the project's fixtures and test hooks, which its `conftest.py` loads with
`pytest_plugins`): test tooling, which only the test runner imports. An importable name only (pytest's own scratch
directories, `pytest-of-user/pytest-3/`, hold whole projects under test)."""
_DOC_DIRS = {"docs", "doc", "documentation", "examples", "example", "samples", "tutorial", "tutorials", "demos"}
"""`demos/` (`apps/accounts/demos/python/demo.py`: a client showing how to call the API) is example code like
`examples/`; a lone `demo/` is left out, as it is often the project itself (a Django project named `demo`)."""
_RETIRED_DIRS = {"attic", "graveyard", "obsolete"}
"""Retired code kept to read, not to run (`attic/connection-test/spawn.py`: the Apache-style attic of code a project
no longer deploys, which its CodeQL config also ignores): like example code, nothing a deploy starts. Only names that
say retired; `legacy/`, `old/` and `deprecated/` often still serve requests."""
_SCRIPT_DIRS = {"scripts", "script", "bin", "commands"}
_TOOLING_DIRS = {".devcontainer", ".github", ".gitlab", ".circleci", "ci", ".ci"}
_BUILD_FILES = {"setup.py", "noxfile.py", "fabfile.py", "conf.py", "dodo.py", "hatch_build.py"}
_BUILD_SETTINGS = {"static", "collectstatic", "staticfiles", "build"}
"""Settings modules for the image build (`DJANGO_SETTINGS_MODULE=app.settings.static manage.py collectstatic`):
they never serve a request, so their throwaway key or debug value is not what production runs."""
_DOCS_BUILD_SETTINGS = {"docs", "doc", "sphinx", "documentation", "rtd", "readthedocs"}
_DOCS_SETTINGS = deferred(r"^((docs?|sphinx|documentation|rtd|readthedocs)[._-](settings|config|conf)"
                          r"|(settings|config|conf)[._-](docs?|sphinx|documentation|rtd|readthedocs))$", re.IGNORECASE)
"""Settings modules for the documentation build (`settings/docs_settings.py`, "the bare minimum needed for Sphinx to
import each file", that `docs/conf.py` selects; `settings/sphinx.py`; `rtd_config.py`, which the app factory for the
Read the Docs build loads, `rtd` and `readthedocs` naming that build): like the image build's, they never serve a
request, so no deploy runs them — they are not the settings a process runs."""
_TOOL_DIRS = {"tools", "tooling", "devtools"}
"""A repository-level tools directory holds one-off and maintenance scripts (a seed or conversion tool);
deeper down, `tools/` may be app code (an agent's tools), so only the top level counts."""
_DEV_DIRS = {"devproject", "devsite", "devenv"}
_DEV_TOOL_DIRS = {".claude", ".cursor", ".windsurf", ".continue", ".aider", ".vscode", ".idea", ".zed", ".fleet",
                  ".husky", ".githooks"}
"""Hidden directories of a developer's editor, coding assistant or git hooks (`.claude/hooks/session_start.py`
loading `.env` into an assistant's shell, `.vscode/`, `.idea/`): tooling a developer's session runs, never a
service process. Only at the top of the repository; CI (`.github/scripts/`) and `.devcontainer/` are build
tooling (`_TOOLING_DIRS`)."""
_TEST_WORD = deferred(r"(?:^|[._-])(test|tests|testing|unittests?|pytest|ci|circleci|travis|jenkins|buildkite|codebuild"
                      r"|e2e|integration)(?:$|[._-])", re.IGNORECASE)
"""A settings or deploy file named for tests or the CI service that runs them (`settings/circleci.py`,
`docker-compose.travis.yml`, `docker-compose-codebuild.yaml` for AWS CodeBuild): CI selects it, production never
does."""
_CI_WORD = deferred(r"(?:^|[._-])(ci|circleci|travis|jenkins|buildkite|codebuild)(?:$|[._-])", re.IGNORECASE)
_SETTINGS_STEM = deferred(r"(?:^|[._-])(settings|config|conf)(?:$|[._-])", re.IGNORECASE)
"""A settings module named for the CI service that runs the tests (`settings_ci.py`, `ci_settings.py`, beside
`settings.py` at the top of the repository): the CI workflow selects it (`--settings=settings_ci`), production never
does."""
_TEST_MODULE_WORD = deferred(r"(?:^|[._-])(test|tests|testing|unittests?|pytest|e2e)(?:$|[._-])", re.IGNORECASE)
_GLUED_TEST_SETTINGS = deferred(
    r"^tests?(?:ing)?(?:settings?|config|conf|cfg)(?:$|[._-])"
    r"|^tests?(?:ing)?(?:mysql|mariadb|maria|postgres(?:ql)?|pg(?:sql)?|psql|sqlite3?|oracle|mssql|mongo(?:db)?|redis"
    r"|db|database|docker|local|ci|travis|jenkins|unit|integration|e2e|runner)(?:$|[._-])", re.IGNORECASE)
"""A settings module named for tests with the words run together: `testsettings.py` anywhere, and inside a settings
package `settings/testmysql.py` (the database the test run uses: archivematica's `DJANGO_SETTINGS_MODULE=settings.testmysql`
that only its test Makefile and integration compose select), `settings/testci.py`. Only `test` glued to a settings
word or a database or environment name: `testimonials.py`, `testcase.py` and `testprovider.py` are app code."""
_SETTINGS_SUFFIXES = ("settings", "setting", "config", "conf", "cfg")


def _glued_test_settings(p: _Path) -> bool:
    found = _GLUED_TEST_SETTINGS.match(p.stem)
    return found is not None and (p.dirs.settings or found[0].rstrip("._-").endswith(_SETTINGS_SUFFIXES))


_EXAMPLE_WORD = deferred(r"(?:^|[._-])(example|sample)(?:$|[._-])", re.IGNORECASE)
_DEV_NAMES = {"procfile.windows"}
"""`Procfile.windows` is Heroku's file for `heroku local` on a Windows laptop; the router never runs it."""
_DEPLOY_WORD = deferred(r"(?:^|[._-])(deploy|deployment|release|live|azure|az|aws|gcp|gke|eks|aks)(?:$|[._-])",
                          re.IGNORECASE)
"""A deploy file named for where it deploys: its plain sibling is the local one."""


@dataclass(frozen=True)
class _Dirs:
    """What a path's directories (lower-case) say, worked out once per directory."""

    test: bool
    test_setup: bool
    """A directory with a test word among others in its name (`docker/test-server/`, `deploy/e2e_stack/`)."""
    migration: bool
    docs: bool
    tooling: bool
    script: bool
    dev: bool
    settings: bool
    """Under a `settings/`, `config/`, `configs/` or `conf/` directory."""
    depth: int


@lru_cache(maxsize=4096)
def _dirs(dirs: tuple[str, ...]) -> _Dirs:
    return _Dirs(
        test=any(d in _TEST_DIRS or _TEST_DIR.match(d) or _PYTEST_PLUGIN_DIR.search(d) for d in dirs),
        test_setup=any(_TEST_MODULE_WORD.search(d) for d in dirs),
        migration="migrations" in dirs or ("alembic" in dirs and "versions" in dirs) or "migrate" in dirs,
        docs=any(d in _DOC_DIRS or d in _RETIRED_DIRS for d in dirs),
        tooling=any(d in _TOOLING_DIRS for d in dirs),
        script=("management" in dirs and "commands" in dirs) or any(d in _SCRIPT_DIRS for d in dirs)
        or bool(dirs) and dirs[0] in _TOOL_DIRS,
        dev=bool(dirs) and dirs[0] in _DEV_TOOL_DIRS
        or any(d in _DEV_DIRS or re.split(r"[._-]", d, maxsplit=1)[0] in ENVIRONMENT_WORDS - {"local"} for d in dirs),
        settings=any(d in {"settings", "config", "configs", "conf"} for d in dirs),
        depth=len(dirs),
    )


class _Path(NamedTuple):
    """A path as the role tests read it (a tuple: made for every file discovered)."""

    dirs: _Dirs
    name: str
    stem: str
    """The name without `.py`."""
    python: bool


_RULES: tuple[tuple[str, Callable[[_Path], bool]], ...] = (
    # a test word anywhere in a module's name: `test_views.py`, `create_ci_test_db.py`, `config_testing.py`
    (TEST, lambda p: p.dirs.test or p.name == "conftest.py" or bool(_TEST_MODULE_WORD.search(p.stem))),
    (MIGRATION, lambda p: p.dirs.migration),
    (DOCS, lambda p: p.dirs.docs or p.python and bool(_EXAMPLE_WORD.search(p.stem))),
    # a `setup.py` deep inside a package (`src/app/core/setup.py`) is app code that sets the app up
    (BUILD, lambda p: p.name in _BUILD_FILES and (p.name != "setup.py" or p.dirs.depth <= 2)
     or p.dirs.tooling or p.dirs.settings and p.python and p.stem in _BUILD_SETTINGS | _DOCS_BUILD_SETTINGS
     or p.python and bool(_DOCS_SETTINGS.match(p.stem))),
    (SCRIPT, lambda p: p.dirs.script),
    # a word in the name marks settings and deploy files (`settings/test.py`, `docker-compose.ci.yml`), not any module;
    # so does one in a directory's name (`docker/test-server/Dockerfile`: a test setup's image, not production's)
    (TEST, lambda p: (bool(_TEST_WORD.search(p.stem)) or p.dirs.test_setup) and (p.dirs.settings or not p.python)),
    (TEST, lambda p: p.python and bool(_CI_WORD.search(p.stem)) and bool(_SETTINGS_STEM.search(p.stem))),
    # `settings/testmysql.py`, `testsettings.py`: test settings with the words run together
    (TEST, lambda p: p.python and _glued_test_settings(p)),
    (PROD, lambda p: names_prod_file(p.name)),  # named for production: never a dev file
    (DEV, lambda p: names_dev_file(p.stem)
     and (p.dirs.settings or not p.python or "settings" in p.stem or "config" in p.stem)),
    (DEV, lambda p: p.dirs.dev or p.name in _DEV_NAMES),
)
"""(role, test) in order: the first test a path passes gives its role; a path that passes none is PROD."""


def classify(rel_path: str) -> str:
    """Role of a root-relative POSIX path."""
    *parents, name = rel_path.lower().split("/")
    dirs = tuple(part for part in parents if part and part != ".")
    python = name.endswith(".py")
    stem = name.rsplit(".", 1)[0] if python else name
    if name == "__init__.py" and dirs:  # a settings package (`settings/debug/__init__.py`) is named by its directory
        stem, dirs = dirs[-1], dirs[:-1]
    facts = _Path(_dirs(dirs), name, stem, python)
    for role, test in _RULES:
        if test(facts):
            return role
    return PROD


def _name(rel_path: str) -> str:
    """A relative POSIX path's last part (as `PurePosixPath(rel_path).name`, without building one: deploy
    checks ask it of every file of a project)."""
    return rel_path.rstrip("/").rpartition("/")[2]


def is_prod_named(rel_path: str) -> bool:
    """A file named for production (`docker-compose.prod.yml`, `settings/production.py`) is never a dev file."""
    return names_prod_file(_name(rel_path))


def is_dev_named(rel_path: str) -> bool:
    """A file named for development (`entrypoint-dev.sh`, `start.local.sh`), whatever its directory says."""
    return names_dev_file(_name(rel_path))


def _named_image(path: str) -> bool:
    name = _name(path).lower()
    return name not in {"dockerfile", "containerfile"} and ("dockerfile" in name or "containerfile" in name)


def dev_by_sibling(paths: list[str]) -> set[str]:
    """Deploy files that a `*prod*` sibling of the same kind marks as the development variant.

    `docker-compose.yml` beside `docker-compose.prod.yml` (or `Dockerfile` beside `Dockerfile.prod`,
    `docker-compose.yml` beside `az-docker-compose.yml` or `docker-compose.deploy.yml`) is the one used
    on a laptop: the repository names its production (deployment) file explicitly. A Dockerfile named for
    what it builds (`Dockerfile.nginx`, `Dockerfile.heroku`, `worker.Dockerfile`) is an image of its own, not
    the development variant: only a plain `Dockerfile` is.
    """
    by_dir: dict[str, list[str]] = {}
    for path in paths:
        by_dir.setdefault(path.rstrip("/").rpartition("/")[0], []).append(path)
    dev = set()
    for siblings in by_dir.values():
        deployed = {p for p in siblings if is_prod_named(p) or _DEPLOY_WORD.search(_name(p))}
        if deployed:
            dev |= {p for p in siblings if p not in deployed and classify(p) == PROD and not _named_image(p)}
    return dev
