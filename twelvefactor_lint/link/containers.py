"""Link phase 1, containers: compose services and the images they run, settled across files.

- A compose service's role (app, infra, proxy) is settled across files: a partial
  definition in an override takes the role of the base file's definition, and a
  service built from the repo takes the role of its Dockerfile's final base image
  (a service built `FROM nginx` is a proxy, not an app).
- A compose service that gives `command:` or `entrypoint:` starts the image of the
  Dockerfile it builds (or, running a prebuilt image, the Dockerfile named after it),
  so that Dockerfile's missing start instruction is supplied.
"""

from __future__ import annotations

import posixpath
from dataclasses import replace

from twelvefactor_lint.analyze import images
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService, InService
from twelvefactor_lint.facts.dockerfile import FinalStage, MissingStart

_ROLE_OF_BASE = {images.PROXY: "proxy", images.INFRA: "infra"}


def _started_dockerfiles(service: ComposeService, dockerfiles: list[str]) -> list[str]:
    """Dockerfiles whose image a compose service runs: the one it builds, or, for a service that
    runs a prebuilt `image:`, a Dockerfile below the compose file named after the service
    (`api/Dockerfile`, `Dockerfile.api`, `api.Dockerfile` for service `api`)."""
    if service.build_context:
        return [service.built_dockerfile]
    if not service.image:
        return []
    name, base = service.service.lower(), posixpath.dirname(service.path)
    return [
        path for path in dockerfiles
        if (not base or path.startswith(base + "/")) and name in (
            posixpath.basename(posixpath.dirname(path)).lower(),
            posixpath.basename(path).lower().partition(".")[2],
            posixpath.basename(path).lower().rpartition(".")[0],
        )
    ]


def _service_key(fact: InService) -> tuple[str, str]:
    return posixpath.dirname(fact.path), fact.service


def _service_roles(services: list[ComposeService], final_bases: dict[str, str]) -> dict[tuple[str, str], str]:
    """Role per (compose directory, service); base files (shorter names) before their overrides."""
    roles: dict[tuple[str, str], str] = {}
    for service in sorted(services, key=lambda f: (len(f.path), f.path)):
        role = service.role
        if role == "built":
            role = _ROLE_OF_BASE.get(final_bases.get(service.built_dockerfile, ""), "app")
        if role != "unknown":
            roles.setdefault(_service_key(service), role)
    return roles


def link(facts: list[Fact]) -> list[Fact]:
    services = [f for f in facts if isinstance(f, ComposeService)]
    final_stages = [f for f in facts if isinstance(f, FinalStage)]
    roles = _service_roles(services, {f.path: f.base_kind for f in final_stages})
    dockerfiles = [f.path for f in final_stages]
    starters: dict[str, str] = {}
    for service in services:
        if service.command or service.entrypoint:
            started = f"service `{service.service}` in {service.path}:{service.line}"
            for dockerfile in _started_dockerfiles(service, dockerfiles):
                starters.setdefault(dockerfile, started)

    def linked(fact: Fact) -> Fact:
        if isinstance(fact, InService) and fact.service:
            return replace(fact, role=roles.get(_service_key(fact), "unknown"))
        if isinstance(fact, MissingStart) and fact.path in starters:
            return replace(fact, started_by=starters[fact.path])
        return fact

    return [linked(f) for f in facts]
