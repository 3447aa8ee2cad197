"""Link phase 2, deploy environment: does a deploy file replace a setting's environment fallback?

`os.environ.get("DATABASE_URL", "sqlite:///app.db")` runs SQLite only where nothing sets `DATABASE_URL`.
The project's own deploy files say which: a compose service's `environment`, a Kubernetes container's `env`
or a Dockerfile `ENV` that sets the variable replaces the fallback (`set`). When a compose file or manifest
runs the processes, sets none and loads no variables it does not name (`env_file`, `envFrom`, a Helm
chart's values, a platform whose config vars live outside the repository), the fallback is what those
deploys run (`unset`). Anything else is `unknown`: the variable comes from wherever the app is deployed.
Development and CI stacks say nothing about production and are not read.
"""

from __future__ import annotations

from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.platform import DeployEnv
from twelvefactor_lint.facts.python import SecretEnvFallback, ServiceLocator, Setting

SET, UNSET, UNKNOWN = "set", "unset", "unknown"


def link(facts: list[Fact]) -> list[Fact]:
    declared = [f for f in facts if isinstance(f, DeployEnv) and not f.dev_only and not f.ci_only
                and scope.classify(f.path) == scope.PROD]
    names = {f.name for f in declared}
    complete = "*" not in names and any(f.complete for f in declared)
    judged: list[Fact] = []
    for fact in facts:
        if isinstance(fact, SecretEnvFallback) or isinstance(fact, (Setting, ServiceLocator)) \
                and fact.origin == "env_default" and fact.env_key:
            fact = replace(fact, deploy_env=SET if _named(fact.env_key, names) else UNSET if complete else UNKNOWN)
        judged.append(fact)
    return judged


def _named(key: str, names: set[str]) -> bool:
    """A deploy sets the variable, or one a settings class may read for it: pydantic matches names in any case and
    after an `env_prefix` (`APP_REDIS_URL` for the field `redis_url`)."""
    key = key.upper()
    return any(name.upper() == key or name.upper().endswith("_" + key) for name in names)
