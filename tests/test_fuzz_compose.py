"""Fuzzing the compose analyzer: arbitrary bytes, and compose files built from generated service
mappings - block and flow style, anchors, aliases, `<<` merges (of one or several mappings),
tags (python object tags included), duplicate keys, values of the wrong type, several documents -
then damaged and re-encoded."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from fuzzing import analyzer_tests, check_analysis, shell_lines
from hypothesis import given
from hypothesis import strategies as st

from twelvefactor_lint.analyze.compose import analyze

TAGS = ["", "", "", "", "!!python/object/apply:os.system", "!!python/name:os.system", "!reset", "!override", "!!str",
        "!!map", "!!int", "!custom"]
SCALARS = {
    "image": ["nginx", "redis:7", "postgres:16", "python:3.12-slim", "acme/web:1", "traefik", "mher/flower", ""],
    "ports": ["8000:8000", "127.0.0.1:80:80", "[::1]:443:443", "80", "0:80", "8000-8010:8000-8010", "8000"],
    "replicas": ["3", "0", "-1", "1e9", "x", "2"],
    "name": ["web", "shop", "worker-1", "", "db"],
}
SERVICE_KEYS = ["image", "build", "command", "entrypoint", "ports", "container_name", "hostname", "deploy", "scale",
                "environment", "volumes", "depends_on", "restart", "x-custom", "<<", "profiles"]


@dataclass
class Node:
    kind: str  # map, seq, scalar, alias
    value: object = None
    anchor: str = ""
    tag: str = ""
    flow: bool = False
    items: list = field(default_factory=list)


_NOT_PRINTABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _plain(text: str) -> str:
    """A YAML scalar for `text`: plain where that is safe, else double-quoted with escapes."""
    if text == "<<" or re.fullmatch(r"[A-Za-z0-9_./][A-Za-z0-9_./@:-]*", text) and not re.search(r":(\s|$)", text):
        return text
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"' + _NOT_PRINTABLE.sub(lambda m: f"\\u{ord(m[0]):04x}", quoted) + '"'


def _inline(node: Node) -> str:
    prefix = "".join(f"{p} " for p in (f"&{node.anchor}" if node.anchor else "", node.tag) if p)
    if node.kind == "alias":
        return f"*{node.value}"
    if node.kind == "scalar":
        return prefix + _plain(str(node.value))
    if node.kind == "seq":
        return prefix + "[" + ", ".join(_inline(i) for i in node.items) + "]"
    return prefix + "{" + ", ".join(f"{_plain(k)}: {_inline(v)}" for k, v in node.items) + "}"


def _block(node: Node, indent: int) -> list[str]:
    """Lines that follow `key:` or `-` for `node`, or [] when it fits on that line."""
    pad = " " * indent
    if node.kind in ("alias", "scalar") or node.flow or not node.items:
        return []
    lines = []
    for item in node.items:
        key, value = item if node.kind == "map" else ("", item)
        head = f"{pad}{_plain(key)}:" if node.kind == "map" else f"{pad}-"
        nested = _block(value, indent + 2)
        if nested:
            prefix = " ".join(p for p in (f"&{value.anchor}" if value.anchor else "", value.tag) if p)
            lines += [f"{head} {prefix}".rstrip(), *nested]
        else:
            lines.append(f"{head} {_inline(value)}")
    return lines


@st.composite
def _scalar(draw, key: str) -> Node:
    choices = st.sampled_from(SCALARS.get(key, SCALARS["image"])) | shell_lines | st.text(max_size=8)
    return Node("scalar", draw(choices), tag=draw(st.sampled_from(TAGS)))


@st.composite
def _value(draw, key: str, anchors: list[str], depth: int) -> Node:
    if anchors and draw(st.integers(0, 5)) == 0:
        return Node("alias", draw(st.sampled_from(anchors)))
    if key == "<<" and anchors:
        names = draw(st.lists(st.sampled_from(anchors), min_size=1, max_size=3))
        return Node("seq", items=[Node("alias", n) for n in names], flow=True) if len(names) > 1 else Node("alias", names[0])
    shape = draw(st.sampled_from(["scalar", "scalar", "seq", "map"] if depth < 3 else ["scalar"]))
    node = draw(_scalar(key)) if shape == "scalar" else Node(shape, flow=draw(st.booleans()), tag=draw(st.sampled_from(TAGS)))
    if shape == "seq":
        node.items = [draw(_value(key, anchors, depth + 1)) for _ in range(draw(st.integers(0, 3)))]
    elif shape == "map":
        node.items = [(k, draw(_value(k, anchors, depth + 1)))
                      for k in draw(st.lists(st.sampled_from(SERVICE_KEYS + ["context", "dockerfile", "replicas",
                                                                              "published", "target"]), max_size=4))]
    return node


@st.composite
def compose_files(draw) -> str:
    anchors: list[str] = []
    top: list[tuple[str, Node]] = []
    for index in range(draw(st.integers(0, 3))):  # `x-` extension fields to anchor and merge
        node = draw(_value("x", anchors, 1))
        if node.kind != "alias":
            node.anchor = f"a{index}"
            anchors.append(node.anchor)
        top.append((f"x-common{index}", node))
    services = Node("map", flow=draw(st.integers(0, 4)) == 0)
    for _ in range(draw(st.integers(0, 4))):  # duplicate service names are drawn too
        keys = draw(st.lists(st.sampled_from(SERVICE_KEYS), max_size=6))
        service = Node("map", items=[(k, draw(_value(k, anchors, 1))) for k in keys], flow=draw(st.integers(0, 5)) == 0)
        services.items.append((draw(st.sampled_from(SCALARS["name"])), service))
    top.append(("services", services))
    top.insert(draw(st.integers(0, len(top))), ("version", Node("scalar", "3.8")))
    return "\n".join(_block(Node("map", items=top), 0)) + "\n"


@st.composite
def streams(draw) -> str:
    """A generated compose file, sometimes with a directive, a document marker or a second document."""
    head = draw(st.sampled_from(["", "", "---\n", "%YAML 1.1\n---\n"]))
    return head + draw(compose_files()) + draw(st.sampled_from(["", "", "...\n", "---\nx: 1\n"]))


PATHS = st.sampled_from(["compose.yaml", "docker-compose.yml", "deploy/docker-compose.override.yml"])


test_arbitrary_bytes, test_generated_compose_files = analyzer_tests(analyze, PATHS, streams())


@given(compose_files())
def test_generated_compose_files_are_read_without_parse_errors(text):
    """The generator writes valid YAML, so the analysis behind the parser is exercised, not just its errors."""
    data = text.encode("utf-8")
    analysis = analyze("compose.yaml", data)
    check_analysis(analysis, "compose.yaml", data)
    assert not [f for f in analysis.facts if f.kind == "parse_error"], text
