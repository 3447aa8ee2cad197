"""The Python analyzer's cheap pre-checks (a text scan or a small walk instead of a costly pass) decide
exactly as the pass they spare: they only skip work whose answer is already known."""

from __future__ import annotations

import ast
import textwrap

import pytest

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.analyze.python.imports import _spells
from twelvefactor_lint.analyze.python.index import walk


@pytest.mark.parametrize("test", [
    "TYPE_CHECKING", "typing.TYPE_CHECKING", "not t.TYPE_CHECKING", "'TYPE_' 'CHECKING' in x", "f(TYPE_CHECKING=1)",
    "(lambda TYPE_CHECKING: 0)(1)", "f'{x:TYPE_CHECKING}'", "b'TYPE_CHECKING'", "MY_TYPE_CHECKING_FLAG",
    "type_checking", "'TYPE_\\x43HECKING'", "'\\tTYPE_CHECKING'", "x[TYPE_CHECKING]", "DEBUG and not TESTING",
])
def test_spelling_a_word_in_an_if_test_agrees_with_unparse(test):
    node = ast.parse(f"if {test}:\n    pass\n").body[0]
    assert isinstance(node, ast.If)
    assert _spells(node.test, "TYPE_CHECKING") == ("TYPE_CHECKING" in ast.unparse(node.test))


def _directive_lines(source: str) -> list[int]:
    return [d.line for d in analyze("app.py", textwrap.dedent(source).encode()).directives]


def test_directives_are_read_only_where_a_marker_can_make_one():
    assert _directive_lines("x = 1  # noqa: E501\ny = 2  # noqa\n") == []
    assert _directive_lines("x = 1  # noqa: E501, TF601\n") == [1]
    assert _directive_lines("x = 1  #NOQA : tf601\n") == [1]
    assert _directive_lines("s = '# noqa: TF601'\n") == []  # in a string, not a comment
    assert _directive_lines("# 12f: ignore[TF601]\nx = 1\n") == [2]


def _env_reads(source: str) -> list[str]:
    facts = analyze("settings.py", textwrap.dedent(source).encode()).facts
    return sorted(getattr(f, "env_key", "") for f in facts if getattr(f, "env_key", ""))


def test_a_local_env_helper_is_found_with_or_without_the_pre_check():
    helper = """
        from os import environ as e

        def get_setting(name, default):
            return e.get(name, default)

        SECRET_KEY = get_setting("SECRET_KEY", "hunter2-hunter2-hunter2")
    """
    plain = helper.replace("from os import environ as e", "e = {}")
    assert "SECRET_KEY" in _env_reads(helper)
    assert "SECRET_KEY" not in _env_reads(plain)


def _state_names(source: str) -> list[str]:
    facts = analyze("app.py", textwrap.dedent(source).encode()).facts
    return sorted(f.name for f in facts if type(f).__name__ in ("StateMutation", "ModuleState"))


@pytest.mark.parametrize("clock", ["from time import perf_counter as now", "from time import monotonic_ns as now"])
def test_a_process_clock_memo_is_found_through_an_alias(clock):
    """The clock-memo pass runs only on text that spells a process clock: an aliased import still spells it."""
    memo = f"""
        {clock}
        from flask import Flask

        app = Flask(__name__)
        FAILED = {{}}

        @app.get("/retry/<key>")
        def retry(key):
            FAILED[key] = now() + 60
            return "ok"
    """
    assert "FAILED" not in _state_names(memo)
    assert "FAILED" in _state_names(memo.replace(clock, "from random import random as now"))


def test_the_fast_walk_gives_the_nodes_of_ast_walk_in_its_order_without_load_and_store():
    tree = ast.parse(textwrap.dedent("""\
        import os
        CARTS: dict[str, list] = {}
        async def add(user, *items, key=None, **rest):
            global CARTS
            CARTS[user] = [i async for i in items if i] + [x for x in rest]
            del CARTS[key]
            with open(f"{user!r:>10}") as handle, lock:
                match handle.read():
                    case {"a": [1, *tail]} | None:
                        return lambda v=1: -v ** 2 if v else not v
        class View(Base, metaclass=Meta):
            try:
                x = os.environ["A"]
            except (KeyError, ValueError) as error:
                raise RuntimeError from error
        """))
    for node in [tree, *tree.body]:
        expected = [n for n in ast.walk(node) if not isinstance(n, ast.expr_context)]
        found = list(walk(node))
        assert len(found) == len(expected) and all(a is b for a, b in zip(found, expected, strict=True))
