"""The rule catalogue: one YAML file per rule in `rules/`, validated at load.

Rules are data, never code: a `match` selects facts by kind and attribute
conditions (equality, one-of, regex, not). The same catalogue feeds the engine,
`12f-lint rules`, `12f-lint explain` and every report's rule metadata.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from twelvefactor_lint import factors
from twelvefactor_lint.discover.scope import ROLES
from twelvefactor_lint.infra.deferred_re import deferred
from twelvefactor_lint.judge import template
from twelvefactor_lint.severity import SEVERITIES

FACTORS = tuple(factors.FACTORS)
DEFAULT_ROLES = ("prod", "dev")
_ID = deferred(r"^TF(0\d\d|[1-9]\d\d|1[0-2]\d\d)$")
_USER_ID = deferred(r"^(?!TF)[A-Z]+[0-9]+$")
"""A user rule's id: an uppercase prefix other than `TF` (the built-in rules'), then digits: `ACME001`."""
ID_PREFIX = deferred(r"[A-Z]+\d*")
"""A selector naming every rule whose id starts with it: `TF6`, `TF601`, a user prefix such as `ACME`."""
_NAME = deferred(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
_REQUIRED = ("id", "name", "factor", "severity", "title", "match", "rationale", "fix", "references", "examples")
_OPTIONAL = ("message", "roles", "autofix")
SAFETIES = ("safe", "unsafe")

if TYPE_CHECKING:
    from twelvefactor_lint.facts import Fact

class CatalogueError(Exception):
    """A malformed rule file; the run stops with exit code 2."""


@dataclass(frozen=True)
class Condition:
    attr: str
    op: str  # "eq", "in", "regex", "not"
    value: Any

    def holds(self, fact: Fact) -> bool:
        return _holds(self.op, self.value, getattr(fact, self.attr))


def _holds(op: str, expected: Any, actual: Any) -> bool:
    if op == "eq":
        return actual == expected
    if op == "in":
        return actual in expected
    if op == "regex":
        return isinstance(actual, str) and expected.search(actual) is not None
    inner_op, inner_value = expected
    return not _holds(inner_op, inner_value, actual)


_REPLICA_FIELDS = frozenset({"scaled", "replicas", "followed"})


@dataclass(frozen=True)
class Matcher:
    fact: str
    where: tuple[Condition, ...]
    message: str
    severity: str | None = None
    autofix: bool = False
    """The rule's autofix applies to this match's findings (opt-in: a new match is not fixed by accident)."""

    def matches(self, fact: Fact) -> bool:
        return fact.kind == self.fact and all(c.holds(fact) for c in self.where)

    @property
    def counts_replicas(self) -> bool:
        """The match depends on how many copies run (a fact's `replicas_condition` then lowers it)."""
        return any(c.attr in _REPLICA_FIELDS for c in self.where)


@dataclass(frozen=True)
class ExampleFile:
    path: str
    code: str


@dataclass(frozen=True)
class Example:
    files: tuple[ExampleFile, ...]
    lines: tuple[tuple[int, str | None], ...] = ()
    """For bad examples: (line, severity) for every line of the first file where findings must land, from
    `lines: {12: error, 14: warning}`; the severity is None where a rule states lines only (`lines: [12, 14]`)."""


@dataclass(frozen=True)
class FixExample:
    path: str
    before: str
    after: str


@dataclass(frozen=True)
class Autofix:
    """What `--fix` does for a rule: `safe` fixes keep behaviour; `unsafe` ones need `--unsafe-fixes`."""

    safety: str
    summary: str
    examples: tuple[FixExample, ...]


@dataclass(frozen=True)
class Rule:
    id: str
    name: str
    factor: str
    severity: str
    title: str
    matchers: tuple[Matcher, ...]
    rationale: str
    fix: str
    references: tuple[str, ...]
    roles: tuple[str, ...]
    bad: tuple[Example, ...]
    good: tuple[Example, ...]
    source: Path
    autofix: Autofix | None = None


class Catalogue:
    """The rules, in catalogue order. One `load`ed with `lazy` reads its rule files when its rules are first
    asked for: a run replaying its snapshot (whose key holds the rule files' stats, `sources`) and reporting no
    rule metadata (JSON) never parses YAML."""

    def __init__(self, rules: tuple[Rule, ...], vocabulary_checked: bool = True):
        self._rules: tuple[Rule, ...] | None = rules
        self._files: tuple[tuple[Path, bool], ...] = ()
        self._cache: Path | None = None
        self.vocabulary_checked = vocabulary_checked
        """False when loaded with `check_vocabulary=False`: `checked()` checks it before any fact is judged."""

    @classmethod
    def of_files(cls, files: tuple[tuple[Path, bool], ...], check_vocabulary: bool, cache: Path | None = None) -> Catalogue:
        """The catalogue of these rule files ((path, built-in) each), read when its rules are first asked for
        (through the cache directory `cache`, `kept_rules`, when given and the vocabulary is checked later)."""
        catalogue = cls((), check_vocabulary)
        catalogue._rules, catalogue._files, catalogue._cache = None, files, cache
        return catalogue

    @property
    def rules(self) -> tuple[Rule, ...]:
        """CatalogueError for a malformed rule file, when the rules are read."""
        if self._rules is None:
            parse = partial(_read, self._files, self.vocabulary_checked)
            if self._cache is None or self.vocabulary_checked:
                self._rules = parse()
            else:
                from twelvefactor_lint.judge import kept_rules

                self._rules = kept_rules.read(self._files, self._cache, parse)
        return self._rules

    @property
    def sources(self) -> list[Path]:
        """The rule files, one per rule (without reading them)."""
        return [path for path, _ in self._files] if self._rules is None else [rule.source for rule in self._rules]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Catalogue) and self.rules == other.rules

    def __hash__(self) -> int:
        return hash(self.rules)

    def checked(self) -> Catalogue:
        """This catalogue with its fact kinds and fields checked (CatalogueError for the first unknown one)."""
        if not self.vocabulary_checked:
            for rule in self.rules:
                check_rule_vocabulary(rule)
        return Catalogue(self.rules)

    def get(self, key: str) -> Rule | None:
        for rule in self.rules:
            if key.upper() == rule.id or key == rule.name:
                return rule
        return None

    def select(self, selector: str) -> set[str]:
        """Rule ids a selector names: `ALL`, an id, a name, or an id prefix such as `TF6` (or a user prefix, `ACME`)."""
        if selector.upper() == "ALL":
            return {r.id for r in self.rules}
        exact = self.get(selector)
        if exact:
            return {exact.id}
        if ID_PREFIX.fullmatch(selector.upper()):
            return {r.id for r in self.rules if r.id.startswith(selector.upper())}
        return set()


