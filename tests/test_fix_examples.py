"""Every fix example in the catalogue, run for real: the fix writes exactly `after`, the finding is
gone, a second fix changes nothing, the result still parses, and no line outside the fix moved."""

from __future__ import annotations

import ast
import difflib
import re

import pytest
from conftest import write_tree

from twelvefactor_lint import fix
from twelvefactor_lint.config import Settings
from twelvefactor_lint.judge import catalogue as catalogue_module
from twelvefactor_lint.runner import run

CATALOGUE = catalogue_module.load()
_ADDED_IMPORT = re.compile(r"^import \w+\r?\n$")
_IMPORT = re.compile(r"^(?:import|from) [\w.]+")


def _cases():
    for rule in CATALOGUE.rules:
        for number, example in enumerate(rule.autofix.examples if rule.autofix else (), start=1):
            yield pytest.param(rule, example, id=f"{rule.id}-fix-{number}")


def _lint(root, rule):
    return run([root], Settings(root=root, select=(rule.id,)), CATALOGUE)


def _untouched_outside(before: str, after: str, fixed) -> list[str]:
    """Lines of `before` that changed outside the fixed findings' lines (an import the fix left unused may go),
    and added lines that are not imports."""
    spans = [range(f.line, f.end_line + 1) for f in fixed]
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    problems = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if op in ("replace", "delete"):
            problems += [f"line {n}: {old[n - 1]!r}" for n in range(i1 + 1, i2 + 1) if not any(n in s for s in spans)
                         and not _IMPORT.match(old[n - 1])]
        elif op == "insert":
            problems += [f"added {line!r}" for line in new[j1:j2] if line.strip() and not _ADDED_IMPORT.match(line)]
    return problems


@pytest.mark.parametrize("rule, example", list(_cases()))
def test_fix_example(rule, example, tmp_path):
    write_tree(tmp_path, {example.path: example.before})
    before = _lint(tmp_path, rule)
    mine = [f for f in before.findings if f.rule == rule.id and f.path == example.path]
    assert mine, f"{rule.id} does not fire on its fix example"

    proposal = fix.propose(before, [tmp_path], unsafe=rule.autofix.safety == "unsafe")
    written, notices = fix.apply(proposal)
    after = (tmp_path / example.path).read_text(encoding="utf-8")
    assert (after, notices) == (example.after, [])
    assert sorted(f.line for f in written[0].fixed) == sorted(f.line for f in mine), "every finding of the example is fixed"
    assert _untouched_outside(example.before, after, mine) == []
    if example.path.endswith(".py"):
        ast.parse(after)

    again = _lint(tmp_path, rule)
    assert not [f for f in again.findings if f.rule == "TF001"], "the fixed file must parse"
    gone = {(f.rule, f.message) for f in mine}
    assert not [f for f in again.findings if (f.rule, f.message) in gone]
    assert fix.propose(again, [tmp_path], unsafe=True).changes == ()


def test_only_safe_fixes_without_unsafe_fixes(tmp_path):
    unsafe = [(r, e) for r in CATALOGUE.rules if r.autofix and r.autofix.safety == "unsafe" for e in r.autofix.examples]
    assert unsafe
    for number, (rule, example) in enumerate(unsafe):
        root = tmp_path / str(number)
        write_tree(root, {example.path: example.before})
        proposal = fix.propose(_lint(root, rule), [root], unsafe=False)
        assert proposal.changes == () and proposal.held_back > 0, rule.id
