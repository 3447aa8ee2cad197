"""Settings from `[tool.12f-lint]` in pyproject.toml or a `.12f-lint.toml`, in the ruff style.

Unknown keys and wrong types are errors (a typo must not silently disable a rule).
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

from twelvefactor_lint.discover.sources import DEFAULT_MAX_FILE_SIZE
from twelvefactor_lint.discover.walk import DEFAULT_EXCLUDE
from twelvefactor_lint.infra.cache import RACY_NS
from twelvefactor_lint.infra.limits import DEFAULT_FILE_TIMEOUT
from twelvefactor_lint.severity import SEVERITIES

CONFIG_FILE = ".12f-lint.toml"
PYPROJECT = "pyproject.toml"

# A config comes from the scanned tree, so reading it is bounded too: tomllib holds every prefix of
# a dotted key (`a.a.a... = 1`), quadratic in its length - 200 KB of them exhaust memory - while a
# real config line has a handful of dots.
_MAX_CONFIG_SIZE = 4 * 1024 * 1024
_MAX_DOTS_PER_LINE = 1000


class ConfigError(Exception):
    """A configuration problem the user must fix; reported on one line, exit code 2."""

    def __str__(self) -> str:
        return " ".join(super().__str__().splitlines())  # a key from the file may hold a line break


@dataclass(frozen=True)
class Settings:
    root: Path
    config_path: Path | None = None
    select: tuple[str, ...] = ("ALL",)
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, str] = field(default_factory=dict)
    exclude: tuple[str, ...] = DEFAULT_EXCLUDE
    extend_exclude: tuple[str, ...] = ()
    respect_gitignore: bool = True
    force_exclude: bool = False
    fail_on: str = "warning"
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    baseline: str | None = None
    """A baseline file whose findings are accepted; relative paths start at the root."""
    file_timeout: float = DEFAULT_FILE_TIMEOUT
    cache: bool = True
    """Keep facts between runs in the facts cache (`--no-cache` turns it off)."""
    cache_dir: str | None = None
    """Where the facts cache lives; relative paths start at the root. None: the user's cache directory."""
    docs_url: str = ""
    """Where the rule docs live (`<ID>-<name>.md` under it); empty: the project's repository."""
    jobs: int = 0
    """Worker processes for analysis (`--jobs`); 0: one per CPU, when there are enough files."""
    analyze_all_files: bool = False
    """Also analyze the Python files of roles no selected rule judges (tests, migrations, scripts, docs)
    that no other file needs, so TF001 reports their parse errors."""
    rule_dirs: tuple[str, ...] = ()
    """Directories of the project's own YAML rules (`rule-dirs`), relative to the root."""

    def rule_paths(self) -> tuple[Path, ...]:
        return tuple(self.root / directory for directory in self.rule_dirs)

    def with_overrides(self, **overrides: Any) -> Settings:
        """Apply CLI options; None means "not given"."""
        return replace(self, **{k: v for k, v in overrides.items() if v is not None})


def _strings(key: str, value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"`{key}` must be a list of strings")
    return tuple(value)


def _severity(key: str, value: Any) -> str:
    if value not in SEVERITIES:
        raise ConfigError(f"`{key}` must be one of {', '.join(SEVERITIES)}, not {value!r}")
    return value


