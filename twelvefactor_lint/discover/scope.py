"""The role a file plays in the project, from its path alone.

Twelve-factor judges what runs in production. Tests, migrations, scripts and docs
are not judged by default; dev-only files are judged one severity lower.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath

PROD, DEV, TEST, MIGRATION, SCRIPT, DOCS, BUILD = "prod", "dev", "test", "migration", "script", "docs", "build"
ROLES = (PROD, DEV, TEST, MIGRATION, SCRIPT, DOCS, BUILD)

_TEST_DIRS = {"tests", "test", "testing", "spec", "specs", "__tests__", "e2e", "integration_tests", "functional_tests"}
_DOC_DIRS = {"docs", "doc", "documentation", "examples", "example", "samples", "tutorial", "tutorials"}
_SCRIPT_DIRS = {"scripts", "script", "bin", "commands"}
_TOOLING_DIRS = {".devcontainer", ".github", ".gitlab", ".circleci"}
_BUILD_FILES = {"setup.py", "noxfile.py", "fabfile.py", "conf.py", "dodo.py", "hatch_build.py"}
_DEV_WORD = re.compile(r"(?:^|[._-])(dev|devel|development|local|override|debug)(?:$|[._-])", re.IGNORECASE)
_TEST_WORD = re.compile(r"(?:^|[._-])(test|tests|testing|pytest|ci|e2e)(?:$|[._-])", re.IGNORECASE)


@dataclass(frozen=True)
class _Path:
    dirs: tuple[str, ...]
    """The directories, lower-case."""
    name: str
    stem: str
    """The name without `.py`."""
    python: bool
    settings_dir: bool
    """Under a `settings/`, `config/`, `configs/` or `conf/` directory."""


_RULES: tuple[tuple[str, Callable[[_Path], bool]], ...] = (
    (TEST, lambda p: any(d in _TEST_DIRS for d in p.dirs) or p.name == "conftest.py" or p.stem in {"test", "tests"}
     or p.stem.startswith("test_") or p.stem.endswith("_test")),
    (MIGRATION, lambda p: "migrations" in p.dirs or ("alembic" in p.dirs and "versions" in p.dirs) or "migrate" in p.dirs),
    (DOCS, lambda p: any(d in _DOC_DIRS for d in p.dirs)),
    # a `setup.py` deep inside a package (`src/app/core/setup.py`) is app code that sets the app up
    (BUILD, lambda p: p.name in _BUILD_FILES and (p.name != "setup.py" or len(p.dirs) <= 2)
     or any(d in _TOOLING_DIRS for d in p.dirs)),
    (SCRIPT, lambda p: ("management" in p.dirs and "commands" in p.dirs) or any(d in _SCRIPT_DIRS for d in p.dirs)),
    # a word in the name marks settings and deploy files (`settings/test.py`, `docker-compose.ci.yml`), not any module
    (TEST, lambda p: bool(_TEST_WORD.search(p.stem)) and (p.settings_dir or not p.python)),
    (DEV, lambda p: bool(_DEV_WORD.search(p.stem))
     and (p.settings_dir or not p.python or "settings" in p.stem or "config" in p.stem)),
)
"""(role, test) in order: the first test a path passes gives its role; a path that passes none is PROD."""


def classify(rel_path: str) -> str:
    """Role of a root-relative POSIX path."""
    *parents, name = rel_path.lower().split("/")
    dirs = tuple(part for part in parents if part and part != ".")
    python = name.endswith(".py")
    facts = _Path(dirs, name, name.rsplit(".", 1)[0] if python else name, python,
                  any(d in {"settings", "config", "configs", "conf"} for d in dirs))
    return next((role for role, test in _RULES if test(facts)), PROD)


_PROD_WORD = re.compile(r"(?:^|[._-])(prod|production)(?:$|[._-])", re.IGNORECASE)


def dev_by_sibling(paths: list[str]) -> set[str]:
    """Deploy files that a `*prod*` sibling of the same kind marks as the development variant.

    `docker-compose.yml` beside `docker-compose.prod.yml` (or `Dockerfile` beside `Dockerfile.prod`)
    is the one used on a laptop: the repository names its production file explicitly.
    """
    by_dir: dict[str, list[str]] = {}
    for path in paths:
        by_dir.setdefault(str(PurePosixPath(path).parent), []).append(path)
    dev = set()
    for siblings in by_dir.values():
        if any(_PROD_WORD.search(PurePosixPath(p).name) for p in siblings):
            dev |= {p for p in siblings if not _PROD_WORD.search(PurePosixPath(p).name) and classify(p) == PROD}
    return dev
