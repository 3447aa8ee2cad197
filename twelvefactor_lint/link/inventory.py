"""The process inventory: every process type the app runs, what kind it is, where it is declared,
and the findings that concern it (the `12f-lint processes` view of the linked facts)."""

from __future__ import annotations

from typing import Iterable

from twelvefactor_lint.analyze import images
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService
from twelvefactor_lint.facts.process import ProcessStart, StageStart, Started
from twelvefactor_lint.model import Finding, Process
from twelvefactor_lint.analyze.shell import programs as P

_KINDS = {
    P.WEB_SERVER: "application server", P.DEV_SERVER: "application server (development server)",
    P.PROXY: "web server", P.WORKER: "worker (queue consumer)", P.SCHEDULER: "scheduler",
    P.MONITOR: "monitoring", P.APP: "application", P.MIGRATION: "release / one-off", P.BUILD: "release / one-off",
    P.RUN_CMD: "entrypoint (runs the command it is given)",
}
def _image_kind(image: str) -> str:
    found = images.category(image)
    if found:
        return found
    return "web server" if images.image_kind(image) == images.PROXY else "service (image default)"


def _attached(fact: Fact, findings: list[Finding]) -> tuple[str, ...]:
    end = fact.end_line or fact.line
    hop = f"(started by {fact.path}:{fact.line} "
    return tuple(
        f"{f.rule} {f.path}:{f.line}" for f in findings
        if (f.path == fact.path and fact.line <= f.line <= end) or hop in f.message
    )


def _kind(start: Started, scripts: dict[str, ProcessStart]) -> tuple[str, str]:
    """Kind and command of a declared process; an image that runs a script takes the script's main process."""
    script = scripts.get(f"{start.path}:{start.line}")
    if script is not None and not start.main_role:
        return _KINDS.get(script.main_role, "other"), f"{start.command} -> {script.main}"
    kind = "release / one-off" if start.release else _KINDS.get(start.main_role, "other")
    return kind, start.command


def build(facts: Iterable[Fact], findings: Iterable[Finding]) -> tuple[Process, ...]:
    """One entry per declared process: Dockerfile final stages, compose services, Procfile lines,
    supervisord programs; a compose service without a command runs its image's (target's) default."""
    facts, findings = list(facts), list(findings)
    starts = [f for f in facts if isinstance(f, ProcessStart)]
    scripts = {f.via.split("started by ", 1)[1].rsplit(" ", 1)[0]: f
               for f in starts if f.level == "script" and f.via}
    images: dict[str | tuple[str, str], Started] = {f.path: f for f in starts if f.level == "image"}
    images |= {(f.path, f.stage): f for f in facts if isinstance(f, StageStart)}
    declared = {(f.path, f.service) for f in starts}
    processes = []
    for fact in facts:
        if isinstance(fact, ProcessStart) and fact.level != "script":
            kind, command = _kind(fact, scripts)
            processes.append(Process(fact.process, kind, command, f"{fact.path}:{fact.line}",
                                     fact.source, fact.replicas, _attached(fact, findings)))
        elif isinstance(fact, ComposeService) and (fact.path, fact.service) not in declared:
            process = _service_process(fact, images, scripts, findings)
            if process is not None:
                processes.append(process)
    return tuple(sorted(processes, key=lambda p: (p.declared_at.rsplit(":", 1)[0], int(p.declared_at.rsplit(":", 1)[1]))))


def _service_process(service: ComposeService, images: dict[str | tuple[str, str], Started],
                     scripts: dict[str, ProcessStart], findings: list[Finding]) -> Process | None:
    """A compose service without its own command: it runs its image's default (a Dockerfile's, when built)."""
    name, where = service.service, f"{service.path}:{service.line}"
    source = f"compose service `{name}`"
    if service.build_context:
        dockerfile = service.built_dockerfile
        image = images.get((dockerfile, service.target)) or images.get(dockerfile)
        if service.role in ("proxy", "infra"):
            kind, command = ("web server" if service.role == "proxy" else "service"), f"build {service.build_context}"
        elif image is not None:
            kind, command = _kind(image, scripts)
        else:
            kind, command = "service (image default)", f"build {service.build_context}"
    elif service.image:
        kind, command = _image_kind(service.image), service.image
    else:
        return None  # a partial override (ports, volumes) of a service its base file declares
    return Process(name, kind, command, where, source, service.replicas, _attached(service, findings))
