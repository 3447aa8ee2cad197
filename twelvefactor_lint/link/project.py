"""Link: project-level reasoning over every file's facts; reads facts, writes facts.

- A compose service's role (app, infra, proxy) is settled across files: a partial
  definition in an override takes the role of the base file's definition, and a
  service built from the repo takes the role of its Dockerfile's final base image
  (a service built `FROM nginx` is a proxy, not an app).
- A compose service that gives `command:` or `entrypoint:` starts the image of the
  Dockerfile it builds (or, running a prebuilt image, the Dockerfile named after it),
  so that Dockerfile's missing start instruction is supplied.
- A handler's write to an imported name (`from app.data import RECIPES`) becomes a
  state mutation when that name is a module-level container in the project; writes
  to anything else imported (a framework's `session`, an ORM object) are dropped.
"""

from __future__ import annotations

import os.path
import posixpath
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.analyze import images
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.link.python import link_python

_ROLE_OF_BASE = {images.PROXY: "proxy", images.INFRA: "infra"}


def _started_dockerfiles(service: Fact, dockerfiles: list[str]) -> list[str]:
    """Dockerfiles whose image a compose service runs: the one it builds, or, for a service that
    runs a prebuilt `image:`, a Dockerfile below the compose file named after the service
    (`api/Dockerfile`, `Dockerfile.api`, `api.Dockerfile` for service `api`)."""
    if service.attrs["build_context"]:
        return [service.attrs["built_dockerfile"]]
    if not service.attrs["image"]:
        return []
    name, base = service.attrs["service"].lower(), posixpath.dirname(service.path)
    return [
        path for path in dockerfiles
        if (not base or path.startswith(base + "/")) and name in (
            posixpath.basename(posixpath.dirname(path)).lower(),
            posixpath.basename(path).lower().partition(".")[2],
            posixpath.basename(path).lower().rpartition(".")[0],
        )
    ]


def _service_key(fact: Fact) -> tuple[str, str]:
    return posixpath.dirname(fact.path), fact.attrs["service"]


def _service_roles(services: list[Fact], final_bases: dict[str, str]) -> dict[tuple[str, str], str]:
    """Role per (compose directory, service); base files (shorter names) before their overrides."""
    roles: dict[tuple[str, str], str] = {}
    for service in sorted(services, key=lambda f: (len(f.path), f.path)):
        role = service.attrs["role"]
        if role == "built":
            role = _ROLE_OF_BASE.get(final_bases.get(service.attrs["built_dockerfile"], ""), "app")
        if role != "unknown":
            roles.setdefault(_service_key(service), role)
    return roles


def _resolved_write(write: Fact, containers: dict[str, list[Fact]]) -> Fact | None:
    """The imported write as a state mutation, if it names a module-level container of the project.

    Several modules can match a dotted suffix (copies of one app in a tutorial repository); the
    one closest to the importing file wins.
    """
    module, _, name = write.attrs["qualified"].rpartition(".")
    candidates = [c for c in containers.get(name, ()) if c.attrs["module"] == module or c.attrs["module"].endswith("." + module)]
    if not module or not candidates:
        return None
    source = max(candidates, key=lambda c: (len(os.path.commonprefix([c.path, write.path])), c.path))
    return Fact("python.state_mutation", write.path, write.line, write.column, write.end_line, write.end_column,
                attrs={**write.attrs, "container": source.attrs["container"], "defined_at": f"{source.path}:{source.line}"},
                anchor=write.anchor)


def _routed_views(facts: list[Fact]) -> list[Fact]:
    """Keep the state writes of view-shaped functions that a URLconf routes to, as the writes they are;
    drop the others (a function taking `request` that nothing routes is not known to serve requests)."""
    routes = {f.attrs["view"]: f for f in facts if f.kind == "python.url_route"}
    kept = []
    for fact in facts:
        if fact.kind != "python.view_candidate_write":
            kept.append(fact)
            continue
        route = routes.get(fact.attrs["view"])
        if route is not None:
            site = f"Django view `{fact.attrs['function']}()` (routed in {route.path}:{route.line})"
            kept.append(replace(fact, kind=fact.attrs["write_kind"]).with_attrs(site=site))
    return kept


def link(facts: Iterable[Fact]) -> list[Fact]:
    facts = link_python(_routed_views(list(facts)))
    containers: dict[str, list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.kind == "python.module_state":
            containers[fact.attrs["name"]].append(fact)
    writes = [f for f in facts if f.kind == "python.imported_state_write"]
    facts = [f for f in facts if f.kind != "python.imported_state_write"]
    facts += [w for w in (_resolved_write(w, containers) for w in writes) if w is not None]
    services = [f for f in facts if f.kind == "compose.service"]
    final_bases = {f.path: f.attrs["base_kind"] for f in facts if f.kind == "dockerfile.final_stage"}
    roles = _service_roles(services, final_bases)
    dockerfiles = [f.path for f in facts if f.kind == "dockerfile.final_stage"]
    starters: dict[str, str] = {}
    for service in services:
        if service.attrs["command"] or service.attrs["entrypoint"]:
            started = f"service `{service.attrs['service']}` in {service.path}:{service.line}"
            for dockerfile in _started_dockerfiles(service, dockerfiles):
                starters.setdefault(dockerfile, started)

    def linked(fact: Fact) -> Fact:
        if fact.kind.startswith(("compose.", "process.")) and "service" in fact.attrs:
            return fact.with_attrs(role=roles.get(_service_key(fact), "unknown"))
        if fact.kind == "dockerfile.missing_start" and fact.path in starters:
            return fact.with_attrs(started_by=starters[fact.path])
        return fact

    return [linked(f) for f in facts]
