"""A global a handler binds and then reads in the same call carries nothing across requests (TF601's request_scoped)."""

from __future__ import annotations

import ast
import textwrap

import pytest

from twelvefactor_lint.analyze.python.request_scoped import request_scoped

DISPATCH = """
    project = None

    def edit(request):
        global project
        if request.method == "GET":
            project = load(request.GET["id"])
        if request.method == "POST":
            save(request.POST)
            return redirect("/")
        return render(request, {"project": project})
    """


@pytest.mark.parametrize("source, scoped", [
    (DISPATCH, True),  # bound on GET, rendered on GET; POST returns; other methods are not served
    (DISPATCH.replace('            return redirect("/")\n', ""), False),  # POST renders what a GET left
    ("""
    current = None

    def view(request):
        global current
        current = request.user
        for item in items():
            check(item, current)
        return str(current)
    """, True),
    ("""
    last_query = None

    def search(request):
        global last_query
        if "q" in request.GET:
            last_query = request.GET["q"]
        return render(request, {"q": last_query})
    """, False),  # kept for the next request that gives no query
    ("""
    total = 0

    def count(request):
        global total
        total += 1
        return str(total)
    """, False),  # reads what the last request left
    ("""
    value = None

    def write(request):
        global value
        value = request.body
        return "ok"

    def read(request):
        return value
    """, False),  # another handler reads it
    ("""
    value = None

    def view(request):
        global value
        value = request.body
        return respond(lambda: value)
    """, False),  # a callback may run later
    ("""
    value = None

    def view(request):
        global value
        try:
            value = parse(request.body)
        except ValueError:
            pass
        return str(value)
    """, False),  # the except path reads the last request's value
    ("""
    value = None

    def view(request):
        global value
        if request.method in ("GET", "HEAD"):
            value = 1
        elif request.method != "POST":
            value = 2
        else:
            return "posted"
        return str(value)
    """, True),
])
def test_a_global_is_request_scoped_when_every_read_follows_its_binding(source, scoped):
    assert request_scoped(ast.parse(textwrap.dedent(source)), source.split("=")[0].split()[-1]) is scoped
