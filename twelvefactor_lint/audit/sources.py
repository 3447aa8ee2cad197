"""What the audit audits: SOURCES on the command line become repositories, each with a unique name.

A SOURCE is a checkout (a directory with `.git` or with project files at its top), a directory of
checkouts (every other directory: each non-hidden subdirectory is one), a git URL, or a file listing
such sources one a line (`LOCATION [REF] [name=NAME]`, `#` comments; relative paths start at the
list's directory). A source that cannot be audited is still a repository of the audit, with the
reason, so that nothing asked for silently disappears.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from twelvefactor_lint.audit.schema import unique_names
from twelvefactor_lint.infra.external import ToolFailed, fetch_git, run_tool

_PROJECT_FILES = re.compile(
    r"(.*\.py|pyproject\.toml|setup\.cfg|requirements.*\.txt|Pipfile|poetry\.lock|Procfile|"
    r"([Dd]ockerfile|Containerfile)(\..*)?|.*\.Dockerfile|(docker-)?compose.*\.ya?ml)")
_URL = re.compile(r"^([a-z][a-z0-9+.-]*://|[\w.-]+@[\w.-]+:)", re.IGNORECASE)
_GIT_TIMEOUT = 30.0
"""Seconds for a local git query (the commit of a checkout); a clone gets the per-repository timeout."""


class SourceProblem(Exception):
    """A repository that cannot be audited: missing, not a directory, not reachable."""


@dataclass(frozen=True)
class Source:
    name: str
    location: str
    """A resolved absolute path (a symlinked checkout is linted as its target, as 12f-lint reads nothing
    through a link out of the project), or a git URL."""
    ref: str | None = None
    """The branch, tag or commit of a URL to audit (None: its default branch)."""
    problem: str | None = None
    """Why it cannot be audited, when that is known without doing any work."""

    @property
    def remote(self) -> bool:
        return bool(_URL.match(self.location))

    @property
    def key(self) -> str:
        """Identifies the source in the spool, so `--resume` knows what is done."""
        return f"{self.location}@{self.ref}" if self.ref else self.location

    @property
    def slug(self) -> str:
        return slug(self.name)


def slug(name: str) -> str:
    """A repository's name as a file name (its per-repository reports are named so)."""
    return re.sub(r"[^\w.-]+", "+", name).strip(".") or "repo"


def expand(arguments: Iterable[str]) -> list[Source]:
    """The repositories SOURCES name, in order, each once, with names made unique (`api`, `api-2`)."""
    found: dict[str, Source] = {}
    for argument in arguments:
        for candidate in _expand(argument, Path.cwd()):
            found.setdefault(candidate.key, candidate)  # a repository named twice is audited once
    names = unique_names(source.name for source in found.values())
    return [replace(source, name=name) for source, name in zip(found.values(), names, strict=True)]


def _expand(argument: str, base: Path) -> Iterator[Source]:
    if _URL.match(argument):
        yield Source(url_name(argument), argument)
        return
    path = (base / argument).resolve()
    if path.is_file():
        yield from _listed(path)
    elif not path.is_dir():
        yield Source(path.name or str(path), str(path), problem="no such directory")
    elif is_checkout(path):
        yield Source(path.name, str(path))
    else:
        for child in sorted(path.iterdir()):
            if child.is_dir() and not child.name.startswith("."):
                yield Source(child.name, str(child.resolve()))


def _listed(listing: Path) -> Iterator[Source]:
    try:
        lines = listing.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as error:
        yield Source(listing.name, str(listing), problem=f"cannot read the list: {error.strerror or error}")
        return
    for line in lines:
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        location, rest = words[0], words[1:]
        name = next((w[5:] for w in rest if w.startswith("name=") and len(w) > 5), None)
        ref = next((w for w in rest if not w.startswith("name=")), None)
        if _URL.match(location):
            yield Source(name or url_name(location), location, ref)
            continue
        path = (listing.parent / location).resolve()
        if ref is not None:
            yield Source(name or path.name, str(path), ref, problem="a ref is only for git URLs, not for a local path")
        elif not path.is_dir():
            yield Source(name or path.name, str(path), problem="not a directory" if path.exists() else "no such directory")
        else:
            yield Source(name or path.name, str(path))


def is_checkout(path: Path) -> bool:
    """A repository rather than a directory of them: it has `.git`, or project files at its top."""
    if (path / ".git").exists():
        return True
    try:
        return any(_PROJECT_FILES.fullmatch(entry.name) for entry in path.iterdir() if entry.is_file())
    except OSError:
        return True  # an unreadable directory is reported as that repository's failure


def url_name(url: str) -> str:
    """`https://github.com/acme/api.git` -> `acme/api`: the last two parts of the path."""
    path = re.sub(r"^[^:]+:(//[^/]*)?", "", url.rstrip("/"))
    parts = [p for p in path.split("/") if p]
    if parts:
        parts[-1] = parts[-1].removesuffix(".git")
    return "/".join(parts[-2:]) or url


def materialise(source: Source, work_dir: Path, timeout: float) -> Path:
    """The directory to lint: the local checkout, or a shallow clone of the URL into the work dir."""
    if source.problem:
        raise SourceProblem(source.problem)
    if not source.remote:
        path = Path(source.location)
        if not path.is_dir():
            raise SourceProblem("not a directory" if path.exists() else "no such directory")
        return path
    target = work_dir / "clones" / source.slug
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    try:
        fetch_git(source.location, source.ref, target, timeout=timeout)
    except ToolFailed as error:
        raise SourceProblem(str(error)) from None
    return target


def commit_of(path: Path) -> str | None:
    """The commit checked out at a git work tree's top, else None (an export, a plain directory)."""
    if not (path / ".git").exists():
        return None
    try:
        return run_tool("git", ["-C", str(path), "rev-parse", "HEAD"], timeout=_GIT_TIMEOUT,
                        untrusted_root=path).decode("ascii", "replace").strip() or None
    except ToolFailed:
        return None
