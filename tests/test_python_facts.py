"""The Python analyzer's facts behind TF601 (state mutated by handlers) and TF1101 (logs to files).

These call `twelvefactor_lint.analyze.python.analyze(path, bytes)` directly and look at the
facts it returns, so a regression in handler detection or name resolution shows up here even
when no rule example happens to cover it.
"""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze

STATE = "python.state_mutation"
SINK = "python.log_file_sink"


def _facts(source: str, path: str = "app.py", kind: str | None = None):
    facts = analyze(path, textwrap.dedent(source).encode("utf-8")).facts
    assert not [f for f in facts if f.kind == "parse_error"], "test source must parse"
    return [f for f in facts if kind is None or f.kind == kind]


def writes(source: str, path: str = "app.py") -> list[tuple[str, str, int]]:
    """(state name, function, line) of every state-mutation fact."""
    return sorted((f.name, f.function, f.line) for f in _facts(source, path, STATE))


def sinks(source: str, path: str = "app.py") -> list[tuple[int, str]]:
    """(line, target) of every log-file-sink fact."""
    return sorted((f.line, f.target) for f in _facts(source, path, SINK))


# --- handler detection -------------------------------------------------------------------------


def test_flask_app_route_is_a_request_handler():
    facts = _facts(
        """
        from flask import Flask
        app = Flask(__name__)
        CARTS = {}

        @app.route("/cart/<user>", methods=["POST"])
        def add(user):
            CARTS[user] = []
            return "ok"
        """,
        kind=STATE,
    )
    assert [(f.name, f.function, f.line) for f in facts] == [("CARTS", "add", 8)]
    assert facts[0].context == "request_handler"
    assert facts[0].framework == "flask"
    assert facts[0].container == "dict"


def test_flask_blueprint_get_is_a_request_handler():
    source = """
        from flask import Blueprint
        bp = Blueprint("shop", __name__)
        SEEN = []

        @bp.get("/x")
        def view():
            SEEN.append(1)
            return "ok"
        """
    assert writes(source) == [("SEEN", "view", 8)]
    assert _facts(source, kind=STATE)[0].context == "request_handler"


def test_get_on_an_imported_app_counts_only_with_a_url_path():
    source = """
        from myproject import app, registry
        SEEN = []

        @app.get("/items")
        def items():
            SEEN.append(1)

        @app.get("items")
        def not_a_route():
            SEEN.append(2)

        @registry.get("json")
        def lookup():
            SEEN.append(3)
        """
    assert writes(source) == [("SEEN", "items", 7)]


def test_fastapi_apirouter_endpoint_is_a_request_handler():
    source = """
        from fastapi import APIRouter
        router = APIRouter(prefix="/api")
        scores = {}

        @router.post("/score/{player}")
        async def record(player: str):
            scores[player] = 1
        """
    facts = _facts(source, kind=STATE)
    assert [(f.name, f.function) for f in facts] == [("scores", "record")]
    assert facts[0].framework == "fastapi"


def test_add_url_rule_and_add_api_route_register_handlers():
    source = """
        from flask import Flask
        from fastapi import FastAPI
        flask_app = Flask(__name__)
        api = FastAPI()
        HITS = []

        def flask_view():
            HITS.append("flask")

        def api_view():
            HITS.append("api")

        def unregistered():
            HITS.append("nobody")

        flask_app.add_url_rule("/f", view_func=flask_view)
        api.add_api_route("/a", api_view, methods=["GET"])
        """
    assert writes(source) == [("HITS", "api_view", 12), ("HITS", "flask_view", 9)]


def test_django_function_view_in_views_module():
    source = """
        RECENT = []

        def show(request, post_id):
            RECENT.append(post_id)

        def _private(request):
            RECENT.append(0)

        def not_a_view(post_id):
            RECENT.append(post_id)
        """
    assert writes(source, "blog/views.py") == [("RECENT", "show", 5)]
    assert writes(source, "blog/views/posts.py") == [("RECENT", "show", 5)]
    # The same code outside a view module is not a view: `request` alone proves nothing.
    assert writes(source, "blog/utils.py") == []


def test_django_class_based_view_and_drf_viewset():
    source = """
        from django.views import View
        from rest_framework import viewsets

        class LikeView(View):
            likes = {}

            def post(self, request, post_id):
                self.likes[post_id] = 1

        class TagViewSet(viewsets.ModelViewSet):
            seen = set()

            def create(self, request):
                self.seen.add(request.data["tag"])
        """
    assert writes(source, "blog/api_views.py") == [("LikeView.likes", "LikeView.post", 9),
                                                   ("TagViewSet.seen", "TagViewSet.create", 15)]


def test_celery_shared_task_and_app_task_are_job_handlers():
    source = """
        from celery import Celery, shared_task
        app = Celery("proj")
        processed = set()
        queue = []

        @shared_task
        def import_row(row_id):
            processed.add(row_id)

        @app.task(bind=True)
        def enqueue(self, item):
            queue.append(item)
        """
    facts = _facts(source, "proj/tasks.py", STATE)
    assert sorted((f.name, f.function) for f in facts) == [("processed", "import_row"), ("queue", "enqueue")]
    assert {f.context for f in facts} == {"job_handler"}