def _fail(source: Path, message: str) -> CatalogueError:
    return CatalogueError(f"{source}: {message}")


def _text(data: dict, key: str, source: Path) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, f"`{key}` must be a non-empty string")
    return value.strip()


def _condition(attr: str, value: Any, source: Path) -> Condition:
    op, operand = _operand(value, source, attr)
    return Condition(attr, op, operand)


def _operand(value: Any, source: Path, attr: str) -> tuple[str, Any]:
    if isinstance(value, list):
        return "in", tuple(value)
    if isinstance(value, dict):
        if len(value) != 1 or next(iter(value)) not in ("regex", "not"):
            raise _fail(source, f"condition on `{attr}` must be a value, a list, {{regex: ...}} or {{not: ...}}")
        (op, inner), = value.items()
        if op == "regex":
            try:
                return "regex", re.compile(str(inner))
            except re.error as error:
                raise _fail(source, f"bad regex for `{attr}`: {error}") from None
        return "not", _operand(inner, source, attr)
    return "eq", value


def _matchers(data: dict, source: Path, default_message: str | None, vocabulary: bool = True) -> tuple[Matcher, ...]:
    raw = data["match"]
    items = raw if isinstance(raw, list) else [raw]
    matchers = []
    for item in items:
        if not isinstance(item, dict) or not isinstance(item.get("fact"), str):
            raise _fail(source, "each `match` entry needs a `fact` kind")
        unknown = set(item) - {"fact", "where", "message", "severity", "autofix"}
        if unknown:
            raise _fail(source, f"unknown key in `match`: {', '.join(sorted(unknown))}")
        where = item.get("where") or {}
        if not isinstance(where, dict):
            raise _fail(source, "`where` must be a mapping of attribute conditions")
        message = item.get("message", default_message)
        if not isinstance(message, str) or not message.strip():
            raise _fail(source, "every `match` entry needs a `message` (or give a rule-level one)")
        try:
            template.check(message)
        except ValueError as error:
            raise _fail(source, f"`message` of the match on `{item['fact']}`: {error}") from None
        severity = item.get("severity")
        if severity is not None and severity not in SEVERITIES:
            raise _fail(source, f"`severity` must be one of {', '.join(SEVERITIES)}")
        if not isinstance(item.get("autofix", False), bool):
            raise _fail(source, "`autofix` in `match` must be true or false")
        if vocabulary:
            _check_vocabulary(item["fact"], [str(k) for k in where], message, source)
        conditions = tuple(_condition(str(k), v, source) for k, v in where.items())
        matchers.append(Matcher(item["fact"], conditions, message.strip(), severity, item.get("autofix", False)))
    if not matchers:
        raise _fail(source, "`match` is empty")
    return tuple(matchers)


