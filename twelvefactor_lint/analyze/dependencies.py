"""The dependency-declaration analyzer (factor II): which distributions a project declares, and where.

Reads requirements files (`-r`/`-c` includes are files of their own; options and local paths are
skipped), pyproject.toml (`[project]` dependencies and extras, Poetry, PDM, uv and PEP 735 groups),
Pipfile, setup.cfg `install_requires` and conda's environment.yml. Requirement strings are parsed by `packaging`, the
parser pip itself vendors, so markers, extras and URLs are understood rather than guessed at.

Lock files (poetry.lock, uv.lock, pdm.lock, pylock.toml, Pipfile.lock, rye's `requirements*.lock`)
declare nothing themselves but list every distribution a clean install from them gets, the
declared packages' own dependencies included: what they list is `locked`.
"""

from __future__ import annotations

import configparser
import json
import posixpath
import re
import sys
from collections.abc import Iterable

import yaml
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from twelvefactor_lint.analyze import yamlnodes
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
            # `geoalchemy2[shapely]` installs shapely too: an extra named after a distribution provides it; and
            # `fastapi[standard]` is named as such, for the modules that extra installs (link.distributions)
            name = canonicalize_name(requirement.name)
            found.update([name, *(canonicalize_name(e) for e in requirement.extras),
                          *(f"{name}[{canonicalize_name(e)}]" for e in requirement.extras)])
        except InvalidRequirement:
            match = _PEP508_NAME.match(item)  # a Poetry-style constraint, or a line pip accepts and packaging not
            if match:
                found.add(canonicalize_name(match.group(1)))
    return found


def _logical_lines(text: str) -> list[str]:
    """A requirements file's lines, comments dropped and `\\` continuations joined."""
    lines, current = [], ""
    for raw in text.split("\n"):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line.endswith("\\"):
            current += line[:-1] + " "
            continue
        line, current = (current + line).strip(), ""
        if line:
            lines.append(line)
    return lines


def _is_url(line: str) -> bool:
    """A requirement given by URL alone (`git+https://...`, `-e git+...`), not `name @ url`."""
    return "://" in line.split(";")[0].split("@")[0]


_EGG = re.compile(r"#egg=([A-Za-z0-9][A-Za-z0-9._-]*)")


def _is_specifier(line: str) -> bool:
    """A requirements-file line that is a requirement specifier: not an option (`-r`, `-e`), a path or a URL."""
    return not line.startswith(("-", ".", "/")) and not _is_url(line)


def _requirement_lines(text: str) -> list[str]:
    """The requirement specifiers of a requirements file; a URL's `#egg=name` stands for its distribution."""
    found = []
    for line in _logical_lines(text):
        egg = _EGG.search(line)
        if egg:
            found.append(egg.group(1))
        elif _is_specifier(line):
            found.append(line)
    return found


def _unnamed(text: str) -> list[str]:
    """Requirements installed from a URL that does not say which distribution it is (`https://host/pkg.zip`)."""
    return [line[:80] for line in _logical_lines(text)
            if _is_url(line) and not _EGG.search(line) and not line.startswith(("-r", "-c", "--", "-f", "-i"))]


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
    extras = [(canonicalize_name(key), canonicalize_name(extra)) for table in tables for key, spec in table.items()
              for extra in _list(_table(spec).get("extras")) if isinstance(extra, str)]  # `{extras = ["shapely"]}`
    names |= {extra for _, extra in extras} | {f"{key}[{extra}]" for key, extra in extras}
    for environment in _table(data, "tool", "hatch", "envs").values():  # hatch environments' dev dependencies
        names |= _names(_list(_table(environment).get("dependencies")))
    own = project.get("name") or poetry.get("name")
    # a pyproject with tool settings only declares nothing; `dynamic` dependencies are declared elsewhere (setup.py)
    dynamic = "dependencies" in _list(project.get("dynamic"))
    declares = ("dependencies" in project or bool(_table(poetry, "dependencies")) or bool(names)) and not dynamic
    return names, canonicalize_name(own) if isinstance(own, str) else "", declares, dynamic


