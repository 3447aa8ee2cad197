"""The process inventory: every process type the app runs, what kind it is, where it is declared,
and the findings that concern it (the `12f-lint processes` view of the linked facts)."""

from __future__ import annotations

from collections.abc import Iterable

from twelvefactor_lint.analyze import images
from twelvefactor_lint.analyze.shell import programs as P
from twelvefactor_lint.facts import Fact
from twelvefactor_lint.model import Finding, Process

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


def _kind(start: Fact, scripts: dict[str, Fact]) -> tuple[str, str]:
    """Kind and command of a declared process; an image that runs a script takes the script's main process."""
    attrs = start.attrs
    script = scripts.get(f"{start.path}:{start.line}")
    if script is not None and not attrs["main_role"]:
        return _KINDS.get(script.attrs["main_role"], "other"), f"{attrs['command']} -> {script.attrs['main']}"
    kind = "release / one-off" if attrs.get("release") else _KINDS.get(attrs["main_role"], "other")
    return kind, attrs["command"]


def build(facts: Iterable[Fact], findings: Iterable[Finding]) -> tuple[Process, ...]:
    """One entry per declared process: Dockerfile final stages, compose services, Procfile lines,
    supervisord programs; a compose service without a command runs its image's (target's) default."""
    facts, findings = list(facts), list(findings)
    starts = [f for f in facts if f.kind == "process.start"]
    scripts = {f.attrs["via"].split("started by ", 1)[1].rsplit(" ", 1)[0]: f
               for f in starts if f.attrs["level"] == "script" and f.attrs["via"]}
    images = {f.path: f for f in starts if f.attrs["level"] == "image"}
    images |= {(f.path, f.attrs["stage"]): f for f in facts if f.kind == "dockerfile.stage_start"}
    declared = {(f.path, f.attrs.get("service")) for f in starts}
    processes = []
    for fact in facts:
        attrs = fact.attrs
        if fact.kind == "process.start" and attrs["level"] != "script":
            kind, command = _kind(fact, scripts)
            processes.append(Process(attrs["process"], kind, command, f"{fact.path}:{fact.line}",
                                     attrs["source"], attrs["replicas"], _attached(fact, findings)))
        elif fact.kind == "compose.service" and (fact.path, attrs["service"]) not in declared:
            process = _service_process(fact, images, scripts, findings)
            if process is not None:
                processes.append(process)
    return tuple(sorted(processes, key=lambda p: (p.declared_at.rsplit(":", 1)[0], int(p.declared_at.rsplit(":", 1)[1]))))


def _service_process(service: Fact, images: dict[str, Fact], scripts: dict[str, Fact],
                     findings: list[Finding]) -> Process | None:
    """A compose service without its own command: it runs its image's default (a Dockerfile's, when built)."""
    attrs = service.attrs
    name, where = attrs["service"], f"{service.path}:{service.line}"
    source = f"compose service `{name}`"
    if attrs["build_context"]:
        dockerfile = attrs["built_dockerfile"]
        image = images.get((dockerfile, attrs["target"])) or images.get(dockerfile)
        if attrs["role"] in ("proxy", "infra"):
            kind, command = ("web server" if attrs["role"] == "proxy" else "service"), f"build {attrs['build_context']}"
        elif image is not None:
            kind, command = _kind(image, scripts)
        else:
            kind, command = "service (image default)", f"build {attrs['build_context']}"
    elif attrs["image"]:
        kind, command = _image_kind(attrs["image"]), attrs["image"]
    else:
        return None  # a partial override (ports, volumes) of a service its base file declares
    return Process(name, kind, command, where, source, attrs["replicas"], _attached(service, findings))
