"""gunicorn's Python config file, as a start command loads it (`gunicorn -c config/server.py app:app`).

gunicorn reads its settings from the module's lower-case names (`daemon`, `pidfile`, `accesslog`, `bind`),
which the Python analyzer records only for a module it knows is a server config. A file named
`gunicorn*.py` says so by its name; any other file (`config/server.py`, `python:pkg.conf`, a
`gunicorn.conf` without `.py`) says so only through the command that loads it, so link asks for it by
this kind and the Python analysis runs with that knowledge.
"""

from __future__ import annotations

from twelvefactor_lint.analyze import python
from twelvefactor_lint.facts import FileAnalysis

SERVER_CONFIG = "server_config"


def analyze(path: str, data: bytes) -> FileAnalysis:
    return python.analyze(path, data, module_kind=SERVER_CONFIG)
