"""Methods that write shared state, as facts other modules' handlers are linked to (TF601, one hop)."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze


def _kinds(source: str, kind: str, path: str = "pkg/store.py") -> list:
    return [f for f in analyze(path, textwrap.dedent(source).encode("utf-8")).facts if f.kind == kind]


def test_methods_writing_class_module_or_instance_containers_are_published_and_caches_are_not():
    # `Board.note()` writes what a new instance binds (silent), but the module instance `board`'s own copy counts
    facts = _kinds(
        """
        RECENT = []

        class Board:
            pins = []
            _render_cache = {}

            def __init__(self):
                self.local = []

            def pin(self, text):
                self.pins.append(text)

            def cache(self, key):
                self._render_cache[key] = 1

            def note(self, text):
                self.local.append(text)

        class Log:
            def add(self, line):
                RECENT.append(line)

        board = Board()
        """, "python.module_state")
    methods = sorted((f.module, f.name, f.writes) for f in facts if f.writes)
    assert methods == [("pkg.store.Board", "pin()", "Board.pins"), ("pkg.store.Log", "add()", "RECENT"),
                       ("pkg.store.board", "note()", "board.local"), ("pkg.store.board", "pin()", "Board.pins")]


def test_a_handler_calling_a_from_imported_object_s_method_asks_link_and_a_library_module_does_not():
    writes = _kinds(
        """
        import json
        from flask import Flask
        from pkg.store import Board

        app = Flask(__name__)

        @app.post("/pin")
        def pin():
            Board().pin("x")
            return json.dumps({})
        """, "python.imported_state_write", "pkg/api.py")
    assert [(w.qualified, w.through_method) for w in writes] == [("pkg.store.Board.pin()", "pin")]


def test_windows_on_the_process_clock_are_not_state_and_other_items_keep_them_so():
    source = """
        import time
        import flask

        app = flask.Flask(__name__)
        SENT = {}
        SEEN = {}

        class Throttle:
            def __init__(self):
                self.last = {}
                self.kept = {}

            def allow(self, key):
                now = time.monotonic()
                self.last[key] = now
                self.kept[key] = now
                return True

            def keep(self, key, report):
                self.kept[key] = report

        throttle = Throttle()

        @app.post("/report")
        def report():
            now = time.monotonic()
            SENT["k"] = now
            SEEN["k"] = flask.request.get_json()
            throttle.allow("k")
            throttle.keep("k", 1)
            return ""
    """
    written = {f.name for f in _kinds(source, "python.state_mutation", "app.py")}
    assert written == {"SEEN", "throttle.kept"}