def test_helper_called_from_a_handler_counts_one_call_deep_only():
    source = """
        from flask import Flask
        app = Flask(__name__)
        LOG = []

        def remember(x):
            LOG.append(x)

        def deeper(x):
            LOG.insert(0, x)

        def indirect(x):
            deeper(x)

        @app.post("/r")
        def handler():
            remember(1)
            indirect(2)
            return ""
        """
    facts = _facts(source, kind=STATE)
    assert [(f.name, f.function, f.line) for f in facts] == [("LOG", "remember", 7)]
    assert facts[0].handler == "handler"


# --- name resolution ---------------------------------------------------------------------------


def test_import_alias_for_a_container_constructor():
    source = """
        import collections as c
        import flask
        app = flask.Flask(__name__)
        counts = c.defaultdict(int)
        recent = c.deque(maxlen=10)

        @app.get("/hit/<key>")
        def hit(key):
            counts[key] += 1
            recent.append(key)
        """
    facts = _facts(source, kind=STATE)
    assert sorted((f.name, f.container) for f in facts) == [("counts", "defaultdict"), ("recent", "deque")]


def test_local_alias_of_module_state_is_followed():
    source = """
        from flask import Flask, session
        app = Flask(__name__)
        CARTS = {"anon": []}

        @app.post("/cart/<item>")
        def add(item):
            cart = CARTS["anon"]
            cart.append(item)
            return "ok"
        """
    assert writes(source) == [("CARTS", "add", 9)]


def test_inline_lookup_then_mutation_is_the_same_as_through_an_alias():
    # `cart = CARTS.get(u); cart.append(x)` is followed (an alias through .get), so the
    # one-expression form of the same write must be too.
    aliased = """
        from flask import Flask
        app = Flask(__name__)
        CARTS = {"anon": []}

        @app.post("/cart/<item>")
        def add(item):
            cart = CARTS.get("anon")
            cart.append(item)
            return "ok"
        """
    inline = """
        from flask import Flask
        app = Flask(__name__)
        CARTS = {"anon": []}

        @app.post("/cart/<item>")
        def add(item):
            CARTS["anon"].append(item)
            CARTS.get("anon").append(item)
            return "ok"
        """
    assert writes(aliased) == [("CARTS", "add", 9)]
    assert writes(inline) == [("CARTS", "add", 8)]
    assert _facts(inline, kind=STATE)[0].writes == 2


def test_an_alias_rebound_to_a_copy_is_no_longer_state():
    source = """
        from flask import Flask
        app = Flask(__name__)
        CARTS = {"anon": []}

        @app.post("/cart/<item>")
        def add(item):
            cart = CARTS["anon"]
            cart = cart.copy()
            cart.append(item)
            return str(cart)
        """
    assert writes(source) == []


def test_global_rebinding_in_a_handler():
    source = """
        from flask import Flask
        app = Flask(__name__)
        visits = 0

        @app.get("/")
        def index():
            global visits
            visits += 1
            return str(visits)
        """
    facts = _facts(source, kind=STATE)
    assert [(f.name, f.line) for f in facts] == [("visits", 9)]
    assert "global" in facts[0].operation


def test_class_state_through_self_but_not_when_an_instance_attribute_shadows_it():
    shared = """
        from django.views import View

        class CartView(View):
            items = []

            def post(self, request):
                self.items.append(request.POST["sku"])
        """
    shadowed = """
        from django.views import View

        class CartView(View):
            items = []

            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.items = []

            def post(self, request):
                self.items.append(request.POST["sku"])
        """
    assert writes(shared, "shop/views.py") == [("CartView.items", "CartView.post", 8)]
    assert writes(shadowed, "shop/views.py") == []


# --- what is not state mutation ----------------------------------------------------------------


def test_no_fact_for_import_time_mutation():
    source = """
        from flask import Flask
        app = Flask(__name__)
        HANDLERS = {}
        HANDLERS["csv"] = "to_csv"
        HANDLERS.update(json="to_json")

        def register(name):
            def wrap(fn):
                HANDLERS[name] = fn
                return fn
            return wrap

        @app.get("/formats")
        def formats():
            return list(HANDLERS)
        """
    assert writes(source) == []


def test_no_fact_for_mutation_in_a_function_that_is_not_a_handler():
    source = """
        from flask import Flask
        app = Flask(__name__)
        SEEN = set()

        def warm_up():
            SEEN.add(1)

        @app.get("/")
        def index():
            return "ok"
        """
    assert writes(source) == []


def test_no_fact_for_local_variables_even_when_they_shadow_module_state():
    source = """
        from flask import Flask
        app = Flask(__name__)
        CARTS = {}

        @app.get("/a")
        def local_shadow():
            CARTS = {}
            CARTS["x"] = 1
            items = []
            items.append(1)
            return "ok"

        @app.get("/b/<CARTS>")
        def parameter_shadow(CARTS):
            CARTS.update(x=1)
            return "ok"
        """
    assert writes(source) == []


# --- log sinks ---------------------------------------------------------------------------------


def test_file_handler_through_a_module_alias():
    source = """
        import logging.handlers as lh

        def configure(logger):
            logger.addHandler(lh.RotatingFileHandler("logs/app.log", maxBytes=1000))
        """
    assert sinks(source) == [(5, "logs/app.log")]


