"""Small projects the report tests share: one with findings of each kind of outcome, one hostile."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from twelvefactor_lint.cli import main

MIXED = {
    # TF601 (error) on line 8, and another one suppressed inline on line 13.
    "shop/app.py": """\
from flask import Flask
app = Flask(__name__)
CARTS = {}
HITS = []

@app.post("/cart/<user>")
def add(user):
    CARTS[user] = []
    return str(len(CARTS))

@app.get("/hits")
def hits():
    HITS.append(1)  # 12f: ignore[TF601] -- demo counter, loss is harmless
    return str(len(HITS))
""",
    # TF1101 (warning) on line 2.
    "shop/logs.py": 'import logging\nlogging.basicConfig(filename="shop.log")\n',
    "shop/clean.py": "VALUE = 1\n",
    # gunicorn runs four workers: each keeps its own CARTS, so TF601 is an error
    "Procfile": "web: gunicorn --bind 0.0.0.0:$PORT -w 4 shop.app:app\n",
    "data.bin.py": b"\x00\x01 not text",
}
"""Active: TF601 error at shop/app.py:8 (the Procfile runs four gunicorn workers), TF1101 warning at shop/logs.py:2.
Suppressed: TF601 at shop/app.py:13. Analyzed: 4 files; skipped: data.bin.py (binary)."""

HOSTILE_PATH = "<script>alert(1)</script>.py"
HOSTILE = {
    HOSTILE_PATH: 'import logging\n'
                  'logging.basicConfig(filename="<script>alert(2)</script>.log")  # <img src=x onerror=alert(3)>\n',
    "a&b/views.py": """\
from flask import Flask
app = Flask(__name__)
STATE = {}

@app.post("/x")
def x():
    STATE["</pre><b onmouseover=alert(4)>"] = 1
    return "ok"
""",
}
"""Markup in a file name, a directory name, a message (the log target) and a snippet (comments, keys)."""


def cli(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(main, list(args), catch_exceptions=False, env=env)


def json_report(root: Path, *args: str) -> dict:
    result = cli("check", "--format", "json", *args, str(root))
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)
