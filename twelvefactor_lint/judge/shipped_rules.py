"""The built-in rules as parsed, shipped beside their YAML files (`rules/parsed.jsonl`).

A run with no kept catalogue (`kept_rules`: a cold run, a first run, `--no-cache`) would parse the fifty rule files'
YAML (~0.1 CPU-s, a fifth of a 10-file project's cold run, before any file is analyzed); it takes each built-in rule
from here instead, when its file is byte for byte the one the entry was made from and the code that reads rules is
the code that made it (digests of both). Any other rule file is parsed as before, so a stale entry costs time, never
a wrong rule. One rule a line (JSON, `kept_rules`' form), so branches changing different rules seldom collide;
`python -m twelvefactor_lint.judge.shipped_rules` writes it again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from twelvefactor_lint.judge import kept_rules
from twelvefactor_lint.judge.catalogue import Rule, builtin_rules_dir, check_rule_vocabulary

FILE = "parsed.jsonl"
_READERS = ("catalogue.py", "kept_rules.py", "shipped_rules.py")
"""The modules whose code makes a rule of its file, or keeps it."""


def read(directory: Path) -> dict[str, tuple[str, list[Any]]]:
    """Each entry's rule file name: (digest of the file it was made from, the rule as `kept_rules` keeps it); empty
    when the file is missing, unreadable, or made by other code."""
    try:
        header, *lines = (directory / FILE).read_bytes().splitlines()
        if json.loads(header) != {"readers": _readers_digest()}:
            return {}
        return {name: (digest, data) for name, digest, data in map(json.loads, lines)}
    except (OSError, ValueError, TypeError):
        return {}


def rule(path: Path, shipped: dict[str, tuple[str, list[Any]]], check_vocabulary: bool) -> Rule | None:
    """The built-in rule of `path` from the `shipped` entries, None when they have none for the file as it is."""
    entry = shipped.get(path.name)
    try:
        if entry is None or _digest(path.read_bytes()) != entry[0]:
            return None
        found = kept_rules.rule_of([*entry[1][:12], str(path), *entry[1][13:]])  # its source: this file
    except (OSError, TypeError, ValueError, KeyError):
        return None
    if check_vocabulary:
        check_rule_vocabulary(found)
    return found


def write(rules: Iterable[Rule], directory: Path) -> Path:
    """Write the entries of the rules whose files are in `directory` (a rule JSON cannot keep is left out)."""
    lines = [json.dumps({"readers": _readers_digest()})]
    for each in sorted(rules, key=lambda r: r.source.name):
        if each.source.parent.resolve() != directory.resolve():
            continue
        try:
            data = kept_rules.rule_data(each)
        except kept_rules.Unkept:
            continue
        data[12] = each.source.name  # a path of the checkout that wrote it would mean nothing elsewhere
        lines.append(json.dumps([each.source.name, _digest(each.source.read_bytes()), data], separators=(",", ":")))
    target = directory / FILE
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


def _readers_digest() -> str:
    here = Path(__file__).parent
    return _digest(b"".join((here / name).read_bytes() for name in _READERS))


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


if __name__ == "__main__":
    from twelvefactor_lint.judge.catalogue import load_rule

    print(write([load_rule(path) for path in sorted(builtin_rules_dir().glob("*.y*ml"))], builtin_rules_dir()))