def test_file_handler_through_a_from_import_alias():
    source = """
        import logging
        from logging.handlers import RotatingFileHandler as R

        handler = R(filename="/var/log/app.log")
        logging.getLogger().addHandler(handler)
        """
    assert sinks(source) == [(5, "/var/log/app.log")]


def test_dictconfig_file_handlers_one_logger_lists_together_are_one_sink():
    source = """
        LOGGING = {
            "version": 1,
            "handlers": {
                "file": {"class": "logging.handlers.RotatingFileHandler", "filename": "debug.log", "maxBytes": 5},
                "error_file": {"class": "logging.handlers.RotatingFileHandler", "filename": "error.log"},
            },
            "root": {"handlers": ["file", "error_file"]},
        }
        AUDIT = {
            "version": 1,
            "handlers": {
                "app": {"class": "logging.FileHandler", "filename": "app.log"},
                "audit": {"class": "logging.FileHandler", "filename": "audit.log"},
            },
            "loggers": {"app": {"handlers": ["app"]}, "audit": {"handlers": ["audit"]}},
        }
        """
    found = _facts(source, "app/settings.py", SINK)
    assert sorted((f.line, f.target, f.others, f.places) for f in found) == [
        (5, "debug.log", "1 more in this config: line 6", (("app/settings.py", 6, 33),)),
        (13, "app.log", "", ()), (14, "audit.log", "", ())]


def test_dictconfig_with_a_module_level_dict_is_reported_once():
    source = """
        import logging.config

        CONFIG = {
            "version": 1,
            "handlers": {
                "console": {"class": "logging.StreamHandler"},
                "file": {"class": "logging.handlers.WatchedFileHandler", "filename": "app.log"},
            },
        }

        def setup():
            logging.config.dictConfig(CONFIG)
        """
    found = sinks(source)
    assert found == [(8, "app.log")]


def test_standard_stream_targets_are_not_files():
    source = """
        import logging
        import logging.config
        from logging.handlers import WatchedFileHandler

        logging.basicConfig(filename="/dev/stdout")
        logging.getLogger().addHandler(logging.FileHandler("/dev/stdout"))
        logging.getLogger().addHandler(WatchedFileHandler("/dev/stderr"))
        logging.config.dictConfig({
            "version": 1,
            "handlers": {"out": {"class": "logging.FileHandler", "filename": "/dev/stdout"}},
        })
        """
    assert sinks(source) == []
    # ...while a real path in the same shapes is a sink (the test above is not vacuous); the module body's
    # basicConfig and FileHandler are one setup: one fact, the other its place.
    real = _facts(source.replace("/dev/stdout", "app.log"), "app.py", SINK)
    assert sorted((f.line, [line for _, line, _ in f.places]) for f in real) == [(6, [7]), (11, [])]


# --- django-configurations values and logs kept by hand ----------------------------------------


def test_configurations_value_reads_its_environ_name_with_the_library_prefix():
    facts = _facts(
        """
        from configurations import Configuration, values

        class Base(Configuration):
            HOST = values.Value("localhost", environ_name="DB_HOST", environ_prefix=None)
            CACHE = values.Value(default="redis://localhost", environ_name="CACHE_URL")
            BROKER = values.Value("amqp://localhost", environ_name="BROKER", environ_prefix="APP")
            FIXED = values.Value("localhost", environ_name="FIXED", environ=False)
            OTHER = values.Value("localhost")
        """, "mysite/settings.py", "python.setting")
    found = {f.key: (f.origin, f.env_key, f.value) for f in facts}
    assert found["HOST"] == ("env_default", "DB_HOST", "localhost")
    assert found["CACHE"] == ("env_default", "DJANGO_CACHE_URL", "redis://localhost")
    assert found["BROKER"] == ("env_default", "APP_BROKER", "amqp://localhost")
    assert found["FIXED"][0] == "expr"  # `environ=False`: never read from the environment
    assert found["OTHER"][0] == "expr"  # the variable is named after the setting, which the call does not know


def test_log_named_file_opened_for_append_is_a_log_sink_and_not_a_stored_file():
    source = """
        from flask import Flask, request
        app = Flask(__name__)

        @app.after_request
        def access_log(response):
            open(app.config["API_ACCESS_LOG"], "ab").write(request.path.encode())
            with open("logs/app.log", "a") as out:
                out.write(request.path)
            with open("events_log.jsonl", "a") as out:
                out.write(request.path)
            with open("blog_posts.txt", "a") as out:
                out.write(request.path)
            with open("app.log", "w") as out:
                out.write(request.path)
            return response
        """
    assert sinks(source) == [(7, "app.config['API_ACCESS_LOG']"), (8, "logs/app.log")]
    (stored,) = _facts(source, kind="python.file_write")  # one per handler, naming the others
    assert stored.line == 10 and "(line 12)" in stored.others and "(line 14)" in stored.others


def test_to_json_of_a_module_or_class_is_not_a_file_write_but_a_dataframes_is():
    source = """
        import pandas as pd
        from flask import Flask, request
        from app import utils
        app = Flask(__name__)

        class Report:
            pass

        @app.post("/a")
        def a():
            return utils.to_json(request.json) + Report.to_csv(request.json)

        @app.post("/b")
        def b():
            pd.to_pickle(request.json, "latest.pkl")
            return "ok"

        @app.post("/c")
        def c():
            pd.DataFrame(request.json).to_csv("latest.csv")
            return "ok"
        """
    facts = _facts(source, kind="python.file_write")
    assert [(f.function, f.line, f.target) for f in facts] == [("b", 16, "'latest.pkl'"), ("c", 21, "'latest.csv'")]


