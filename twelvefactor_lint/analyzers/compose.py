"""The compose analyzer: services, how they are built and started, and what pins them to one copy.

A YAML file named like a compose file but without a `services` mapping is read and
yields nothing (it is someone else's YAML).
"""

from __future__ import annotations

import re

import yaml

from twelvefactor_lint import directives, images, yamlnodes as Y
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.sources import decode_text, split_lines

APP, INFRA, PROXY, BUILT, UNKNOWN = "app", "infra", "proxy", "built", "unknown"
_KIND_ROLES = {images.INFRA: INFRA, images.PROXY: PROXY}
_FIXED_HOST_PORT = re.compile(r"^(?:\[[^\]]*\]:|\d+\.\d+\.\d+\.\d+:)?(\d+(?:-\d+)?):")


def _field(service: dict, key: str) -> yaml.Node | None:
    pair = service.get(key)
    return pair[1] if pair else None


def service_role(service: dict) -> str:
    """From this file alone: `built` (link resolves it from the Dockerfile), `infra`, `proxy`, `app`,
    or `unknown` for a partial definition (an override that sets neither image nor build)."""
    command = _command_text(_field(service, "command"))
    if re.search(r"\bflower\b", command):
        return INFRA
    if "build" in service:
        return BUILT
    image = Y.scalar(_field(service, "image"))
    if image is None:
        return UNKNOWN
    return _KIND_ROLES.get(images.image_kind(image), APP)


def _replicas(service: dict) -> int | None:
    for node in (Y.get(_field(service, "deploy"), "replicas"), _field(service, "scale")):
        value = Y.scalar(node)
        if value is not None and value.isdigit():
            return int(value)
    return None


def _host_ports(service: dict):
    """(node, text) for each port entry that publishes a fixed host port."""
    for entry in Y.sequence(_field(service, "ports")):
        text = Y.scalar(entry)
        if text is not None:
            match = _FIXED_HOST_PORT.match(text.strip())
            if match and match.group(1) not in {"0"}:
                yield entry, text
        else:
            published = Y.scalar(Y.get(entry, "published"))
            if published and re.fullmatch(r"\d+(-\d+)?", published) and published != "0":
                yield entry, f"published: {published}"


def _service_facts(path: str, name: str, key: yaml.Node, service: dict) -> list[Fact]:
    role = service_role(service)
    replicas = _replicas(service)
    build = _field(service, "build")
    command = _field(service, "command")
    entrypoint = _field(service, "entrypoint")
    facts = [Fact("compose.service", path, Y.line(key), Y.column(key), attrs={
        "service": name, "role": role, "replicas": replicas or 1,
        "image": Y.scalar(_field(service, "image")) or "",
        "build_context": (Y.scalar(build) or Y.scalar(Y.get(build, "context")) or ".") if build is not None else "",
        "dockerfile": Y.scalar(Y.get(build, "dockerfile")) or "",
        "command": _command_text(command), "entrypoint": _command_text(entrypoint),
    }, anchor=f"service:{name}")]
    blockers = []
    for field_name in ("container_name", "hostname"):
        node = _field(service, field_name)
        if Y.scalar(node):
            blockers.append((node, field_name, Y.scalar(node)))
    blockers += [(node, "fixed host port", text) for node, text in _host_ports(service)]
    for node, blocker, value in blockers:
        facts.append(Fact("compose.scaling_blocker", path, Y.line(node), Y.column(node), attrs={
            "service": name, "role": role, "blocker": blocker, "value": value, "replicas": replicas or 1,
            "scaled": bool(replicas and replicas > 1),
        }, anchor=f"{name}:{blocker}:{value}"))
    return facts


def _command_text(node) -> str:
    if node is None:
        return ""
    text = Y.scalar(node)
    if text is not None:
        return text
    return " ".join(v for v in (Y.scalar(item) for item in Y.sequence(node)) if v is not None)


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    found = directives.scan_hash_comments(lines)
    try:
        root = Y.compose(text)
    except yaml.MarkedYAMLError as error:
        # At end of file the problem mark points past the last line; the context mark is where it began.
        marks = [m for m in (error.problem_mark, error.context_mark) if m is not None]
        mark = next((m for m in marks if m.line < len(lines)), marks[-1] if marks else None)
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        reason = f"invalid YAML: {error.problem or error.context or error}"
        return FileAnalysis((parse_error(path, reason, line, column),), found)
    except (yaml.YAMLError, RecursionError) as error:
        return FileAnalysis((parse_error(path, f"invalid YAML: {type(error).__name__}"),), found)
    services = Y.get(root, "services")
    facts = []
    for name, (key, node) in Y.items(services).items():
        facts += _service_facts(path, name, key, Y.items(node))
    return FileAnalysis(tuple(facts), found)
