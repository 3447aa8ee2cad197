"""Facts behind three round-16 false-positive classes: working-directory-relative `sys.path` entries that name the
repository's own directories (TF101), scratch files a handler writes and consumes in one request (TF606), and the
file handlers of one logging setup and per-task output files (TF1101)."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze


def _facts(source: str, path: str, kind: str):
    facts = analyze(path, textwrap.dedent(source).encode("utf-8")).facts
    assert not [f for f in facts if f.kind == "parse_error"], "test source must parse"
    return [f for f in facts if f.kind == kind]


def test_sys_path_entry_records_where_it_lands_from_the_script_directory_and_its_fallbacks():
    source = """
        import os
        import sys

        if os.path.exists("../apps"):
            sys.path.insert(0, "../apps")
        elif os.path.exists("./apps"):
            sys.path.insert(0, "./apps")
        sys.path.append("../../shared")
    """
    facts = _facts(source, "utils/sync.py", "python.sys_path_outside")
    assert [(f.expression, f.resolved, f.inside) for f in facts] == [
        ("'../apps'", "../apps", ("apps", "utils/apps")),
        ("'../../shared'", "../../shared", ()),
    ]


def test_file_anchored_sys_path_entry_records_no_alternative():
    source = """
        import os
        import sys

        sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "lib"))
    """
    facts = _facts(source, "svc/app.py", "python.sys_path_outside")
    assert [(f.resolved, f.inside) for f in facts] == [("../lib", ())]


def test_file_sent_from_its_directory_by_name_is_served():
    source = """
        from flask import Flask, send_from_directory

        app = Flask(__name__)

        @app.get("/export/<name>")
        def export(name):
            with open("web/control/tmp/" + name, "w") as out:
                out.write(name)
            return send_from_directory("control/tmp", name)

        @app.get("/other/<name>")
        def other(name):
            with open("web/exports/" + name, "w") as out:
                out.write(name)
            return send_from_directory("control/tmp", name)
    """
    facts = _facts(source, "web/views.py", "python.file_write")
    assert [(f.function, f.served) for f in facts] == [("export", True), ("other", False)]


def test_file_under_a_temporary_directory_handed_on_is_consumed_unless_a_class_records_it():
    source = """
        from flask import Flask, request
        from web.models import Hashfile
        from web.loader import load

        app = Flask(__name__)

        @app.post("/a")
        def scratch():
            path = "web/tmp/upload.txt"
            with open(path, "w") as out:
                out.write(request.form["x"])
            load(path)

        @app.post("/b")
        def kept():
            path = "web/tmp/upload.txt"
            with open(path, "w") as out:
                out.write(request.form["x"])
            Hashfile(path=path)

        @app.post("/c")
        def not_temporary():
            path = "web/data/upload.txt"
            with open(path, "w") as out:
                out.write(request.form["x"])
            load(path)
    """
    facts = _facts(source, "web/views.py", "python.file_write")
    assert [(f.function, f.consumed) for f in facts] == [("scratch", "`load()`"), ("kept", ""), ("not_temporary", "")]
