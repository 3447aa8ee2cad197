"""Link phase 2c, the deploy's environment: which variables the repository's production deploys all set for the
app's processes, so that a rule can tell a fallback every shipped deploy replaces from one a deploy really runs on.

Deploy files declare what the app's processes get (`platform.env_var`: a Dockerfile's `ENV`, a compose service's
`environment:`, a Kubernetes container's `env`). A variable counts as set when every production deploy of the
repository gives it a value of its own: each production image (a Dockerfile: its `ENV`), each compose service
that builds one (its `environment:`, or its Dockerfile's `ENV`) — of those, the ones whose image may hold the
Python file (an image whose COPY/ADD lines leave it out runs other code) — and each PaaS app (a Procfile, `app.json`,
`heroku.yml`: environments this repository does not declare, so they set nothing). Kubernetes containers run
images from elsewhere: their `env` counts only in a repository with no other deploy. Not counted: test, docs
and development files, a compose stack that bind-mounts the source tree, and `${X:-dev}` (a deploy that
forgets X gets the same literal); counted: a literal, a Secret reference, the operator's `${X}`. A compose service
that requires the variable (`${X?Variable not set}`: compose refuses to start without it) sets it for the image it
builds too: that image's documented deploy cannot run it unset, so a bare `docker run` of it is a deploy outside the
repository's files.

Every Python fact that reads a variable (`env_key`) carries a deploy file that sets it as `env_set_by`
(`""`: not every deploy does). Python code's own fallbacks then say what is uncertain: "the deploy files here
set X, so only a deploy outside them runs on this fallback".

The converse, `env_unset_in`: a production compose file or manifest runs the app's processes with exactly the
environment it lists (`complete`: a service or container that may run the app, not a database or proxy image),
no production deploy file names the variable (`${X:-dev}` included), no stack counted as development by its contents
(it bind-mounts the source tree) rather than its name passes it through from the operator's environment (`X=${X}`,
`- X`, `X: ${X:-}`: that stack is run with the variable supplied), and none loads variables it does not name (`*`: a
compose `env_file`, a Kubernetes `envFrom`, a Helm chart's values, a platform's config vars kept outside the
repository).
Then the fallback is what those processes run — unless the settings module a deploy file names sets a base
module's value again (`set_again_by`, from link.python). A settings class may read a variable under another case or
after a prefix (pydantic's `env_prefix`): any such name counts as setting it, which only ever makes `unset` rarer.
"""

from __future__ import annotations

import fnmatch
import posixpath
import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.discover.modules import dotted_module
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService
from twelvefactor_lint.facts.dockerfile import DockerfileFilesystem, FinalStage
from twelvefactor_lint.facts.platform import EnvVar
from twelvefactor_lint.facts.process import ProcessFact
from twelvefactor_lint.facts.procfile import ProcfileProcess
from twelvefactor_lint.facts.python import PythonFact, ServiceLocator, Setting, StarImport
from twelvefactor_lint.link.start_chains import contexts

_PAAS_FILES = frozenset({"app.json", "heroku.yml"})


def _production(paths: list[str]) -> Callable[..., bool]:
    """Whether a fact of a file is about a production deploy (not test, docs or development files, nor a compose
    stack that bind-mounts the source tree)."""
    dev = scope.dev_by_sibling(paths)

    def production(path: str, dev_only: bool = False) -> bool:
        return not dev_only and path not in dev and scope.classify(path) == scope.PROD
    return production


def deployed(facts: Iterable[Fact], paths: Iterable[str]) -> Callable[[str], dict[str, str]]:
    """For a Python file: variable -> a production deploy file that sets it, for the variables every production
    deploy that may run the file sets. An image whose COPY and ADD lines leave the file out runs other code (the
    repository's bot beside its backend): what its ENV lacks says nothing of the file's fallbacks."""
    facts, paths = list(facts), list(paths)
    production = _production(paths)
    units: dict[tuple[str, str], str] = {}
    """(file, service) of each production deploy -> the Dockerfile it builds ("" when none or unknown)."""
    for fact in facts:
        if isinstance(fact, FinalStage) and production(fact.path, fact.dev_only):
            units[(fact.path, "")] = fact.path
        elif isinstance(fact, ComposeService) and fact.build_context and production(fact.path, fact.dev_only):
            units[(fact.path, fact.service)] = fact.built_dockerfile
        elif isinstance(fact, ProcfileProcess) and production(fact.path, fact.dev_only):
            units[(fact.path, "")] = ""
    units |= {(path, ""): "" for path in paths if posixpath.basename(path) in _PAAS_FILES and production(path)}
    setting: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for fact in facts:
        if isinstance(fact, EnvVar) and fact.own_value and production(fact.path, fact.dev_only):
            setting[fact.name].setdefault((fact.path, fact.service), fact.path)
            if fact.required and (built := units.get((fact.path, fact.service))):
                setting[fact.name].setdefault((built, ""), fact.path)  # the image's documented deploy requires it
    sources = _image_sources(facts)
    found: dict[frozenset[tuple[str, str]], dict[str, str]] = {}

    def set_for(python_path: str) -> dict[str, str]:
        running = frozenset(unit for unit, dockerfile in units.items() if _holds(sources.get(dockerfile), python_path))
        if running not in found:
            found[running] = _set_by_all(setting, {u: units[u] for u in running or units})
        return found[running]
    return set_for


