"""Fuzzing the Python analyzer: arbitrary bytes, and modules built from the fragments it looks for
(routes, tasks, module state and its mutation, log handlers, suppression comments), nested,
then damaged and re-encoded."""

from __future__ import annotations

from fuzzing import analyzer_tests, check_analysis, fill
from hypothesis import given
from hypothesis import strategies as st

from twelvefactor_lint.analyze.python import analyze

NAME = st.sampled_from(["app", "CARTS", "cache", "session", "request", "logger", "handler", "self", "cls", "x",
                        "celery", "router", "bp", "STATE", "items", "_seen", "settings", "LOGGING", "lh"])
FUNCTION = st.sampled_from(["index", "add", "view", "task", "get", "post", "__init__", "run", "main"])
STRING = st.sampled_from(['"/"', '"/cart/<user>"', '"app.log"', "'/var/log/x.log'", 'f"/{x}"', '""', "b'x'",
                          '"""doc"""', "r'\\d+'", 'os.environ["LOG"]', "sys.stdout", "None"])
KEY = st.sampled_from(["user", "session['id']", "request.cookies['k']", "0", "f'{x}'", "request.args.get('k')",
                       "current_user.id", "...", "slice(1)", "x, y"])
VALUE = st.sampled_from(["{}", "[]", "set()", "dict()", "defaultdict(list)", "deque()", "1", "x", "None", "request.json",
                         "lambda: {}", "[i for i in x]", "{k: v for k, v in x}", "(yield)", "await x", "CARTS",
                         "Flask(__name__)", "FastAPI()", "APIRouter()", "Celery()", "Blueprint('b', __name__)",
                         "logging.getLogger(__name__)", "OrderedDict()", "Counter()"])

SIMPLE = [
    "import logging", "import logging.handlers as lh", "import logging.config", "from flask import Flask, request, session",
    "from fastapi import APIRouter, FastAPI", "from celery import shared_task, Celery", "from django.http import HttpResponse",
    "from . import models", "from .data import CARTS", "from x import *", "import os, sys", "from loguru import logger",
    "$N = $V", "$N: dict = $V", "$N[$K] = $V", "$N.append($V)", "$N.setdefault($K, []).append($V)", "$N.update($V)",
    "del $N[$K]", "$N += 1", "global $N", "nonlocal $N", "$N.$N = $V", "$N, $N = $V, $V", "($N := $V)",
    "logging.basicConfig(filename=$S)", "logging.basicConfig(stream=$S)", "$N.addHandler(logging.FileHandler($S))",
    "$N = lh.RotatingFileHandler($S)", "logger.add($S)", "logging.config.dictConfig($N)",
    "LOGGING = {'handlers': {'f': {'class': 'logging.FileHandler', 'filename': $S}}}",
    "app.get($S)($F)", "app.add_url_rule($S, view_func=$F)", "app.register_blueprint($N)", "return $V", "pass",
    "yield $V", "raise", "assert $V, $S", "print(sys.argv)", "$N = $N.get($K)", "setattr($N, $S, $V)",
    "$N[$K] = $N[$K] = $V", "x = 1  # 12f: ignore[TF601] -- why", "# 12f: ignore-file[TF1101]",
    "# 12f: ignore", "y = 2  # noqa: TF601, E501", "# -*- coding: latin-1 -*-", "...",
]
COMPOUND = [
    "def $F($N, *args, **kwargs):", "async def $F($N=None):", "class $F($N):", "class $F:", "if __name__ == '__main__':",
    "if $V:", "for $N in $V:", "while $V:", "with $V as $N:", "try:", "match $N:", "lambda_holder = [",
]
DECORATORS = ["@app.route($S)", "@app.get($S)", "@app.post($S, methods=['POST'])", "@router.post($S)", "@bp.route($S)",
              "@shared_task", "@celery.task", "@app.task(bind=True)", "@api_view(['GET'])", "@login_required",
              "@staticmethod", "@classmethod", "@property", "@functools.lru_cache"]


@st.composite
def _block(draw, depth: int, indent: str) -> list[str]:
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        fill_in = dict(draw=draw, N=NAME, F=FUNCTION, S=STRING, K=KEY, V=VALUE)
        if depth < 4 and draw(st.integers(0, 2)) == 0:
            header = draw(st.sampled_from(COMPOUND))
            if header.startswith(("def", "async", "class")):
                lines += [indent + fill(d, **fill_in) for d in draw(st.lists(st.sampled_from(DECORATORS), max_size=2))]
            lines.append(indent + fill(header, **fill_in))
            if header.startswith("lambda_holder"):
                lines += [indent + "    lambda: 1,", indent + "]"]
                continue
            if header == "match $N:":
                lines.append(indent + "    case {'a': 1} | [1, *_]:")
                lines += draw(_block(depth + 2, indent + "        "))
                continue
            lines += draw(_block(depth + 1, indent + "    "))
            if header == "try:":
                lines.append(indent + draw(st.sampled_from(["except Exception as e:", "except* ValueError:", "finally:"])))
                lines += draw(_block(depth + 1, indent + "    "))
        else:
            lines.append(indent + fill(draw(st.sampled_from(SIMPLE)), **fill_in))
    return lines


python_modules = _block(0, "").map(lambda lines: "\n".join(lines) + "\n")
PATHS = st.sampled_from(["app.py", "pkg/__init__.py", "views.py", "settings/prod.py", "tasks.py", "manage.py"])


test_arbitrary_bytes, test_generated_modules = analyzer_tests(analyze, PATHS, python_modules)


@given(python_modules)
def test_valid_generated_modules_are_analyzed_not_rejected_for_our_own_reasons(source):
    """A module the running Python compiles must not come back as a parse error."""
    try:
        compile(source, "app.py", "exec", dont_inherit=True, flags=0x400)  # ast.PyCF_ONLY_AST
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return
    analysis = analyze("app.py", source.encode("utf-8"))
    check_analysis(analysis, "app.py", source.encode("utf-8"))
    assert not [f for f in analysis.facts if f.kind == "parse_error"]
