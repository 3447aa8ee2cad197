"""Which files a run must analyze: those a selected rule judges, and those linking needs from the rest.

Rules judge files by role; tests, migrations, scripts and docs are judged by no rule of the
default selection but the tool's own (TF001 parse error, TF002 internal error). Such a Python
file is analyzed only when another file's facts may depend on it, found from its bytes (a cheap
scan) and from the facts of the files already analyzed:

- a setup script (`setuptools`, `install_requires`, a distribution's `name`): what it declares, and which
  distribution the repository builds from its own source;
- a settings chain: a star import (`from .base import *`) decides which settings modules are
  leaves, and a module a judged file star-imports is part of that file's effective settings;
- a URLconf (`django.urls`): its routes make a judged module's functions request handlers;
- `RATELIMIT_STORAGE_*` set anywhere configures every rate limiter;
- module state a judged file imports and writes to (`from app.data import CARTS`);
- when a run reports on some files only (named ones): every model and settings module, when one of them
  has a model file field or storage setting (`python.local_media` counts the fields of all, at a settings
  leaf), and every file naming a module that no declaration provides (`python.undeclared_import` rolls
  all its places into one); and, when a service locator is among the facts, every file loading a config layer
  (`from_pyfile`, `from_object`: `link.config_layers` marks the locators of a defaults module loaded under a
  deploy's layer).

A file with a suppression directive is analyzed too: TF003/TF004 judge directives in every role.

Every other file of such a role is counted as linted with nothing to report; its parse error
is reported only with `analyze-all-files = true` in the config or when the file is named.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.discover.scope import ROLES
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dockerfile import DockerfileFilesystem
from twelvefactor_lint.facts.python import Call, ImportedStateWrite, ServiceLocator, Setting, StarImport, UndeclaredImport

if TYPE_CHECKING:
    from twelvefactor_lint.judge.catalogue import Rule

_TOOL = "tool"
_STAR_IMPORT = re.compile(rb"import[ \t\\\r\n]*\*")
_ROUTE_CALL = re.compile(rb"\b(?:re_path|path|url)\s*\(")
_SETUP_SCRIPT = re.compile(rb"^(from (setuptools|distutils\.core) import|import setuptools)", re.MULTILINE)


def judged_roles(rules: Iterable[Rule]) -> frozenset[str]:
    """Roles some selected rule judges, the tool's own rules aside; every role when only those are selected."""
    judging = [rule for rule in rules if rule.factor != _TOOL]
    if not judging:
        return frozenset(ROLES)
    return frozenset(role for rule in judging for role in rule.roles)


def may_provide_context(data: bytes) -> bool:
    """Whether a file's bytes may hold a star import, a URLconf, a rate-limit storage setting, or a setup.py's
    `install_requires` or distribution name (dependencies the declaration files do not show, and distributions
    the repository builds from its own source: link.dependencies)."""
    if b"RATELIMIT_STORAGE" in data or b"install_requires" in data or _STAR_IMPORT.search(data):
        return True
    if (b"setuptools" in data or b"distutils" in data) and _SETUP_SCRIPT.search(data) and b"name" in data:
        return True  # the words first: a multiline `^` pattern tries every line of every file (most of this scan)
    return b"django" in data and b"urls" in data and _ROUTE_CALL.search(data) is not None


def wanted_modules(facts: Iterable[Fact], images: Iterable[Fact] = ()) -> set[str]:
    """Modules the analyzed files reach into: the bases they star-import, and the modules whose state they write;
    and the file an image (`images`: facts of the Dockerfiles analyzed so far) copies into place of a star-imported
    module (`COPY docker/settings_local.py /srv/app/settings_local.py` for `from .settings_local import *`)."""
    wanted = set()
    facts = list(facts)
    copies = [copy for f in (*facts, *images) if isinstance(f, DockerfileFilesystem) for copy in f.copies]
    for fact in facts:
        if isinstance(fact, StarImport):
            wanted.add(fact.imports)
            target = "/" + fact.imports.replace(".", "/") + ".py"
            wanted |= {dotted_module(source) for sources, dest in copies
                       if ("/" + posixpath.normpath(dest).lstrip("/")).endswith(target) for source in sources
                       if source.endswith(".py")}
        elif isinstance(fact, ImportedStateWrite):
            owner = fact.qualified.rpartition(".")[0]  # `pkg.data` for `pkg.data.CARTS`
            wanted |= {owner, owner.rpartition(".")[0]}  # and `pkg.views` for `pkg.views.RoomView.board`
    wanted.discard("")
    return wanted


_MEDIA_WORDS = frozenset({b"FileField", b"ImageField", b"INSTALLED_APPS", b"STORAGES", b"DEFAULT_FILE_STORAGE",
                          b"DJANGO_SETTINGS_MODULE"})
"""What the files `python.local_media` reads name: model file fields, settings leaves, storages, the default
settings module."""
_MEDIA_KEYS = ("INSTALLED_APPS", "STORAGES.default.BACKEND", "DEFAULT_FILE_STORAGE")
_LAYER_WORDS = frozenset({b"from_pyfile", b"from_object"})
"""What a file loading config layers names (`analyze.python` finds `python.config_defaults` only in such files)."""


def wanted_words(facts: Iterable[Fact], paths: Iterable[str]) -> set[bytes]:
    """Words whose files (of the roles a whole run analyzes) linking reads beside the analyzed ones: the names
    of modules no declaration provides, and what a local-media finding depends on when a model file field
    or a storage setting is among the facts, and the files loading config layers when a service locator is, and
    the files naming the module of a function whose facts depend on whether start-up code calls it (an import
    of the module spells its last name)."""
    from twelvefactor_lint.link import dependencies, start_calls

    facts = list(facts)
    words = {fact.module.encode() for fact in dependencies.link(facts, paths) if isinstance(fact, UndeclaredImport)}
    if any(isinstance(f, Call) and f.api == "model_file_field" or isinstance(f, Setting) and f.key in _MEDIA_KEYS
           for f in facts):
        words |= _MEDIA_WORDS
    if any(isinstance(f, ServiceLocator) for f in facts):
        words |= _LAYER_WORDS
    words |= {dotted_module(f.path).rpartition(".")[2].encode() for f in facts
              if isinstance(f, start_calls.FOLLOWED) and f.context == "function" and not f.at_start}
    return words


def provides(rel: str, modules: set[str]) -> bool:
    """Whether the file at `rel` is one of `modules` as linking matches them (the same name, or a dotted suffix)."""
    parts = dotted_module(rel).split(".")  # its dotted suffixes looked up, not each module tested (thousands of files)
    return any(".".join(parts[start:]) in modules for start in range(len(parts)))
