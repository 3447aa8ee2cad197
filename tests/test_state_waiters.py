"""TF601: a module dict or list whose entries are futures or events parked for a later request or callback is a
registry of waiters (maubot's `sso_waiters`): live objects of this process, reported at most as a warning that says
so, while plain data a handler stores stays an error."""

from __future__ import annotations

import pytest

_APP = """\
import asyncio
import threading
from aiohttp import web
from app.models import Event

routes = web.RouteTableDef()
WAITERS = {{}}

@routes.post("/start/{{id}}")
async def start(request):
    {setup}
    WAITERS[request.match_info["id"]] = {value}
    return web.Response()

@routes.get("/done/{{id}}")
async def done(request):
    return web.Response(text=str(WAITERS.pop(request.match_info["id"])))
"""


@pytest.mark.parametrize("setup, value, severity, waiter", [
    ("pass", "asyncio.get_running_loop().create_future()", "warning", True),
    ("fut = asyncio.get_running_loop().create_future()", "request, fut", "warning", True),  # maubot's (req, future)
    ("pass", "asyncio.Event()", "warning", True),
    ("pass", "threading.Event()", "warning", True),
    ("pass", "request.query['name']", "warning", False),  # plain data a handler stores (no deploy: not proven split)
    ("pass", "Event(request.query['name'])", "warning", False),  # the project's own model named Event: data
])
def test_a_registry_of_waiters_is_a_warning_that_says_so(lint, setup, value, severity, waiter):
    result = lint({"app/api.py": _APP.format(setup=setup, value=value)}, select=("TF601",))
    found = [f for f in result.findings if f.rule == "TF601" and f.severity != "info"]
    assert [f.severity for f in found] == [severity]
    assert ("registry of waiters" in found[0].message) is waiter
