"""Link phase 2, what a workload with no grace period loses: `terminationGracePeriodSeconds: 0` sends SIGKILL at once,
which cuts in-flight requests and running jobs. The analyzer knows what the pod itself shows (a container port, a
server or worker command); link adds a Service of the repository whose selector matches the pod's labels (it sends
the pod requests), and a SIGTERM handler the repository's production code installs (the code has a clean stop that
SIGKILL skips). With none of these, a per-node agent (an image cleaner) has nothing in flight to lose.
"""

from __future__ import annotations

from dataclasses import replace

from twelvefactor_lint.discover import scope
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.kubernetes import NoGrace, Service
from twelvefactor_lint.facts.python import Call

_SIGTERM = {"signal.SIGTERM", "signal.Signals.SIGTERM"}
_IGNORED = {"signal.SIG_IGN", "signal.Handlers.SIG_IGN", "signal.SIG_DFL", "signal.Handlers.SIG_DFL"}


def link(facts: list[Fact]) -> list[Fact]:
    if not any(isinstance(f, NoGrace) and f.cause == "grace" and not f.serves for f in facts):
        return facts
    services = [f for f in facts if isinstance(f, Service) and f.selector]
    handler = next((f for f in facts if isinstance(f, Call) and f.api == "signal_handler"
                    and (f.arg_name in _SIGTERM or f.arg == "15") and f.arg2_name not in _IGNORED
                    and scope.classify(f.path) == scope.PROD), None)

    def judged(fact: Fact) -> Fact:
        if not isinstance(fact, NoGrace) or fact.cause != "grace" or fact.serves:
            return fact
        labels = set(fact.labels)
        service = next((s for s in services if set(s.selector) <= labels), None)
        if service is not None:
            return replace(fact, serves=f"Service `{service.name}` ({service.path}) selects its pods")
        if handler is not None:
            return replace(fact, serves=f"the repository's code handles SIGTERM ({handler.path}:{handler.line})")
        return fact
    return [judged(f) for f in facts]
