"""The compose analyzer: services, how they are built and started, and what pins them to one copy.

A YAML file named like a compose file but without a `services` mapping is read and
yields nothing (it is someone else's YAML).
"""

from __future__ import annotations

import re

import yaml

from twelvefactor_lint import directives, yamlnodes as Y
from twelvefactor_lint.facts import Fact, FileAnalysis, parse_error
from twelvefactor_lint.sources import decode_text, split_lines

INFRA, PROXY, APP = "infra", "proxy", "app"
_INFRA_IMAGES = {
    "postgres", "postgis", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey", "keydb", "rabbitmq",
    "memcached", "elasticsearch", "opensearch", "kibana", "opensearch-dashboards", "minio", "localstack",
    "mailhog", "mailpit", "maildev", "zookeeper", "kafka", "cp-kafka", "cp-zookeeper", "redpanda", "adminer",
    "pgadmin4", "grafana", "prometheus", "loki", "promtail", "jaeger", "all-in-one", "otel-collector",
    "opentelemetry-collector", "etcd", "consul", "vault", "nats", "clickhouse-server", "influxdb", "cassandra",
    "neo4j", "keycloak", "selenium", "standalone-chrome", "flower", "mher/flower", "azurite", "dynamodb-local",
    "fake-gcs-server", "pubsub-emulator", "smtp4dev", "rabbitmq-management", "pgbouncer", "redis-stack",
    "redis-commander", "mongo-express", "meilisearch", "typesense", "qdrant", "chroma", "weaviate", "milvus",
}
_PROXY_IMAGES = {"nginx", "traefik", "caddy", "haproxy", "envoy", "httpd", "apache", "openresty", "nginx-proxy",
                 "certbot", "varnish", "nginx-unprivileged"}
_FIXED_HOST_PORT = re.compile(r"^(?:\[[^\]]*\]:|\d+\.\d+\.\d+\.\d+:)?(\d+(?:-\d+)?):")


def _field(service: dict, key: str) -> yaml.Node | None:
    pair = service.get(key)
    return pair[1] if pair else None


def service_role(service: dict) -> str:
    """`app` for services built from the repo or running an unknown image; `infra`/`proxy` otherwise."""
    if "build" in service:
        return APP
    image = (Y.scalar(_field(service, "image")) or "").lower()
    name = image.split("@")[0]
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    parts = name.split("/")
    candidates = {name, parts[-1], "/".join(parts[-2:])}
    if candidates & _PROXY_IMAGES:
        return PROXY
    if candidates & _INFRA_IMAGES or any(p.startswith(("postgres", "redis", "mysql", "mongo")) for p in candidates):
        return INFRA
    return APP


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
    if role != APP:
        return facts
    blockers = []
    for field_name in ("container_name", "hostname"):
        node = _field(service, field_name)
        if Y.scalar(node):
            blockers.append((node, field_name, Y.scalar(node)))
    blockers += [(node, "host_port", text) for node, text in _host_ports(service)]
    for node, blocker, value in blockers:
        facts.append(Fact("compose.scaling_blocker", path, Y.line(node), Y.column(node), attrs={
            "service": name, "blocker": blocker, "value": value, "replicas": replicas or 1,
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
