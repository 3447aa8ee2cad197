"""A logging config's handler list read from the environment: the handlers its fallback does not name are opt-in."""

import ast

from twelvefactor_lint.analyze.python.log_sinks import _env_listed
from twelvefactor_lint.analyze.python.names import Names


def _names(source: str) -> Names:
    tree = ast.parse(source)
    return Names(tree, [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))])


def test_every_binding_of_the_list_counts() -> None:
    names = _names(
        "import os\n"
        "HANDLERS = os.getenv('DJANGO_LOG_HANDLERS', 'console').split(',')\n"
        "if os.getenv('CW'):\n"
        "    HANDLERS += ['watchtower']\n"
        "if os.getenv('DEBUG'):\n"
        "    DEBUG_HANDLERS = [h for h in HANDLERS if h != 'ecs']\n"
        "else:\n"
        "    DEBUG_HANDLERS = HANDLERS\n"
    )
    assert _env_listed(ast.Name("DEBUG_HANDLERS"), names) == ({"DJANGO_LOG_HANDLERS"}, {"console", "watchtower"})


def test_a_list_built_from_anything_else_is_unknown() -> None:
    names = _names("import os\nHANDLERS = os.getenv('LOG_HANDLERS', 'console').split(',')\nHANDLERS += load()\n")
    assert _env_listed(ast.Name("HANDLERS"), names) is None
    assert _env_listed(ast.Name("MISSING"), names) is None
