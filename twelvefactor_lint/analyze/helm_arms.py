"""The arms of a Helm template's value tests: `{{ if eq .Values.settings "prod" }} ... {{ else }} ... {{ end }}`,
`{{ if .Values.devMode }} ... {{ else }} ... {{ end }}`.

Helm renders one arm of such a chain, the one the chart value selects; read as plain YAML every arm would be
rendered (and a key both arms set, `args:`, keeps the last). `arms` finds the chains whose arms all compare one
`.Values` key with string literals (`eq`/`ne`, `else if`, `else`), or test one key with an `else`, and `variant`
gives the template with only the k-th arm of each chain kept, so the analyzer reads each arm as its own rendering.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from twelvefactor_lint.devprod import is_dev_flag, is_dev_value, is_prod_value

BLOCK = re.compile(r"\{\{-?\s*(if|with|range|define|block|else|end)\b([^}]*)\}\}")
"""A template action that opens, branches or closes a block."""
_COMPARISON = re.compile(r'^\(?\s*(eq|ne)\s+(?:\$?\.Values\.([\w.]+)\s+"([^"]*)"|"([^"]*)"\s+\$?\.Values\.([\w.]+))\s*\)?$')
"""`eq .Values.settings "prod"`, `ne "dev" $.Values.env`, `(eq .Values.mode "local")`."""
SWITCH = re.compile(r"^\s*\$?\.Values\.([\w.]+)\s*-?$")
"""`{{ if .Values.devMode }}`: the block renders only when the chart value is set."""
_PROD_SWITCH = re.compile(r"(?i)(?:^|\.)(?:prod|production)(?:Mode|Enabled|_mode|_enabled)?$")
"""A chart value that switches production behaviour on (`production`): its `else` is dev-only."""


@dataclass(frozen=True)
class Arm:
    """One arm of a chain: the lines strictly between its tag and the next (`first` is its tag's line). It renders
    when the chart value `key` is one of `values` (`negated`: is none of them); with no `values`, when it is set
    (`negated`: is not set)."""

    first: int
    last: int
    key: str
    values: tuple[str, ...]
    negated: bool

    @property
    def condition(self) -> str:
        if not self.values:
            return f"when the chart value `{self.key}` is {'not ' if self.negated else ''}set"
        quoted = " or ".join(f"`{v}`" for v in self.values)
        return f"when the chart value `{self.key}` is {'not ' if self.negated else ''}{quoted}"

    @property
    def dev_only(self) -> bool:
        """Selected by a development value (`dev`, `local`) or switch (`devMode`), or by anything but a production
        value (the `else` of `eq .Values.settings "prod"`, of `if .Values.production`)."""
        if not self.values:
            return bool(_PROD_SWITCH.search(self.key)) if self.negated else is_dev_flag(self.key)
        named = is_prod_value if self.negated else is_dev_value
        return any(named(v) for v in self.values)


Selection = tuple[bool, frozenset[str]]
"""(negated, values): the value is one of them, or (negated) none of them."""


def _both(a: Selection, b: Selection) -> Selection:
    (a_not, a_values), (b_not, b_values) = a, b
    if a_not and b_not:
        return True, a_values | b_values
    if a_not:
        return False, b_values - a_values
    return False, a_values - b_values if b_not else a_values & b_values


def _comparison(text: str) -> tuple[str, Selection] | None:
    match = _COMPARISON.match(text.strip().rstrip("-").strip())
    if not match:
        return None
    op, key, value = match.group(1), match.group(2) or match.group(5), match.group(3) if match.group(2) else match.group(4)
    return key, (op == "ne", frozenset({value}))


class _Chain:
    def __init__(self, line: int, key: str, test: Selection | None):
        """`test`: the comparison of the first arm; None: a plain `{{ if .Values.KEY }}` (its `else`: not set)."""
        self.key, self.plain = key, test is None
        self.open: tuple[int, Selection] | None = (line, test or (False, frozenset()))
        self.arms: list[Arm] = []
        self.rest: Selection = (True, frozenset())
        self.valid = True

    def close_arm(self, line: int) -> None:
        if self.open is None:
            return
        first, test = self.open
        negated, values = (test[0], frozenset()) if self.plain else _both(self.rest, test)
        if values or negated or self.plain:  # an arm no value selects never renders: nothing to read
            self.arms.append(Arm(first, line, self.key, tuple(sorted(values)), negated))
        self.rest = _both(self.rest, (not test[0], test[1]))
        self.open = None

    def branch(self, line: int, rest: str) -> None:
        self.close_arm(line)
        rest = rest.strip().rstrip("-").strip()
        if not rest:
            self.open = (line, (True, frozenset()))
            return
        compared = _comparison(rest[2:]) if rest.startswith("if ") and not self.plain else None
        if compared is None or compared[0] != self.key:
            self.valid = False
        else:
            self.open = (line, compared[1])


def arms(text: str) -> list[list[Arm]]:
    """The comparison chains of a template, and the `{{ if .Values.KEY }}` switches with an `else`, each as its arms
    in order (the chains that mix keys or other tests are left out: read as before)."""
    chains: list[_Chain] = []
    stack: list[_Chain | None] = []
    for number, line in enumerate(text.split("\n"), start=1):
        for match in BLOCK.finditer(line):
            word, rest = match.groups()
            if word == "end":
                chain = stack.pop() if stack else None
                if chain is not None:
                    chain.close_arm(number)
                    chains.append(chain)
            elif word == "else":
                if stack and stack[-1] is not None:
                    stack[-1].branch(number, rest)
            else:
                compared = _comparison(rest) if word == "if" else None
                switch = SWITCH.match(rest) if word == "if" and not compared else None
                stack.append(_Chain(number, *compared) if compared else _Chain(number, switch.group(1), None)
                             if switch else None)
    return [c.arms for c in chains if c.valid and c.arms and (not c.plain or len(c.arms) == 2)]


def variant(text: str, chains: list[list[Arm]], k: int) -> str:
    """The template with only arm `k` of each chain kept (the other arms' lines blanked; a chain with fewer arms
    renders none)."""
    blank = {line for chain in chains for i, arm in enumerate(chain) if i != k
             for line in range(arm.first + 1, arm.last)}
    return "\n".join("" if number in blank else line for number, line in enumerate(text.split("\n"), start=1))


def arm_of(line: int, chains: list[list[Arm]], k: int) -> Arm | None:
    """The arm `k` a fact of that rendering comes from: the one holding its line, else the first below it (a
    container's `command:` above the `args:` its arms set), else the last above it."""
    candidates = [chain[k] for chain in chains if len(chain) > k]
    return next((a for a in candidates if a.first < line < a.last), None) \
        or next((a for a in sorted(candidates, key=lambda a: a.first) if a.first > line), None) \
        or next((a for a in sorted(candidates, key=lambda a: -a.first)), None)
