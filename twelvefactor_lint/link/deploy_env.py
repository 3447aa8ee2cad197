"""Link phase 2c, the deploy's environment: which variables the repository's production deploys all set for the
app's processes, so that a rule can tell a fallback every shipped deploy replaces from one a deploy really runs on.

Deploy files declare what the app's processes get (`platform.env_var`: a Dockerfile's `ENV`, a compose service's
`environment:`, a Kubernetes container's `env`). A variable counts as set when every production deploy of the
repository gives it a value of its own: each production image (a Dockerfile: its `ENV`), each compose service
that builds one (its `environment:`, or its Dockerfile's `ENV`) and each PaaS app (a Procfile, `app.json`,
`heroku.yml`: environments this repository does not declare, so they set nothing). Kubernetes containers run
images from elsewhere: their `env` counts only in a repository with no other deploy. Not counted: test, docs
and development files, a compose stack that bind-mounts the source tree, and `${X:-dev}` (a deploy that
forgets X gets the same literal); counted: a literal, a Secret reference, the operator's `${X}`.

Every Python fact that reads a variable (`env_key`) carries a deploy file that sets it as `env_set_by`
(`""`: not every deploy does). Python code's own fallbacks then say what is uncertain: "the deploy files here
set X, so only a deploy outside them runs on this fallback".
"""

from __future__ import annotations

import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService
from twelvefactor_lint.facts.dockerfile import FinalStage
from twelvefactor_lint.facts.platform import EnvVar
from twelvefactor_lint.facts.procfile import ProcfileProcess
from twelvefactor_lint.facts.python import PythonFact

_PAAS_FILES = frozenset({"app.json", "heroku.yml"})


def deployed(facts: Iterable[Fact], paths: Iterable[str]) -> dict[str, str]:
    """Variable -> a production deploy file that sets it, for the variables every production deploy sets."""
    facts, paths = list(facts), list(paths)
    dev = scope.dev_by_sibling(paths)

    def production(path: str, dev_only: bool = False) -> bool:
        return not dev_only and path not in dev and scope.classify(path) == scope.PROD

    units: dict[tuple[str, str], str] = {}
    """(file, service) of each production deploy -> the Dockerfile it builds ("" when none or unknown)."""
    for fact in facts:
        if isinstance(fact, FinalStage) and production(fact.path, fact.dev_only):
            units[(fact.path, "")] = ""
        elif isinstance(fact, ComposeService) and fact.build_context and production(fact.path, fact.dev_only):
            units[(fact.path, fact.service)] = fact.built_dockerfile
        elif isinstance(fact, ProcfileProcess) and production(fact.path, fact.dev_only):
            units[(fact.path, "")] = ""
    units |= {(path, ""): "" for path in paths if posixpath.basename(path) in _PAAS_FILES and production(path)}
    setting: dict[str, dict[tuple[str, str], str]] = defaultdict(dict)
    for fact in facts:
        if isinstance(fact, EnvVar) and fact.own_value and production(fact.path, fact.dev_only):
            setting[fact.name].setdefault((fact.path, fact.service), fact.path)
    found = {}
    for name, by_unit in setting.items():
        if units:
            if all(unit in by_unit or (dockerfile, "") in by_unit for unit, dockerfile in units.items()):
                found[name] = min(by_unit.values())
        else:  # manifests only: the images come from elsewhere, the manifests are the deploy
            found[name] = min(by_unit.values())
    return found


def annotate(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """Every Python fact reading a variable every production deploy sets, with a file setting it as `env_set_by`."""
    found = deployed(facts, paths)
    if not found:
        return facts
    return [replace(f, env_set_by=found[key]) if isinstance(f, PythonFact) and (key := getattr(f, "env_key", ""))
            and key in found else f for f in facts]