def check_rule_vocabulary(rule: Rule) -> None:
    """Every matcher of the rule names fact kinds and fields that exist (`_check_vocabulary`)."""
    for matcher in rule.matchers:
        _check_vocabulary(matcher.fact, [c.attr for c in matcher.where], matcher.message, rule.source)


def _check_vocabulary(kind: str, keys: list[str], message: str, source: Path) -> None:
    """A rule may name only fact kinds and fields that exist: a typo would silently disable the matcher.

    The vocabulary is imported here, not with the module: `--version` and `--help` need no fact classes."""
    from twelvefactor_lint.facts import KINDS, fields_of

    if kind not in KINDS:
        raise _fail(source, f"unknown fact kind `{kind}` in `match` (nearest: `{_nearest(kind, KINDS)}`; "
                            "`12f-lint facts --kinds` lists them)")
    fields = fields_of(KINDS[kind])
    for key in keys:
        if key not in fields:
            raise _fail(source, f"`{kind}` has no field `{key}` (in `where`; nearest: `{_nearest(key, fields)}`)")
    for key in template.names(message):
        if key not in fields:
            raise _fail(source, f"`{kind}` has no field `{key}` (in the message's `{{{key}}}`; "
                                f"nearest: `{_nearest(key, fields)}`)")


def _nearest(word: str, names: Iterable[str]) -> str:
    import difflib  # for an error message only

    return (difflib.get_close_matches(word, list(names), n=1, cutoff=0.0) or [""])[0]


def _examples(data: dict, source: Path) -> tuple[tuple[Example, ...], tuple[Example, ...]]:
    """Bad and good examples; only the tool's own rules may have no bad example (a bug can't be staged)."""
    raw = data["examples"]
    if not isinstance(raw, dict) or set(raw) != {"bad", "good"}:
        raise _fail(source, "`examples` needs exactly `bad` and `good` lists")
    parsed = []
    for side in ("bad", "good"):
        items = raw[side]
        if not isinstance(items, list) or (not items and not (side == "bad" and data.get("factor") == "tool")):
            raise _fail(source, f"`examples.{side}` must be a non-empty list")
        parsed.append(tuple(_example(item, source, side) for item in items))
    return parsed[0], parsed[1]


