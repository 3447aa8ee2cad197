"""The role a file plays in the project, from its path alone.

Twelve-factor judges what runs in production. Tests, migrations, scripts and docs
are not judged by default; dev-only files are judged one severity lower.
"""

from __future__ import annotations

import re
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


def classify(rel_path: str) -> str:
    """Role of a root-relative POSIX path."""
    path = PurePosixPath(rel_path)
    dirs = [part.lower() for part in path.parts[:-1]]
    name = path.name.lower()
    stem = name.rsplit(".", 1)[0] if name.endswith(".py") else name

    if (any(d in _TEST_DIRS for d in dirs) or name == "conftest.py" or stem in {"test", "tests"}
            or stem.startswith("test_") or stem.endswith("_test")):
        return TEST
    if "migrations" in dirs or ("alembic" in dirs and "versions" in dirs) or "migrate" in dirs:
        return MIGRATION
    if any(d in _DOC_DIRS for d in dirs):
        return DOCS
    if name in _BUILD_FILES or any(d in _TOOLING_DIRS for d in dirs):
        return BUILD
    if "management" in dirs and "commands" in dirs or any(d in _SCRIPT_DIRS for d in dirs):
        return SCRIPT
    settings_dir = any(d in {"settings", "config", "configs", "conf"} for d in dirs)
    if _TEST_WORD.search(stem) and (settings_dir or not name.endswith(".py")):
        return TEST
    if _DEV_WORD.search(stem) and (settings_dir or not name.endswith(".py") or "settings" in stem or "config" in stem):
        return DEV
    return PROD


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
