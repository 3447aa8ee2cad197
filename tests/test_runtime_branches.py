"""conditions.runtime_branches: the branches of `if` tests no env-driven flag decides, except the main guard and
`if TYPE_CHECKING:` (which no deploy runs either way)."""

from __future__ import annotations

import ast

import pytest

from twelvefactor_lint.analyze.python import conditions


def _branches(source: str) -> list[tuple[int, int, str]]:
    ifs = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.If)]
    return [(b.first, b.last, b.condition) for b in conditions.runtime_branches(ifs, [])]


@pytest.mark.parametrize("test", ["TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING"])
def test_type_checking_blocks_are_not_runtime_branches(test):
    assert _branches(f"if {test}:\n    DEBUG = True\n") == []


def test_main_guard_is_not_a_runtime_branch():
    assert _branches('if __name__ == "__main__":\n    DEBUG = True\n') == []


def test_a_test_read_at_runtime_gives_both_branches_with_its_text():
    source = 'if row.mode == "Development":\n    DEBUG = True\nelse:\n    DEBUG = False\n'
    assert _branches(source) == [(2, 2, "when `row.mode == 'Development'`"),
                                 (4, 4, "unless `row.mode == 'Development'`")]


def test_a_negated_type_checking_test_is_a_runtime_branch():
    assert _branches("if not TYPE_CHECKING:\n    DEBUG = True\n") == [(2, 2, "when `not TYPE_CHECKING`")]


def test_a_setting_under_a_runtime_test_carries_it():
    """The analyzer finds runtime branches only in a module that sets something (only a setting takes the test)."""
    from twelvefactor_lint.analyze.python import analyze
    from twelvefactor_lint.facts.python import Setting

    source = b'if row.mode == "Development":\n    DEBUG = True\nelse:\n    DEBUG = False\n'
    settings = [f for f in analyze("app/settings.py", source).facts if isinstance(f, Setting)]
    assert [(f.key, f.runtime_test) for f in settings] == [("DEBUG", "when `row.mode == 'Development'`"),
                                                          ("DEBUG", "unless `row.mode == 'Development'`")]
