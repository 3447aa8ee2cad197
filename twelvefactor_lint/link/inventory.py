"""Link phase 3, the process inventory: every process type the app runs, what kind it is, where it is
declared, and (once the rules have judged) the findings that concern it (the `12f-lint processes` view)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from twelvefactor_lint.analyze import images
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.analyze.shell.processes import PROCESS_MANAGERS
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.compose import ComposeService
from twelvefactor_lint.facts.kubernetes import Workload
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


def _kind(start: Started, scripts: dict[tuple[str, int], ProcessStart], image: str = "") -> tuple[str, str]:
    """Kind and command of a declared process; an image that runs a script takes the script's main process,
    and a command given to a backing-service image (`mysqld ...` in `mariadb`) keeps the image's kind."""
    script = scripts.get((start.path, start.line))
    if script is not None and not start.main_role and script.main_role != P.RUN_CMD:
        return _KINDS.get(script.main_role, "other"), f"{start.command} -> {script.main}"
    if start.release:
        return "release / one-off", start.command
    if start.main_role:
        return _KINDS[start.main_role], start.command
    if start.main.split(" ", 1)[0].rsplit("/", 1)[-1] in PROCESS_MANAGERS:
        return "process manager (runs several processes)", start.command
    return (images.category(image) or "other") if image else "other", start.command


def _started_scripts(starts: list[ProcessStart]) -> dict[tuple[str, int], ProcessStart]:
    """Per declaration (path, line), the script of its chain that starts the real process: the first
    whose main command is long-running (not `exec "$@"`), else the first script it runs."""
    chains: dict[tuple[str, int], list[ProcessStart]] = {}
    for fact in starts:
        if fact.level == "script" and fact.started_by:
            chains.setdefault((fact.started_by_path, fact.started_by_line), []).append(fact)
    return {declared: next((f for f in chain if f.main_role in P.LONG_RUNNING - {P.RUN_CMD}), chain[0])
            for declared, chain in chains.items()}


def build(facts: Iterable[Fact]) -> Inventory:
    """One entry per declared process: Dockerfile final stages, compose services, Procfile lines,
    supervisord programs, Kubernetes containers; a compose service or Kubernetes container without a
    command runs its image's (target's) default."""
    facts = list(facts)
    starts = [f for f in facts if isinstance(f, ProcessStart)]
    scripts = _started_scripts(starts)
    image_starts: dict[str, Started] = {f.path: f for f in starts if f.level == "image"}
    stage_starts = {(f.path, f.stage): f for f in facts if isinstance(f, StageStart)}
    declared = {(f.path, f.service) for f in starts}
    service_images = {(f.path, f.service): f.image for f in facts if isinstance(f, ComposeService)}
    processes = []
    for fact in facts:
        if isinstance(fact, ProcessStart) and fact.level != "script":
            kind, command = _kind(fact, scripts, service_images.get((fact.path, fact.service), ""))
            processes.append(_Declared(Process(fact.process, kind, command, f"{fact.path}:{fact.line}",
                                               fact.source, fact.replicas, ()), fact))
        elif isinstance(fact, Workload) and not fact.has_command:
            kind = "release / one-off" if fact.one_off else _image_kind(fact.image)
            processes.append(_Declared(Process(fact.process, kind, fact.image, f"{fact.path}:{fact.line}",
                                               fact.source, fact.replicas, ()), fact))
        elif isinstance(fact, ComposeService) and (fact.path, fact.service) not in declared:
            process = _service_process(fact, image_starts, stage_starts, scripts)
            if process is not None:
                processes.append(_Declared(process, fact))
    return Inventory(tuple(sorted(processes, key=lambda d: (d.declaration.path, d.declaration.line))))


def _service_process(service: ComposeService, image_starts: dict[str, Started],
                     stage_starts: dict[tuple[str, str], StageStart],
                     scripts: dict[tuple[str, int], ProcessStart]) -> Process | None:
    """A compose service without its own command: it runs its image's default (a Dockerfile's, when built)."""
    name, where = service.service, f"{service.path}:{service.line}"
    source = f"compose service `{name}`"
    if service.build_context:
        dockerfile = service.built_dockerfile
        image = stage_starts.get((dockerfile, service.target)) or image_starts.get(dockerfile)
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
