"""Link phase 2c, the deploy's environment: which variables the repository's production deploy files set for the
app's processes, so that a rule can tell a fallback every shipped deploy replaces from one a deploy really runs on.

Deploy files declare what the app's processes get (`platform.env_var`: a Dockerfile's `ENV`, a compose service's
`environment:`, a Kubernetes container's `env`). A variable counts as set by the deploy when a production deploy
file (not a test, docs or development one, nor a compose service that bind-mounts the source tree) gives it a
value of its own: a literal, a Secret reference, or the operator's environment (`${DATABASE_URL}`) with no
literal default after it. `${X:-dev}` does not count: a deploy that forgets X gets the same literal.

Every Python fact that reads a variable (`env_key`) carries the deploy file that sets it as `env_set_by`
(`""`: none does). Python code's own fallbacks then say what is uncertain: "the deploy files here set X, so
only a deploy outside them runs on this fallback".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.platform import EnvVar
from twelvefactor_lint.facts.python import PythonFact


def deployed(facts: Iterable[Fact], paths: Iterable[str]) -> dict[str, str]:
    """Variable -> the first production deploy file (by path) that sets it with a value of its own."""
    dev = scope.dev_by_sibling(list(paths))
    found: dict[str, str] = {}
    for fact in sorted((f for f in facts if isinstance(f, EnvVar)), key=lambda f: (f.path, f.line)):
        if fact.own_value and not fact.dev_only and fact.path not in dev and scope.classify(fact.path) == scope.PROD:
            found.setdefault(fact.name, fact.path)
    return found


def annotate(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """Every Python fact reading a variable a production deploy file sets, with that file as `env_set_by`."""
    found = deployed(facts, paths)
    if not found:
        return facts
    return [replace(f, env_set_by=found[key]) if isinstance(f, PythonFact) and (key := getattr(f, "env_key", ""))
            and key in found else f for f in facts]