def test_a_log_file_touched_into_existence_is_not_a_sink():
    assert sinks("""
        import os
        def prepare(log_dir):
            path = os.path.join(log_dir, "logins.log")
            if not os.path.exists(path):
                open(path, "a").close()
        """) == []


def test_a_log_file_only_touched_or_loaded_as_a_table_is_not_a_sink():
    assert sinks("""
        import os
        import numpy as np
        LOGFILE = "logs/memoryusage.log"

        def writable(log_file):
            with open(log_file, "a"):
                os.utime(log_file, None)
            with open(log_file, "a") as probe:
                pass
            handle = open(log_file, "a")
            handle.close()

        def sample(value):
            with open(LOGFILE, "a") as f:
                f.write(value)

        def plot():
            return np.genfromtxt("../game/" + LOGFILE, delimiter=",")
        """) == []
    assert sinks("""
        import logging
        def audit(line, log_file):
            handle = open(log_file, "a")
            print(line, file=handle)
            handle.close()
            with open(log_file, "a") as out:
                out.write(line)
        unused = logging.FileHandler("audit.log")  # a handler, not an open(): never "only touched"
        """) == [(4, "log_file"), (7, "log_file"), (9, "audit.log")]


def test_stdout_redirected_into_a_log_is_one_sink():
    assert sinks("""
        import sys
        sys.stdout = open("out.log", "a")
        """) == [(3, "out.log")]


def test_route_nested_in_a_factory_mutates_the_factory_closure():
    assert writes("""
        from flask import Flask, request
        ROOMS = {}

        def create_app():
            app = Flask(__name__)
            ROOMS = load_rooms()  # shadows the module's ROOMS: not module state
            seen = set()
            ready = None

            @app.post("/seen")
            def mark():
                nonlocal ready
                if ready is None:
                    ready = True
                seen.add(request.form["id"])
                ROOMS.clear()
                return "", 204

            return app
        """) == [("seen", "mark", 16)]


def test_thread_target_of_a_web_module_mutates_process_state_and_a_scripts_does_not():
    web = """
        import threading
        from flask import Flask
        app = Flask(__name__)
        SEEN = []

        def watch():
            SEEN.append(1)

        def tick():
            SEEN.clear()

        threading.Thread(target=watch, daemon=True).start()
        threading.Timer(60, tick).start()
        """
    facts = _facts(web, "app.py", STATE)
    assert sorted((f.function, f.site) for f in facts) == [
        ("tick", "background thread `tick()`"), ("watch", "background thread `watch()`")]
    script = web.replace("from flask import Flask", "").replace("app = Flask(__name__)", "")
    assert writes(script, "tools/crawl.py") == []


def test_module_instance_containers_written_directly_or_through_a_method():
    facts = _facts(
        """
        from flask import Flask
        app = Flask(__name__)

        class Store:
            def __init__(self):
                self.data = {}
                self.ready = False

            def put(self, key):
                self.data[key] = 1

            def size(self):
                return len(self.data)

        store = Store()

        @app.post("/x")
        def x():
            store.data["k"] = 1
            store.put("k")
            store.size()
            store.ready = True

        @app.post("/y")
        def y():
            store.put("k")
        """, "app.py", STATE)
    assert sorted((f.name, f.line, f.through_method) for f in facts) == [
        ("store.data", 20, ""), ("store.data", 27, "put")]
    assert [f.writes for f in facts if f.line == 20] == [2]  # the direct write and the call of `put()`


def test_a_thread_publishing_its_own_handle_is_not_state_but_a_thread_registry_is_live():
    facts = _facts("""
        import asyncio
        import threading
        from flask import Flask
        app = Flask(__name__)
        _loop = None
        backup_threads = []

        def run_loop():
            global _loop
            loop = asyncio.new_event_loop()
            _loop = loop
            loop.run_forever()

        threading.Thread(target=run_loop, daemon=True).start()

        @app.post("/backup")
        def backup():
            thread = threading.Thread(target=print)
            thread.start()
            backup_threads.append(thread)
        """, "app.py", STATE)
    assert [(f.name, f.live_objects) for f in facts] == [("backup_threads", True)]


def test_django_environ_schema_default_is_the_fallback():
    facts = _facts("""
        import environ
        env = environ.Env(DEBUG=(bool, True), ALLOWED=(list, []))
        INSTALLED_APPS = []
        ROOT_URLCONF = "x.urls"
        DEBUG = env("DEBUG")
        OTHER = env.bool("OTHER")
        """, "mysite/settings.py", "python.setting")
    found = {f.key: (f.origin, f.value) for f in facts}
    assert found["DEBUG"] == ("env_default", "True")
    assert found["OTHER"] == ("env", "")


def test_listed_locations_are_located_by_their_first_entry():
    facts = _facts("""
        import os
        INSTALLED_APPS = []
        ROOT_URLCONF = "x.urls"
        CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                      "CONFIG": {"hosts": [("127.0.0.1", 6379)]}}}
        CACHES = {"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                              "LOCATION": [os.environ.get("MEMCACHE", "cache.internal:11211"), "b:11211"]}}
        """, "mysite/settings.py", "python.service_locator")
    assert sorted((f.locator, f.host, f.origin) for f in facts) == [
        ("`CACHES.default.LOCATION`", "cache.internal", "env_default"),
        ("`CHANNEL_LAYERS.default.CONFIG.hosts`", "127.0.0.1", "literal")]


