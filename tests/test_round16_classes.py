"""Facts behind three round-16 false-positive classes: working-directory-relative `sys.path` entries that name the
repository's own directories (TF101), scratch files a handler writes and consumes in one request (TF606), and the
file handlers of one logging setup and per-task output files (TF1101)."""

from __future__ import annotations

from conftest import python_facts


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
    facts = python_facts(source, "python.sys_path_outside", "utils/sync.py")
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
    facts = python_facts(source, "python.sys_path_outside", "svc/app.py")
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
    facts = python_facts(source, "python.file_write", "web/views.py")
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
    facts = python_facts(source, "python.file_write", "web/views.py")
    assert [(f.function, f.consumed) for f in facts] == [("scratch", "`load()`"), ("kept", ""), ("not_temporary", "")]


def test_file_handlers_of_one_setup_are_one_fact_with_the_others_as_places():
    source = """
        import logging

        def setup(log_dir):
            activity = logging.FileHandler(log_dir + "/activity.log")
            errors = logging.FileHandler(log_dir + "/error.log")
            logging.getLogger().addHandler(activity)
            logging.getLogger().addHandler(errors)

        def other():
            logging.getLogger("x").addHandler(logging.FileHandler("x.log"))
    """
    facts = python_facts(source, "python.log_file_sink", "app/logs.py")
    assert [(f.line, f.others, f.places) for f in facts] == [
        (5, "1 more in this file: line 6", (("app/logs.py", 6, 14),)),
        (11, "", ()),
    ]


def test_a_file_appended_per_task_id_is_task_output_not_a_log():
    source = """
        def get_task_log_path(task_id):
            return "data/tasks/" + task_id + ".log"

        class TaskFileHandler:
            def handle_task_start(self, task_id):
                log_path = get_task_log_path(task_id)
                self.f = open(log_path, "a")

            def open_ansible_log(self):
                self.ansible_log = open(get_task_log_path(self.ansible_task_id), "a")

            def write_access(self, line):
                with open("logs/access.log", "a") as log:
                    log.write(line)
    """
    facts = python_facts(source, "python.log_file_sink", "app/tasklog.py")
    assert [f.line for f in facts] == [14]


def test_fix_rewrites_every_file_handler_of_one_setup(tmp_path):
    from fixing import fixed

    code = ("import logging\n\n\ndef setup(log_dir):\n"
            "    logging.getLogger().addHandler(logging.FileHandler(log_dir + '/a.log'))\n"
            "    logging.getLogger().addHandler(logging.FileHandler(log_dir + '/b.log').setLevel(40))\n")
    after = fixed(tmp_path, {"app/logs.py": code}, "TF1101")["app/logs.py"].decode()
    assert "FileHandler" not in after.replace("StreamHandler", "")
    assert after.count("logging.StreamHandler(sys.stdout)") == 2
