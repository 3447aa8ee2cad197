"""The dependency-declaration analyzer (factor II): which distributions a project declares, and where.

Reads requirements files (`-r`/`-c` includes are files of their own; options and local paths are
skipped), pyproject.toml (`[project]` dependencies and extras, Poetry, PDM, uv and PEP 735 groups),
Pipfile and setup.cfg `install_requires`. Requirement strings are parsed by `packaging`, the
parser pip itself vendors, so markers, extras and URLs are understood rather than guessed at.
"""

from __future__ import annotations

import configparser
import posixpath
import re
import sys
from collections.abc import Iterable

from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from twelvefactor_lint.discover.sources import decode_text
from twelvefactor_lint.facts import FileAnalysis, parse_error
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.infra.limits import too_dotted_for_toml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

_PEP508_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def _names(requirements: Iterable[object]) -> set[str]:
    found: set[str] = set()
    for item in requirements:
        if not isinstance(item, str):
            continue
        try:
            requirement = Requirement(item)
            # `geoalchemy2[shapely]` installs shapely too: an extra named after a distribution provides it
            found.update(canonicalize_name(n) for n in (requirement.name, *requirement.extras))
        except InvalidRequirement:
            match = _PEP508_NAME.match(item)  # a Poetry-style constraint, or a line pip accepts and packaging not
            if match:
                found.add(canonicalize_name(match.group(1)))
    return found


def _requirement_lines(text: str) -> list[str]:
    lines, current = [], ""
    for raw in text.split("\n"):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        line, current = (current + line).strip(), ""
        if line and not line.startswith(("-", ".", "/")) and "://" not in line.split(";")[0].split("@")[0]:
            lines.append(line)
    return lines


_INCLUDE = re.compile(r"^\s*(?:-r|--requirement|-c|--constraint)(?:\s+|=)(\S+)")


def _includes(path: str, text: str) -> list[str]:
    """Root-relative paths of the requirement files a requirements file includes (`-r base.txt`)."""
    base = posixpath.dirname(path)
    return [posixpath.normpath(posixpath.join(base, m.group(1))) for m in map(_INCLUDE.match, text.split("\n")) if m]


def _table(data: object, *path: str) -> dict:
    for key in path:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, dict) else {}


def _list(value: object) -> list:
    return value if isinstance(value, list) else []


def _pyproject(data: dict) -> tuple[set[str], str, bool, bool]:
    project = _table(data, "project")
    names = _names(_list(project.get("dependencies")))
    for group in [*_table(project, "optional-dependencies").values(), *_table(data, "dependency-groups").values(),
                  *_table(data, "tool", "pdm", "dev-dependencies").values()]:
        names |= _names(_list(group))
    names |= _names(_list(_table(data, "tool", "uv").get("dev-dependencies")))
    poetry = _table(data, "tool", "poetry")
    tables = [_table(poetry, "dependencies"), _table(poetry, "dev-dependencies"),
              *(_table(g, "dependencies") for g in _table(poetry, "group").values())]
    names |= {canonicalize_name(key) for table in tables for key in table if key != "python"}
    names |= {canonicalize_name(extra) for table in tables for spec in table.values()  # `{extras = ["shapely"]}`
              for extra in _list(_table(spec).get("extras")) if isinstance(extra, str)}
    for environment in _table(data, "tool", "hatch", "envs").values():  # hatch environments' dev dependencies
        names |= _names(_list(_table(environment).get("dependencies")))
    own = project.get("name") or poetry.get("name")
    # a pyproject with tool settings only declares nothing; `dynamic` dependencies are declared elsewhere (setup.py)
    dynamic = "dependencies" in _list(project.get("dynamic"))
    declares = ("dependencies" in project or bool(_table(poetry, "dependencies")) or bool(names)) and not dynamic
    return names, canonicalize_name(own) if isinstance(own, str) else "", declares, dynamic


def _declared(name: str, text: str) -> tuple[set[str], str, bool, bool]:
    """(declared distribution names, the project's own name, whether the file declares the dependencies
    at all, whether it leaves them to another file) of one declaration file."""
    if name == "pyproject.toml":
        return _pyproject(tomllib.loads(text))
    if name == "pipfile":
        data = tomllib.loads(text)
        return {canonicalize_name(k) for t in ("packages", "dev-packages") for k in _table(data, t)}, "", True, False
    if name == "setup.cfg":
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read_string(text)
        requires = parser.get("options", "install_requires", fallback=None)
        own = parser.get("metadata", "name", fallback="")
        return _names(_requirement_lines(requires or "")), canonicalize_name(own) if own else "", requires is not None, False
    return _names(_requirement_lines(text)), "", True, False


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    name = posixpath.basename(path).lower()
    if (name.endswith(".toml") or name == "pipfile") and too_dotted_for_toml(text):
        return FileAnalysis((parse_error(path, "a line with too many dotted keys to read"),))
    try:
        names, own, declares, dynamic = _declared(name, text)
    except (tomllib.TOMLDecodeError, configparser.Error, ValueError, RecursionError) as error:
        return FileAnalysis((parse_error(path, f"unreadable {name}: {type(error).__name__}"),))
    includes = _includes(path, text) if name.endswith((".txt", ".in")) else []
    return FileAnalysis((Declared(path, 1, names=tuple(sorted(names)), own=own, declares=declares, dynamic=dynamic,
                                  includes=tuple(includes), anchor="declared"),))
