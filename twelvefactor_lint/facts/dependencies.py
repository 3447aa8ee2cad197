"""Facts about dependency declarations (requirements files, pyproject.toml, Pipfile, setup.cfg): link checks
each Python import against them."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, doc, kind


@kind("dependencies.declared")
class Declared(Fact):
    """The distributions one declaration file names."""

    names: tuple[str, ...] = doc("The distributions it names, normalised and sorted (with those of the requirements "
                                 "files it includes, added by link).")
    own: str = doc("The project's own distribution, when the file declares one (pyproject `name`); else `\"\"`.")
    declares: bool = doc("The file declares the project's dependencies (not only tools or a build system).")
    dynamic: bool = doc("Its dependencies are dynamic (read from elsewhere at build): nothing can be checked.")
    includes: tuple[str, ...] = doc("The requirements files it includes (`-r base.txt`), relative to the project root.")