def test_the_dict_a_conditional_falls_back_to_when_unset_is_flattened():
    facts = _facts("""
        import os
        import dj_database_url
        INSTALLED_APPS = []
        ROOT_URLCONF = "x.urls"
        DATABASES = {
            "default": dj_database_url.config() if os.environ.get("DATABASE_URL") else {
                "HOST": os.environ.get("DB_HOST", "localhost"),
            }
        }
        CACHES = {"default": {"LOCATION": "a"} if os.environ.get("CACHE", "on") else {"LOCATION": "b"}}
        """, "mysite/settings.py", "python.setting")
    keys = {f.key for f in facts}
    assert "DATABASES.default.HOST" in keys
    assert "CACHES.default.LOCATION" not in keys  # the test is true when unset: the other branch runs


def test_x_if_x_else_a_literal_follows_a_name_bound_to_the_read():
    facts = _facts("""
        import os
        _debug = os.environ.get("DJANGO_DEBUG")
        _level = os.environ.get("LEVEL", "")
        _mode = os.environ.get("MODE", "strict")
        DEBUG = _debug if _debug else "true"
        LEVEL = _level if _level else "info"
        MODE = _mode if _mode else "lax"
        OTHER = _debug if _level else "x"
        """, "mysite/settings.py", "python.setting")
    found = {f.key: (f.origin, f.env_key, f.value) for f in facts}
    assert found["DEBUG"] == ("env_default", "DJANGO_DEBUG", "true")
    assert found["LEVEL"] == ("env_default", "LEVEL", "info")  # its own fallback is empty: the else runs
    assert found["MODE"] == ("env_default", "MODE", "strict")  # its own fallback is set: the else never runs
    assert found["OTHER"][0] == "expr"  # tests one variable, yields another


def test_celery_result_backend_and_lower_case_settings_fields_are_locators():
    facts = _facts("""
        from pydantic_settings import BaseSettings
        CELERY_RESULT_BACKEND = "redis://localhost:6379/1"
        RESULT_BACKEND_NAME = "rpc://"

        class Settings(BaseSettings):
            db_host: str = "db.internal"
            db_port: int = 5432
        """, "app/config.py", "python.service_locator")
    assert sorted((f.locator, f.host, f.origin) for f in facts) == [
        ("`CELERY_RESULT_BACKEND`", "localhost", "literal"), ("`db_host`", "db.internal", "env_default")]


def test_plural_keys_and_short_pass_names_are_secrets_but_bypass_is_not():
    facts = _facts("""
        import os
        API_KEYS = os.environ.get("API_KEYS", "3f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c")
        PAPERLESS_DBPASS = os.environ.get("PAPERLESS_DBPASS", "Tr0ub4dor&3")
        SMTP_PASS = os.environ.get("SMTP_PASS", "Tr0ub4dor&3")
        CACHE_BYPASS = os.environ.get("CACHE_BYPASS", "Tr0ub4dor&3")
        """, "app/config.py", "python.secret_env_fallback")
    assert sorted((f.env_key, f.looks_real) for f in facts) == [
        ("API_KEYS", True), ("PAPERLESS_DBPASS", True), ("SMTP_PASS", True)]


def test_a_random_key_bound_when_the_read_variable_is_unset_is_that_variables_fallback():
    facts = _facts("""
        import os
        import secrets
        SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
        if not SECRET_KEY:
            SECRET_KEY = secrets.token_urlsafe(50)
        JWT_SECRET = secrets.token_hex(32)
        """, "mysite/settings.py", "python.secret_random_fallback")
    assert sorted((f.line, f.env_key, f.in_code, f.condition) for f in facts) == [
        (6, "DJANGO_SECRET_KEY", False, ""), (7, "JWT_SECRET", True, "")]


# --- start-time calls: migrations by name, development servers ---------------------------------------


def test_a_call_named_for_migrating_the_database_is_a_named_migration_once_per_helper():
    facts = _facts(
        """
        import contextlib
        from app.db import migration, settings

        def run_migrations():
            migration.apply_migrations()

        @contextlib.asynccontextmanager
        async def lifespan(app):
            migration.migrate_db()
            run_migrations()
            settings.migrate_settings()
            yield
        """, kind="python.call")
    named = sorted((f.line, f.callee, f.at_start) for f in facts if f.api == "migrate_named")
    assert named == [(10, "migrate_db", True), (11, "run_migrations", True)]


def test_a_bare_migrate_method_is_a_named_migration_only_on_a_receiver_named_for_the_database():
    facts = _facts(
        """
        import contextlib
        from app.db import database, migrator, workflow_actions

        class Database:
            def start(self):
                self.migrate()

        class WorkflowAction:
            @classmethod
            def load(cls):
                cls.migrate()
                for action_class in workflow_actions:
                    action_class.migrate()

        @contextlib.asynccontextmanager
        async def lifespan(app):
            database.migrate()
            migrator.migrate()
            workflow_actions.migrate()
            yield
        """, kind="python.call")
    named = sorted((f.line, f.callee) for f in facts if f.api == "migrate_named")
    assert named == [(7, "migrate"), (18, "migrate"), (19, "migrate")]


