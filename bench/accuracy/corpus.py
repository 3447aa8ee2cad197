"""corpus.yaml, read once for checkout.py, run.py and score.py: which repository, at which commit,
in which half. Repository code never lives here; these are names and commits only."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
HALVES = ("tune", "report")
_REPO = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*/[A-Za-z0-9][A-Za-z0-9_.-]*$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


@dataclass(frozen=True)
class Entry:
    repo: str  # owner/name
    commit: str
    half: str
    stack: tuple[str, ...]

    @property
    def slug(self) -> str:
        """File name stem of its labels and run: owner__name."""
        return self.repo.replace("/", "__")

    @property
    def checkout_name(self) -> str:
        """Directory name of its checkout (and of a fetched mirror): owner+name."""
        return self.repo.replace("/", "+")


class CorpusError(ValueError):
    """corpus.yaml (or a label file) is not of the documented shape."""


def is_commit(value: object) -> bool:
    return isinstance(value, str) and bool(_COMMIT.match(value))


def load(path: Path = HERE / "corpus.yaml", half: str | None = None) -> list[Entry]:
    """The entries of corpus.yaml (of one half if given); raises CorpusError on a malformed file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries, seen = [], set()
    for i, item in enumerate(data.get("repos") or []):
        where = f"{path.name}: repos[{i}]"
        if not isinstance(item, dict):
            raise CorpusError(f"{where}: not a mapping")
        repo, commit, part = item.get("repo"), item.get("commit"), item.get("half")
        if not isinstance(repo, str) or not _REPO.match(repo):
            raise CorpusError(f"{where}: repo must be owner/name, got {repo!r}")
        if not is_commit(commit):
            raise CorpusError(f"{where}: commit of {repo} must be 40 lowercase hex digits")
        if part not in HALVES:
            raise CorpusError(f"{where}: half of {repo} must be one of {HALVES}, got {part!r}")
        if repo in seen:
            raise CorpusError(f"{where}: {repo} listed twice")
        seen.add(repo)
        stack = item.get("stack") or []
        if not isinstance(stack, list) or not all(isinstance(s, str) for s in stack):
            raise CorpusError(f"{where}: stack of {repo} must be a list of words")
        entries.append(Entry(repo, commit, part, tuple(stack)))
    return [e for e in entries if half is None or e.half == half]
