"""TF801 on Python code that daemonizes: judged by who calls it (link.daemons)."""

from __future__ import annotations

import pytest

_DAEMONIZE = "import os\nimport sys\n\ndef daemonize():\n    if os.fork() != 0:\n        sys.exit(0)\n    os.setsid()\n"
_MAIN = ('import argparse\nimport app\n\nparser = argparse.ArgumentParser()\nparser.add_argument("--daemon", '
         'action="store_true")\nargs = parser.parse_args()\n')


def _tf801(result):
    return [(f.path, f.severity, f.message) for f in result.findings if f.rule == "TF801"]


def test_a_daemon_mode_only_a_command_line_switch_selects_is_opt_in(lint):
    [(path, severity, message)] = _tf801(lint({"app/__init__.py": _DAEMONIZE,
                                               "main.py": _MAIN + "if args.daemon:\n    app.daemonize()\n"}))
    assert (path, severity) == ("app/__init__.py", "warning")
    assert "when run with `--daemon`" in message


def test_a_process_that_always_daemonizes_stays_an_error(lint):
    found = _tf801(lint({"app/__init__.py": _DAEMONIZE,
                         "main.py": _MAIN + "if args.daemon:\n    app.daemonize()\napp.daemonize()\n"}))
    assert [(p, s) for p, s, _ in found] == [("app/__init__.py", "error")]
    assert _tf801(lint({"app/__init__.py": _DAEMONIZE}))[0][1] == "error"  # nothing calls it: as before


_PLUGIN = ("import os\n\nclass Daemonizer:\n    def daemonize(self):\n        if os.fork() > 0:\n"
           "            os._exit(0)\n        os.setsid()\n")
_BUNDLE = {f"lib/pkg{n}/__init__.py": "" for n in range(10)}


@pytest.mark.parametrize("library", ["vendor/cherrypy/process/plugins.py", "lib/cherrypy/process/plugins.py"])
@pytest.mark.parametrize("main, expected", [
    ("import cherrypy\n", []),  # a plugin nobody builds: the library's feature
    ("from cherrypy.process.plugins import Daemonizer\nDaemonizer()\n", ["error"]),
])
def test_a_vendored_librarys_daemonizer_is_judged_only_when_the_project_uses_it(lint, library, main, expected):
    found = _tf801(lint({library: _PLUGIN, "lib/cherrypy/__init__.py": "", **_BUNDLE, "main.py": main}))
    assert [(p, s) for p, s, _ in found] == [(library, s) for s in expected]


def test_the_projects_own_lib_directory_is_no_bundle_of_libraries(lint):
    assert [s for _, s, _ in _tf801(lint({"lib/app/plugins.py": _PLUGIN, "main.py": "import app\n"}))] == ["error"]
