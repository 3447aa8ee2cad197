"""One serving process (link.one_process): request handlers of a project that runs its server inside its own process,
with no deploy file running a web server or a second copy, write state that one process holds (TF601 warning)."""

from __future__ import annotations

import textwrap

import pytest
from conftest import write_tree

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.python import Call, StateMutation
from twelvefactor_lint.runner import gather

API = """
import threading
import uvicorn
from fastapi import FastAPI

app = FastAPI()
JOBS = {}

@app.post("/jobs/{job_id}")
def start_job(job_id: str):
    JOBS[job_id] = "running"
    return {"running": len(JOBS)}

def start_api():
    server = uvicorn.Server(uvicorn.Config(app, port=8080))
    threading.Thread(target=server.run, daemon=True).start()
"""


def _calls(source: str) -> list[Call]:
    facts = analyze("app.py", textwrap.dedent(source).encode("utf-8")).facts
    return [f for f in facts if isinstance(f, Call) and f.api in ("serve", "embedded_server")]


@pytest.mark.parametrize("call, served", [
    ("uvicorn.run(app)", "uvicorn.run"),
    ("uvicorn.run(app, workers=1)", "uvicorn.run"),
    ("uvicorn.run('app:app', workers=4)", ""),
    ("uvicorn.run('app:app', workers=int(os.environ['WORKERS']))", ""),
    ("uvicorn.run(app, **options)", ""),
    ("uvicorn.Server(uvicorn.Config(app))", "uvicorn.Server"),
    ("hypercorn.run.run(config)", ""),
])
def test_a_server_call_says_whether_it_serves_from_the_calling_process(call, served):
    calls = _calls(f"import os\nimport uvicorn\nimport hypercorn.run\napp = object()\noptions = {{}}\n{call}\n")
    assert (calls[0].one_process if calls else "") == served


def _writes(tmp_path, files: dict[str, str]) -> list[StateMutation]:
    write_tree(tmp_path, files)
    _, linked = gather([tmp_path], Settings(root=tmp_path, cache=False, jobs=1))
    return [f for f in linked.facts if isinstance(f, StateMutation)]


def test_handlers_of_an_in_process_server_are_one_process(tmp_path):
    [write] = _writes(tmp_path, {"bot/api.py": API, "Dockerfile": 'FROM python:3.12\nCMD ["python", "-m", "bot"]\n'})
    assert "(`uvicorn.Server` at bot/api.py:15) and no deploy file" in write.one_process


@pytest.mark.parametrize("deploy", [
    {"Procfile": "web: gunicorn -k uvicorn.workers.UvicornWorker -w 4 bot.api:app\n"},
    {"Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "bot.api:app", "--host", "0.0.0.0"]\n'},
    {"docker-compose.yml": "services:\n  bot:\n    build: .\n    command: python -m bot\n    scale: 2\n"},
    {"gunicorn.conf.py": "workers = 4\n"},
])
def test_a_deploy_server_or_a_second_copy_keeps_the_state_shared(tmp_path, deploy):
    [write] = _writes(tmp_path, {"bot/api.py": API, **deploy})
    assert write.one_process == ""
