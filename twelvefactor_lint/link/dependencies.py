"""Link phase 2b, dependencies (factor II): imports of third-party modules no declaration provides, and
ranges no lock file pins.

A module is checked against the declarations in its own directory and every directory above it
(a service's requirements.txt and the repository's pyproject.toml). The standard library, the
project's own modules (any directory or module name in the tree), distributions the repository holds the
source of (a `setup.py` or pyproject anywhere in it naming them), modules a declared framework
always installs (`kombu` with celery) and imports a declared distribution provides under another
name (`yaml` is PyYAML: `distributions.py`) are not reported; nor is anything where the declarations
are not all readable here: no declaration file above the module, a `setup.py` whose `install_requires`
is computed, or dependencies a pyproject marks `dynamic`. Nor is an `except ImportError:` fallback whose
`try` body imports something that works (`from collections import OrderedDict`, then `ordereddict`).

What is left is a warning (a clean install from these files lacks the module, and importing the code
fails) unless there is a reason to doubt it, which the finding states (`doubt`): a lock file pins it
as another package's dependency, a declared distribution's name resembles it, a declaration
elsewhere in the repository lists it, the import runs only in a function or branch, or the code is
test support. One finding per module and declaration scope names the other places it is imported.

An application's declarations that give ranges no lock file pins are `dependencies.unlocked`.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, replace
from functools import lru_cache

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dependencies import Declared, Unlocked
from twelvefactor_lint.facts.process import ProcessStart
from twelvefactor_lint.facts.python import UNREACHED, Import, UndeclaredImport
from twelvefactor_lint.link.distributions import (
    DEVELOPMENT_TOOLS,
    INSTALLED_WITH,
    INSTALLER_TOOLS,
    NAMESPACES,
    PROVIDED_BY,
    RUNTIME_PROVIDED,
)
from twelvefactor_lint.link.reach import Reach

_OLD_STDLIB = frozenset({
    "asynchat", "asyncore", "distutils", "imp", "smtpd", "aifc", "audioop", "cgi", "cgitb", "chunk", "crypt", "imghdr",
    "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes", "sndhdr", "spwd", "sunau", "telnetlib", "uu",
    "xdrlib", "lib2to3", "urllib2", "urlparse", "httplib", "ConfigParser", "StringIO", "cStringIO", "cPickle",
    "Queue", "HTMLParser", "Cookie", "cookielib", "SocketServer", "BaseHTTPServer", "SimpleHTTPServer", "thread",
    "commands", "__builtin__", "exceptions", "xmlrpclib", "htmlentitydefs", "Tkinter", "UserDict", "copy_reg"})
"""Standard library of the Pythons before the running one (removed in 3.12/3.13, or Python 2's names)."""
_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | _OLD_STDLIB | {"__future__", "_typeshed", "typing_extensions"}
_GENERATED = re.compile(r"_pb2(_grpc)?(\.|$)")
"""protobuf/gRPC modules generated at build time (`service_pb2`): the project's own code, not in the tree."""
_MAX_LISTED = 12
_GENERIC_WORDS = {"django", "flask", "fastapi", "python", "python3", "pytest", "drf", "client", "api", "sdk", "core",
                  "utils", "tools", "plugin", "plugins", "extension", "extensions", "framework", "types", "stubs",
                  "async", "backend", "backends", "server", "contrib", "binary", "headless", "official"}
_FRAMEWORK_PREFIX = re.compile(r"^(django|flask|python|py)[-_.]", re.IGNORECASE)
"""django-colorfield installs `colorfield`, python-dateutil `dateutil`: the prefix names the ecosystem."""
_TEST_SUPPORT = re.compile(r"(?:^|[._-])(test|tests|testing|fixtures?|mocks?|locustfile|loadtests?|benchmarks?)(?:$|[._-])")
_EXAMPLE_DIRS = {"examples", "example", "samples", "sample", "docs", "doc", "demo", "demos", "templates"}
_TYPE_STUBS = ("mypy_boto3_", "types_aiobotocore_")
"""Type-stub-only packages (boto3-stubs[s3] installs `mypy_boto3_s3`): imported for annotations, never needed at run time."""
_UNCOMMITTED_CONFIG = re.compile(r"^(local_?settings|settings_?local|local_?config|config_?local|instance|secrets?|"
                                 r"celeryconfig|local|(local|secret)_\w+|\w+_local)$", re.IGNORECASE)
"""Modules named as a deploy's own settings (`local_settings`, `celeryconfig`, Flask's `instance`): usually a
file each deploy writes and git ignores, not a distribution."""
_LEGACY_HOOKS = {"appengine_config.py": "App Engine's Python 2 hook, which the Python 3 runtimes never load"}


_SEPARATORS = re.compile(r"[-_.]+")


@lru_cache(maxsize=4096)
def _canonical(name: str) -> str:
    """A name to compare, without separators or case (`Flask_Login` -> `flasklogin`). Memoised: a project's every
    import is checked against every declared name (78k calls on saleor)."""
    return _SEPARATORS.sub("", name).lower()


def _namespace_names(dotted: str) -> list[str]:
    """`google.cloud.storage` -> google-cloud, google-cloud-storage: the distributions a namespace package's
    subpackage is named after."""
    parts = dotted.split(".")
    return ["-".join(parts[:n]) for n in range(2, len(parts) + 1)] if parts[0] in NAMESPACES else []


def _known(module: str, dotted: str) -> list[str]:
    """Distributions known to provide an import: the table's, by its longest listed dotted prefix, else
    the namespace subpackage's own name."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in PROVIDED_BY:
            return list(PROVIDED_BY[".".join(parts[:n])])
    return _namespace_names(dotted) or list(PROVIDED_BY.get(module, ()))


def _namespace_key(dotted: str) -> str:
    """The part of a namespace package's import that names one distribution: the table's longest listed prefix
    (`google.protobuf.json_format` and `google.protobuf` are both protobuf: one thing to declare), else the
    subpackage (`google.cloud.storage`)."""
    parts = dotted.split(".")
    listed = next((".".join(parts[:n]) for n in range(len(parts), 1, -1) if ".".join(parts[:n]) in PROVIDED_BY), "")
    return listed or ".".join(parts[:3])


@lru_cache(maxsize=256)
def _canonical_names(names: frozenset[str], prefixed: bool = False) -> frozenset[str]:
    """The names canonical (`prefixed`: also without a framework's prefix, `django-`), once per set of names: a
    project's every import is checked against the same few sets."""
    found = {_canonical(name) for name in names}
    return frozenset(found | {_canonical(_FRAMEWORK_PREFIX.sub("", name)) for name in names} if prefixed else found)


def _exactly_provided(module: str, dotted: str, distributions: set[str]) -> bool:
    """Whether one of `distributions` surely provides the import: its own name or a known provider; for a
    namespace package, a distribution named after the subpackage (google-cloud-storage for google.cloud.storage)."""
    canonical = _canonical_names(frozenset(distributions), prefixed=True)
    if any(_canonical(name) in canonical for name in (module, *_known(module, dotted))):
        return True
    if module in NAMESPACES:  # `from google import genai`: any google-* distribution may be the one
        prefix = _canonical((_namespace_names(dotted) or [module])[0])
        return any(name.startswith(prefix) for name in canonical)
    return False


def _provided(module: str, dotted: str, declared: set[str]) -> bool:
    """Whether a declared distribution surely or plausibly provides `module` (`rest_framework` is in
    djangorestframework, `corsheaders` in django-cors-headers), or a declared framework installs it."""
    if _exactly_provided(module, dotted, declared):
        return True
    if module in NAMESPACES:  # `google` alone says nothing: google-auth does not provide google.cloud.storage
        return False
    wanted = _canonical(module)
    canonical = _canonical_names(frozenset(declared))
    if any(wanted in name or name in wanted and len(name) > 3 for name in canonical):
        return True
    return any(_canonical(parent) in canonical for parent in _installers(module.lower()))


@lru_cache(maxsize=1024)
def _installers(module: str) -> frozenset[str]:
    """Every distribution that installs `module` as its own dependency, transitively (`pydantic_core` with
    pydantic, and so with fastapi, which requires pydantic)."""
    found: set[str] = set()
    pending = list(INSTALLED_WITH.get(module, ()))
    while pending:
        parent = pending.pop()
        if parent not in found:
            found.add(parent)
            pending += INSTALLED_WITH.get(parent.replace("-", "_"), ())
    return frozenset(found)


def _words(name: str) -> set[str]:
    """The distinctive words of a name: long enough, and not an ecosystem's or a generic one."""
    return {w for w in _SEPARATORS.split(name.lower()) if len(w) >= 5 and w not in _GENERIC_WORDS}


def _word_prefixed(module: str, distributions: Iterable[str]) -> str:
    """A distribution each of whose import's several words starts one of its name's words (`grpc_tools` and
    grpcio-tools, `key_value` and py-key-value-aio): the import is very likely its, under another name."""
    wanted = [w for w in _SEPARATORS.split(module.lower()) if w]
    if len(wanted) < 2:
        return ""
    for name in sorted(distributions):
        words = _SEPARATORS.split(name.lower())
        if all(any(word.startswith(w) for word in words) for w in wanted):
            return name
    return ""


def _resembling(module: str, declared: set[str]) -> str:
    """A declared distribution whose name shares a distinctive word or a long prefix with the import
    (`actstream` and django-activity-stream, `webdav3` and webdavclient3), or whose words the import's
    start: it may well provide it."""
    wanted = _canonical(module)
    for name in sorted(declared):
        canonical = _canonical(name)
        core = _FRAMEWORK_PREFIX.sub("", name)
        if any(w in wanted for w in _words(name)) or any(w in canonical for w in _words(module)) or \
                len(posixpath.commonprefix([wanted, _canonical(core)])) >= 5:
            return name
    return _word_prefixed(module, declared)


_URL_NOISE = re.compile(r"^(archive|refs|tags|heads|tarball|zipball|master|main|v?\d[\w.]*|[0-9a-f]{7,40})$", re.IGNORECASE)


def _url_words(url: str) -> set[str]:
    """The path segments of a requirement URL that may name its project (`git+https://host/org/hbot-client.git`
    -> org, hbot-client): an import resembling none of them is not what the URL installs."""
    path = url.split("://", 1)[-1].split("#")[0].split("@")[0]
    segments = [re.sub(r"(\.git|\.zip|\.tar\.gz|\.tgz|\.whl)$", "", part) for part in path.split("/")[1:]]
    return {part for part in segments if part and not _URL_NOISE.match(part)}


def _local_names(paths: Iterable[str]) -> set[str]:
    """Every directory and module name of the project's Python files, analyzed or only discovered (a named-file
    run reads few of them): imports of them are the project's own."""
    names = set()
    for path in paths:
        if path.endswith(".py"):
            parts = path.split("/")
            names.update(parts[:-1])
            names.add(parts[-1].removesuffix(".py"))
    return names


def _own(module: str, dotted: str, local: set[str], built_here: set[str]) -> bool:
    """Whether an import needs no third-party distribution: the standard library, the project's own modules and
    generated ones, or a distribution the repository holds the source of (a `setup.py` or pyproject naming it,
    which the image builds: `geocalclib/setup.py` for `geocalc`)."""
    return module in _STDLIB or module in local or module.startswith("_") or bool(_GENERATED.search(dotted)) \
        or _exactly_provided(module, dotted, built_here)


def _with_includes(declarations: list[Declared]) -> tuple[list[Declared], dict[str, str]]:
    """Each requirements file with the names and unnamed URLs of the files it includes (`-r requirements/base.txt`),
    transitively; and, by declaring file, an included file that is not in the project (its names are unknown)."""
    by_path = {f.path: f for f in declarations}
    missing: dict[str, str] = {}

    def gathered(fact: Declared, seen: set[str], top: str) -> tuple[set[str], list[str]]:
        names, unnamed = set(fact.names), list(fact.unnamed)
        for included in fact.includes:
            if included not in by_path:
                missing.setdefault(top, included)
            elif included not in seen:
                seen.add(included)
                more_names, more_unnamed = gathered(by_path[included], seen, top)
                names |= more_names
                unnamed += more_unnamed
        return names, unnamed

    linked = []
    for fact in declarations:
        if fact.includes:
            names, unnamed = gathered(fact, {fact.path}, fact.path)
            fact = replace(fact, names=tuple(sorted(names)), unnamed=tuple(unnamed))
        linked.append(fact)
    return linked, missing


@dataclass(frozen=True)
class _Scope:
    """The declarations that apply to one directory."""

    checked: str
    """The declaring files, as the message names them."""
    declared: set[str]
    locks: dict[str, set[str]]
    """Lock file path -> the distributions it pins."""
    unnamed: tuple[tuple[str, str], ...]
    """(declaring file, URL) of each requirement installed from a URL without a distribution name
    (`https://host/pkg.zip`)."""
    missing: str = ""
    """A declaring file's include that is not in the project (`-r requirements/production.txt`), as
    `file includes other`, if any: what it declares is not known."""
    add_on: str = ""
    """The nearest declaring files, when no deploy starts code under them but an application above them is
    started: an add-on, plugin or tool that is installed beside (or into) that application."""


def _scopes(facts: list[Fact]) -> tuple[dict[str, list[Declared]], set[str], dict[str, str]]:
    """Declaration files by the directory they declare for, the directories with a setup.py whose
    declaration was not read (it calls no `setup()` the analyzer recognises), and the includes not found."""
    by_directory: dict[str, list[Declared]] = {}
    declarations, missing = _with_includes([f for f in facts if isinstance(f, Declared)])
    for fact in declarations:
        directory = posixpath.dirname(fact.path)
        if posixpath.basename(directory) == "requirements":  # requirements/base.txt declares for the directory above
            directory = posixpath.dirname(directory)
        by_directory.setdefault(directory, []).append(fact)
    def setup_dirs(kind: type[Fact]) -> set[str]:
        return {posixpath.dirname(f.path) for f in facts if isinstance(f, kind) and posixpath.basename(f.path) == "setup.py"}

    # a setup.py is analyzed when it mentions `install_requires` (link.needs): one with imports but no declaration read
    return by_directory, setup_dirs(Import) - setup_dirs(Declared), missing


def _scope(directory: str, by_directory: dict[str, list[Declared]], setup_dirs: set[str],
           applications: set[str], missing: dict[str, str]) -> _Scope | None:
    """The declarations above `directory`, or None where they cannot be known here."""
    above = _above(directory)
    files = [d for level in above for d in by_directory.get(level, [])]
    declaring = [d for d in files if d.declares]
    if not declaring or any(level in setup_dirs for level in above) or any(d.dynamic for d in files):
        return None
    declared = {name for d in files for name in d.names} | {d.own for d in files if d.own}
    locks = {d.path: set(d.locked) for d in files if d.locked}
    unnamed = tuple((d.path, url) for d in files for url in d.unnamed)
    absent = next((f"{d.path} includes {missing[d.path]}" for d in declaring if d.path in missing), "")
    nearest = next(level for level in above if any(d.declares for d in by_directory.get(level, [])))
    add_on = ""
    if nearest not in applications and any(a in applications for a in _above(nearest)[1:]):
        add_on = ", ".join(sorted(d.path for d in by_directory[nearest] if d.declares))
    return _Scope(", ".join(sorted(d.path for d in declaring)), declared, locks, unnamed, absent, add_on)


def _doubt_in_scope(module: str, dotted: str, scope: _Scope, elsewhere: dict[str, set[str]]) -> str:
    """Why the declarations around a module may provide it after all, or it may not be needed in production;
    empty when nothing says so."""
    runtime = next((why for name, why in RUNTIME_PROVIDED.items() if f"{dotted}.".startswith(f"{name}.")), "")
    if runtime:
        return runtime
    if _UNCOMMITTED_CONFIG.match(module):
        return f"`{module}` is named like a deploy's own settings module, which is often written per deploy and not committed"
    if module in INSTALLER_TOOLS:
        return f"`{module}` comes with pip into most environments and images (not into Python 3.12+ venvs)"
    if module in DEVELOPMENT_TOOLS or module.startswith(_TYPE_STUBS):
        return f"`{module}` is a development or test tool, which production code seldom imports (dev-only code?)"
    for path, url in scope.unnamed:
        if _resembling(module, _url_words(url)):
            return f"{path} installs `{url}`, which does not name its distribution and may well be the one"
    if scope.missing:
        return f"{scope.missing}, which is not in the repository: the distributions it declares are not known"
    for path, locked in sorted(scope.locks.items()):
        if _exactly_provided(module, dotted, locked):
            return f"{path} pins it as another package's dependency (installed until that package drops it)"
        provider = _word_prefixed(module, locked)
        if provider:
            return f"{path} pins `{provider}`, which may provide it under another import name"
    resembling = _resembling(module, scope.declared)
    if resembling:
        return f"the declared `{resembling}` may provide it under another import name"
    for path, names in sorted(elsewhere.items()):
        if _provided(module, dotted, names):
            return f"{path} declares it, though not for this directory (if that file installs this code, it is declared)"
    if scope.add_on:
        return (f"no deploy file starts the code {scope.add_on} declares for, while an application above it is started "
                "(an add-on or tool installed beside that application, which may provide the rest)")
    return ""


def _doubt_at(fact: Import, reach: Reach) -> str:
    """Why one place of the import may not matter in production; empty when it runs on import of production code
    (or nothing tells)."""
    if fact.reach == UNREACHED:
        return "no production start command imports the module (a tool, a script or an optional part?)"
    if fact.path in reach.outside:
        return (f"none of the start commands resolved imports the module, though they may not all be known "
                f"({reach.doubt})")
    if fact.deferred:
        return f"it is imported only {fact.deferred} (an optional feature, if that code never runs in production)"
    if fact.module_kind == "cli_script":
        return "the module is a command-line script (a main guard that parses arguments), which may not run in production"
    *directories, name = fact.path.split("/")
    if name in _LEGACY_HOOKS:
        return f"{name} is {_LEGACY_HOOKS[name]}"
    support = [part for part in (*directories, name.removesuffix(".py")) if _TEST_SUPPORT.search(part.lower())]
    return f"it is in test-support code (`{support[0]}`)" if support else ""


def _rolled_up(module: str, scope: _Scope, places: list[Import], doubt: str, reach: Reach) -> UndeclaredImport:
    """One fact per module and scope at its first sure place (else its first place), naming the others."""
    doubts = {id(f): doubt or _doubt_at(f, reach) for f in places}
    primary = next((f for f in places if not doubts[id(f)]), places[0])
    others = [f for f in places if f is not primary]
    listed = [f"{f.path}:{f.line}" for f in others[:_MAX_LISTED]]
    also = ", ".join(listed) + (f" and {len(others) - _MAX_LISTED} more" if len(others) > _MAX_LISTED else "")
    return UndeclaredImport(primary.path, primary.line, primary.column, module=module, checked=scope.checked,
                            locks=", ".join(sorted(scope.locks)), doubt=doubts[id(primary)], also=also,
                            places=tuple((f.path, f.line, f.column) for f in others), anchor=f"undeclared:{module}")


def _locks_itself(declaration: Declared) -> bool:
    """A lock file, or a requirements file that pins every requirement (pip-compile's or `uv export`'s output)."""
    return bool(declaration.locked) or declaration.path.endswith(".txt") and bool(declaration.names) and not declaration.ranged


def _above(directory: str) -> list[str]:
    """`directory` and every directory above it, up to the project root (`""`)."""
    found = [directory]
    while found[-1]:
        found.append(posixpath.dirname(found[-1]))
    return found


def _applications(by_directory: dict[str, list[Declared]], facts: list[Fact]) -> set[str]:
    """Directories whose declarations belong to an application: the nearest declaring directory above each
    started process (a Dockerfile's CMD, a Procfile line), or, for a start above every declaration (a root
    compose file building `./backend`), the declaring directories below it. A repository's fixtures or
    examples that start processes of their own do not make its root package an application."""
    declaring = {d for d, files in by_directory.items() if any(f.declares for f in files)}
    found: set[str] = set()
    for start in (f for f in facts if isinstance(f, ProcessStart)):
        here = posixpath.dirname(start.path)
        if any(_TEST_SUPPORT.search(part.lower()) or part.lower() in _EXAMPLE_DIRS for part in here.split("/")):
            continue  # a test fixture's or an example's Dockerfile runs no app of this repository
        nearest = next((d for d in _above(here) if d in declaring), None)
        found |= {nearest} if nearest is not None else {d for d in declaring if here in _above(d)}
    return found


def _unlocked(by_directory: dict[str, list[Declared]], applications: set[str]) -> list[Unlocked]:
    """Declarations of an application that give ranges and that no lock file, or fully pinned requirements
    file, in their directory or above pins: each build may install other versions."""
    found = []
    for directory in sorted(applications):
        if any(_locks_itself(d) for a in _above(directory) for d in by_directory.get(a, [])):
            continue
        for declaration in by_directory[directory]:
            ranged = declaration.ranged
            if declaration.declares and ranged:
                examples = ", ".join(ranged[:5]) + (f" and {len(ranged) - 5} more" if len(ranged) > 5 else "")
                found.append(Unlocked(declaration.path, 1, count=len(ranged), ranged=examples, anchor="unlocked"))
    return found


def link(facts: list[Fact], paths: Iterable[str], reach: Reach | None = None) -> list[Fact]:
    """`paths`: every discovered file of the project; `reach`: which production modules its starts run (the facts
    carry it too)."""
    reach = reach or Reach({})
    by_directory, setup_dirs, missing = _scopes(facts)
    if not any(d.declares for files in by_directory.values() for d in files):
        return facts
    applications = _applications(by_directory, facts)
    unlocked: list[Fact] = list(_unlocked(by_directory, applications))
    # requirements files may install code anywhere (a Dockerfile says which); a pyproject naming its project
    # declares for that project only
    elsewhere = {d.path: set(d.names) for files in by_directory.values() for d in files if d.names and not d.own}
    local = _local_names(paths)
    built_here = {d.own for files in by_directory.values() for d in files if d.own}
    scopes: dict[str, _Scope | None] = {}
    places: dict[tuple[str, str], list[Import]] = {}
    for fact in sorted((f for f in facts if isinstance(f, Import)), key=lambda f: (f.path, f.line)):
        module, dotted = fact.module, fact.dotted or fact.module
        if _own(module, dotted, local, built_here) or fact.ci_only:
            continue
        if module in NAMESPACES:  # google.cloud.storage and google.oauth2 are two distributions to declare
            module = _namespace_key(dotted)
        directory = posixpath.dirname(fact.path)
        if directory not in scopes:
            scopes[directory] = _scope(directory, by_directory, setup_dirs, applications, missing)
        scope = scopes[directory]
        if scope is None or any(_own(tried, tried, local, built_here) or _provided(tried, tried, scope.declared)
                                for tried in fact.fallback_for):
            continue  # the `try` body's import works: this `except ImportError:` fallback never runs
        if not _provided(fact.module, dotted, scope.declared):
            places.setdefault((module, scope.checked), []).append(fact)
    found: list[Fact] = []
    for (module, _), group in places.items():
        scope = scopes[posixpath.dirname(group[0].path)]
        assert scope is not None
        top, dotted = group[0].module, group[0].dotted or module
        found.append(_rolled_up(module, scope, group, _doubt_in_scope(top, dotted, scope, elsewhere), reach))
    return facts + unlocked + found
