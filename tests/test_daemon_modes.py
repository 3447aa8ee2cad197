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


_UTILS = ("import os\n\ndef create_daemon():\n    if os.fork() != 0:\n        os._exit(0)\n    os.setsid()\n\n"
          "def start_daemon():\n    create_daemon()\n\ndef server_pid():\n    return None\n")


@pytest.mark.parametrize("server, expected", [
    ("from app.utils import daemonize\n\ndef main():\n    daemonize.server_pid()\n", []),  # dead code
    ("from app.utils import daemonize\n\ndef main():\n    daemonize.start_daemon()\n", ["error"]),
    ("from app.utils.daemonize import server_pid, start_daemon\n", ["error"]),  # imported by name
    ("import threading\nfrom app.utils import daemonize\nthreading.Thread(target=daemonize.start_daemon)\n",
     ["error"]),  # a callback
    ("from app.utils.daemonize import *\n\ndef main():\n    server_pid()\n", ["error"]),  # a star import may use it
    ("import os\n", ["error"]),  # nothing imports the module: it may be run by a name not seen here
])
def test_a_daemonizer_reached_only_from_functions_nothing_calls_is_dead_code(lint, server, expected):
    found = _tf801(lint({"app/__init__.py": "", "app/utils/__init__.py": "", "app/utils/daemonize.py": _UTILS,
                         "app/server.py": server}))
    assert [(p, s) for p, s, _ in found] == [("app/utils/daemonize.py", s) for s in expected]


@pytest.mark.parametrize("utils", [
    _UTILS + "\nif __name__ == '__main__':\n    start_daemon()\n",  # the module's own body runs it
    _UTILS.replace("def start_daemon", "@click.command()\ndef start_daemon"),  # a decorator may register it
    "import os\nfrom django.core.management.base import BaseCommand\n\nclass Command(BaseCommand):\n"
    "    def handle(self):\n        if os.fork() != 0:\n            os._exit(0)\n        os.setsid()\n"
    "\ndef server_pid():\n    return None\n",  # its framework calls a subclass's method
])
def test_what_the_module_itself_or_a_framework_reaches_is_not_dead_code(lint, utils):
    server = "from app.utils import daemonize\n\ndef main():\n    daemonize.server_pid()\n"
    found = _tf801(lint({"app/__init__.py": "", "app/utils/__init__.py": "", "app/utils/daemonize.py": utils,
                         "app/server.py": server}))
    assert [s for _, s, _ in found] == ["error"]


def test_a_start_command_naming_the_function_reaches_it(lint):
    found = _tf801(lint({
        "app/__init__.py": "", "app/utils/__init__.py": "", "app/utils/daemonize.py": _UTILS,
        "app/server.py": "from app.utils import daemonize\n\ndef main():\n    daemonize.server_pid()\n",
        "Procfile": "worker: python -c 'from app.utils.daemonize import start_daemon; start_daemon()'\n"}))
    assert [s for _, s, _ in found] == ["error"]


def test_a_method_its_own_class_calls_only_in_daemon_mode_is_opt_in(lint):
    # `--daemon` sets an attribute; the method that forks is called by its own name under `if self.run_as_daemon:`
    main = ("import argparse\nimport os\nimport sys\n\n\nclass App:\n    def __init__(self):\n"
            "        self.run_as_daemon = False\n\n    def start(self):\n        parser = argparse.ArgumentParser()\n"
            "        parser.add_argument('--daemon', action='store_true')\n        args = parser.parse_args()\n"
            "        if args.daemon:\n            self.run_as_daemon = True\n        if self.run_as_daemon:\n"
            "            self.daemonize()\n\n    def daemonize(self):\n        if os.fork() != 0:\n"
            "            os._exit(0)\n        os.setsid()\n\n\nif __name__ == '__main__':\n    App().start()\n")
    [(path, severity, message)] = _tf801(lint({"app.py": main}))
    assert (path, severity) == ("app.py", "warning")
    assert "when run with `--daemon`" in message
