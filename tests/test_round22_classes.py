"""Facts behind three round-22 false-positive classes of TF606: scratch files a helper of the project's own names as
temporary (`get_temp_file()`) that the function reads back at once, routes of in-house dispatchers of URLs or package
identifiers (not request handlers), and code only a flag the module sets to `False` lets run."""

from __future__ import annotations

from conftest import python_facts

STATE = "python.state_mutation"
WRITE = "python.file_write"


def test_a_path_a_temporary_named_call_made_and_read_back_at_once_is_consumed_unless_handed_off():
    source = """
        import json
        from flask import Flask, request
        from web.utils import extract_file, get_temp_file, make_tmp_path
        from web.index import build_packages

        app = Flask(__name__)

        @app.post("/a")
        def parsed():
            location = get_temp_file("index")
            with open(location, "wb") as out:
                out.write(request.get_data())
            packages = build_packages(extract_file(location))
            return {"count": len(packages)}

        @app.post("/b")
        def handed_off(record):
            location = make_tmp_path()
            with open(location, "w") as out:
                json.dump(request.json, out)
            record.process_scan_results(location=location)
            return {}

        @app.post("/c")
        def read_then_queued(record):
            location = get_temp_file("index")
            with open(location, "w") as out:
                json.dump(request.json, out)
            count = len(build_packages(location))
            record.queue(location)
            return {"count": count}

        @app.post("/d")
        def named_place():
            location = "data/index.json"
            with open(location, "w") as out:
                json.dump(request.json, out)
            return {"count": len(build_packages(location))}
    """
    facts = python_facts(source, WRITE, "web/views.py")
    assert [(f.function, f.consumed) for f in facts] == [
        ("parsed", "`extract_file()`"), ("handed_off", ""), ("read_then_queued", ""), ("named_place", "")]


def test_a_route_of_an_imported_router_matching_urls_or_package_ids_serves_no_request():
    """An in-house dispatcher (`visit_router.route("https://...")`, `priority_router.route("pkg:npm/.*")`) routes URLs
    to fetch or package identifiers to process, not request paths; an imported app's `route("/x")` still serves."""
    source = """
        from miners import priority_router, visit_router
        from web import bp
        SEEN = []

        @priority_router.route("pkg:npm/.*")
        def process_request(purl):
            SEEN.append(purl)

        @visit_router.route(r".+/repomd.xml")
        def collect(uri):
            SEEN.append(uri)

        @visit_router.route("https://pypi.org/pypi/[^/]+/json")
        def visit(uri):
            SEEN.append(uri)

        @bp.route("/items/<name>")
        def item(name):
            SEEN.append(name)
        """
    assert [(f.function, f.context) for f in python_facts(source, STATE, "app.py")] == [("item", "request_handler")]


def test_a_helper_called_only_under_a_flag_the_module_sets_false_is_no_handler_helper():
    """`FEATURE = False`, never rebound in the module: what runs only under `if FEATURE:` never runs as written."""
    source = """
        from flask import Flask
        app = Flask(__name__)
        FEATURE = False
        SWITCHED = False
        LOG = []

        def remember(x):
            LOG.append(x)

        def note(x):
            LOG.insert(0, x)

        @app.post("/r")
        def handler():
            if FEATURE:
                remember(1)
                open("feature.txt", "w").write("1")
            if SWITCHED:
                note(2)
            return ""

        @app.post("/on")
        def switch_on():
            global SWITCHED
            SWITCHED = True
            return ""
        """
    assert sorted(f.function for f in python_facts(source, STATE, "app.py")) == ["note", "switch_on"]
    assert python_facts(source, WRITE, "app.py") == []
