"""Discover: walk the given paths and classify each file by kind and role.

In a git work tree the file list is git's (`git ls-files`: tracked files and untracked ones no
.gitignore excludes); elsewhere `.gitignore` files (nested ones too) are honoured through pathspec,
compiled once per directory and matched on relative POSIX strings. Directory
symlinks are never followed, so a symlink loop cannot trap the walk, and a file
symlink that leads outside the project root is skipped with a reason.
"""

from __future__ import annotations

import os
import posixpath
import re
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvefactor_lint.discover import scope
from twelvefactor_lint.infra.deferred_re import deferred

if TYPE_CHECKING:  # imported where a pattern is translated: a warm run in a git work tree needs none (`Memo`)
    import pathspec

PYTHON, DOCKERFILE, COMPOSE, PROCFILE, PROXY_CONFIG, SUPERVISORD, KUBERNETES, PAAS, DEPENDENCIES, S6, SYSTEMD = (
    "python", "dockerfile", "compose", "procfile", "proxy_config", "supervisord", "kubernetes", "paas", "dependencies",
    "s6", "systemd")
LOG_SHIPPER = "log_shipper"

DEFAULT_EXCLUDE = (
    ".git/", ".hg/", ".svn/", ".bzr/", ".venv/", "venv/", ".direnv/", "node_modules/", "__pycache__/",
    "build/", "dist/", ".eggs/", "*.egg-info/", "site-packages/", ".tox/", ".nox/", ".mypy_cache/",
    ".pytest_cache/", ".ruff_cache/", ".hypothesis/", ".12f-lint-cache/",
)

_DOCKERFILE = re.compile(r"^(?:dockerfile|containerfile)(?:\..+|[-_][\w-]+)?$|^.+\.(?:dockerfile|containerfile)$",
                         re.IGNORECASE)
"""`Dockerfile`, `Dockerfile.prod`, `prod.Dockerfile`, and a suffix without a dot (`Dockerfile-prod`, `Dockerfile_web`:
no extension, so no script or document named like one)."""
_NOT_DOCKERFILES = (".dockerignore", ".md", ".rst", ".txt", ".orig", ".bak", ".swp", ".sh", ".json", ".lock",
                    ".py", ".js", ".mjs", ".ts", ".go", ".rb", ".html", ".css", ".yml", ".yaml", ".toml")
"""Files named after a Dockerfile that are not one: BuildKit's per-Dockerfile ignore file
(`Dockerfile.ui.dockerignore`), its documentation, an editor's or a merge's leftovers, a helper script, source
code about Dockerfiles (an editor's `dockerfile.js` snippets, a `dockerfile.py` module) or a config file."""
_COMPOSE = re.compile(r"^(?:(?:[\w.]+[-_.])?docker-)?compose(?:[.-][^/]*)?\.ya?ml$", re.IGNORECASE)
"""`compose.yaml`, `docker-compose.prod.yml`, and a prefixed one (`az-docker-compose.yml`, `prod.docker-compose.yml`)."""
_PROCFILE = re.compile(r"^Procfile(?:\.(?!(?:sh|bash)$)[\w.-]+)?$")
"""`Procfile`, `Procfile.dev`; not `Procfile.sh`, a shell script a Procfile line runs."""
_MANIFEST_HEAD = 65536
_API_VERSION = deferred(rb"^apiVersion:[ \t]*\S", re.MULTILINE)
_OBJECT_KIND = deferred(rb"^kind:[ \t]*\S", re.MULTILINE)
_DEPENDENCY_FILE = re.compile(r"^(?:[\w.-]*requirements[\w.-]*\.(?:txt|in|lock)|pyproject\.toml|Pipfile(?:\.lock)?|setup\.cfg"
                              r"|(?:poetry|uv|pdm)\.lock|pylock(?:\.[\w-]+)?\.toml|environment(?:[._-][\w.-]*)?\.ya?ml)$",
                              re.IGNORECASE)
