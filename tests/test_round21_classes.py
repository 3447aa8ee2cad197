"""Facts behind round-21 false-positive classes: a logging config's file handler an environment switch picks
(TF1101 `switch`), a handler added only when a variable's handler list names it (TF1101 condition), and a global
holding this process's own heap snapshot (TF601: no state write)."""

from __future__ import annotations

from conftest import python_facts

_SWITCHED = """
    from decouple import config

    LOG_STDOUT = config("LOG_STDOUT", default={default})
    LOGGING = {{
        "version": 1,
        "handlers": {{
            "console": {{"class": "logging.StreamHandler"}},
            "file": {{"class": "logging.FileHandler", "filename": "log/app.log"}},
        }},
        "loggers": {{"app": {{"handlers": ["file"] if not LOG_STDOUT else ["console"]}}}},
    }}
"""


def test_switched_handler_picked_by_the_fallback_is_left_to_link():
    [sink] = python_facts(_SWITCHED.format(default="False"), "python.log_file_sink", "app/conf/base.py")
    assert (sink.switch, sink.condition) == ("!LOG_STDOUT", "")


def test_switched_handler_the_fallback_does_not_pick_is_opt_in():
    [sink] = python_facts(_SWITCHED.format(default="True"), "python.log_file_sink", "app/conf/base.py")
    assert (sink.switch, sink.condition) == ("", "when LOG_STDOUT is not set")


def test_handler_added_when_a_listed_variable_names_it():
    source = """
        import environ

        env = environ.Env()
        HANDLERS = env.get_value("LOG_HANDLERS", default="{default}").split(",")
        LOGGING = {{"version": 1, "handlers": {{}}, "root": {{"handlers": HANDLERS}}}}
        if "file" in HANDLERS:
            LOGGING["handlers"]["file"] = {{"class": "logging.FileHandler", "filename": "app.log"}}
    """
    [opt_in] = python_facts(source.format(default="console"), "python.log_file_sink", "app/settings.py")
    assert opt_in.condition == "when `'file' in HANDLERS`"
    [default] = python_facts(source.format(default="console,file"), "python.log_file_sink", "app/settings.py")
    assert default.condition == ""


def test_own_heap_snapshot_is_no_state_write():
    source = """
        import tracemalloc
        from flask import Flask

        app = Flask(__name__)
        _LAST = None
        _SEEN = None


        @app.get("/heap")
        def heap():
            global _LAST, _SEEN
            snapshot = tracemalloc.take_snapshot()
            _LAST = snapshot
            _SEEN = request_id()
            return "ok"
    """
    writes = python_facts(source, "python.state_mutation", "app/debug.py")
    assert [w.name for w in writes] == ["_SEEN"]
