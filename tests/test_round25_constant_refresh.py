"""Round 25 classes.

TF601: a handler that only puts constants into a module container in a way repeating it changes nothing
(lite-frontend's `LU_COUNTERSIGN_FLAGS.update({MANPADS_ID, AP_LANDMINE_ID})`) leaves every process with the same value:
info when every read of it follows the write in the same call, unless another write makes the copies differ (a
toggle) or the write grows the container; a read elsewhere (cve-search's default filters, added at login and read by
other views) may run where no handler put the constants in yet.

TF611: a scheduler whose every job only refreshes this process's own module state (TaskingAI's `sync_data`, re-reading
other services' data into module globals) must run in every process: info. Jobs that write, send, count or draw
random values stay warnings.
"""

from __future__ import annotations

import pytest

_VIEWS = """\
from flask import Flask, request

app = Flask(__name__)
FLAGS = {{"a", "b"}}
MANPADS_ID = "m"
LANDMINE_ID = "l"
STATUS = {{}}
SEEN = []

@app.get("/advice")
def advice():
    {write}
    return {{"n": len(FLAGS) + len(STATUS) + len(SEEN)}}
{other}
"""


@pytest.mark.parametrize("write, other, info", [
    ("FLAGS.update({MANPADS_ID, LANDMINE_ID})", "", True),
    ("FLAGS.add(MANPADS_ID)", "", True),
    ("STATUS['mode'] = 'strict'", "", True),
    ("STATUS.setdefault(MANPADS_ID, -1)", "", True),
    ("flags = FLAGS\n    flags.update({MANPADS_ID})", "", True),  # through a local alias
    ("FLAGS.add(request.args['flag'])", "", False),  # request data
    ("SEEN.append(MANPADS_ID)", "", False),  # grows on every call
    ("STATUS['busy'] = True", "\n@app.post('/stop')\ndef stop():\n    STATUS['busy'] = False\n    return ''\n", False),
    ("FLAGS.add(MANPADS_ID)", "\n@app.post('/x')\ndef x():\n    FLAGS.add(LANDMINE_ID)\n    return ''\n", False),
    # another handler reads it: a process where `advice()` never ran serves it without the constants (cve-search)
    ("FLAGS.add(MANPADS_ID)", "\n@app.get('/flags')\ndef flags():\n    return sorted(FLAGS)\n", False),
])
def test_constant_idempotent_writes_are_info(lint, write, other, info):
    result = lint({"app/views.py": _VIEWS.format(write=write, other=other)}, select=("TF601",))
    found = [f for f in result.findings if f.rule == "TF601" and f.line in (12, 13)]
    assert found
    assert (found[0].severity == "info") is info
    assert ("only puts constants" in found[0].message) is info


_SCHEDULER = """\
import random
import httpx
from apscheduler.schedulers.background import BackgroundScheduler
from flask import Flask

scheduler = BackgroundScheduler()
_rates = {{}}
_version = ""
_count = 0

def refresh():
    global _rates, _version, _count
    {body}

def create_app():
    app = Flask(__name__)
    {add}
    scheduler.start()
    return app
"""


@pytest.mark.parametrize("body, add, info", [
    ("data = httpx.get('http://rates/v1').json()\n    _rates = data['rates']\n    _version = data['v']",
     "scheduler.add_job(refresh, 'interval', minutes=1)", True),
    ("_rates.clear()\n    _rates.update(httpx.get('http://rates/v1').json())",
     "scheduler.add_job(func=refresh, trigger='interval', minutes=1)", True),
    ("_rates = httpx.get('http://rates/v1').json()\n    httpx.post('http://audit/v1', json=_rates)",
     "scheduler.add_job(refresh, 'interval', minutes=1)", False),  # a send: once per process
    ("_count += 1", "scheduler.add_job(refresh, 'interval', minutes=1)", False),  # a counter
    ("_version = str(random.random())", "scheduler.add_job(refresh, 'interval', minutes=1)", False),
    ("_version = 'x'", "pass", False),  # no job the module adds
    ("_version = 'x'", "scheduler.add_job(lambda: None, 'interval', minutes=1)", False),
])
def test_a_scheduler_refreshing_process_state_is_info(lint, body, add, info):
    result = lint({"app/__init__.py": _SCHEDULER.format(body=body, add=add)}, select=("TF611",))
    found = [f for f in result.findings if f.rule == "TF611"]
    assert len(found) == 1
    assert (found[0].severity == "info") is info
    assert ("only refreshes this process's own module state" in found[0].message) is info


def test_constants_another_module_imports_by_name_stay(lint):
    result = lint({
        "web/home/utils.py": "DEFAULT_FILTERS = {'time': 'all'}\n",
        "web/auth/views.py": "from flask import Flask\nfrom web.home.utils import DEFAULT_FILTERS\n\napp = Flask(__name__)\n\n"
                             "@app.post('/login')\ndef login():\n    DEFAULT_FILTERS.update({'blacklist': 'on'})\n"
                             "    return str(len(DEFAULT_FILTERS))\n",
        "web/home/views.py": "from flask import Flask\nfrom web.home.utils import DEFAULT_FILTERS\n\napp = Flask(__name__)\n\n"
                             "@app.get('/reset')\ndef reset():\n    return dict(DEFAULT_FILTERS)\n",
    }, select=("TF601",))
    found = [f for f in result.findings if f.rule == "TF601"]
    assert [(f.path, f.line, f.severity) for f in found] == [("web/auth/views.py", 8, "warning")]
