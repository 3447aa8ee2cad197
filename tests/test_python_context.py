"""Context detection in the Python analyzer: where code runs decides whether and how it is judged."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze


def _facts(source: str, path: str = "app.py", kind: str | None = None):
    facts = analyze(path, textwrap.dedent(source).encode("utf-8")).facts
    assert not [f for f in facts if f.kind == "parse_error"], "test source must parse"
    return [f for f in facts if kind is None or f.kind == kind]


def _contexts(source: str, kind: str, path: str = "app.py") -> list[tuple[int, str, bool]]:
    """(line, context, at_start) of the facts of a kind; app constructors (`FastAPI()`) left out."""
    return sorted((f.line, f.context, f.at_start) for f in _facts(source, path, kind)
                  if getattr(f, "api", None) != "web_app")


def test_app_factory_startup_hooks_and_their_helpers_are_startup_code():
    source = """
        from fastapi import FastAPI
        from flask import Flask

        def init_db(app):
            db.create_all()

        def create_app():
            app = Flask(__name__)
            init_db(app)
            return app

        api = FastAPI()

        @api.on_event("startup")
        async def warm():
            db.create_all()

        def unrelated():
            db.create_all()
        """
    assert _contexts(source, "python.call") == [(6, "startup", True), (17, "startup", True), (20, "function", False)]


def test_lifespan_and_appconfig_ready_are_startup_code():
    lifespan = """
        from fastapi import FastAPI

        async def lifespan(app):
            db.create_all()
            yield

        app = FastAPI(lifespan=lifespan)
        """
    ready = """
        from django.apps import AppConfig
        from django.core.management import call_command

        class PollsConfig(AppConfig):
            def ready(self):
                call_command("migrate")
        """
    assert _contexts(lifespan, "python.call") == [(5, "startup", True)]
    assert _contexts(ready, "python.call", "polls/apps.py") == [(7, "startup", True)]


def test_import_time_code_is_start_code_only_in_a_module_that_serves_requests():
    served = """
        from flask import Flask
        from app.models import db
        app = Flask(__name__)
        db.create_all()

        if __name__ == "__main__":
            db.create_all()
        """
    script = """
        from app.models import db
        db.create_all()
        """
    assert _contexts(served, "python.call") == [(5, "module", True), (8, "module", False)]
    assert _contexts(script, "python.call", "prestart.py") == [(3, "module", False)]


def test_nested_functions_inherit_the_handler_context():
    source = """
        import threading
        from flask import Flask
        app = Flask(__name__)

        @app.post("/x")
        def view():
            def later():
                threading.Thread(target=print).start()
            later()
            return ""
        """
    assert _contexts(source, "python.background_work") == [(9, "request_handler", False)]


def test_settings_modules_are_classified():
    django = """
        INSTALLED_APPS = []
        ROOT_URLCONF = "mysite.urls"
        """
    star = "from .base import *\nDEBUG = False\n"
    flask_config = """
        class Config:
            SECRET_KEY = "x"
        class ProductionConfig(Config):
            DEBUG = False
        """
    plain = "LIMIT = 3\n"

    def kind(source: str, path: str) -> set[str]:
        return {f.module_kind for f in _facts(source, path, "python.setting")}

    assert kind(django, "mysite/anything.py") == {"settings"}
    assert kind(star, "mysite/settings/production.py") == {"settings"}
    assert kind(flask_config, "app/config.py") == {"settings"}
    assert kind(plain, "app/limits.py") == {"app"}


def test_config_classes_named_for_development_are_dev_only_and_test_configs_are_skipped():
    source = """
        class Config:
            DEBUG = False
        class DevelopmentConfig(Config):
            DEBUG = True
        class TestingConfig(Config):
            DEBUG = True
        """
    facts = _facts(source, "config.py", "python.setting")
    assert sorted((f.function, f.dev_only) for f in facts) == [
        ("Config", False), ("DevelopmentConfig", True)]


def test_pydantic_settings_fields_are_environment_fallbacks():
    source = """
        from pydantic_settings import BaseSettings

        class Settings(BaseSettings):
            DATABASE_URL: str = "sqlite:///app.db"
            JWT_SECRET: str = "not-for-prod-8f2k"
        """
    settings = {f.key: f.origin for f in _facts(source, "app/core/config.py", "python.setting")}
    assert settings == {"DATABASE_URL": "env_default", "JWT_SECRET": "env_default"}
    assert [f.env_key for f in _facts(source, "app/core/config.py", "python.secret_env_fallback")] == ["JWT_SECRET"]
    assert _facts(source, "app/core/config.py", "python.secret_literal") == []


def test_gunicorn_config_is_server_config_with_lower_case_settings():
    facts = _facts('bind = "0.0.0.0:8000"\ndaemon = True\n', "gunicorn.conf.py", "python.setting")
    assert {(f.key, f.source) for f in facts} == {("bind", "server_config"), ("daemon", "server_config")}


def test_cli_scripts_stay_cli_scripts():
    source = """
        import argparse
        LIMIT = 3

        if __name__ == "__main__":
            argparse.ArgumentParser().parse_args()
        """
    assert {f.module_kind for f in _facts(source, "tools/run.py", "python.setting")} == {"cli_script"}


def test_handler_file_writes_skip_scratch_space_and_flag_uploads():
    source = """
        import tempfile
        from flask import Flask, request
        app = Flask(__name__)

        @app.post("/u")
        def upload():
            f = request.files["file"]
            f.save("uploads/" + f.filename)
            with open("notes.txt", "a") as out:
                out.write("x")
            tmp_dir = tempfile.mkdtemp()
            with open(tmp_dir + "/x", "w") as scratch:
                scratch.write("x")
            return ""
        """
    facts = _facts(source, kind="python.file_write")
    assert sorted((f.line, f.upload) for f in facts) == [(9, True), (10, False)]


LOGIN = """
    import threading
    import click
    import uvicorn
    from fastapi import FastAPI

    token = None

    @click.group()
    def cli():
        pass

    @cli.group()
    def auth():
        pass

    @auth.command()
    def login():
        app = FastAPI()

        @app.get("/callback")
        def callback(code: str):
            global token
            token = code
            return "close this tab"

        class Server:
            def start(self):
                uvicorn.run(app, host="{host}", port=8085)

        threading.Thread(target=Server().start).start()
"""


def test_a_cli_commands_loopback_server_is_no_app_factory_and_its_routes_no_handlers():
    facts = _facts(LOGIN.replace("{host}", "127.0.0.1"))
    assert not [f for f in facts if f.kind == "python.state_mutation"]
    assert [(f.context, f.at_start) for f in facts if f.kind == "python.background_work"] == [("function", False)]


def test_a_cli_command_serving_on_a_public_address_still_builds_the_service():
    facts = _facts(LOGIN.replace("{host}", "0.0.0.0"))
    assert [f.function for f in facts if f.kind == "python.state_mutation"] == ["callback"]
    assert [(f.context, f.at_start) for f in facts if f.kind == "python.background_work"] == [("startup", True)]