def _bool(key: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise ConfigError(f"`{key}` must be true or false")
    return value


def _positive_int(key: str, value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ConfigError(f"`{key}` must be a positive integer")
    return value


def _seconds(key: str, value: Any) -> float:
    """A positive duration; a day at most, which also keeps it within what timers accept."""
    if not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 < value <= 86400:
        raise ConfigError(f"`{key}` must be a number of seconds above 0 and at most 86400")
    return float(value)


def _path(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"`{key}` must be a file path")
    return value


def _url(key: str, value: Any) -> str:
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise ConfigError(f"`{key}` must be an http(s) URL")
    return value


def _patterns(key: str, value: Any) -> tuple[str, ...]:
    """gitignore-style patterns, each one checked now so that a bad one is a config error, not a crash."""
    import pathspec  # only a config with patterns pays for it

    patterns = _strings(key, value)
    for pattern in patterns:
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except (ValueError, re.error) as error:
            raise ConfigError(f"`{key}`: invalid pattern {pattern!r}: {error}") from None
    return patterns


def _per_file_ignores(key: str, value: Any) -> dict[str, tuple[str, ...]]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of glob = [rules]")
    _patterns(key, list(value))
    return {str(pattern): _strings(f"{key}.{pattern}", rules) for pattern, rules in value.items()}


def _severity_map(key: str, value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ConfigError(f"`{key}` must be a table of rule = severity")
    return {str(rule): _severity(f"{key}.{rule}", level) for rule, level in value.items()}


_KEYS = {
    "select": ("select", _strings),
    "extend-select": ("extend_select", _strings),
    "ignore": ("ignore", _strings),
    "per-file-ignores": ("per_file_ignores", _per_file_ignores),
    "severity": ("severity", _severity_map),
    "exclude": ("exclude", _patterns),
    "extend-exclude": ("extend_exclude", _patterns),
    "respect-gitignore": ("respect_gitignore", _bool),
    "force-exclude": ("force_exclude", _bool),
    "fail-on": ("fail_on", _severity),
    "max-file-size": ("max_file_size", _positive_int),
    "baseline": ("baseline", _path),
    "file-timeout": ("file_timeout", _seconds),
    "cache-dir": ("cache_dir", _path),
    "docs-url": ("docs_url", _url),
    "analyze-all-files": ("analyze_all_files", _bool),
    "rule-dirs": ("rule_dirs", _strings),
}


def parse_table(table: Mapping[str, Any], root: Path, source: Path | None) -> Settings:
    """Settings from one `[tool.12f-lint]` table."""
    values: dict[str, Any] = {}
    for key, value in table.items():
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"unknown setting `{key}` in {source or 'config'} (known: {known})")
        attribute, convert = _KEYS[key]
        values[attribute] = convert(key, value)
    if "cache_dir" in values:
        _inside_project(root, "cache-dir", values["cache_dir"])
    for directory in values.get("rule_dirs", ()):
        _inside_project(root, "rule-dirs", directory)
    return Settings(root=root, config_path=source, **values)


def _inside_project(root: Path, key: str, value: str) -> None:
    """A config may come from the repository being linted, so a directory it makes the run write to
    (and prune) must stay inside the project: no absolute path, `..` or symlink out of it."""
    if not (root / value).resolve().is_relative_to(root.resolve()):
        raise ConfigError(f"`{key}` must be a directory inside the project, not {value!r}")


def _read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict (not to be modified); every way it can be bad, hostile included, is a ConfigError. Parsed
    once while it stays as it was: a run reads pyproject.toml for its settings, then for its `requires-python` (a
    file modified in the last seconds is parsed again: its stat cannot tell a same-second edit)."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            seen = (info.st_size, info.st_mtime_ns, info.st_ino)
            kept = _parsed.get(str(path))
            if kept is not None and kept[0] == seen:
                return kept[1]
            data = handle.read(_MAX_CONFIG_SIZE + 1)
    except OSError as error:
        raise ConfigError(f"{path}: cannot read: {error.strerror or error}") from None
    parsed = _parse_toml(path, data)
    if info.st_mtime_ns < time.time_ns() - RACY_NS:
        _parsed[str(path)] = seen, parsed
    return parsed


_parsed: dict[str, tuple[tuple[int, int, int], dict[str, Any]]] = {}
"""Each TOML file's last parse, under its (size, mtime, inode)."""


def _parse_toml(path: Path, data: bytes) -> dict[str, Any]:
    if len(data) > _MAX_CONFIG_SIZE:
        raise ConfigError(f"{path}: larger than {_MAX_CONFIG_SIZE} bytes, not read as a config")
    if any(line.count(b".") > _MAX_DOTS_PER_LINE for line in data.splitlines()):
        raise ConfigError(f"{path}: a line with more than {_MAX_DOTS_PER_LINE} dots, not read as a config")
    try:
        return tomllib.loads(data.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: not UTF-8 (byte {error.start})") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}") from None
    except RecursionError:
        raise ConfigError(f"{path}: invalid TOML: nested too deeply") from None


def _pyproject_table(pyproject: Path) -> dict[str, Any] | None:
    """The `[tool.12f-lint]` table of a pyproject.toml, None when it has none."""
    tool = _read_toml(pyproject).get("tool", {})
    if not isinstance(tool, dict) or "12f-lint" not in tool:
        return None
    table = tool["12f-lint"]
    if not isinstance(table, dict):
        raise ConfigError(f"{pyproject}: [tool.12f-lint] must be a table")
    return table


def requires_python(root: Path) -> str | None:
    """The project's `[project] requires-python`, when its pyproject.toml says it (read as data, never run)."""
    pyproject = root / PYPROJECT
    try:
        value = _read_toml(pyproject).get("project", {}).get("requires-python") if pyproject.is_file() else None
    except (ConfigError, AttributeError):
        return None
    return value if isinstance(value, str) else None


def _dedicated_table(path: Path) -> dict[str, Any]:
    """The settings of a `.12f-lint.toml`: keys at the top level, or (as people copy them from
    pyproject.toml) all inside one `[tool.12f-lint]` table, not both."""
    data = _read_toml(path)
    tool = data.get("tool")
    if not isinstance(tool, dict) or "12f-lint" not in tool:
        return data
    table = tool["12f-lint"]
    if not isinstance(table, dict) or len(data) > 1 or len(tool) > 1:
        raise ConfigError(f"{path}: put the settings at the top level of {path.name}, or all of them in one "
                          "[tool.12f-lint] table")
    return table


def _table_in(directory: Path) -> tuple[Path, dict[str, Any]] | None:
    dedicated = directory / CONFIG_FILE
    if dedicated.is_file():
        return dedicated, _dedicated_table(dedicated)
    pyproject = directory / PYPROJECT
    table = _pyproject_table(pyproject) if pyproject.is_file() else None
    return (pyproject, table) if table is not None else None


def load(paths: list[Path], config_file: Path | None = None) -> Settings:
    """Find the project root and its settings.

    The root is the directory of the nearest config above the first path, else the
    nearest git work tree, else the first path (or its directory).
    """
    start = Path(paths[0] if paths else ".").absolute()
    start_dir = start if start.is_dir() else start.parent
    if config_file is not None:
        if not config_file.is_file():
            raise ConfigError(f"config file not found: {config_file}")
        table = (_pyproject_table(config_file) or {}) if config_file.name == PYPROJECT else _dedicated_table(config_file)
        return parse_table(table, config_file.absolute().parent, config_file)
    for directory in (start_dir, *start_dir.parents):
        found = _table_in(directory)
        if found:
            return parse_table(found[1], directory, found[0])
        if (directory / ".git").exists():
            return Settings(root=directory)
    return Settings(root=start_dir)
