"""Link phase 3, the process inventory: every process type the app runs, what kind it is, where it is
declared, and (once the rules have judged) the findings that concern it (the `12f-lint processes` view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from twelvefactor_lint.analyze import images
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService
from twelvefactor_lint.facts.process import ProcessStart, StageStart, Started
from twelvefactor_lint.model import Finding, Process

_KINDS = {
    P.WEB_SERVER: "application server", P.DEV_SERVER: "application server (development server)",
    P.PROXY: "web server", P.WORKER: "worker (queue consumer)", P.SCHEDULER: "scheduler",
    P.MONITOR: "monitoring", P.APP: "application", P.MIGRATION: "release / one-off", P.BUILD: "release / one-off",
    P.RUN_CMD: "entrypoint (runs the command it is given)",
}


@dataclass(frozen=True)
class _Declared:
    process: Process
    """The process, its findings not attached yet."""
    declaration: Fact
    """The fact that declares it: findings on its lines, or in the scripts it starts, are its own."""

    def attached(self, findings: list[Finding]) -> Process:
        fact = self.declaration
        end = fact.end_line or fact.line
        return replace(self.process, findings=tuple(
            f"{f.rule} {f.path}:{f.line}" for f in findings
            if (f.path == fact.path and fact.line <= f.line <= end) or f.started_by == (fact.path, fact.line)
        ))


@dataclass(frozen=True)
class Inventory:
    """The declared processes; the findings that concern each are attached after evaluation."""

    declared: tuple[_Declared, ...]

    def processes(self, findings: Iterable[Finding]) -> tuple[Process, ...]:
        findings = list(findings)
        return tuple(d.attached(findings) for d in self.declared)


def _image_kind(image: str) -> str:
    found = images.category(image)
    if found:
        return found
    return "web server" if images.image_kind(image) == images.PROXY else "service (image default)"


def _kind(start: Started, scripts: dict[tuple[str, int], ProcessStart]) -> tuple[str, str]:
    """Kind and command of a declared process; an image that runs a script takes the script's main process."""
    script = scripts.get((start.path, start.line))
    if script is not None and not start.main_role:
        return _KINDS.get(script.main_role, "other"), f"{start.command} -> {script.main}"
    kind = "release / one-off" if start.release else _KINDS.get(start.main_role, "other")
    return kind, start.command


def build(facts: Iterable[Fact]) -> Inventory:
    """One entry per declared process: Dockerfile final stages, compose services, Procfile lines,
    supervisord programs; a compose service without a command runs its image's (target's) default."""
    facts = list(facts)
    starts = [f for f in facts if isinstance(f, ProcessStart)]
    scripts = {(f.started_by_path, f.started_by_line): f for f in starts if f.level == "script" and f.started_by}
    image_starts = {f.path: f for f in starts if f.level == "image"}
    stage_starts = {(f.path, f.stage): f for f in facts if isinstance(f, StageStart)}
    declared = {(f.path, f.service) for f in starts}
    processes = []
    for fact in facts:
        if isinstance(fact, ProcessStart) and fact.level != "script":
            kind, command = _kind(fact, scripts)
            processes.append(_Declared(Process(fact.process, kind, command, f"{fact.path}:{fact.line}",
                                               fact.source, fact.replicas, ()), fact))
        elif isinstance(fact, ComposeService) and (fact.path, fact.service) not in declared:
            process = _service_process(fact, image_starts, stage_starts, scripts)
            if process is not None:
                processes.append(_Declared(process, fact))
    return Inventory(tuple(sorted(processes, key=lambda d: (d.declaration.path, d.declaration.line))))


def _service_process(service: ComposeService, image_starts: dict[str, ProcessStart],
                     stage_starts: dict[tuple[str, str], StageStart],
                     scripts: dict[tuple[str, int], ProcessStart]) -> Process | None:
    """A compose service without its own command: it runs its image's default (a Dockerfile's, when built)."""
    name, where = service.service, f"{service.path}:{service.line}"
    source = f"compose service `{name}`"
    if service.build_context:
        dockerfile = service.built_dockerfile
        image: Started | None = stage_starts.get((dockerfile, service.target)) or image_starts.get(dockerfile)
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
    return Process(name, kind, command, where, source, service.replicas, ())