_S6_FILE = re.compile(r"(?:^|/)(?:s6-overlay/s6-rc\.d|services\.d)/[^/]+/(?:run|up)$|(?:^|/)cont-init\.d/[^/]+$")
"""The s6-overlay files that start something: a longrun's `run`, a oneshot's `up`, a legacy cont-init script."""
_PAAS_NAMES = {"fly.toml", "render.yaml", "render.yml", "heroku.yml"}
_APP_ENGINE = (deferred(rb"^runtime:[ \t]*\S", re.MULTILINE), deferred(rb"^entrypoint:[ \t]*\S", re.MULTILINE))
_HEROKU_APP_JSON = deferred(rb'"(formation|buildpacks)"\s*:')
_SHIPPER_CONFIG = re.compile(r"(^|/)[^/]*(cloudwatch|fluent|td-agent|filebeat|promtail)[^/]*(/[^/]*)?$"
                             r"|(^|/)vector(/[^/]*|[._-][^/]*)$")
"""A log shipper's config, by its name or its directory's (`cloudwatch.json`, `fluent-bit/inputs.conf`,
`vector.toml`, `filebeat.yml`; a YAML one only when it is no manifest or compose file, and no CloudWatch one: the
agent's config is JSON or TOML): which log files it reads is what `process.log_file` findings need."""
HELM_VALUES = re.compile(r"^values(?:[._-][\w.-]*)?\.ya?ml$", re.IGNORECASE)
"""`values.yaml`, `values-uat.yaml`, `values.production.yml`: a Helm chart's values files (beside its Chart.yaml)."""


def kind_of(name: str, parent: str = "") -> str | None:
    """The analyzer kind for a file name (and its directory's path), or None for files 12f-lint does not read."""
    if name.endswith(".py"):
        return PYTHON
    if _DOCKERFILE.match(name) and not name.lower().endswith(_NOT_DOCKERFILES):
        return DOCKERFILE
    if _COMPOSE.match(name):
        return COMPOSE
    if _PROCFILE.match(name):
        return PROCFILE
    lowered = name.lower()
    if lowered in _PAAS_NAMES:
        return PAAS
    if _DEPENDENCY_FILE.match(name) or lowered.endswith((".txt", ".in")) and posixpath.basename(parent) == "requirements":
        return DEPENDENCIES
    if lowered.endswith(".conf") and ("supervisor" in lowered or "supervisor" in parent.lower()):
        return SUPERVISORD
    if lowered.endswith((".service", ".timer")):
        return SYSTEMD
    if lowered.endswith((".json", ".conf", ".toml")) and _SHIPPER_CONFIG.search(f"{parent.lower()}/{lowered}"):
        return LOG_SHIPPER
    if _S6_FILE.search(f"{parent}/{name}"):
        return S6
    if lowered.endswith(".tpl") and posixpath.basename(parent) == "templates":
        return KUBERNETES  # a Helm chart's helper templates: the env lists its manifests include
    return _proxy_kind(name, parent.lower())


_COMPOSE_SERVICES = deferred(rb"^services:[ \t]*\r?\n(?:[ \t]*(?:#.*)?\r?\n)*[ \t]+[\w.-]+:[ \t]*\r?$", re.MULTILINE)
"""A top-level `services:` mapping (its first entry a key, `web:`), not a list (GitLab CI's `services: - postgres`)."""
_COMPOSE_IMAGE = deferred(rb"^[ \t]+(?:image|build):", re.MULTILINE)


