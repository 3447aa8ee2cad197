"""Facts about dependency declarations (requirements files, pyproject.toml, Pipfile, setup.cfg, conda
environment files) and lock files: link checks each Python import against them."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, doc, kind


@kind("dependencies.declared")
class Declared(Fact):
    """The distributions one declaration file names."""

    names: tuple[str, ...] = doc("The distributions it names, normalised and sorted (with those of the requirements "
                                 "files it includes, added by link); a requirement's extras both as names and as "
                                 "`name[extra]` (`fastapi[standard]`).")
    own: str = doc("The project's own distribution, when the file declares one (pyproject `name`); else `\"\"`.")
    declares: bool = doc("The file declares the project's dependencies (not only tools or a build system).")
    dynamic: bool = doc("Its dependencies are dynamic (read from elsewhere at build): nothing can be checked.")
    includes: tuple[str, ...] = doc("The requirements files it includes (`-r base.txt`), relative to the project root.")
    locked: tuple[str, ...] = doc("For a lock file (poetry.lock, uv.lock, pdm.lock, pylock.toml, Pipfile.lock, "
                                  "`requirements*.lock`): every distribution it pins, normalised and sorted.", default=())
    unnamed: tuple[str, ...] = doc("Requirements installed from a URL that names no distribution (no `#egg=`), "
                                   "shortened to 80 characters.", default=())
    scripts: tuple[str, ...] = doc("The console scripts it declares, each `name=module:function` (pyproject "
                                   "`[project.scripts]` or Poetry's, setup.cfg or setup.py `console_scripts`), sorted.",
                                   default=())
    ranged: tuple[str, ...] = doc("The production requirements given as ranges or bare names rather than one exact "
                                  "version (`flask>=3`, `celery`), normalised and sorted.", default=())


@kind("dependencies.unlocked")
class Unlocked(Fact):
    """An application's declaration gives ranges that no lock file pins (made by link, when the project starts a
    process and no lock file or fully pinned requirements file is in the declaration's directory or above)."""

    count: int = doc("How many requirements are ranges or bare names.")
    ranged: str = doc("The first of them, comma-separated (`flask, gunicorn and 3 more`).")