def test_run_on_an_app_a_factory_builds_is_a_development_server_for_flask_not_sanic():
    source = """
        from {framework} import {cls}

        def create_app():
            return {cls}(__name__)

        if __name__ == "__main__":
            app = create_app()
            app.run(port=8080)
        """
    flask = [f for f in _facts(source.format(framework="flask", cls="Flask"), kind="python.call") if f.api == "app_run"]
    sanic = [f for f in _facts(source.format(framework="sanic", cls="Sanic"), kind="python.call") if f.api == "app_run"]
    assert [(f.line, f.dev_server, f.in_main_block) for f in flask] == [(9, True, True)]
    assert [(f.line, f.dev_server) for f in sanic] == [(9, False)]


def test_uvicorn_reload_is_recorded_with_its_origin_and_the_main_runner():
    facts = _facts(
        """
        import os
        import uvicorn

        def main():
            uvicorn.run("app:app", reload=True)
            uvicorn.run("app:app", reload=os.environ.get("ENV") == "dev")

        if __name__ == "__main__":
            main()
        """, kind="python.call")
    literal, computed = [f for f in facts if f.api == "serve"]
    assert (literal.reload, literal.reload_origin, literal.in_main_runner) == ("True", "literal", True)
    assert computed.has_reload and computed.reload_origin != "literal" and computed.in_main_runner


def test_a_module_level_run_of_a_factory_built_app_is_a_developer_script_not_recorded():
    facts = _facts(
        """
        from app.setup import create_app

        app = create_app({"PROFILE": True})
        app.run(debug=True)
        """, kind="python.call")
    assert [f for f in facts if f.api == "app_run"] == []


def test_an_env_flag_normalised_and_compared_with_a_tuple_is_an_opt_in_branch():
    facts = _facts(
        """
        import os
        import uvicorn

        if __name__ == "__main__":
            if os.getenv("AUTO_RELOAD", "").lower() in ("1", "true"):
                uvicorn.run("app:app", reload=True)
            uvicorn.run("app:app")
        """, kind="python.call")
    assert [(f.line, f.condition) for f in facts if f.api == "serve"] == [
        (7, "when `os.getenv('AUTO_RELOAD', '').lower() in ('1', 'true')`"), (8, "")]


def test_a_settings_field_names_the_variable_after_the_env_prefix_and_a_refusing_check():
    """pydantic reads `APP_SECRET_KEY` for the field `SECRET_KEY` of a class with `env_prefix = "APP_"`; a check that
    exits while the key still holds its fallback is where production refuses it."""
    facts = _facts("""
        import secrets
        import sys
        from django.core.exceptions import ImproperlyConfigured
        from pydantic import BaseSettings, Field
        from pydantic_settings import SettingsConfigDict

        class Settings(BaseSettings):
            class Config:
                env_prefix = "APP_"
            SECRET_KEY: str = Field(default_factory=lambda: "autokey-" + secrets.token_hex(64))
            API_TOKEN: str = "changeme-token"

        class Other(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="SVC_")
            JWT_SECRET: str = "dev-jwt-secret-value"

        SETUP = Settings()
        if not SETUP.DEBUG and SETUP.SECRET_KEY.startswith("autokey-"):
            sys.exit(1)
        if Other().JWT_SECRET == "dev-jwt":
            print("weak")
        if Other().JWT_SECRET.startswith("dev-jwt"):
            raise ImproperlyConfigured("set SVC_JWT_SECRET")
        """, "app/config.py")
    found = sorted((f.kind, f.env_key, f.refused) for f in facts
                   if f.kind in {"python.secret_random_fallback", "python.secret_env_fallback"})
    assert found == [("python.secret_env_fallback", "SVC_JWT_SECRET", "line 23"),
                     ("python.secret_random_fallback", "APP_SECRET_KEY", "line 19")]


def test_a_settings_module_that_stops_without_a_variable_requires_it():
    """`python.required_env`: a module-level check that raises or exits when a variable is unset, also in a loop over
    a literal list (or a name bound to one); a check that only warns requires nothing."""
    source = """\
        import os
        import sys
        INSTALLED_APPS = []
        ROOT_URLCONF = "app.urls"
        REQUIRED = ["API_HOST", "API_KEY"]
        if "SECRET_KEY" not in os.environ:
            raise RuntimeError("SECRET_KEY is required")
        if not os.getenv("DATABASE_URL"):
            print("no database")
            sys.exit(1)
        for name in REQUIRED:
            if not os.environ.get(name):
                raise RuntimeError(name)
        if "SENTRY_DSN" not in os.environ:
            print("Sentry is off")
    """
    found = [(f.variable, f.line) for f in _facts(source, "app/settings/prod.py", "python.required_env")]
    assert found == [("SECRET_KEY", 6), ("DATABASE_URL", 8), ("API_HOST", 12), ("API_KEY", 12)]