def content_kind(name: str, head: bytes) -> str | None:
    """The kind of a file that its name does not give: a Kubernetes manifest (or Helm template,
    kustomization) declares top-level `apiVersion:` and `kind:` keys in its first documents; an App
    Engine service file `runtime:` and `entrypoint:`; a Heroku app.json its `formation` or `buildpacks`; a compose
    file named for what it runs (`.docker/full-stack.yml`, `docker -f` takes any name) a top-level `services:`
    block whose services give an `image:` or `build:`."""
    lowered = name.lower()
    if lowered == "app.json":
        return PAAS if _HEROKU_APP_JSON.search(head) else None
    if not lowered.endswith((".yaml", ".yml")):
        return None
    if lowered in {"kustomization.yaml", "kustomization.yml"}:
        return KUBERNETES
    if _API_VERSION.search(head) and _OBJECT_KIND.search(head):
        return KUBERNETES
    if all(p.search(head) for p in _APP_ENGINE):
        return PAAS
    if _COMPOSE_SERVICES.search(head) and _COMPOSE_IMAGE.search(head):
        return COMPOSE
    return LOG_SHIPPER if _SHIPPER_CONFIG.search(lowered) and "cloudwatch" not in lowered else None


def by_content(name: str) -> bool:
    """A name whose kind only its content tells (any YAML file, app.json): pre-commit passes all of them."""
    lowered = name.lower()
    return lowered.endswith((".yaml", ".yml")) or lowered == "app.json"


def sniff_kind(path: Path) -> str | None:
    if not by_content(path.name):
        return None
    try:
        if not path.is_file():  # never open a FIFO or a device
            return None
        if HELM_VALUES.match(path.name) and (path.parent / "Chart.yaml").is_file():
            return KUBERNETES  # a Helm chart's values: what its templates render by default, or for one deploy
        with open(path, "rb") as handle:
            return content_kind(path.name, handle.read(_MANIFEST_HEAD))
    except OSError:
        return None


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
    path: str
    """The file's path on disk (a string: discovery makes one per file of a project)."""
    rel: str
    kind: str
    role: str
    stat_seen: tuple[int, int, int] | None = field(default=None, compare=False, repr=False)
    """(size, mtime_ns, inode) of a regular file as discovery saw it (None for a symlink, or a file not
    discovered), so a warm run's snapshot key does not stat every file a second time."""


@dataclass(frozen=True)
class Skipped:
    rel: str
    reason: str


@dataclass(frozen=True)
class Discovery:
    files: tuple[SourceFile, ...]
    skipped: tuple[Skipped, ...]


class Memo:
    """What discovery worked out about files, for a later run to take over instead of working it out again:
    the role of each path classified (a function of the path alone), the kind a YAML file's (or an
    app.json's) content gives, under the file's (size, mtime_ns, inode), and the regex pathspec makes of the
    exclude patterns (a function of the patterns and pathspec, which the code stamp covers). `replay` keeps it
    in the cache.

    `data` as `data()` gave it (anything else is an empty memo); a kind read from a file modified after
    `racy_after_ns` is not kept (a same-second edit would keep its stat)."""

    def __init__(self, data: Any, racy_after_ns: float):
        roles, kinds, excludes = (data.get("roles"), data.get("kinds"), data.get("excludes")) \
            if isinstance(data, dict) else (None, None, None)
        self._roles: dict[str, Any] = roles if isinstance(roles, dict) else {}
        self._kinds: dict[str, Any] = kinds if isinstance(kinds, dict) else {}
        self._excludes: dict[str, Any] = excludes if isinstance(excludes, dict) else {}
        self._used_excludes: set[str] = set()
        self._racy_after_ns = racy_after_ns
        self._used_roles: set[str] = set()
        self._used_kinds: set[str] = set()
        self.changed = False
        """Something was worked out that the memo did not hold: `data()` is worth keeping."""

    def role(self, path: str) -> str:
        """`scope.classify(path)`."""
        self._used_roles.add(path)
        role = self._roles.get(path)
        if not (isinstance(role, str) and role in scope.ROLE_SET):
            role = self._roles[path] = scope.classify(path)
            self.changed = True
        return role

    def content_kind(self, path: str, rel: str) -> str | None:
        """`sniff_kind(path)`; from the memo for a regular file whose stat is as it was."""
        name = os.path.basename(path)
        if not by_content(name):
            return None
        if HELM_VALUES.match(name):  # a values file's kind also depends on its chart
            return sniff_kind(Path(path))
        try:
            info = os.lstat(path)
        except OSError:
            return None
        if not stat.S_ISREG(info.st_mode):
            return sniff_kind(Path(path))
        seen = [info.st_size, info.st_mtime_ns, info.st_ino]
        self._used_kinds.add(rel)
        known = self._kinds.get(rel)
        if isinstance(known, list) and len(known) == 4 and known[:3] == seen and known[3] in _CONTENT_KINDS:
            return known[3]
        kind = sniff_kind(Path(path))
        if info.st_mtime_ns < self._racy_after_ns:
            self._kinds[rel] = [*seen, kind]
        else:
            self._kinds.pop(rel, None)
        self.changed = True
        return kind

    def joined_excludes(self, patterns: list[str]) -> str | None:
        """The one regex `_Excludes` matches `patterns` with, as pathspec translated them for an earlier run."""
        key = "\n".join(patterns)
        self._used_excludes.add(key)
        joined = self._excludes.get(key)
        return joined if isinstance(joined, str) else None

    def keep_excludes(self, patterns: list[str], joined: str) -> None:
        self._excludes["\n".join(patterns)] = joined
        self.changed = True

    def data(self) -> dict[str, Any]:
        """What a later run's memo is made from: the entries this run used (a file gone is forgotten)."""
        return {"roles": {path: self._roles[path] for path in self._used_roles},
                "kinds": {rel: self._kinds[rel] for rel in self._used_kinds if rel in self._kinds},
                "excludes": {key: self._excludes[key] for key in self._used_excludes if key in self._excludes}}


