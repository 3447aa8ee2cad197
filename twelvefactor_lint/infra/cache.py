"""The facts cache: a file's analysis, kept between runs outside the scanned tree.

Facts, not findings, are cached, so a rule change never needs a flush. An entry's key hashes
what the facts depend on: the code that made them (tool version, `ANALYZER_VERSION`, a stamp of
this package's and the parsers' files, the Python version), the file's kind, its path (context
comes from it) and its content. Each project has one pack file (per code stamp) mapping each
file's size, mtime and inode to its key and its facts, so an unchanged file is not even read and a
warm run decodes one JSON file; a file modified in the last seconds is re-hashed next time, as its
mtime alone cannot tell a later same-second edit.

Every write is a temporary file and `os.replace`, so concurrent runs and a killed run leave
a whole pack or none; an unreadable or corrupt pack or entry is a miss. Packs unused for
`MAX_AGE` are pruned, at most once a day. The cache only speeds a run up: any error reading or
writing it leaves the run as it would be without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

from twelvefactor_lint import __version__
from twelvefactor_lint.analyze import ANALYZER_VERSION
from twelvefactor_lint.discover.sources import digest, read_up_to
from twelvefactor_lint.discover.walk import SourceFile
from twelvefactor_lint.infra.external import newer_pythons

if TYPE_CHECKING:  # imported where the facts are decoded: a replayed run imports no fact classes
    from twelvefactor_lint.facts import FileAnalysis

TAG_SIGNATURE = "Signature: 8a477f597d28d172789f06886806bc55"
MAX_AGE = 30 * 86400
_REFRESH_AGE = 86400
RACY_NS = 3_000_000_000
_PARSERS = ("yaml", "dockerfile_parse", "tree_sitter", "tree_sitter_bash", "pathspec")
"""The libraries whose code the cached data depends on (pathspec: which files discovery finds)."""


def default_dir() -> Path:
    """`$XDG_CACHE_HOME/12f-lint`, else the platform's user cache directory."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):
        base = Path(xdg)
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    elif os.name == "nt":
        base = Path(os.environ.get("LOCALAPPDATA") or Path.home() / "AppData" / "Local")
    else:
        base = Path.home() / ".cache"
    return base / "12f-lint"


def location(root: Path, configured: str | None) -> Path:
    """The cache directory: the configured one (relative to the project root), else `default_dir()`."""
    return root / configured if configured else default_dir()