def test_fields_of_an_imported_settings_class_and_of_flask_env_classes_are_env_fallbacks():
    """A class built on a project's `BaseSettings` subclass from another module (in a module importing
    pydantic_settings), or a flask-env `MetaFlaskEnv` class, takes its fields from the environment: a random default
    is a settings field's, a literal an env fallback named after the class's prefix."""
    random_key = _facts("""
        import secrets
        from pydantic import Field
        from pydantic_settings import SettingsConfigDict
        from app.config.configset import BaseConfigSet
        from app.models import Record

        class ServerConfig(BaseConfigSet):
            SECRET_KEY: str = Field(default_factory=lambda: secrets.token_hex(32))

        class Entry(Record):
            SECRET_KEY: str = Field(default_factory=lambda: secrets.token_hex(32))
        """, "app/config/common.py", "python.secret_random_fallback")
    assert [(f.line, f.settings_field) for f in random_key] == [(9, True), (12, False)]
    settings = _facts("""
        from flask_env import MetaFlaskEnv

        class Config(metaclass=MetaFlaskEnv):
            ENV_PREFIX = "CABOTAGE_"
            ENV_LOAD_ALL = True
            CELERY_BROKER_URL = "redis://redis:6379"

        class PlainConfig:
            CELERY_BROKER_URL = "redis://redis:6379"
        """, "cabotage/server/config.py", "python.setting")
    found = {(f.function, f.key): (f.origin, f.env_key) for f in settings}
    assert found[("Config", "CELERY_BROKER_URL")] == ("env_default", "CABOTAGE_CELERY_BROKER_URL")
    assert found[("PlainConfig", "CELERY_BROKER_URL")] == ("literal", "")


def test_a_base_config_class_setting_every_production_class_sets_again_names_it():
    """django-configurations: `Production` (and `Staging` on it) replace `Base`'s cache; `Build` is no deploy."""
    settings = _facts("""
        from configurations import Configuration

        class Base(Configuration):
            CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
            DEBUG = True

        class Build(Base):
            pass

        class Production(Base):
            CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}

        class Staging(Production):
            pass
        """, "people/settings.py", "python.setting")
    found = {(f.function, f.key): f.set_again_by for f in settings}
    assert found[("Base", "CACHES.default.BACKEND")] == "config class `Production`"
    assert found[("Base", "DEBUG")] == ""
    assert found[("Production", "CACHES.default.BACKEND")] == ""


def test_a_url_credential_on_a_loopback_host_with_a_word_password_is_marked_as_a_stock_local_account():
    facts = _facts(
        """
        import os
        A = os.getenv("A", "postgresql://postgres:postgres@localhost:5432/app")
        B = os.getenv("B", "postgresql://dev:dev@127.0.0.1/app")
        C = os.getenv("C", "postgresql://app:Xq7vR2mK9pL4sT8wZ3nB6yH1@localhost/app")
        D = os.getenv("D", "postgresql://postgres:postgres@db.internal:5432/app")
        """, kind="python.url_credentials")
    assert [(f.line, f.env_default, f.loopback_word) for f in facts] == [
        (3, True, True), (4, True, True), (5, True, False), (6, True, False)]


def test_a_config_class_loaded_before_a_loop_setting_its_keys_from_the_environment_is_a_defaults_layer():
    source = """
        import os
        from flask import Flask
        from .config import Config

        def create_app():
            app = Flask(__name__)
            app.config.from_object(Config)
            {loop}
            return app
        """
    over_environment = "for key, value in os.environ.items():\n                if key in app.config:\n" \
                       "                    app.config[key] = value"
    over_config = "for key in app.config.keys():\n                app.config[key] = os.getenv(key, app.config[key])"
    named_only = "for key in ('A', 'B'):\n                app.config[key] = os.environ[key]"
    poured = "app.config.update(os.environ)"
    for loop, expected in ((over_environment, [("app.config", 8)]), (over_config, [("app.config", 8)]),
                           (poured, [("app.config", 8)]), (named_only, [])):
        facts = _facts(source.replace("{loop}", loop), "app/factory.py", "python.config_defaults")
        assert [(f.loaded, f.line) for f in facts] == expected, loop
        assert all(f.layered_by.endswith("from its environment variable (line 9)") for f in facts)


def test_a_url_whose_password_is_a_format_field_carries_no_credential():
    facts = _facts("""
        import sys
        user, password, env = sys.argv[1:]
        A = "https://{0}:{1}@app-{2}.example.gov/api".format(user, password, env)
        B = "https://{}:{}@host/api".format(user, password)
        C = "https://{user}:{password!s}@host/api".format(user=user, password=password)
        D = "https://{u}:{cfg.password}@host/api".format(u=user, cfg=sys)
        E = "postgresql://app:s3cret-Pw@db/app"
        """, kind="python.url_credentials")
    assert [f.line for f in facts] == [8]


def test_a_command_line_options_default_url_is_an_option_default():
    facts = _facts("""
        import argparse
        import click
        import typer

        parser = argparse.ArgumentParser()
        parser.add_argument("--dburl", default="postgresql://tool:tool-pw@db:5432/tool")

        @click.command()
        @click.option("--db", default="postgresql://tool:tool-pw@db:5432/tool")
        def run(db):
            engine = db or "postgresql://app:app-pw@db:5432/app"

        def main(db: str = typer.Option("postgresql://tool:tool-pw@db:5432/tool")):
            return db
        """, kind="python.url_credentials")
    assert [(f.line, f.option_default) for f in facts] == [(7, True), (10, True), (12, False), (14, True)]