_CONTENT_KINDS = (KUBERNETES, PAAS, LOG_SHIPPER, None)
"""What `content_kind` can find."""


def discover(
    paths: Iterable[Path],
    root: Path,
    exclude: Iterable[str] = DEFAULT_EXCLUDE,
    respect_gitignore: bool = True,
    force_exclude: bool = False,
    memo: Memo | None = None,
) -> Discovery:
    """Files of known kinds under `paths`, sorted by relative path, plus what was skipped; with a `memo`, what
    it holds is taken over (and what it does not, added)."""
    walker = _Walker(str(root.resolve()), _Excludes(exclude, memo), respect_gitignore, memo)
    found: dict[str, SourceFile] = {}
    skipped: dict[str, Skipped] = {}
    for given in paths:
        for item in walker.walk(os.path.abspath(given), force_exclude):
            if isinstance(item, SourceFile):
                found.setdefault(item.rel, item)
            else:
                skipped.setdefault(item.rel, item)
    for kind in (DOCKERFILE, COMPOSE):
        for rel in scope.dev_by_sibling([f.rel for f in found.values() if f.kind == kind]):
            found[rel] = replace(found[rel], role=scope.DEV)
    return Discovery(tuple(found[k] for k in sorted(found)), tuple(skipped[k] for k in sorted(skipped)))


_ANY_DEPTH = "^(?:.+/)?"
"""How pathspec's regex of a pattern without a slash before its end (`build/`, `*.log`) begins: at any depth."""


