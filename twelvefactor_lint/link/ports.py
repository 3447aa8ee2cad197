"""Link phase 2d, port binding (factor VII): does the project deploy to a platform that assigns the port?

Heroku, Render, App Engine and Cloud Run (Knative) route traffic to the port they give the process in `$PORT`.
A web server started on a literal port works in a container whose port compose or Kubernetes maps, but on such a
platform it is either never reached or right only by coincidence. Each `process.fixed_port` gets the platform
file that proves the project deploys there (`platform_port`); which image that platform runs is not proven, so
the rule stays at warning.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.kubernetes import Workload
from twelvefactor_lint.facts.process import FixedPort, ProcessStart
from twelvefactor_lint.facts.procfile import ProcfileProcess

_PORT_PLATFORM_FILES = {"render.yaml", "render.yml", "heroku.yml"}
"""Files that declare a deploy to a platform assigning `$PORT`, whatever they run (a Render service built from a
Dockerfile has no start command of its own). A Procfile's `web` line, an App Engine entrypoint and a Knative
(Cloud Run) Service count too; fly.toml does not: Fly routes to its declared `internal_port`."""


def _platform_file(facts: list[Fact], paths: Iterable[str]) -> str:
    """The first file (by path) that says the project deploys to a platform assigning `$PORT`."""
    found = {path for path in paths if posixpath.basename(path) in _PORT_PLATFORM_FILES}
    found |= {f.path for f in facts if isinstance(f, ProcfileProcess) and f.type == "web"}
    found |= {f.path for f in facts if isinstance(f, ProcessStart) and posixpath.basename(f.path) == "app.yaml"
              and f.source.startswith("App Engine")}
    found |= {f.path for f in facts if isinstance(f, Workload) and f.workload_kind == "Service"}
    return min(found) if found else ""


def link(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    if not any(isinstance(f, FixedPort) for f in facts):
        return facts
    platform = _platform_file(facts, paths)
    return [replace(f, platform_port=platform) if isinstance(f, FixedPort) and platform else f for f in facts]