def _example(item: Any, source: Path, side: str) -> Example:
    if not isinstance(item, dict):
        raise _fail(source, f"each `examples.{side}` entry must be a mapping")
    files_raw = item.get("files") or [{"path": item.get("path"), "code": item.get("code")}]
    files = []
    for entry in files_raw:
        if not isinstance(entry, dict) or not isinstance(entry.get("path"), str) or not isinstance(entry.get("code"), str):
            raise _fail(source, f"each `examples.{side}` entry needs `path` and `code` (or `files` of them)")
        files.append(ExampleFile(entry["path"], entry["code"]))
    lines = item.get("lines", {})
    if isinstance(lines, list):
        lines = dict.fromkeys(lines)
    if not isinstance(lines, dict) or not all(
            isinstance(n, int) and not isinstance(n, bool) and (s is None or s in SEVERITIES) for n, s in lines.items()):
        raise _fail(source, f"`lines` must map line numbers to severities ({{12: error}}; one of {', '.join(SEVERITIES)}), "
                            "or list line numbers")
    return Example(tuple(files), tuple(sorted(lines.items())))


def _autofix(data: dict, source: Path) -> Autofix | None:
    raw = data.get("autofix")
    if raw is None:
        return None
    if not isinstance(raw, dict) or set(raw) != {"safety", "summary", "examples"}:
        raise _fail(source, "`autofix` needs exactly `safety`, `summary` and `examples`")
    if raw["safety"] not in SAFETIES:
        raise _fail(source, f"`autofix.safety` must be one of {', '.join(SAFETIES)}")
    items = raw["examples"]
    if not isinstance(items, list) or not items:
        raise _fail(source, "`autofix.examples` must be a non-empty list")
    examples = []
    for item in items:
        if not isinstance(item, dict) or set(item) != {"path", "before", "after"} \
                or not all(isinstance(v, str) for v in item.values()):
            raise _fail(source, "each `autofix.examples` entry needs exactly `path`, `before` and `after` strings")
        if item["before"] == item["after"]:
            raise _fail(source, f"an `autofix.examples` entry for {item['path']} does not change anything")
        examples.append(FixExample(item["path"], item["before"], item["after"]))
    return Autofix(raw["safety"], _text(raw, "summary", source), tuple(examples))