def test_a_key_put_into_a_dict_the_function_builds_and_hands_back_is_no_per_process_key():
    facts = _facts("""
        import copy
        import secrets
        from flask import Flask

        def prepare(config):
            out = copy.deepcopy(config)
            out["jwt_secret"] = secrets.token_urlsafe(48)
            return out

        def create_app():
            app = Flask(__name__)
            app.config["SECRET_KEY"] = secrets.token_urlsafe(48)
            return app
        """, kind="python.secret_random_fallback")
    assert [f.line for f in facts] == [13]


_DJANGO_SETTINGS = """
    import os
    SECRET_KEY = os.urandom(30)
    INSTALLED_APPS = ["django.contrib.auth", "django.contrib.staticfiles"{apps}]
    MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware"{middleware}]
    ROOT_URLCONF = "urls"
    {more}
    """


def _signs_nothing(apps: str = "", middleware: str = "", more: str = "") -> bool:
    source = _DJANGO_SETTINGS.format(apps=apps, middleware=middleware, more=more)
    [fact] = _facts(source, "site/settings.py", "python.secret_random_fallback")
    return fact.signs_nothing


def test_a_django_key_signs_nothing_only_when_no_installed_app_or_middleware_signs_with_it():
    assert _signs_nothing()
    assert not _signs_nothing(apps=', "django.contrib.sessions"')
    assert not _signs_nothing(apps=', "django.contrib.messages"')
    assert not _signs_nothing(middleware=', "django.middleware.csrf.CsrfViewMiddleware"')
    assert not _signs_nothing(more='SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"')
    assert not _signs_nothing(more='INSTALLED_APPS += ["shop"]')
    assert not _signs_nothing(more='MIDDLEWARE = MIDDLEWARE + EXTRA')


def test_a_number_a_metrics_callback_reports_is_instrumentation_not_state():
    source = """
        from flask import Flask
        from opentelemetry.metrics import Observation, get_meter
        from prometheus_client import Gauge

        app = Flask(__name__)
        inflight = 0
        served = 0
        QUEUE = []
        visits = 0
        Gauge("queued", "").set_function(lambda: len(QUEUE) + served)

        def observe(_options):
            return [Observation(inflight)]

        @app.get("/")
        def index():
            global inflight, served
            inflight += 1
            served += 1
            QUEUE.append(1)
            return "ok"

        @app.get("/other")
        def other():
            global visits
            visits = 1
            return "ok"
        """
    assert writes(source) == [("QUEUE", "index", 21), ("visits", "other", 27)]


def test_placeholder_databases_and_the_smtp_host_an_api_mail_backend_ignores_are_no_locators():
    facts = _facts("""
        INSTALLED_APPS = []
        ROOT_URLCONF = "x.urls"
        DATABASES = {"default": {"ENGINE": "django.db.backends.", "HOST": "localhost"},
                     "replica": {"ENGINE": "", "HOST": "localhost"},
                     "real": {"ENGINE": "django.db.backends.mysql", "HOST": "db.internal"}}
        EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
        EMAIL_HOST = "smtp.internal"
        """, "mysite/settings.py", "python.service_locator")
    assert [(f.locator, f.host) for f in facts] == [("`DATABASES.real.HOST`", "db.internal")]


def test_the_smtp_host_is_a_locator_with_the_smtp_backend_or_one_read_from_the_environment():
    for backend in ('"django.core.mail.backends.smtp.EmailBackend"', 'os.environ.get("EMAIL_BACKEND", "x.Console")'):
        facts = _facts(f"""
            import os
            INSTALLED_APPS = []
            EMAIL_BACKEND = {backend}
            EMAIL_HOST = "localhost"
            """, "mysite/settings.py", "python.service_locator")
        assert [f.locator for f in facts] == ["`EMAIL_HOST`"], backend


def test_a_handler_for_a_config_read_tested_just_before_is_opt_in():
    facts = _facts("""
        import logging
        import os

        def main(conf):
            if conf.get("general", "log-file"):
                logging.getLogger().addHandler(logging.FileHandler(conf.get("general", "log-file")))
            if os.environ.get("LOG_FILE"):
                logging.getLogger("x").addHandler(logging.FileHandler(os.environ["LOG_FILE"]))
        """, "app.py", SINK)
    # (an environment read tested before is an opt-in branch already)
    assert [(f.line, f.condition) for f in facts] == [(7, "when `log-file` is set"), (9, "when LOG_FILE is set")]


def test_module_refs_record_session_and_rate_limit_uses():
    (refs,) = _facts("""
        import flask
        from flask_kvsession import KVSessionExtension
        from simplekv.fs import FilesystemStore
        from slowapi import Limiter

        limiter = Limiter(key_func=str)
        rows = db.query(Row).limit(10)

        def init(app, login_manager):
            KVSessionExtension(FilesystemStore("/var/sessions"), app)
            login_manager.user_loader(load)
            return flask.session.get("x")

        @app.state.limiter.limit("5/minute")
        def view():
            pass
        """, kind="python.module_refs")
    assert refs.session_uses == ("flask.session", "user_loader")
    assert refs.session_stores == ("flask_kvsession", "simplekv.FilesystemStore")
    assert refs.limit_uses == ("limiter",)
    (bare,) = _facts("""
        from slowapi import Limiter
        limiter = Limiter(key_func=str, default_limits=["1/second"])
        rows = query.limit(10)
        """, kind="python.module_refs")
    assert bare.limit_uses == ("default_limits",) and bare.session_stores == ()