def _console_script_entries(pairs: Iterable[tuple[object, object]]) -> list[str]:
    """`name=module:function` for each console script given as a (name, object reference) pair of strings."""
    return sorted(f"{n.strip()}={t.strip().split()[0]}" for n, t in pairs
                  if isinstance(n, str) and isinstance(t, str) and n.strip() and t.strip())


def _scripts(name: str, text: str, data: dict) -> list[str]:
    """The console scripts a pyproject.toml or setup.cfg declares (`data`: a TOML file's tables)."""
    if name == "pyproject.toml":
        return _console_script_entries([*_table(data, "project", "scripts").items(),
                                       *_table(data, "tool", "poetry", "scripts").items()])
    if name == "setup.cfg":
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read_string(text)
        lines = parser.get("options.entry_points", "console_scripts", fallback="").splitlines()
        return _console_script_entries((line.partition("=")[0], line.partition("=")[2]) for line in lines if "=" in line)
    return []


_TOML_DECLARATIONS = {"pyproject.toml", "pipfile"}
_TOML_LOCKS = {"poetry.lock", "uv.lock", "pdm.lock"}
_REQUIREMENTS_LOCK = re.compile(r"^[\w.-]*requirements[\w.-]*\.lock$")


def is_lock(name: str) -> bool:
    """Whether a (lower-case) file name is a lock file this analyzer reads."""
    return name in _TOML_LOCKS or name == "pipfile.lock" or bool(_REQUIREMENTS_LOCK.match(name)) \
        or name.startswith("pylock.") and name.endswith(".toml")


def _locked(name: str, text: str) -> set[str]:
    """Every distribution a lock file pins."""
    if name == "pipfile.lock":
        data = json.loads(text)
        return {canonicalize_name(k) for section in ("default", "develop") for k in _table(data, section)}
    if _REQUIREMENTS_LOCK.match(name):  # rye's or `uv pip compile`'s `requirements.lock`: pinned requirement lines
        return _names(_requirement_lines(text))
    data = tomllib.loads(text)
    packages = _list(data.get("package")) + _list(data.get("packages"))  # pylock.toml (PEP 751) says `packages`
    return {canonicalize_name(p["name"]) for p in packages if isinstance(p, dict) and isinstance(p.get("name"), str)}


_CONDA_SPEC = re.compile(r"^(?:[\w.-]+::)?([A-Za-z0-9][A-Za-z0-9._-]*)")
"""A conda match spec's package name (`conda-forge::numpy>=1.26`, `flask=3.0`): conda's syntax, not PEP 508."""


def _conda(text: str) -> tuple[set[str], bool, list[str]]:
    """The packages of a conda environment file's `dependencies`, its `pip:` list included, and the URLs that
    list installs without naming their distribution. A file of that name that is no YAML (a Helm template) is
    no conda file: it declares nothing."""
    try:
        dependencies = yamlnodes.get(yamlnodes.compose(text), "dependencies")
    except yaml.YAMLError:
        return set(), False, []
    names: set[str] = set()
    unnamed: list[str] = []
    for entry in yamlnodes.sequence(dependencies):
        spec = yamlnodes.scalar(entry)
        match = _CONDA_SPEC.match(spec) if spec is not None else None
        if match:
            names.add(canonicalize_name(match.group(1)))
        pip = "\n".join(item for item in (yamlnodes.scalar(i) for i in yamlnodes.sequence(yamlnodes.get(entry, "pip"))) if item)
        names |= _names(_requirement_lines(pip))
        unnamed += _unnamed(pip)
    return names, dependencies is not None, unnamed