def _set_by_all(setting: dict[str, dict[tuple[str, str], str]], units: dict[tuple[str, str], str]) -> dict[str, str]:
    """Variable -> a file setting it, for the variables each of `units` sets (itself, or the image it builds)."""
    found = {}
    for name, by_unit in setting.items():
        if units:
            if all(unit in by_unit or (dockerfile, "") in by_unit for unit, dockerfile in units.items()):
                found[name] = min(by_unit.values())
        else:  # manifests only: the images come from elsewhere, the manifests are the deploy
            found[name] = min(by_unit.values())
    return found


def _image_sources(facts: list[Fact]) -> dict[str, list[str]]:
    """Dockerfile -> the repository paths its final image copies from its build context (any context it may be
    built with); a Dockerfile copying nothing is left out (it may install the app some other way)."""
    found: dict[str, list[str]] = {}
    for fact in facts:
        if isinstance(fact, DockerfileFilesystem) and not fact.target and fact.copies:
            found[fact.path] = [posixpath.normpath(posixpath.join(context, source)) for context in contexts(fact.path, facts)
                                for sources, _ in fact.copies for source in sources]
    return found


def _holds(sources: list[str] | None, path: str) -> bool:
    """An image copying `sources` may hold the repository file `path` (None: nothing known, so it may)."""
    return sources is None or any(
        source == "." or path == source or path.startswith(source + "/")
        or any(c in source for c in "*?[") and _glob_holds(source, path) for source in sources)


def _glob_holds(pattern: str, path: str) -> bool:
    """A COPY source with a wildcard (`package*.json`, `src/*`) copies what it matches: the file, or a directory
    holding it."""
    parts = path.split("/")
    return any(fnmatch.fnmatchcase("/".join(parts[:n]), pattern) for n in range(1, len(parts) + 1))


def _runs_app_without(facts: list[Fact], paths: list[str]) -> tuple[str, set[str]]:
    """A production file whose processes run with exactly the environment it lists ("" when none, or when a
    production deploy loads variables it does not name), and the names (upper case) production deploys set."""
    production = _production(paths)
    declared = [f for f in facts if isinstance(f, EnvVar) and production(f.path, f.dev_only or f.ci_only)]
    names = {f.name.upper() for f in declared}
    if "*" in names:
        return "", names
    # a stack counted as development (it bind-mounts the source tree) that passes the variable through from the
    # operator's environment (`X=${X}`, `- X`, `X: ${X:-}`) is run with it supplied: the deploy sets it
    names |= {f.name.upper() for f in facts if isinstance(f, EnvVar) and f.own_value and not f.value and f.dev_only
              and not f.ci_only and production(f.path)}
    return min((f.path for f in declared if f.complete), default=""), names


def _named(key: str, names: set[str]) -> bool:
    """A deploy sets the variable, or one a settings class may read for it: pydantic matches names in any case and
    after an `env_prefix` (`APP_REDIS_URL` for the field `redis_url`)."""
    key = key.upper()
    return any(name == key or name.endswith("_" + key) for name in names)


_SWITCH = re.compile(r"\$\{?([A-Za-z_]\w*)")


