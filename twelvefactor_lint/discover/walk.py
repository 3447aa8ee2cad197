"""Discover: walk the given paths and classify each file by kind and role.

`.gitignore` files (nested ones too) are honoured through pathspec; directory
symlinks are never followed, so a symlink loop cannot trap the walk, and a file
symlink that leads outside the project root is skipped with a reason.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

import pathspec

from twelvefactor_lint.discover import scope

PYTHON, DOCKERFILE, COMPOSE, PROCFILE, PROXY_CONFIG, SUPERVISORD = (
    "python", "dockerfile", "compose", "procfile", "proxy_config", "supervisord")

DEFAULT_EXCLUDE = (
    ".git/", ".hg/", ".svn/", ".bzr/", ".venv/", "venv/", ".direnv/", "node_modules/", "__pycache__/",
    "build/", "dist/", ".eggs/", "*.egg-info/", "site-packages/", ".tox/", ".nox/", ".mypy_cache/",
    ".pytest_cache/", ".ruff_cache/", ".hypothesis/", ".12f-lint-cache/",
)

_DOCKERFILE = re.compile(r"^(?:dockerfile|containerfile)(?:\..+)?$|^.+\.(?:dockerfile|containerfile)$", re.IGNORECASE)
_COMPOSE = re.compile(r"^(?:docker-)?compose(?:[.-][^/]*)?\.ya?ml$", re.IGNORECASE)
_PROCFILE = re.compile(r"^Procfile(?:\.[\w.-]+)?$")


def kind_of(name: str, parent: str = "") -> str | None:
    """The analyzer kind for a file name (and its directory's path), or None for files 12f-lint does not read."""
    if name.endswith(".py"):
        return PYTHON
    if _DOCKERFILE.match(name):
        return DOCKERFILE
    if _COMPOSE.match(name):
        return COMPOSE
    if _PROCFILE.match(name):
        return PROCFILE
    lowered = name.lower()
    if lowered.endswith(".conf") and ("supervisor" in lowered or "supervisor" in parent.lower()):
        return SUPERVISORD
    return _proxy_kind(name, parent.lower())


def _proxy_kind(name: str, parent: str) -> str | None:
    """nginx configs (`nginx.conf`, `*.conf` under an nginx, conf.d or sites-* directory) and HAProxy's."""
    lowered = name.lower()
    if lowered.startswith("haproxy") and lowered.endswith(".cfg") or "haproxy" in parent and lowered.endswith(".cfg"):
        return PROXY_CONFIG
    if lowered == "nginx.conf" or lowered.endswith((".nginx", ".nginx.conf")):
        return PROXY_CONFIG
    in_nginx_dir = any(part in parent for part in ("nginx", "conf.d", "sites-available", "sites-enabled"))
    if in_nginx_dir and (lowered.endswith((".conf", ".conf.template")) or lowered == "default"):
        return PROXY_CONFIG
    return None


@dataclass(frozen=True)
class SourceFile:
    path: Path
    rel: str
    kind: str
    role: str


@dataclass(frozen=True)
class Skipped:
    rel: str
    reason: str


@dataclass(frozen=True)
class Discovery:
    files: tuple[SourceFile, ...]
    skipped: tuple[Skipped, ...]


def discover(
    paths: Iterable[Path],
    root: Path,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
) -> Discovery:
    """Files of known kinds under `paths`, sorted by relative path, plus what was skipped."""
    walker = _Walker(root.resolve(), pathspec.GitIgnoreSpec.from_lines(list(exclude)), respect_gitignore)
    found: dict[str, SourceFile] = {}
    skipped: dict[str, Skipped] = {}
    for given in paths:
        for item in walker.walk(Path(given), force_exclude):
            if isinstance(item, SourceFile):
                found.setdefault(item.rel, item)
            else:
                skipped.setdefault(item.rel, item)
    for kind in (DOCKERFILE, COMPOSE):
        for rel in scope.dev_by_sibling([f.rel for f in found.values() if f.kind == kind]):
            found[rel] = replace(found[rel], role=scope.DEV)
    return Discovery(tuple(found[k] for k in sorted(found)), tuple(skipped[k] for k in sorted(skipped)))


class _Walker:
    def __init__(self, root: Path, excludes: pathspec.GitIgnoreSpec, respect_gitignore: bool):
        self.root = root
        self.excludes = excludes
        self.respect_gitignore = respect_gitignore
        self._ignore_specs: dict[Path, pathspec.GitIgnoreSpec | None] = {}

    def walk(self, given: Path, force_exclude: bool) -> Iterator[SourceFile | Skipped]:
        absolute = Path(os.path.abspath(given))
        if not os.path.lexists(absolute):
            yield Skipped(self._rel(absolute), "path does not exist")
            return
        rel = self._rel(absolute)
        ignored = rel != "." and self._ignored(absolute, absolute.is_dir(), self.root)
        if force_exclude and ignored:
            return
        if absolute.is_dir() and not absolute.is_symlink():
            # A directory the user names although it is excluded or gitignored is linted as asked:
            # excludes and .gitignore files then apply from that directory down, not from above it.
            yield from self._walk_dir(absolute, absolute if ignored else self.root)
        else:
            item = self._file(absolute, explicit=True)
            if item is not None:
                yield item

    def _walk_dir(self, top: Path, floor: Path) -> Iterator[SourceFile | Skipped]:
        stack = [top]
        while stack:
            directory = stack.pop()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as error:
                yield Skipped(self._rel(directory) + "/", f"unreadable directory: {error.strerror or error}")
                continue
            subdirs = []
            for entry in entries:
                path = Path(entry.path)
                try:
                    is_link = entry.is_symlink()
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_dir:
                    if not self._ignored(path, True, floor) and not os.path.exists(path / "pyvenv.cfg"):
                        subdirs.append(path)
                    continue
                if is_link and os.path.isdir(path):
                    if kind_of(entry.name) is None and not self._ignored(path, True, floor):
                        yield Skipped(self._rel(path), "symlink to a directory, not followed")
                    continue
                if self._ignored(path, False, floor):
                    continue
                item = self._file(path, explicit=False)
                if item is not None:
                    yield item
            stack.extend(reversed(subdirs))

    def _file(self, path: Path, explicit: bool) -> SourceFile | Skipped | None:
        rel = self._rel(path)
        kind = kind_of(path.name, posixpath.dirname(rel))
        if kind is None:
            # A named shell script is read through the start chain that runs it (focus reports on it); other
            # extension-less files are what pre-commit passes because a script might be among them.
            if not explicit or _extensionless(path.name) or is_shell_script(path):
                return None
            return Skipped(rel, "not a file kind 12f-lint reads")
        try:
            is_link = path.is_symlink()
        except OSError as error:  # in a directory that can be listed but not entered
            return Skipped(rel, f"unreadable: {error.strerror or error}")
        if is_link:
            try:
                target = path.resolve(strict=True)
            except (OSError, RuntimeError):
                return Skipped(rel, "broken or looping symlink")
            if not _is_within(target, self.root):
                return Skipped(rel, "symlink to a file outside the project root")
        if not path.is_file():
            return Skipped(rel, "not a regular file")
        return SourceFile(path, rel, kind, scope.classify(rel))

    def _rel(self, path: Path) -> str:
        try:
            return _printable(PurePosixPath(path.relative_to(self.root)).as_posix())
        except ValueError:
            return _printable(path.as_posix())

    def _ignored(self, path: Path, is_dir: bool, floor: Path) -> bool:
        """Excluded by the config's patterns or a .gitignore, both read from `floor` down."""
        rel = PurePosixPath(path.relative_to(floor)).as_posix() if _is_within(path, floor) else self._rel(path)
        probe = rel + "/" if is_dir else rel
        if self.excludes.match_file(probe):
            return True
        if not self.respect_gitignore or not _is_within(path, floor):
            return False
        for base in _ancestors(path.parent, floor):
            spec = self._gitignore(base)
            if spec is None:
                continue
            local = PurePosixPath(path.relative_to(base)).as_posix()
            result = spec.check_file(local + "/" if is_dir else local)
            if result.include is not None:
                return bool(result.include)
        return False

    def _gitignore(self, directory: Path) -> pathspec.GitIgnoreSpec | None:
        if directory not in self._ignore_specs:
            lines: list[str] = []
            for name in (".gitignore", ".git/info/exclude"):
                try:
                    lines += (directory / name).read_text(encoding="utf-8", errors="replace").splitlines()
                except OSError:
                    pass
            self._ignore_specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        return self._ignore_specs[directory]


_SHELLS = re.compile(rb"#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+)?(?:sh|bash|dash|ash|ksh|zsh)\b")


def _extensionless(name: str) -> bool:
    return "." not in name.lstrip(".")


def is_shell_script(path: Path) -> bool:
    """A `.sh`/`.bash` file, or an extension-less one whose first line is a shell's shebang."""
    if path.name.endswith((".sh", ".bash")):
        return True
    if not _extensionless(path.name):
        return False
    try:
        with open(path, "rb") as handle:
            return bool(_SHELLS.match(handle.read(128)))
    except OSError:
        return False


def _printable(name: str) -> str:
    """A file name's bytes that are not UTF-8 (surrogates after os.fsdecode) as `\\xff` escapes, so
    every report stays valid UTF-8; the file itself is still read through its real path."""
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate from a UTF-16 file system
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _ancestors(directory: Path, root: Path) -> Iterator[Path]:
    """From `directory` up to and including `root`, deepest first."""
    current = directory
    while True:
        yield current
        if current == root or current.parent == current:
            return
        current = current.parent


def _is_within(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False