def _safe_load(text: str) -> Any:
    """`yaml.safe_load` through libyaml's safe loader where PyYAML has it: every run loads the whole
    catalogue, and the pure-Python loader spent ~150 ms of a 10-file run on it. (Imported here: a replayed run
    reads no rule file, and PyYAML's import alone costs some 20 ms.)"""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)(text)
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def load_rule(source: Path, builtin: bool = True, check_vocabulary: bool = True) -> Rule:
    """One rule file; `builtin` rules have TF ids, a user rule directory's have their own prefix."""
    import yaml

    try:
        data = _safe_load(source.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise _fail(source, f"cannot read rule: {error}") from None
    if not isinstance(data, dict):
        raise _fail(source, "a rule file must be a mapping")
    missing = [k for k in _REQUIRED if k not in data]
    if missing:
        raise _fail(source, f"missing {', '.join(f'`{k}`' for k in missing)}")
    unknown = set(data) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise _fail(source, f"unknown key(s) {', '.join(sorted(unknown))}")
    rule_id, name = _text(data, "id", source), _text(data, "name", source)
    if builtin and not _ID.match(rule_id):
        raise _fail(source, f"`id` {rule_id!r} must look like TF601 (TF + factor + two digits)")
    if not builtin and not _USER_ID.match(rule_id):
        raise _fail(source, f"`id` {rule_id!r} must be an uppercase prefix other than TF (kept for the built-in "
                            "rules) and digits, like ACME001")
    if not _NAME.match(name):
        raise _fail(source, f"`name` {name!r} must be kebab-case")
    if source.stem != f"{rule_id}-{name}":
        raise _fail(source, f"file must be named {rule_id}-{name}{source.suffix}")
    factor = str(data["factor"])
    if factor not in FACTORS:
        raise _fail(source, f"`factor` must be one of {', '.join(FACTORS)}")
    severity = data["severity"]
    if severity not in SEVERITIES:
        raise _fail(source, f"`severity` must be one of {', '.join(SEVERITIES)}")
    references = data["references"]
    if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
        raise _fail(source, "`references` must be a list of URLs")
    roles = data.get("roles", list(DEFAULT_ROLES))
    if roles == "all":
        roles = list(ROLES)
    if not isinstance(roles, list) or not set(roles) <= set(ROLES):
        raise _fail(source, f"`roles` must be `all` or a list drawn from {', '.join(ROLES)}")
    message = data.get("message")
    bad, good = _examples(data, source)
    matchers, autofix = _matchers(data, source, message, check_vocabulary), _autofix(data, source)
    if (autofix is None) == any(m.autofix for m in matchers):
        raise _fail(source, "a rule with `autofix` marks the matches it fixes with `autofix: true`, and only such a rule")
    return Rule(
        id=rule_id, name=name, factor=factor, severity=severity, title=_text(data, "title", source),
        matchers=matchers, rationale=_text(data, "rationale", source),
        fix=_text(data, "fix", source), references=tuple(references), roles=tuple(roles),
        bad=bad, good=good, source=source, autofix=autofix,
    )


def builtin_rules_dir() -> Path:
    """`rules/` inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def load(extra_dirs: Iterable[Path] = (), check_vocabulary: bool = True, lazy: bool = False,
         cache: Path | None = None) -> Catalogue:
    """The built-in rules, then those of user rule directories (`rule-dirs`, `--rule-dir`), validated alike;
    `lazy`: read when the rules are first asked for (`Catalogue.rules`), a missing directory still failing now;
    `cache`: a run's cache directory, where the parsed rules are kept (`kept_rules`; without `check_vocabulary`).

    Without `check_vocabulary` the fact kinds and fields the rules name are checked by `Catalogue.checked()`:
    the vocabulary is every fact class, which a run replaying its snapshot (made under the same rule files
    and code, so checked then) never imports."""
    files: list[tuple[Path, bool]] = []
    for directory in (builtin_rules_dir(), *extra_dirs):
        if not directory.is_dir():
            raise CatalogueError(f"rules directory not found: {directory}")
        builtin = directory == builtin_rules_dir()
        files += [(path, builtin) for path in sorted(directory.glob("*.y*ml"))]
    catalogue = Catalogue.of_files(tuple(files), check_vocabulary, cache)
    if not lazy:
        catalogue.rules  # noqa: B018 - read now: a malformed rule file fails here
    return catalogue


def _read(files: Iterable[tuple[Path, bool]], check_vocabulary: bool) -> tuple[Rule, ...]:
    """The rules of `files`, each built-in one as shipped parsed when it can be (`shipped_rules`), else parsed."""
    from twelvefactor_lint.judge import shipped_rules

    files = list(files)
    shipped = shipped_rules.read(builtin_rules_dir()) if any(builtin for _, builtin in files) else {}
    rules = [(builtin and shipped_rules.rule(path, shipped, check_vocabulary)) or load_rule(path, builtin, check_vocabulary)
             for path, builtin in files]
    seen: dict[str, Path] = {}
    for rule in rules:
        for key in (rule.id, rule.name):
            if key in seen:
                raise CatalogueError(f"{rule.source}: `{key}` is already defined in {seen[key]}")
            seen[key] = rule.source
    return tuple(sorted(rules, key=_rule_order))


def _rule_order(rule: Rule) -> tuple[int, int, int, str]:
    """Built-in rules by factor and serial, then user rules by id."""
    if not _ID.match(rule.id):
        return 1, 0, 0, rule.id
    digits = rule.id[2:]
    factor = 0 if digits.startswith("0") else int(digits[:-2])
    return 0, factor, int(digits[-2:]), ""
