"""Safe, bounded access to a YAML node tree with line marks (pyyaml `compose()`).

Composing never constructs Python objects and keeps aliases as shared nodes, so
an alias bomb costs nothing until something walks it; these helpers only read
the keys they are asked for and resolve `<<` merge keys to a bounded depth.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

_Loader: type[yaml.SafeLoader] | type[yaml.CSafeLoader]
try:
    _Loader = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - pyyaml built without libyaml
    _Loader = yaml.SafeLoader

_MERGE_DEPTH = 10
_MERGE_BUDGET = 1000


def compose(text: str) -> yaml.Node | None:
    """The single document's node tree; raises yaml.YAMLError on bad YAML."""
    return yaml.compose(text, Loader=_Loader)


def compose_all(text: str, limit: int = 500) -> Iterator[yaml.Node | None]:
    """Each document's node tree of a multi-document stream, at most `limit` of them; raises
    yaml.YAMLError at the first bad document (the ones before it have been yielded)."""
    for count, node in enumerate(yaml.compose_all(text, Loader=_Loader)):
        if count >= limit:
            return
        yield node


def items(node: yaml.Node | None) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    """Key -> (key node, value node) of a mapping, `<<` merges applied (explicit keys win).

    Merges are bounded in depth and in the number of mappings read, and a mapping merged
    twice is read once, so a merge-key alias bomb costs no more than a normal file.
    """
    return _merged(node, 0, [_MERGE_BUDGET], set())


def _merged(node, depth: int, budget: list[int], seen: set[int]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode) or depth > _MERGE_DEPTH or budget[0] <= 0 or id(node) in seen:
        return {}
    budget[0] -= 1
    seen.add(id(node))
    merged: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    own: dict[str, tuple[yaml.Node, yaml.Node]] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode):
            continue
        if key.tag == "tag:yaml.org,2002:merge" or key.value == "<<":
            sources = value.value if isinstance(value, yaml.SequenceNode) else [value]
            for source in sources:
                for name, pair in _merged(source, depth + 1, budget, seen).items():
                    merged.setdefault(name, pair)
        else:
            own[key.value] = (key, value)
    return {**merged, **own}


def get(node: yaml.Node | None, *path: str) -> yaml.Node | None:
    for key in path:
        found = items(node).get(key)
        if found is None:
            return None
        node = found[1]
    return node


def scalar(node: yaml.Node | None) -> str | None:
    return node.value if isinstance(node, yaml.ScalarNode) else None


def sequence(node: yaml.Node | None) -> list[yaml.Node]:
    return list(node.value) if isinstance(node, yaml.SequenceNode) else []


def line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def column(node: yaml.Node) -> int:
    return node.start_mark.column + 1