def _declared(name: str, text: str, data: dict) -> tuple[set[str], str, bool, bool]:
    """(declared distribution names, the project's own name, whether the file declares the dependencies
    at all, whether it leaves them to another file) of one declaration file (`data`: a TOML file's tables)."""
    if name == "pyproject.toml":
        return _pyproject(data)
    if name == "pipfile":
        return {canonicalize_name(k) for t in ("packages", "dev-packages") for k in _table(data, t)}, "", True, False
    if name.endswith((".yml", ".yaml")):
        names, declares, _ = _conda(text)
        return names, "", declares, False
    if name == "setup.cfg":
        parser = configparser.ConfigParser(interpolation=None, strict=False)
        parser.read_string(text)
        requires = parser.get("options", "install_requires", fallback=None)
        own = parser.get("metadata", "name", fallback="")
        return _names(_requirement_lines(requires or "")), canonicalize_name(own) if own else "", requires is not None, False
    return _names(_requirement_lines(text)), "", True, False


def _pinned(requirement: str) -> bool:
    """`flask==3.0.3` (or `===`) is one exact version; a range, a wildcard or a bare name is not."""
    try:
        specifiers = list(Requirement(requirement).specifier)
    except InvalidRequirement:
        return True  # not a plain requirement (a URL, a local path): nothing to pin here
    return len(specifiers) == 1 and specifiers[0].operator in ("==", "===") and not specifiers[0].version.endswith("*")


_EXACT_VERSION = re.compile(r"^=?=?\s*\d[\w.+!-]*$")
"""A Poetry or Pipfile constraint that is one version (`1.2.3`, `==1.2.3`); `^1.2`, `~1.2`, `>=1`, `*` are ranges."""


def _table_spec_pinned(spec: object) -> bool:
    """Whether a Poetry or Pipfile dependency (a version string, or a table with `version`) is one exact version."""
    version = spec.get("version") if isinstance(spec, dict) else spec
    return not isinstance(version, str) or bool(_EXACT_VERSION.match(version.strip()))  # git/path deps: no version


def _ranged(name: str, text: str, data: dict) -> list[str]:
    """The production requirements a file gives as ranges rather than exact versions (dev groups aside;
    `data`: a TOML file's tables)."""
    if name.endswith(".txt"):
        lines = filter(_is_specifier, _logical_lines(text))  # a URL requirement pins a commit or file
        return sorted(_names(line for line in lines if not _pinned(line)))
    if name == "pyproject.toml":
        ranged = _names(r for r in _list(_table(data, "project").get("dependencies")) if isinstance(r, str) and not _pinned(r))
        poetry = _table(data, "tool", "poetry", "dependencies")
        return sorted(ranged | {canonicalize_name(k) for k, v in poetry.items() if k != "python" and not _table_spec_pinned(v)})
    if name == "pipfile":
        packages = _table(data, "packages")
        return sorted(canonicalize_name(k) for k, v in packages.items() if not _table_spec_pinned(v))
    return []


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    name = posixpath.basename(path).lower()
    if (name.endswith(".toml") or name in _TOML_LOCKS or name == "pipfile") and too_dotted_for_toml(text):
        return FileAnalysis((parse_error(path, "a line with too many dotted keys to read"),))
    lock = is_lock(name)
    try:
        tables = tomllib.loads(text) if name in _TOML_DECLARATIONS else {}
        names, own, declares, dynamic = (set(), "", False, False) if lock else _declared(name, text, tables)
        locked = _locked(name, text) if lock else set()
        ranged = [] if lock else _ranged(name, text, tables)
        scripts = [] if lock else _scripts(name, text, tables)
    except (tomllib.TOMLDecodeError, configparser.Error, ValueError, RecursionError) as error:
        return FileAnalysis((parse_error(path, f"unreadable {name}: {type(error).__name__}"),))
    requirements = name.endswith((".txt", ".in"))
    includes, unnamed = (_includes(path, text), _unnamed(text)) if requirements else ([], [])
    if name.endswith((".yml", ".yaml")) and not lock:
        unnamed = _conda(text)[2]
    return FileAnalysis((Declared(path, 1, names=tuple(sorted(names)), own=own, declares=declares, dynamic=dynamic,
                                  includes=tuple(includes), locked=tuple(sorted(locked)), unnamed=tuple(unnamed),
                                  ranged=tuple(ranged), scripts=tuple(scripts), anchor="declared"),))