def switched_on(facts: list[Fact], paths: list[str]) -> list[Fact]:
    """A start script's step under a switch (`if [ "$DJANGO_MANAGEPY_MIGRATE" = on ]`) is opt-in — unless a
    production deploy file turns that switch on (the Kubernetes Deployments give `DJANGO_MANAGEPY_MIGRATE: "on"`):
    then it is what production runs, and its condition is dropped. A development stack setting it changes nothing,
    and neither does a deploy giving it a value the test rejects (`PI_RUN_MIGRATIONS: "false"` for `= "true"`).
    When only one-off processes turn it on (a compose init service the others wait to complete, a Kubernetes Job),
    the step runs in that init job, once per release, and the long-running processes leave it off: it stays
    opt-in, and its condition names them."""
    production = _production(paths)
    setters: dict[str, list[EnvVar]] = defaultdict(list)
    for var in facts:
        if isinstance(var, EnvVar) and var.own_value and production(var.path, var.dev_only or var.ci_only):
            setters[var.name].append(var)
    if not setters:
        return facts

    def judged(fact: Fact) -> Fact:
        if not isinstance(fact, ProcessFact) or not fact.condition.startswith(("when `", "unless `")) or fact.dev_only:
            return fact
        on = [var for name in dict.fromkeys(_SWITCH.findall(fact.condition)) for var in setters.get(name, ())
              if _turns_on(fact.condition, var)]
        if not on:
            return fact
        if any(not var.one_off for var in on):
            return replace(fact, condition="")
        jobs = sorted({f"{var.where} ({var.path})" for var in on})
        return replace(fact, condition=f"{fact.condition}, which only the one-off {', '.join(jobs)} "
                                       f"turn{'s' if len(jobs) == 1 else ''} on")
    return [judged(f) for f in facts]


_SELECTED = re.compile(r"^when `?(\w+)`? is set$")


def _selected_elsewhere(path: str, selectors: dict[str, list[str]], names: set[str]) -> bool:
    """A settings module that only star-imports select, each under a test of a variable no production deploy file
    sets (`heroku.py`, which `settings/__init__.py` includes when `ON_HEROKU` is set): the compose file that runs the
    app without some variable does not run this module, so its fallbacks are not what that file's processes run."""
    module = dotted_module(path)
    found = [variables for imported, variables in selectors.items()
             if imported == module or module.endswith("." + imported) or imported.endswith("." + module)]
    variables = [v for found_ in found for v in found_]
    return bool(variables) and all(variables) and not any(_named(v, names) for v in variables)


def _turns_on(condition: str, var: EnvVar) -> bool:
    """Whether a deploy's value for the variable may take the branch under `condition` (`when `[ "${X:-false}" =
    "true" ]``): a value not known here (`${X}`, a Secret) may; a literal must pass a comparison of it with a word
    (`when`), or fail one (`unless`). A test of another kind (`[ -n "$X" ]`) any value passes."""
    if not var.value:
        return True
    compared = re.findall(r"\$\{?" + re.escape(var.name) + r"(?::?[-=+?][^}]*)?\}?[\"']?\s*(==?|!=)\s*[\"']?([\w.-]+)",
                          condition)
    if not compared:
        return True
    holds = [(var.value == word) == (operator != "!=") for operator, word in compared]
    return any(holds) if condition.startswith("when ") else not all(holds)


def annotate(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """Every Python fact reading a variable every production deploy sets, with a file setting it as `env_set_by`;
    every one reading a variable a production compose file or manifest runs the app without, with that file as
    `env_unset_in`; every start script's step under a switch a production deploy sets, without its condition; every
    settings value a later statement replaces when a variable is set (`env_layer`) that a production deploy file
    sets (or may set: it loads variables it does not name, a compose `env_file`, a Kubernetes `envFrom`), with that file
    as `env_layer_set_in`: like a start step under a switch, the replacement is what it runs."""
    paths = list(paths)
    facts = switched_on(facts, paths)
    if not any(isinstance(f, EnvVar) for f in facts):
        return facts
    set_for = deployed(facts, paths)
    runs_app, names = _runs_app_without(facts, paths)
    production = _production(paths)
    setters: dict[str, str] = {}
    for var in sorted((f for f in facts if isinstance(f, EnvVar)), key=lambda f: f.path):
        if var.name == "*" and production(var.path, var.dev_only or var.ci_only):
            setters.setdefault("*", f"{var.path} (which loads variables it does not name, {var.where})")
        elif var.own_value and production(var.path, var.dev_only or var.ci_only):
            setters.setdefault(var.name, var.path)
    selectors: dict[str, list[str]] = defaultdict(list)
    for star in (f for f in facts if isinstance(f, StarImport)):
        selected = _SELECTED.match(star.condition)
        selectors[star.imports].append(selected.group(1) if selected else "")
    judged: list[Fact] = []
    for fact in facts:
        if isinstance(fact, (Setting, ServiceLocator)) and fact.env_layer and (setter := setters.get(fact.env_layer)
                                                                               or setters.get("*")):
            fact = replace(fact, env_layer_set_in=setter)
        if isinstance(fact, PythonFact) and (key := getattr(fact, "env_key", "")):
            if key in (found := set_for(fact.path)):
                fact = replace(fact, env_set_by=found[key])
            elif runs_app and not _named(key, names) and not fact.set_again_by \
                    and not _selected_elsewhere(fact.path, selectors, names):
                fact = replace(fact, env_unset_in=runs_app)
        judged.append(fact)
    return judged
