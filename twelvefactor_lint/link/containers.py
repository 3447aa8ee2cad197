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

from twelvefactor_lint.analyze import images
from twelvefactor_lint.facts import Fact

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


def link(facts: list[Fact]) -> list[Fact]:
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
