"""Facts about Procfile lines (their commands also give `process.*` facts)."""

from __future__ import annotations

from twelvefactor_lint.facts.base import Fact, doc, kind


@kind("procfile.process")
class ProcfileProcess(Fact):
    """One `type: command` line of a Procfile."""

    type: str = doc("The process type (`web`, `worker`, `release`).")
    command: str = doc("The command, as written.")
    port_binding: str = doc("`env` when it listens on `$PORT` (or gunicorn's default), `fixed` when it surely does not, "
                            "else `unknown`.")
    local_runner: str = doc("Set by link when the Procfile is probably a local process runner's, not a platform's: a "
                            "Procfile runner (honcho) is a dependency of the project while Kubernetes or OpenShift "
                            "manifests deploy it; why, in words. `\"\"`: not known to be.", default="")
