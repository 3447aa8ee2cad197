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


K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: {replicas}
  template:
    spec:
      containers:
        - name: web
          image: acme/app:1
"""

HPA = """---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 5
"""

IMAGE = {"Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "app:app"]\n'}


@pytest.mark.parametrize("deploy, words", [
    ({"Procfile": "web: gunicorn -w 4 app:app\n"}, "`gunicorn -w 4 app:app` runs 4 worker processes"),
    ({"Dockerfile": 'FROM python:3.12\nCMD ["uvicorn", "app:app", "--workers", "3"]\n'}, "runs 3 worker processes"),
    ({"Procfile": "web: gunicorn app:app\n", "gunicorn.conf.py": "workers = 4\n"}, "`workers = 4` (gunicorn.conf.py:1)"),
    ({"Procfile": "web: gunicorn app:app\n",
      "gunicorn.conf.py": "import multiprocessing\nworkers = multiprocessing.cpu_count() * 2 + 1\n"}, "at least 3"),
    ({"Dockerfile": 'FROM python:3.12\nCMD ["gunicorn", "app:app"]\n',
      "gunicorn.conf.py": "import os\nworkers = int(os.environ.get('GUNICORN_WORKERS', 4))\n"},
     "falling back to 4 when `$GUNICORN_WORKERS` is unset, which no deploy file sets"),
    ({"Procfile": "web: uwsgi --ini uwsgi.ini\n", "uwsgi.ini": "[uwsgi]\nmodule = app:app\nprocesses = 4\n"},
     "uWSGI `processes = 4`"),
    ({"Dockerfile": 'FROM python:3.12\nENV WEB_CONCURRENCY=3\nCMD ["gunicorn", "app:app"]\n'}, "`WEB_CONCURRENCY=3`"),
    ({"docker-compose.yml": "services:\n  web:\n    build: .\n    command: gunicorn app:app\n    scale: 3\n"},
     "runs as 3 copies"),
    ({**IMAGE, "docker-compose.yml": "services:\n  web:\n    build: .\n    deploy:\n      replicas: 2\n"},
     "compose service `web` runs 2 copies"),
    ({**IMAGE, "k8s/web.yaml": K8S.format(replicas=3)}, "runs 3 replicas of the image's server"),
    ({**IMAGE, "k8s/web.yaml": K8S.format(replicas=1) + HPA}, "a HorizontalPodAutoscaler scales `Deployment/web`"),
    ({"Procfile": "web: gunicorn app:app\n", "app.json": '{"formation": {"web": {"quantity": 2}}}\n'},
     "runs as 2 copies (Procfile `web`"),
])
def test_a_deploy_running_several_processes_proves_the_state_splits(tmp_path, deploy, words):
    [write] = _writes(tmp_path, {"app.py": VIEWS, **deploy})
    assert words in write.several_processes
    assert write.served_by == "" and write.one_process == ""


@pytest.mark.parametrize("deploy, served", [
    ({}, ""),
    (IMAGE, "`gunicorn app:app` in Dockerfile CMD at Dockerfile:2 leaves its worker count to the server's default"),
    ({"Procfile": "web: gunicorn -w $WORKERS app:app\n"}, "leaves its worker count to the server's default"),
    ({"Procfile": "web: gunicorn app:app\n",
      "gunicorn.conf.py": "import multiprocessing\nworkers = multiprocessing.cpu_count()\n"},
     "runs the worker count of its config, `workers = multiprocessing.cpu_count()`, at least 1"),
    ({"Procfile": "web: gunicorn app:app\n",  # a Procfile's config vars live outside the repository
      "gunicorn.conf.py": "import os\nworkers = int(os.environ.get('GUNICORN_WORKERS', 4))\n"},
     "which the deploy's environment may set"),
    ({"Procfile": "web: gunicorn -w 1 app:app\n"}, ""),  # one worker: `one_process` says so instead
])
def test_an_unknown_or_default_count_proves_nothing(tmp_path, deploy, served):
    [write] = _writes(tmp_path, {"app.py": VIEWS, **deploy})
    assert write.several_processes == ""
    assert served in write.served_by and bool(served) == bool(write.served_by)


TASKS = """
from celery import shared_task

processed = set()

@shared_task
def import_row(row_id):
    if row_id in processed:
        return
    processed.add(row_id)
