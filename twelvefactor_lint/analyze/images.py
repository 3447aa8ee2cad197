"""Container image references: their bare name and what kind of software they run."""

from __future__ import annotations

import re

LANGUAGE, INFRA, PROXY, SCRATCH, OTHER = "language", "infra", "proxy", "scratch", "other"

_LANGUAGE = {
    "python", "pypy", "node", "ruby", "golang", "openjdk", "eclipse-temurin", "amazoncorretto", "php", "perl",
    "ubuntu", "debian", "alpine", "busybox", "centos", "fedora", "rockylinux", "almalinux", "amazonlinux",
    "buildpack-deps", "bash", "oraclelinux", "archlinux", "opensuse/leap", "continuumio/miniconda3",
    "continuumio/anaconda3", "condaforge/miniforge3", "mambaorg/micromamba", "nikolaik/python-nodejs",
    "cimg/python", "distroless/python3", "distroless/python3-debian12", "distroless/python3-debian11",
}
_INFRA = {
    "postgres", "postgis", "postgis/postgis", "mysql", "mariadb", "mongo", "mongodb", "redis", "valkey", "keydb",
    "rabbitmq", "memcached", "elasticsearch", "opensearch", "kibana", "opensearch-dashboards", "minio",
    "localstack", "mailhog", "mailpit", "maildev", "zookeeper", "kafka", "cp-kafka", "cp-zookeeper", "redpanda",
    "adminer", "pgadmin4", "grafana", "prometheus", "loki", "promtail", "jaeger", "all-in-one", "otel-collector",
    "opentelemetry-collector", "etcd", "consul", "vault", "nats", "clickhouse-server", "influxdb", "cassandra",
    "neo4j", "keycloak", "selenium", "standalone-chrome", "flower", "azurite", "dynamodb-local",
    "fake-gcs-server", "smtp4dev", "pgbouncer", "redis-stack", "redis-commander", "mongo-express",
    "meilisearch", "typesense", "qdrant", "chroma", "weaviate", "milvus", "solr", "memcache", "sentry",
    "swagger-ui", "swagger-editor", "redoc",
}
_INFRA_PREFIXES = ("postgres", "redis", "mysql", "mongo", "rabbitmq", "elasticsearch")
_CATEGORIES = (
    (("postgres", "postgis", "mysql", "mariadb", "mongo", "cassandra", "clickhouse", "neo4j", "influxdb"), "database"),
    (("redis", "valkey", "keydb", "memcached"), "cache"),
    (("rabbitmq", "kafka", "cp-kafka", "redpanda", "nats", "zookeeper"), "queue / broker"),
    (("fluentd", "fluent-bit", "logspout", "vector", "promtail", "loki", "filebeat", "logstash"), "logging"),
    (("elasticsearch", "opensearch", "meilisearch", "typesense", "solr"), "search"),
)
_PROXY = {"nginx", "traefik", "caddy", "haproxy", "envoy", "httpd", "apache", "openresty", "nginx-proxy",
          "nginx-unprivileged", "varnish", "certbot", "acme-companion", "bunkerweb"}
_PROXY_PREFIXES = ("nginx", "bunkerweb")
"""`nginx-proxy-manager`, `bunkerweb-all-in-one` (BunkerWeb, an nginx-based reverse proxy and WAF)."""
_PROXY_TAILS = frozenset({"nginx", "caddy", "traefik", "haproxy", "envoy", "openresty", "varnish", "certbot"})
"""A last word that says the image is the project's own build of its edge proxy (`mathesar/mathesar-caddy`,
`allegro/ralph-static-nginx`, `ghostwriter_production_nginx`), like `shop-postgres` of its database. Not `httpd` or
`apache`, which may run the app itself (mod_wsgi)."""


def image_name(reference: str) -> str:
    """`docker.io/library/python:3.12-slim@sha256:...` -> `python`; `ghcr.io/acme/api:1` -> `acme/api`."""
    name = reference.split("@")[0].strip().lower()
    if ":" in name.rsplit("/", 1)[-1]:
        name = name.rsplit(":", 1)[0]
    parts = name.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    if parts and parts[0] == "library":
        parts = parts[1:]
    return "/".join(parts)


def image_kind(reference: str) -> str:
    """What an image is for: a language/OS base, infrastructure (databases, caches, brokers, tools),
    an edge proxy, `scratch`, or `other` (an app image, or one we cannot tell)."""
    name = image_name(reference)
    last = name.rsplit("/", 1)[-1]
    candidates = {name, last}
    if name == "scratch":
        return SCRATCH
    if candidates & _PROXY or last.startswith(_PROXY_PREFIXES) or re.split(r"[-_.]", last)[-1] in _PROXY_TAILS:
        return PROXY
    if candidates & _INFRA or last.startswith(_INFRA_PREFIXES) or category(reference):
        return INFRA
    if name in _LANGUAGE or last in {"python", "python3"}:
        return LANGUAGE
    return OTHER


def category(reference: str) -> str | None:
    """What a backing-service image provides, for the process inventory: database, cache, queue / broker,
    logging or search; None for anything else. A project's own build of a datastore is named for it at
    the end (`acme/aleph-elasticsearch`, `shop-postgres`); a word before the end (`shop-kafka-consumer`)
    says what the app talks to, not what it is."""
    last = image_name(reference).rsplit("/", 1)[-1]
    tail = re.split(r"[-_.]", last)[-1]
    if tail in _TAIL_WORDS:  # `webodm/webodm_db`, `dfir-iris/iriswebapp_db`, `bbilly1/tubearchivist-es`
        return _TAIL_WORDS[tail]
    return next((kind for prefixes, kind in _CATEGORIES if last.startswith(prefixes) or tail in prefixes), None)


_TAIL_WORDS = {"db": "database", "database": "database", "es": "search"}
"""A last word that says the image is the project's own build of its database, or of Elasticsearch (`es`: a
word only at the end, where `esphome` or `escpos` do not reach)."""


def names_backing_service(name: str) -> bool:
    """A compose service named for the backing service it is, by its last word (`db`, `app_db`, `redis`,
    `postgres`): not `redis-worker`, which names what the app talks to."""
    return category(re.split(r"[-_.]", name.lower())[-1]) is not None


_DATASTORE_SERVERS = frozenset({
    "postgres", "mysqld", "mariadbd", "mongod", "redis-server", "valkey-server", "keydb-server", "memcached",
    "elasticsearch", "opensearch", "minio", "etcd", "clickhouse-server", "influxd", "couchdb", "meilisearch",
    "typesense-server", "qdrant", "rabbitmq-server", "nats-server", "radicale", "solr", "chroma",
})
"""Programs that are a datastore (a database, a search index, an object store, a CalDAV/CardDAV store, a vector
database: `chroma run`): an image that starts one is that backing service, whatever its base, and so is a compose
service built from it (the project's own build of its database server)."""


def datastore_server(program: str) -> str:
    """The datastore a container's main program (a bare name: `redis-server`) is, "" for others."""
    return program if program in _DATASTORE_SERVERS else ""