def is_cache_dir(directory: Path) -> bool:
    """Whether `directory` is a cache this tool made (so `clean` may delete it)."""
    try:
        return (directory / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(TAG_SIGNATURE)
    except (OSError, UnicodeDecodeError):
        return False


def clean(directory: Path) -> bool:
    """Delete the cache in `directory`; False when there is none. Refuses (ValueError) a directory
    without this tool's `CACHEDIR.TAG`: `--cache-dir ~` must not cost a home directory."""
    if not directory.exists():
        return False
    if not is_cache_dir(directory):
        raise ValueError(f"{directory} is not a 12f-lint cache (no CACHEDIR.TAG of ours); not deleting it")
    import shutil

    shutil.rmtree(directory)
    return True


@lru_cache(maxsize=1)
def code_stamp() -> str:
    """What the facts depend on besides the file: versions, and the (name, size, mtime) of the code that
    makes them - so an edited checkout or an upgraded parser never reads facts an older one made."""
    newer = ",".join(newer_pythons())  # a file of newer syntax is analyzed by one of them, or skipped
    stamp = hashlib.blake2b(f"{__version__}|{ANALYZER_VERSION}|{sys.version}|{newer}".encode(), digest_size=16)
    roots = [Path(__file__).parent.parent]
    for name in _PARSERS:
        spec = find_spec(name)
        if spec is not None:
            roots += [Path(p) for p in spec.submodule_search_locations or [os.path.dirname(spec.origin or "")]]
    for root in roots:
        for directory, subdirs, files in os.walk(root):
            subdirs[:] = sorted(d for d in subdirs if d != "__pycache__")
            for name in sorted(files):
                info = os.stat(os.path.join(directory, name))
                stamp.update(f"{name}|{info.st_size}|{info.st_mtime_ns};".encode())
    return stamp.hexdigest()


class CachedSkip(str):
    """A reason a file is skipped that depends only on its content and the installed tools (syntax newer
    than this Python, with no newer one on PATH): kept like facts, so a warm run does not retry it."""


class FactsCache:
    """One project's analyses, in one file read once and written once per run.

    The pack maps each analyzed file's kind and path (`python:app/gunicorn.conf.py`: link may read a file again as
    another kind, and each reading keeps its own entry) to [kind, size, mtime, inode, key, analysis as plain data]:
    an unchanged file is a stat and a dictionary lookup (no per-file read or decode); a file whose stat
    changed is hashed and still hits when its content key is the same (a checkout, a touch). It also
    keeps, per file that was only scanned, whether linking may need it ([size, mtime, inode, flag]), and per
    file a focused run read only for reachability, that reading (`refs`: [size, mtime, inode, analysis])."""

    def __init__(self, directory: Path, root: Path):
        self.directory = directory
        self._stamp = code_stamp()
        self._path = project_file(directory, root, "pack")
        loaded = read_json(self._path)
        if not (isinstance(loaded, dict) and isinstance(loaded.get("analyses"), dict) and isinstance(loaded.get("scans"), dict)):
            loaded = {"analyses": {}, "scans": {}}
        if not isinstance(loaded.get("refs"), dict):
            loaded["refs"] = {}
        self._pack: dict[str, dict[str, list]] = loaded
        self._entries = loaded["analyses"]
        self._scans = loaded["scans"]
        self._refs = loaded["refs"]
        self._changed = False
        self._now = time.time()
        self._stats: dict[str, tuple[int, int, int]] = {}
        """Each file's (size, mtime, inode) as a lookup found it: what an entry made from it is kept under."""

    @property
    def empty(self) -> bool:
        """No analysis kept: a cold run."""
        return not self._entries

    def lookup(self, source: SourceFile, max_size: int) -> FileAnalysis | CachedSkip | None:
        """The cached analysis of `source` as it is now (or why it is skipped), or None."""
        try:
            info = os.stat(source.path)
        except OSError:
            return None
        if info.st_size > max_size:
            return None
        stat = self._stats[source.rel] = (info.st_size, info.st_mtime_ns, info.st_ino)
        known = self._entries.get(_slot(source))
        if not _valid(known):
            return None
        if known[:4] != [source.kind, *stat]:
            try:
                with open(source.path, "rb") as handle:
                    key = self._key(source, digest(read_up_to(handle, info.st_size, max_size)))
            except OSError:
                return None
            if key != known[4]:
                return None
            self._remember(source, key, known[5])
        return _decoded(known[5])

    def store(self, source: SourceFile, outcome: FileAnalysis | CachedSkip) -> None:
        """Keep an analysis under the hash of the content it was made from (one with an internal error is
        not kept: the next run tries again)."""
        if isinstance(outcome, CachedSkip):
            info = self._stats.get(source.rel)
            try:
                with open(source.path, "rb") as handle:
                    content = digest(handle.read(info[0] + 1 if info else -1))
            except OSError:
                return
            self._remember(source, self._key(source, content), {"skipped": str(outcome)})
            return
        if not outcome.digest or any(fact.kind == "internal_error" for fact in outcome.facts):
            return
        self._remember(source, self._key(source, outcome.digest), outcome)

    def scanned(self, source: SourceFile, max_size: int) -> bool | None:
        """What the last scan of `source` found, when the file is unchanged since (else None)."""
        try:
            info = os.stat(source.path)
        except OSError:
            return None
        stat = self._stats[source.rel] = (info.st_size, info.st_mtime_ns, info.st_ino)
        known = self._scans.get(source.rel)
        if info.st_size > max_size or not isinstance(known, list) or len(known) != 4:
            return None
        return bool(known[3]) if known[:3] == [*stat] else None

    def store_scan(self, source: SourceFile, found: bool) -> None:
        """Keep what a scan found, under the stat `scanned` took just before the file was read."""
        info = self._stats.get(source.rel)
        if info is None:
            return
        if info[1] > self._now * 1e9 - RACY_NS:
            return  # racily clean: scanned again next time
        entry = [*info, found]
        if self._scans.get(source.rel) != entry:
            self._scans[source.rel] = entry
            self._changed = True

    def refs(self, source: SourceFile, max_size: int) -> FileAnalysis | CachedSkip | None:
        """The file's reachability reading (`analyze.python.analyze_refs`) when it is unchanged since, else None;
        a whole analysis kept for it holds what that reading finds."""
        whole = self.lookup(source, max_size)
        if whole is not None:
            return whole
        info = self._stats.get(source.rel)
        known = self._refs.get(source.rel)
        if info is None or not isinstance(known, list) or len(known) != 4 or known[:3] != [*info]:
            return None
        return _decoded(known[3])

    def store_refs(self, source: SourceFile, outcome: FileAnalysis | CachedSkip) -> None:
        """Keep a reachability reading under the stat `refs` took before the file was read."""
        info = self._stats.get(source.rel)
        if info is None or info[1] > self._now * 1e9 - RACY_NS:
            return
        if not isinstance(outcome, CachedSkip) and any(fact.kind == "internal_error" for fact in outcome.facts):
            return
        data = {"skipped": str(outcome)} if isinstance(outcome, CachedSkip) else outcome
        entry = [*info, data]
        if self._refs.get(source.rel) != entry:
            self._refs[source.rel] = entry
            self._changed = True

    def save(self) -> None:
        """Write the pack if this run changed it, and prune old packs once a day."""
        if self._changed:
            write_text(self._path, self._encoded())
        marker = self.directory / "last-prune"
        try:
            due = self._now - marker.stat().st_mtime > _REFRESH_AGE
        except OSError:
            due = True
        if due:
            _touch(marker)
            prune(self.directory, self._now - MAX_AGE)

    def _encoded(self) -> Iterator[str]:
        """The pack as JSON, an entry at a time: the analyses made in this run are kept as they are, not as plain
        data, and turned into JSON here one by one (never the whole pack's plain data, nor its text, at once)."""
        from twelvefactor_lint.facts import FileAnalysis

        yield "{"
        for number, part in enumerate(("analyses", "scans", "refs")):
            yield f'{"," if number else ""}"{part}":{{'
            for count, (slot, entry) in enumerate(self._pack[part].items()):
                if isinstance(entry, list) and entry and isinstance(entry[-1], FileAnalysis):
                    entry = [*entry[:-1], entry[-1].to_dict()]
                yield f'{"," if count else ""}{_dumps(slot)}:{_dumps(entry)}'
            yield "}"
        yield "}"

    def _key(self, source: SourceFile, content: str) -> str:
        return _hash(self._stamp, source.kind, source.rel, content)

    def _remember(self, source: SourceFile, key: str, data: dict | FileAnalysis) -> None:
        info = self._stats.get(source.rel)
        if info is None:
            return
        # racily clean (a same-second edit after this run would keep size and mtime): kept under its
        # content key only, so the next run hashes the file again
        size, mtime, inode = info
        recent = mtime > self._now * 1e9 - RACY_NS
        entry = [source.kind, -1 if recent else size, mtime, inode, key, data]
        if self._entries.get(_slot(source)) != entry:
            self._entries[_slot(source)] = entry
            self._changed = True


def _decoded(data: Any) -> FileAnalysis | CachedSkip | None:
    """An analysis (or skip reason) as the pack keeps it (one made in this run: as it is); None when it is of
    another shape."""
    from twelvefactor_lint.facts import FileAnalysis

    if isinstance(data, FileAnalysis):
        return data
    if not isinstance(data, dict):
        return None
    if isinstance(data.get("skipped"), str):
        return CachedSkip(data["skipped"])

    try:
        return FileAnalysis.from_dict(data)
    except (KeyError, TypeError, ValueError):
        return None


def _slot(source: SourceFile) -> str:
    return f"{source.kind}:{source.rel}"


def open_cache(directory: Path, root: Path) -> FactsCache | None:
    """The cache in `directory`, made (with `CACHEDIR.TAG` and a `.gitignore` of its own) when new;
    None when it cannot be made."""
    try:
        if not (directory / "CACHEDIR.TAG").is_file():
            if directory.exists() and any(directory.iterdir()):
                return None  # someone else's directory: never taken over, written to or pruned
            directory.mkdir(parents=True, exist_ok=True)
            (directory / ".gitignore").write_text("# Created by 12f-lint.\n*\n", encoding="utf-8")
            (directory / "CACHEDIR.TAG").write_text(
                f"{TAG_SIGNATURE}\n# This file is a cache directory tag created by 12f-lint.\n"
                "# For information about cache directory tags see https://bford.info/cachedir/\n", encoding="utf-8")
        return FactsCache(directory, root)
    except OSError:
        return None


def prune(directory: Path, older_than: float) -> None:
    """Remove entries and indexes last used before `older_than` (a timestamp)."""
    for part in ("facts", "projects"):
        for parent, _, files in os.walk(directory / part):
            for name in files:
                path = os.path.join(parent, name)
                try:
                    if os.stat(path).st_mtime < older_than:
                        os.unlink(path)
                except OSError:
                    pass


def _valid(entry: Any) -> TypeGuard[list[Any]]:
    """A pack entry: [kind, size, mtime, inode, key, analysis data (or the analysis itself, made in this run)]."""
    return isinstance(entry, list) and len(entry) == 6 and isinstance(entry[4], str)


def _hash(*parts: str) -> str:
    return hashlib.blake2b("\0".join(parts).encode("utf-8", "surrogateescape"), digest_size=16).hexdigest()


def project_file(directory: Path, root: Path, suffix: str) -> Path:
    """Where the cache keeps a project's `suffix` file (the pack, the run snapshot) for this code stamp."""
    return keyed_file(directory, suffix, str(root.resolve()))


def keyed_file(directory: Path, suffix: str, *key: str) -> Path:
    """Where the cache keeps a `suffix` file made from what `key` names, for this code stamp (pruned like a pack)."""
    return directory / "projects" / f"{_hash(code_stamp(), *key)}.{suffix}"


def read_json(path: Path) -> Any:
    """A pack's (or snapshot's) data, or None when it is missing or corrupt; one in use has its mtime refreshed
    daily, which keeps it from being pruned. JSON: one decode per run (pickle and marshal are no
    formats to read from a directory a config may point into the project)."""
    try:
        with open(path, "rb") as handle:
            data = json.loads(handle.read())
            if time.time() - os.fstat(handle.fileno()).st_mtime > _REFRESH_AGE:
                os.utime(path)
    except (OSError, ValueError, RecursionError):
        return None
    return data


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"))  # json.dump to a file encodes in pure Python


def write_json(path: Path, data: Any) -> bool:
    """Write atomically: readers see the old file or the new one, never a part."""
    return write_text(path, [_dumps(data)])


def write_text(path: Path, parts: Iterable[str]) -> bool:
    """Write `parts` one after another, atomically (see `write_json`)."""
    import tempfile  # only runs that write pay for it

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.writelines(parts)
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except (OSError, ValueError):
        return False
    return True


def _touch(path: Path) -> None:
    try:
        path.touch()
    except OSError:
        pass
