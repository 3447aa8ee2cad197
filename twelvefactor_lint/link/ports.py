"""Link phase 2d, port binding (factor VII): does the project deploy to a platform that assigns the port?

Heroku, Render, App Engine and Cloud Run (Knative) route traffic to the port they give the process in `$PORT`.
A web server started on a literal port works in a container whose port compose or Kubernetes maps, but on such a
platform it is either never reached or right only by coincidence. Each `process.fixed_port` gets the platform
file that runs it there (`platform_port`): one that deploys the project's images (render.yaml, heroku.yml, a
Knative Service; which of several images is not proven, so the rule stays at warning), or the Procfile or App
Engine app.yaml whose command starts the script that runs the server.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.discover.scope import PROD, classify
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.kubernetes import PackagedWorkload, Workload
from twelvefactor_lint.facts.process import FixedPort
from twelvefactor_lint.facts.procfile import ProcfileProcess

_IMAGE_PLATFORM_FILES = {"render.yaml", "render.yml", "heroku.yml"}
"""Files that deploy the project's images to a platform assigning `$PORT`, whatever command they run (a Render
service built from a Dockerfile has no start command of its own). A Knative (Cloud Run) Service counts too;
fly.toml does not: Fly routes to its declared `internal_port`."""
_COMMAND_PLATFORM = re.compile(r"^Procfile$|^app\.yaml$")
"""A Procfile or an App Engine app.yaml runs its own commands (a buildpack deploy): it proves the platform only for
what those commands start, not for an image's CMD that sits beside it."""


def _image_platform(facts: list[Fact], paths: Iterable[str]) -> str:
    """The first file (by path) that deploys the project's images to a platform assigning `$PORT`."""
    found = {path for path in paths if posixpath.basename(path) in _IMAGE_PLATFORM_FILES}
    found |= {f.path for f in facts if isinstance(f, Workload) and f.workload_kind == "Service"}
    return min(found) if found else ""


def _platform_of(fact: FixedPort, image_platform: str) -> str:
    """The platform file that runs this server on a platform assigning `$PORT`, if any."""
    if image_platform:
        return image_platform
    return fact.started_by_path if _COMMAND_PLATFORM.match(posixpath.basename(fact.started_by_path)) else ""


_PROCFILE_RUNNERS = ("honcho",)
"""Python tools that run a Procfile's process types on a developer's machine."""


def _local_runner(facts: list[Fact]) -> str:
    """Why the project's Procfiles are probably a local runner's: a Procfile runner is among its dependencies while
    a cluster manifest (Kubernetes, an OpenShift Template, a ClowdApp) deploys its long-running processes; "" when
    not."""
    runner = next(((name, f.path) for f in facts if isinstance(f, Declared) for name in _PROCFILE_RUNNERS
                   if name in f.names), None)
    if runner is None:
        return ""
    deploys = sorted({f.path for f in facts if isinstance(f, PackagedWorkload)
                      or isinstance(f, Workload) and not f.one_off and classify(f.path) == PROD})
    if not deploys:
        return ""
    return (f"`{runner[0]}` ({runner[1]}) runs this Procfile on a developer's machine, and {deploys[0]} deploys the "
            f"project to a cluster")


def link(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    if any(isinstance(f, ProcfileProcess) and f.port_binding == "fixed" for f in facts):
        why = _local_runner(facts)
        if why:
            facts = [replace(f, local_runner=why) if isinstance(f, ProcfileProcess) else f for f in facts]
    if not any(isinstance(f, FixedPort) for f in facts):
        return facts
    platform = _image_platform(facts, paths)
    return [replace(f, platform_port=_platform_of(f, platform)) if isinstance(f, FixedPort) else f for f in facts]
