"""The parsed rule catalogue, kept in the cache directory: a run that reads its rules (every run the snapshot
does not replay) takes them from one JSON file instead of parsing some fifty YAML files (~50 ms, and
PyYAML's import).

The file is named by a hash of the code stamp (which covers the built-in rules, shipped inside the package)
and every rule file's path, origin and stat, so an edited rule file is parsed again. Rules are kept only
as parsed and validated, never when a rule file was modified in the last seconds (its mtime cannot tell a
later same-second edit) or holds a value JSON cannot give back as it was. Anything unreadable or of
another shape is a miss. Regex conditions come back deferred (compiled when first matched): a run that
reads the rules only for their metadata compiles none.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from twelvefactor_lint.infra.cache import RACY_NS, is_cache_dir, keyed_file, read_json, write_json
from twelvefactor_lint.infra.deferred_re import deferred
from twelvefactor_lint.infra.snapshot import stat_of
from twelvefactor_lint.judge.catalogue import Autofix, Condition, Example, ExampleFile, FixExample, Matcher, Rule

_SCALARS = (str, int, float, bool, type(None))


class Unkept(Exception):
    """A condition value JSON would not give back as it is (a date, a mapping)."""


def read(files: Sequence[tuple[Path, bool]], directory: Path, parse: Callable[[], tuple[Rule, ...]]) -> tuple[Rule, ...]:
    """The rules of `files` ((path, built-in) each): as kept in `directory`, else `parse()`d and kept there
    (when the directory is a cache of ours)."""
    stats = [stat_of(path) for path, _ in files]
    if None in stats:
        return parse()
    kept = keyed_file(directory, "rules",
                      *(f"{path}\0{builtin}\0{stat}" for (path, builtin), stat in zip(files, stats, strict=True)))
    try:
        return tuple(rule_of(item) for item in read_json(kept))
    except (TypeError, ValueError, KeyError):
        pass  # missing (None), corrupt or of another shape: parsed again
    rules = parse()
    recent = time.time() * 1e9 - RACY_NS
    if is_cache_dir(directory) and all(stat is not None and stat[1] < recent for stat in stats):
        try:
            write_json(kept, [rule_data(rule) for rule in rules])
        except Unkept:
            pass
    return rules


def rule_data(rule: Rule) -> list[Any]:
    """The rule as JSON keeps it (`Unkept` for a condition value JSON would not give back as it is)."""
    autofix = rule.autofix and [rule.autofix.safety, rule.autofix.summary,
                                [[e.path, e.before, e.after] for e in rule.autofix.examples]]
    return [rule.id, rule.name, rule.factor, rule.severity, rule.title,
            [[m.fact, [[c.attr, c.op, _value_data(c.op, c.value)] for c in m.where], m.message, m.severity, m.autofix]
             for m in rule.matchers],
            rule.rationale, rule.fix, list(rule.references), list(rule.roles),
            [_example_data(e) for e in rule.bad], [_example_data(e) for e in rule.good], str(rule.source), autofix]


def rule_of(data: list[Any]) -> Rule:
    """The rule `rule_data` kept (TypeError, ValueError or KeyError for data of another shape)."""
    (rule_id, name, factor, severity, title, matchers, rationale, fix, references, roles, bad, good, source,
     autofix) = data
    return Rule(
        id=rule_id, name=name, factor=factor, severity=severity, title=title,
        matchers=tuple(Matcher(fact, tuple(Condition(attr, op, _value(op, value)) for attr, op, value in where),
                               message, matcher_severity, fixes)
                       for fact, where, message, matcher_severity, fixes in matchers),
        rationale=rationale, fix=fix, references=tuple(references), roles=tuple(roles),
        bad=tuple(map(_example, bad)), good=tuple(map(_example, good)), source=Path(source),
        autofix=Autofix(autofix[0], autofix[1], tuple(FixExample(*e) for e in autofix[2])) if autofix else None,
    )


def _value_data(op: str, value: Any) -> Any:
    """A condition's operand as JSON keeps it (`Condition.value`: a scalar, a tuple of them, a compiled regex,
    or (op, operand) under `not`)."""
    if op == "regex":
        return value.pattern
    if op == "not":
        return [value[0], _value_data(*value)]
    for scalar in value if op == "in" else (value,):
        if not isinstance(scalar, _SCALARS):
            raise Unkept(op)
    return list(value) if op == "in" else value


def _value(op: str, data: Any) -> Any:
    if op == "regex":
        return deferred(data)
    if op == "not":
        return data[0], _value(*data)
    return tuple(data) if op == "in" else data


def _example_data(example: Example) -> list[Any]:
    return [[[f.path, f.code] for f in example.files], [list(line) for line in example.lines]]


def _example(data: list[Any]) -> Example:
    files, lines = data
    return Example(tuple(ExampleFile(*f) for f in files), tuple((line, severity) for line, severity in lines))