class _Excludes:
    """The config's exclude patterns, matched on a relative POSIX path (a directory's ending in `/`).

    Without negations, any pattern matching decides, so the patterns are one compiled alternation
    instead of pathspec's loop over every pattern."""

    def __init__(self, patterns: Iterable[str], memo: Memo | None = None):
        patterns = list(patterns)
        self.directories_only = all(p.strip().endswith("/") and not p.strip().startswith("!") for p in patterns)
        """Every pattern names directories only: a file below none of them is never excluded itself."""
        self._spec: pathspec.GitIgnoreSpec | None = None
        self._joined: re.Pattern[str] | None = None
        kept = memo.joined_excludes(patterns) if memo is not None else None
        if kept is not None:  # pathspec's own translation, kept: a warm run in a git work tree never imports it
            self._joined = re.compile(kept)
            return
        import pathspec

        self._spec = pathspec.GitIgnoreSpec.from_lines(patterns)
        active = [(p.include, p.regex) for p in self._spec.patterns if p.include is not None and p.regex is not None]
        if all(include for include, _ in active):
            bodies = [regex.pattern.replace("(?P<ps_d>", "(?:") for _, regex in active]
            # `^(?:.+/)?` once before the patterns of any depth (most of them): the engine then backtracks over a
            # path once, not once per pattern
            deep = [body.removeprefix(_ANY_DEPTH) for body in bodies if body.startswith(_ANY_DEPTH)]
            parts = [f"{_ANY_DEPTH}(?:{'|'.join(f'(?:{body})' for body in deep)})"] if deep else []
            joined = "|".join([*parts, *(f"(?:{body})" for body in bodies if not body.startswith(_ANY_DEPTH))]) or "(?!)"
            self._joined = re.compile(joined)
            if memo is not None:
                memo.keep_excludes(patterns, joined)

    def match(self, path: str) -> bool:
        if self._joined is not None:
            return self._joined.match(path) is not None
        assert self._spec is not None  # one of the two is made
        return self._spec.match_file(path)


# One directory's .gitignore: (the directory's path relative to the walk's floor with a trailing `/`, or "").
_Chain = tuple[tuple[str, "pathspec.GitIgnoreSpec"], ...]