"""


@pytest.mark.parametrize("procfile, several", [
    ("worker: celery -A jobs worker -c 4\n", "runs 4 worker processes"),
    ("worker: celery -A jobs worker --concurrency=2\n", "runs 2 worker processes"),
    ("worker: celery -A jobs worker\n", ""),
    ("worker: celery -A jobs worker -c 4 --pool=solo\n", ""),
    ("web: gunicorn -w 4 app:app\nworker: celery -A jobs worker -c 1\n", ""),
])
def test_a_job_handler_needs_several_worker_processes(tmp_path, procfile, several):
    [write] = _writes(tmp_path, {"jobs/tasks.py": TASKS, "Procfile": procfile})
    assert (several in write.several_processes) and bool(several) == bool(write.several_processes)


@pytest.mark.parametrize("expression, least", [
    ("multiprocessing.cpu_count() * 2 + 1", 3), ("cpu_count()", 1), ("max(2, os.cpu_count())", 2),
    ("int(os.environ['WORKERS'])", 0), ("4", 4), ("(2 * multiprocessing.cpu_count()) + 1", 3),
])
def test_a_worker_count_expression_is_read_at_its_least(expression, least):
    from twelvefactor_lint.link.one_process import _at_least
    assert _at_least(expression) == least


def test_a_supervisor_lists_only_the_programs_of_the_config_its_command_names(lint):
    # the image copies both configs; the CMD runs supervisord.conf, so the dev config's programs are not evidence
    prod = ("[supervisord]\nnodaemon=true\n\n[program:web]\ncommand=gunicorn app:app\n\n"
            "[program:worker]\ncommand=celery -A app worker\n")
    dev = ("[supervisord]\nnodaemon=true\n\n[program:init_db]\ncommand=python -m app.init_db\n\n"
           "[program:web]\ncommand=gunicorn --reload app:app\n")
    result = lint({"Dockerfile": "FROM python:3.12-slim\nWORKDIR /srv\nCOPY . .\n"
                                 "CMD /usr/bin/supervisord -c /srv/conf/supervisord.conf\n",
                   "conf/supervisord.conf": prod, "conf/supervisord-dev.conf": dev})
    [finding] = [f for f in result.findings if f.rule == "TF609"]
    assert "conf/supervisord.conf:" in finding.message and "supervisord-dev.conf" not in finding.message
    assert "init_db" not in finding.message


HOOKS = """
from fastapi import FastAPI, Request
from app.store import remember

app = FastAPI()
_seen = {}

@app.post("/webhook")
async def webhook(request: Request):
    body = await request.json()
    _seen[body["id"]] = body
    return {"seen": len(_seen)}
"""
LEDGER = """
from flask import Flask, request
from shared.audit import record

app = Flask(__name__)
PENDING = {}

@app.post("/jobs")
def submit():
    PENDING[request.form["id"]] = request.form["payload"]
    record(request.form["id"])
    return {"queued": len(PENDING)}
"""
AUDIT = """
from flask import Blueprint

audit = Blueprint("audit", __name__)
LOG = []

def record(entry):
    return entry

@audit.post("/audit")
def add_entry():
    LOG.append("entry")
    return {"entries": len(LOG)}
"""


@pytest.mark.parametrize("start, several", [
    ('CMD ["gunicorn", "-w", "3", "ledger_http.app:app"]', {"http_service/ledger_http/app.py", "shared/audit.py"}),
    ('CMD ["gunicorn", "-w", "3", "-c", "gunicorn.conf.py"]',  # its application not resolved: any module
     {"http_service/ledger_http/app.py", "shared/audit.py", "services/hooks-api/app/main.py"}),
])
def test_several_processes_are_proven_only_for_the_modules_their_start_runs(tmp_path, start, several):
    """The gunicorn workers of one service prove several processes for its own modules (under its import root, or
    imported from it: `shared/audit.py`), not for a sibling service that one uvicorn process serves, whose write names
    its own start instead."""
    writes = _writes(tmp_path, {
        "http_service/Dockerfile": f"FROM python:3.12-slim\nCOPY . /app\n{start}\n",
        "http_service/ledger_http/__init__.py": "",
        "http_service/ledger_http/app.py": LEDGER,
        "shared/__init__.py": "",
        "shared/audit.py": AUDIT,
        "services/hooks-api/Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["uvicorn", "app.main:app"]\n',
        "services/hooks-api/app/__init__.py": "",
        "services/hooks-api/app/main.py": HOOKS,
        "services/hooks-api/app/store.py": "def remember(x):\n    return x\n",
    })
    proven = {w.path for w in writes if w.several_processes}
    assert proven == several
    hooks = next(w for w in writes if w.path == "services/hooks-api/app/main.py")
    if hooks.path not in several:
        assert "services/hooks-api/Dockerfile" in hooks.served_by and "gunicorn" not in hooks.served_by


def test_a_job_handlers_several_processes_come_from_a_worker_that_runs_its_module(tmp_path):
    """Celery's `-c 4` in one service proves several processes for that service's tasks, not for another's."""
    task = "from celery import shared_task\n\nDONE = set()\n\n@shared_task\ndef import_row(row):\n" \
           "    DONE.add(row)\n    return len(DONE)\n"
    writes = _writes(tmp_path, {
        "ingest/Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["celery", "-A", "ingest_app", "worker", "-c", "4"]\n',
        "ingest/ingest_app/__init__.py": "from celery import Celery\n\napp = Celery('ingest')\n",
        "ingest/ingest_app/tasks.py": task,
        "mailer/Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["celery", "-A", "mail_app", "worker"]\n',
        "mailer/mail_app/__init__.py": "from celery import Celery\n\napp = Celery('mail')\n",
        "mailer/mail_app/tasks.py": task,
    })
    assert {w.path: bool(w.several_processes) for w in writes} == {"ingest/ingest_app/tasks.py": True,
                                                                   "mailer/mail_app/tasks.py": False}
