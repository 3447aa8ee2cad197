"""Log shippers configured in the repository: which log files they read and forward.

A file a process writes its logs to is stranded on one disk only if nothing reads it: a CloudWatch agent config's
`file_path`, a fluentd `<source>` of `@type tail` (its `path`), a fluent-bit `tail` input's `Path`, a vector `file`
source's `include`, filebeat's `paths` and promtail's `__path__` name files the shipper tails and sends on. Each
config becomes one `process.log_collected` fact listing them; link matches them to the `process.log_file` facts.
"""

from __future__ import annotations

import json
import posixpath
import re
import sys
from collections.abc import Iterator
from typing import Any

from twelvefactor_lint.analyze import directives
from twelvefactor_lint.discover.sources import decode_text, split_lines
from twelvefactor_lint.facts import Fact, FileAnalysis
from twelvefactor_lint.facts.process import LogCollected

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

_SHIPPERS = (("cloudwatch", "the CloudWatch agent"), ("fluent-bit", "fluent-bit"), ("fluentbit", "fluent-bit"),
             ("td-agent-bit", "fluent-bit"), ("fluent", "fluentd"), ("td-agent", "fluentd"), ("vector", "vector"),
             ("filebeat", "filebeat"), ("promtail", "promtail"))
"""Name fragments of a shipper's config file (or its directory), and how messages name the shipper."""
_TAILING_TYPES = frozenset({"tail", "file", "log", "filestream", "logs"})
"""The input types that read files (fluent `tail`, vector `file`, filebeat `log`/`filestream`)."""
_PATH_KEYS = frozenset({"path", "paths", "include", "file_path", "__path__"})
_SECTION = re.compile(r"^\s*(?:<\s*(/?)\s*(\w+)[^>]*>|\[\s*(\w+)\s*\])\s*$")
_SETTING = re.compile(r"^\s*(@?[\w.]+)\s+(.+?)\s*$")


def shipper_of(path: str) -> str:
    """How messages name the shipper a config file is for (`""`: none)."""
    lowered = path.lower()
    return next((name for fragment, name in _SHIPPERS if fragment in lowered), "")


def analyze(path: str, data: bytes) -> FileAnalysis:
    text = decode_text(data)
    lines = split_lines(text)
    shipper = shipper_of(path)
    files: list[str] = []
    lowered = path.lower()
    try:
        if lowered.endswith(".json"):
            files = list(_paths(json.loads(text)))
        elif lowered.endswith(".toml"):
            files = list(_paths(tomllib.loads(text)))
        elif lowered.endswith((".yml", ".yaml")):
            import yaml

            files = [f for document in yaml.safe_load_all(text) for f in _paths(document)]
        else:
            files = _classic(lines)
    except Exception:  # noqa: BLE001 - a config that does not parse names no file
        files = []
    files = list(dict.fromkeys(f for f in files if f.startswith(("/", "$", "~", ".")) or "/" in f))
    found = directives.scan_hash_comments(lines)
    if not shipper or not files:
        return FileAnalysis((), found)
    line = next((number for number, raw in enumerate(lines, start=1) if files[0] in raw), 1)
    facts: list[Fact] = [LogCollected(path, line, 1, anchor=f"{posixpath.basename(path)}:collected", shipper=shipper,
                                      files=tuple(files))]
    return FileAnalysis(tuple(facts), found)


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield from (part.strip() for part in value.split(",") if part.strip())
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _paths(node: Any) -> Iterator[str]:
    """The files a parsed config's file-reading inputs name: `file_path` (CloudWatch) and `__path__` (promtail)
    anywhere; `path`, `paths` and `include` in a mapping whose `type`, `@type` or `name` reads files."""
    if isinstance(node, dict):
        kind = next((str(node[k]).lower() for k in ("type", "@type", "name", "Name") if k in node), "")
        for key, value in node.items():
            if key in ("file_path", "__path__") or key.lower() in _PATH_KEYS and kind in _TAILING_TYPES:
                yield from _strings(value)
            else:
                yield from _paths(value)
    elif isinstance(node, list):
        for item in node:
            yield from _paths(item)


def _classic(lines: list[str]) -> list[str]:
    """fluentd (`<source> @type tail path ...`) and classic fluent-bit (`[INPUT] Name tail Path ...`) sections."""
    found: list[str] = []
    section: dict[str, str] = {}

    def close() -> None:
        if section.get("@type", section.get("name", "")).lower() in _TAILING_TYPES and "path" in section:
            found.extend(_strings(section["path"]))

    for raw in lines:
        if raw.strip().startswith("#"):
            continue
        if match := _SECTION.match(raw):
            if match[2] and match[2].lower() in {"match", "filter", "parse", "label", "store", "buffer", "format"} \
                    and not match[1]:
                continue  # a block nested in a source (`<parse>`) keeps its source's settings
            close()
            section = {}
            continue
        if match := _SETTING.match(raw):
            section.setdefault(match[1].lower(), match[2].strip().strip("\"'"))
    close()
    return found