class _Walker:
    def __init__(self, root: str, excludes: _Excludes, respect_gitignore: bool, memo: Memo | None = None):
        self.root = root
        self.excludes = excludes
        self.respect_gitignore = respect_gitignore
        self._ignore_specs: dict[str, pathspec.GitIgnoreSpec | None] = {}
        self._role: Callable[[str], str] = memo.role if memo is not None else scope.classify
        self._content_kind: Callable[[str, str], str | None] = \
            memo.content_kind if memo is not None else lambda path, rel: sniff_kind(Path(path))

    def walk(self, absolute: str, force_exclude: bool) -> Iterator[SourceFile | Skipped]:
        if not os.path.lexists(absolute):
            yield Skipped(self._rel(absolute), "path does not exist")
            return
        rel = self._rel(absolute)
        is_dir = os.path.isdir(absolute)
        # (a named file's .gitignore matters only with force_exclude: the pre-commit run of one file reads none)
        ignored = rel != "." and (is_dir or force_exclude) and self._ignored_path(absolute, is_dir, self.root)
        if force_exclude and ignored:
            return
        if is_dir and not os.path.islink(absolute):
            # A directory the user names although it is excluded or gitignored is linted as asked:
            # excludes and .gitignore files then apply from that directory down, not from above it.
            listed = self._git_files(absolute) if self.respect_gitignore and not ignored else None
            if listed is not None:
                yield from self._from_listing(absolute, listed)
            else:
                yield from self._walk_dir(absolute, absolute if ignored else self.root)
        else:
            item = self._file(absolute, rel, explicit=True)
            if item is not None:
                yield item

    # --- in a git work tree: git's own list ----------------------------------------------------

    def _git_files(self, top: str) -> list[str] | None:
        """Tracked and untracked-but-not-ignored files under `top` by `git ls-files` (one process, git's
        own .gitignore matching; no user or system config, so no global excludes either), or None
        outside a work tree or when git fails."""
        from twelvefactor_lint.infra.external import ToolFailed, run_tool

        try:
            out = run_tool("git", ["ls-files", "-co", "--exclude-standard", "-z"], timeout=60, cwd=Path(top),
                           untrusted_root=Path(self.root))
        except ToolFailed:
            return None
        return [os.fsdecode(name) for name in out.split(b"\0") if name]

    def _from_listing(self, top: str, names: list[str]) -> Iterator[SourceFile | Skipped]:
        """The walker's answer from git's list: the config's excludes and virtualenv directories applied,
        directories git lists whole (a nested repository) walked."""
        prefix = "" if top == self.root else self._rel(top) + "/"
        dropped: dict[str, bool] = {"": False}

        def dropped_dir(directory: str) -> bool:
            if directory not in dropped:
                parent = posixpath.dirname(directory)
                dropped[directory] = dropped_dir(parent) or bool(self.excludes.match(prefix + directory + "/")) \
                    or os.path.exists(os.path.join(top, directory, "pyvenv.cfg"))
            return dropped[directory]

        base_dir = os.path.join(top, "")  # `top/` (string concatenation: this loop runs once per file of a project)
        for name in names:
            if name.endswith("/"):
                if not dropped_dir(name[:-1]):
                    yield from self._walk_dir(os.path.join(top, name[:-1]), self.root)
                continue
            directory, _, base = name.rpartition("/")
            if dropped_dir(directory):
                continue
            rel = prefix + name
            path = base_dir + name
            kind = PYTHON if base.endswith(".py") else kind_of(base, posixpath.dirname(rel)) \
                or (self._content_kind(path, rel) if by_content(base) else None)
            if kind is None:
                if os.path.islink(path) and os.path.isdir(path) and not self.excludes.match(rel + "/"):
                    yield Skipped(_printable(rel), "symlink to a directory, not followed")
                continue
            if self.excludes.directories_only or not self.excludes.match(rel):  # its directories were checked
                item = self._file(path, _printable(rel), explicit=False, kind=kind)
                if item is not None:
                    yield item

    # --- elsewhere: the walker -----------------------------------------------------------------

    def _walk_dir(self, top: str, floor: str) -> Iterator[SourceFile | Skipped]:
        """Depth first, sorted; ignored directories pruned before they are read. Paths are strings
        relative to `floor`; each directory carries the chain of .gitignore specs above it."""
        top_rel = "" if top == floor else os.path.relpath(top, floor).replace(os.sep, "/") + "/"
        chain: _Chain = ()
        if self.respect_gitignore:
            for directory in reversed(list(_ancestors(os.path.dirname(top), floor))) if top != floor else ():
                chain = self._with_gitignore(chain, directory, floor)
        stack: list[tuple[str, str, _Chain]] = [(top, top_rel, chain)]
        while stack:
            directory, dir_rel, parents = stack.pop()
            chain = self._with_gitignore(parents, directory, floor) if self.respect_gitignore else ()
            try:
                entries = sorted(os.scandir(directory), key=lambda e: e.name)
            except OSError as error:
                yield Skipped(self._rel(directory) + "/", f"unreadable directory: {error.strerror or error}")
                continue
            subdirs = []
            for entry in entries:
                rel = dir_rel + entry.name
                try:
                    is_link = entry.is_symlink()
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_dir:
                    if not self._ignored(rel + "/", chain) and not os.path.exists(os.path.join(entry.path, "pyvenv.cfg")):
                        subdirs.append((entry.path, rel + "/", chain))
                    continue
                if is_link and os.path.isdir(entry.path):
                    if kind_of(entry.name) is None and not self._ignored(rel + "/", chain):
                        yield Skipped(self._rel(entry.path), "symlink to a directory, not followed")
                    continue
                if self._ignored(rel, chain):
                    continue
                item = self._file(entry.path, self._rel(entry.path), explicit=False)
                if item is not None:
                    yield item
            stack.extend(reversed(subdirs))

    def _file(self, path: str, rel: str, explicit: bool, kind: str | None = None) -> SourceFile | Skipped | None:
        kind = kind or kind_of(os.path.basename(path), posixpath.dirname(rel)) or self._content_kind(path, rel)
        if kind is None:
            # A named shell script is read through the start chain that runs it (focus reports on it); other
            # extension-less files (and YAML that is no manifest) are what pre-commit passes because a script
            # (a manifest) might be among them.
            name = os.path.basename(path)
            if not explicit or _extensionless(name) or by_content(name) or is_shell_script(Path(path)):
                return None
            return Skipped(rel, "not a file kind 12f-lint reads")
        try:
            info = os.lstat(path)
        except FileNotFoundError:  # listed by git, deleted from the work tree
            return None if not explicit else Skipped(rel, "path does not exist")
        except OSError as error:  # in a directory that can be listed but not entered
            return Skipped(rel, f"unreadable: {error.strerror or error}")
        seen = None
        if stat.S_ISLNK(info.st_mode):
            try:
                target = os.path.realpath(path, strict=True)
            except (OSError, RuntimeError):
                return Skipped(rel, "broken or looping symlink")
            if not _is_within(target, self.root):
                return Skipped(rel, "symlink to a file outside the project root")
            if not os.path.isfile(path):
                return Skipped(rel, "not a regular file")
        elif not stat.S_ISREG(info.st_mode):
            return Skipped(rel, "not a regular file")
        else:
            seen = info.st_size, info.st_mtime_ns, info.st_ino
        return SourceFile(path, rel, kind, self._role(_service_free(rel) if kind == S6 else rel), seen)

    def _rel(self, path: str) -> str:
        if _is_within(path, self.root):
            rel = os.path.relpath(path, self.root)
            return _printable(rel.replace(os.sep, "/"))
        return _printable(Path(path).as_posix())

    def _ignored_path(self, path: str, is_dir: bool, floor: str) -> bool:
        """A named path excluded by the config's patterns or a .gitignore, both read from `floor` down."""
        if not _is_within(path, floor):
            return bool(self.excludes.match(self._rel(path) + "/" if is_dir else self._rel(path)))
        rel = os.path.relpath(path, floor).replace(os.sep, "/")
        chain: _Chain = ()
        if self.respect_gitignore:
            for directory in reversed(list(_ancestors(os.path.dirname(path), floor))):
                chain = self._with_gitignore(chain, directory, floor)
        return self._ignored(rel + "/" if is_dir else rel, chain)

    def _ignored(self, probe: str, chain: _Chain) -> bool:
        """Excluded by the config's patterns, else decided by the deepest .gitignore with an opinion."""
        if self.excludes.match(probe):
            return True
        for base, spec in chain:
            result = spec.check_file(probe[len(base):])
            if result.include is not None:
                return bool(result.include)
        return False

    def _with_gitignore(self, chain: _Chain, directory: str, floor: str) -> _Chain:
        """`chain` with `directory`'s .gitignore (and .git/info/exclude) in front, when it has one."""
        if directory not in self._ignore_specs:
            lines: list[str] = []
            for name in (".gitignore", ".git/info/exclude"):
                try:
                    with open(os.path.join(directory, name), encoding="utf-8", errors="replace") as handle:
                        lines += handle.read().splitlines()
                except OSError:
                    pass
            if lines:  # imported only then: a tree without .gitignore files never needs pathspec
                import pathspec

            self._ignore_specs[directory] = pathspec.GitIgnoreSpec.from_lines(lines) if lines else None
        spec = self._ignore_specs[directory]
        if spec is None:
            return chain
        base = "" if directory == floor else os.path.relpath(directory, floor).replace(os.sep, "/") + "/"
        return ((base, spec), *chain)


_SHELLS = deferred(rb"#!\s*(?:/usr)?(?:/local)?/bin/(?:env\s+)?(?:sh|bash|dash|ash|ksh|zsh)\b")


def _service_free(rel: str) -> str:
    """An s6 service file's path without the service's own directory: a service named `migrate` or `test-db`
    is judged as an s6 service, not as a migrations or tests directory."""
    parent, name = posixpath.split(rel)
    return posixpath.join(posixpath.dirname(parent), name) if name in ("run", "up") else rel


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
    if name.isascii():
        return name
    try:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate from a UTF-16 file system
        return name.encode("utf-8", "backslashreplace").decode("utf-8")


def _ancestors(directory: str, root: str) -> Iterator[str]:
    """From `directory` up to and including `root`, deepest first."""
    current = directory
    while True:
        yield current
        parent = os.path.dirname(current)
        if current == root or parent == current:
            return
        current = parent


def _is_within(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)
