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


VIEWS = """
from flask import Flask

app = Flask(__name__)
SEEN = set()

@app.post("/acs")
def acs():
    SEEN.add(1)
    return str(len(SEEN))
"""


@pytest.mark.parametrize("argv, workers", [
    ("gunicorn -w 1 app:app", 1),
    ("gunicorn app:app --workers=1 --threads=10", 1),
    ("gunicorn -w1 app:app", 1),
    ("python -m gunicorn --workers 4 app:app", 4),
    ("gunicorn -w 1 -w 3 app:app", 3),
    ("gunicorn -w $WORKERS app:app", 0),
    ("gunicorn --worker-tmp-dir=/dev/shm app:app", 0),
    ("uwsgi --http :8000 --processes 1 --module app:app", 1),
    ("uvicorn app:app --workers 2", 2),
])
def test_a_server_start_says_how_many_workers_its_command_line_asks_for(argv, workers):
    from twelvefactor_lint.analyze.process_facts import server_workers
    assert server_workers(tuple(argv.split())) == workers


@pytest.mark.parametrize("deploy, how", [
    ({"Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "-b", "0.0.0.0:8000", "--workers=1", "--threads=10", "app:app"]\n'},
     "as its command line says (Dockerfile)"),
    ({"Procfile": "web: gunicorn -w 1 app:app\n", "docker-compose.yml": "services:\n  web:\n    build: .\n"
      "    command: gunicorn -w 1 app:app\n"}, "as its command line says (Procfile and 1 more)"),
    ({"Procfile": "web: gunicorn -c gunicorn.conf.py app:app\n", "gunicorn.conf.py": "workers = 1\nthreads = 8\n"},
     "as its config says (Procfile)"),
    ({"Procfile": "web: uwsgi --ini uwsgi.ini\n", "uwsgi.ini": "[uwsgi]\nmodule = app:app\nprocesses = 1\n"},
     "as its config says (Procfile)"),
    ({"Procfile": "web: gunicorn -w 1 app:app\n", "gunicorn.conf.py": "workers = 4\n"}, "as its command line says"),
])
def test_a_deploy_whose_only_server_runs_one_worker_is_one_process(tmp_path, deploy, how):
    [write] = _writes(tmp_path, {"app.py": VIEWS, **deploy})
    assert write.one_process.startswith("every production start runs its web server with one worker process")
    assert how in write.one_process


@pytest.mark.parametrize("deploy", [
    {"Procfile": "web: gunicorn -w 2 app:app\n"},
    {"Procfile": "web: gunicorn app:app\n"},  # the default is `$WEB_CONCURRENCY` or 1: not known
    {"Procfile": "web: gunicorn -w $WORKERS app:app\n"},
    {"Procfile": "web: gunicorn app:app\n", "gunicorn.conf.py": "import os\nworkers = int(os.environ['WORKERS'])\n"},
    {"Procfile": "web: uwsgi --ini uwsgi.ini\n", "uwsgi.ini": "[uwsgi]\nmodule = app:app\nprocesses = 4\n"},
    {"Procfile": "web: gunicorn -w 1 app:app\nadmin: gunicorn -w 4 app:app\n"},
    {"docker-compose.yml": "services:\n  web:\n    build: .\n    command: gunicorn -w 1 app:app\n    scale: 3\n"},
    {"Procfile": "web: uvicorn app:app --workers 1 & gunicorn -w 1 app:app\nother: flask run\n"},
])
def test_several_workers_copies_or_an_unknown_count_keep_the_state_shared(tmp_path, deploy):
    [write] = _writes(tmp_path, {"app.py": VIEWS, **deploy})
    assert write.one_process == ""
