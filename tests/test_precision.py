"""False-positive classes found on code nobody tuned for (issue 12): each one pinned by the smallest
project that shows it, asserting what is reported instead."""

from __future__ import annotations

import pytest

_WEB = """\
services:
  web:
    build: .
    command: sh -c "python manage.py migrate && gunicorn app:app"
    volumes:
      - {mount}
"""


def _by_rule(result, rule: str):
    return [f for f in result.findings if f.rule == rule]


def test_a_config_directory_bind_mount_does_not_make_a_compose_file_dev_only(lint):
    result = lint({"docker-compose.yml": _WEB.format(mount="./config:/app/config")}, select=("TF1201",))
    assert [f.severity for f in _by_rule(result, "TF1201")] == ["warning"]
    assert "dev-only" not in _by_rule(result, "TF1201")[0].message


def test_a_source_tree_bind_mount_makes_a_compose_file_dev_only(lint):
    result = lint({"docker-compose.yml": _WEB.format(mount=".:/app")}, select=("TF1201",))
    assert [f.severity for f in _by_rule(result, "TF1201")] == ["info"]


def test_a_read_only_source_tree_bind_mount_makes_a_compose_file_dev_only_when_debug_is_on(lint):
    compose = _WEB.format(mount=".:/app:ro") + "    environment:\n      DATABASE_URL: postgres://site:site@db:5432/site\n"
    debugging = lint({"docker-compose.yml": compose + "      DEBUG: 1\n"}, select=("TF1201", "TF308"))
    assert [(f.rule, f.severity) for f in debugging.findings] == [("TF1201", "info"), ("TF308", "info")]
    deployed = lint({"docker-compose.yml": compose}, select=("TF1201", "TF308"))  # plugins served read-only
    assert [(f.rule, f.severity) for f in deployed.findings] == [("TF1201", "warning"), ("TF308", "warning")]


def test_a_key_made_up_only_when_ci_is_in_the_environment_is_not_judged(lint):
    settings = ('import os\nimport secrets\n\nif "CI" in os.environ:\n    SECRET_KEY = secrets.token_urlsafe(32)\n'
                'if "SENTRY_DSN" not in os.environ:\n    TOKEN_SECRET = secrets.token_urlsafe(32)\n')
    (found,) = lint({"app/settings.py": settings}, select=("TF302", "TF617")).findings
    assert (found.rule, found.line, found.severity) == ("TF617", 7, "info")
    assert "only when SENTRY_DSN is not set" in found.message


def test_a_settings_model_field_is_set_by_the_environment_and_its_random_default_says_so(lint):
    config = ('import secrets\nfrom pydantic import BaseModel, BaseSettings\n\nclass ConfigModel(BaseModel):\n'
              '    SECRET_KEY: str = secrets.token_urlsafe(32)\n    TMDB_API_KEY: str = "db55323b8d3e4154498498a75642b381"\n\n'
              'class Settings(BaseSettings, ConfigModel):\n    DEBUG: bool = False\n\n'
              'class Unrelated(BaseModel):\n    SECRET_KEY: str = secrets.token_urlsafe(32)\n')
    result = lint({"app/core/config.py": config}, select=("TF301", "TF302", "TF617"))
    assert [(f.rule, f.line) for f in result.findings] == [("TF617", 5), ("TF302", 6), ("TF617", 12)]
    assert "unless the environment sets it (a pydantic settings field)" in result.findings[0].message
    assert "no environment variable can set it" in result.findings[2].message


def test_the_secret_half_of_another_services_key_pair_with_a_placeholder_fallback_is_silent(lint):
    settings = ('import os\n\nSTRIPE_PUBLISHABLE_KEY = os.environ.get("STRIPE_PUBLISHABLE_KEY", "pk_test_1")\n'
                'STRIPE_SECRET_KEY = os.environ.get("STRIPE_SECRET_KEY", "sk_test_12345")\n'
                'PAYMENT_SECRET_KEY = os.environ.get("PAYMENT_SECRET_KEY", "changeme")\n'
                'SECRET_KEY = os.environ.get("SECRET_KEY", "changeme")\nPUBLIC_KEY = os.environ.get("PUBLIC_KEY", "x")\n')
    result = lint({"app/settings.py": settings}, select=("TF302",))
    assert [f.line for f in result.findings] == [5, 6]


def test_a_configparser_option_is_not_an_env_fallback(lint):
    config = ('import os\nfrom configparser import ConfigParser\n\nconfig = ConfigParser()\n'
              'APP_SECRET_KEY = os.environ.get("APP_SECRET_KEY") or config.get("OAUTH", "APP_SECRET_KEY")\n')
    assert not lint({"src/config.py": config}, select=("TF302",)).findings
    starlette = ('from starlette.config import Config\n\nconfig = Config(".env")\n'
                 'ADMIN_PASSWORD = config("ADMIN_PASSWORD", default="!Ch4ng3Th1sP4ssW0rd!")\n')
    assert [f.line for f in lint({"src/config.py": starlette}, select=("TF302",)).findings] == [4]


def test_a_file_named_for_production_is_never_dev_only(lint):
    result = lint({"docker-compose.prod.yml": _WEB.format(mount=".:/app")}, select=("TF1201",))
    assert [f.severity for f in _by_rule(result, "TF1201")] == ["warning"]


_CONDITIONAL = """\
import logging
import os

from flask import Flask

app = Flask(__name__)
log_file = os.getenv("APP_LOG")
if log_file:
    logging.getLogger().addHandler(logging.FileHandler(log_file))


def run():
    if os.environ.get("SEARX_DEBUG"):
        app.run(debug=True)
"""


def test_code_under_an_env_driven_flag_is_opt_in_one_step_lower(lint):
    result = lint({"app.py": _CONDITIONAL}, select=("TF1101", "TF303"))
    (log,) = _by_rule(result, "TF1101")
    assert log.severity == "info" and "only when APP_LOG is set" in log.message
    assert not _by_rule(result, "TF303")  # a debug flag turning on debug mode is development code


def test_code_under_a_development_flag_is_development_code(lint):
    settings = ('import os\nINSTALLED_APPS = []\nROOT_URLCONF = "proj.urls"\n'
                'IS_DEVELOPMENT = os.environ.get("PROJ_DEV") == "true"\n'
                'if IS_DEVELOPMENT:\n    SECRET_KEY = "django-insecure-t9*!4^fdn*=pmz4%8u"\n    DEBUG = True\n'
                'if os.environ.get("USE_LOCAL_CACHE"):\n    DEBUG = True\n')
    result = lint({"proj/settings.py": settings}, select=("TF301", "TF303"))
    assert not _by_rule(result, "TF301")
    (debug,) = _by_rule(result, "TF303")  # `LOCAL` inside a feature flag's name is no development flag
    assert debug.line == 9 and debug.severity == "info" and "only when USE_LOCAL_CACHE is set" in debug.message


_SETTINGS = """\
import os

INSTALLED_APPS = ["django.contrib.auth"]
ROOT_URLCONF = "mysite.urls"
IS_HEROKU_APP = "DYNO" in os.environ
if os.environ.get("GITHUB_WORKFLOW"):
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": "postgres-ci-pw", "HOST": "127.0.0.1"}}
elif IS_HEROKU_APP:
    DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
"""


def test_a_ci_only_branch_is_not_judged_and_an_else_branch_says_when_it_runs(lint):
    result = lint({"mysite/settings.py": _SETTINGS}, select=("TF301", "TF402", "TF607"))
    assert not _by_rule(result, "TF301") and not _by_rule(result, "TF402")
    (sqlite,) = _by_rule(result, "TF607")
    assert sqlite.severity == "info" and "only when IS_HEROKU_APP is not set" in sqlite.message


_FALLBACKS = """\
import dj_database_url
from pydantic_settings import BaseSettings

from config.env import env

DATABASES = {"default": dj_database_url.config(default="mysql://fastapi:fastapi@localhost:3306/fastapi")}
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="mysql://fastapi:fastapi@localhost:3306/fastapi")


class Config(BaseSettings):
    WRITER_DB_URL: str = "mysql://fastapi:fastapi@localhost:3306/fastapi"
    READER_DB_URL: str = "mysql://fastapi:fastapi@localhost:3306/fastapi"
"""


def test_a_url_with_a_password_as_an_env_fallback_is_a_fallback_warning_not_the_literal_error(lint):
    result = lint({"mysite/settings.py": _FALLBACKS.replace("@localhost", "@mysql")}, select=("TF304",))
    (found,) = _by_rule(result, "TF304")  # one pattern, one finding naming every place
    assert found.line == 6 and found.message.endswith("(and 3 more in this file: line 7, line 11, line 12)")
    assert found.severity == "warning" and "environment fallback" in found.message and not found.fixable


def test_the_same_fallbacks_on_localhost_with_a_word_password_are_the_stock_local_account(lint):
    (found,) = _by_rule(lint({"mysite/settings.py": _FALLBACKS}, select=("TF304",)), "TF304")
    assert found.severity == "info" and "environment fallback" in found.message and "local development" in found.message


def test_a_secret_literal_is_as_sure_as_its_shape_and_only_the_proven_one_is_fixed(lint):
    result = lint({"app/db.py": 'import psycopg2\n\npsycopg2.connect(host="db", password="postgres")\n'
                                'API_KEY = "H2jk9uKnhRmL6WPwh89z"\nSTRIPE_API_KEY = "sk_live_51H8xYzAbCdEfGhIjKlMn"\n'},
                  select=("TF301",))
    assert [(f.line, f.severity, f.fixable) for f in _by_rule(result, "TF301")] == [
        (3, "info", False), (4, "warning", False), (5, "error", True)]


def test_two_log_flags_on_one_command_are_one_finding_and_a_shell_default_stream_is_a_stream(lint):
    result = lint({"Procfile": 'web: gunicorn app:app --access-logfile /var/log/a.log --error-logfile /var/log/e.log\n'
                               'worker: gunicorn w:app --access-logfile "${LOG_FILE:--}"\n'}, select=("TF1103",))
    (finding,) = _by_rule(result, "TF1103")
    assert finding.line == 1 and "`--access-logfile`, `--error-logfile`" in finding.message


def test_supervisord_log_files_get_supervisord_advice(lint):
    conf = "[program:web]\ncommand=gunicorn app:app\nstdout_logfile=/var/log/web.log\nredirect_stderr=true\n"
    result = lint({"supervisord.conf": conf}, select=("TF1103",))
    (finding,) = _by_rule(result, "TF1103")
    assert "stdout_logfile=/dev/stdout" in finding.message and "--access-logfile" not in finding.message


def test_a_rotating_file_handler_is_one_finding(lint):
    code = ('import logging\nfrom logging.handlers import RotatingFileHandler\n\n'
            'logging.getLogger().addHandler(RotatingFileHandler("app.log", maxBytes=1000, backupCount=5))\n')
    result = lint({"app/logs.py": code}, select=("TF1101", "TF1102"))
    assert [(f.rule, f.line) for f in result.findings] == [("TF1101", 4)]
    assert "rotates them itself" in result.findings[0].message


def test_one_volume_line_with_two_data_paths_is_one_finding(lint):
    result = lint({"Dockerfile": 'FROM python:3.12-slim\nVOLUME ["/app/media", "/app/uploads"]\nCMD ["gunicorn", "app:app"]\n'},
                  select=("TF616",))
    (finding,) = _by_rule(result, "TF616")
    assert "/app/media /app/uploads" in finding.message


def test_one_volume_shared_by_three_services_is_one_finding(lint):
    mount = "    build: .\n    volumes:\n      - archive:/data/archive\n"
    other = "    build: .\n    volumes:\n      - media:/app/media\n"
    compose = ("services:\n  api:\n" + mount + "  worker:\n" + mount + "  shell:\n" + mount + "  web:\n" + other
               + "volumes:\n  archive:\n  media:\n")
    result = lint({"docker-compose.yml": compose}, select=("TF616",))
    found = _by_rule(result, "TF616")
    assert [f.line for f in found] == [5, 17]  # the shared volume once, a volume of its own apart
    assert [r.line for r in found[0].related] == [9, 13] and "and 2 more" in found[0].message


def test_several_data_volumes_of_one_service_stay_one_finding(lint):
    mounts = "".join(f"      - ./{name}:/data/{name}\n" for name in ("videos", "har", "log"))
    result = lint({"docker-compose.yml": "services:\n  api:\n    build: .\n    volumes:\n" + mounts}, select=("TF616",))
    (finding,) = _by_rule(result, "TF616")
    assert [r.line for r in finding.related] == [6, 7]


def test_schedulers_and_one_off_containers_are_single_by_design(lint):
    compose = ("services:\n  beat:\n    build: .\n    container_name: b\n    command: celery -A app beat\n"
               "  web:\n    build: .\n    container_name: w\n    command: gunicorn app:app\n")
    result = lint({"docker-compose.yml": compose}, select=("TF803",))
    assert [f.message.split("`")[3] for f in _by_rule(result, "TF803")] == ["web"]


def test_a_template_that_is_not_valid_until_rendered_is_skipped_not_a_parse_error(lint):
    compose = "services:\n  web:\n    ports:\n      - {{cookiecutter.port}}:80\n"
    result = lint({"{{cookiecutter.slug}}/docker-compose.yml": compose,
                   "{{cookiecutter.slug}}/app.py": "PORT = {{ cookiecutter.port }}\nif x\n"})
    assert not _by_rule(result, "TF001")
    assert {s.reason for s in result.skipped} == {"a template (Jinja/cookiecutter `{{ ... }}`): not valid until rendered"}


def test_a_compose_file_that_declares_a_development_environment_is_development(lint):
    compose = ("x-env: &env\n  DEV_ENV: 'True'\nservices:\n  web:\n    build: .\n    environment:\n      <<: *env\n"
               "    command: sh -c \"python manage.py migrate && gunicorn app:app\"\n")
    assert [f.severity for f in _by_rule(lint({"docker-compose.yml": compose}, select=("TF1201",)), "TF1201")] == ["info"]


def test_test_config_classes_and_fixture_factories_are_not_judged(lint):
    config = ('from pydantic_settings import BaseSettings\n\nclass Config(BaseSettings):\n'
              '    DB_URL: str = "mysql://app:app-pw@localhost/app"\n\n'
              'class TestConfig(Config):\n    DB_URL: str = "mysql://app:app-pw@localhost/app_test"\n')
    factories = 'import factory\n\nclass UserFactory(factory.Factory):\n    access_token = "tok-8f7e6d5c4b3a"\n'
    result = lint({"core/config.py": config, "app/factories.py": factories}, select=("TF301", "TF304"))
    assert [(f.rule, f.path, f.line) for f in result.findings] == [("TF304", "core/config.py", 4)]


def test_the_same_finding_in_alternative_compose_files_is_one_finding(lint):
    compose = "services:\n  web:\n    build: .\n    container_name: web\n    command: gunicorn app:app\n"
    result = lint({"docker-compose.yml": compose, "docker-compose.cuda.yml": compose}, select=("TF803",))
    (finding,) = _by_rule(result, "TF803")
    assert finding.path == "docker-compose.yml"
    assert finding.message.endswith("(and 1 more in other files: docker-compose.cuda.yml:4)")


def test_a_shell_under_supervisord_gets_supervisord_advice(lint):
    conf = '[program:web]\ncommand=bash -c "cd /app && node server.js"\n'
    (finding,) = _by_rule(lint({"supervisord.conf": conf}, select=("TF901",)), "TF901")
    assert "supervisord stops the program by signalling the shell" in finding.message


def test_one_url_with_a_password_in_two_settings_is_one_secret_to_rotate(lint):
    config = ('from pydantic_settings import BaseSettings\n\nclass Config(BaseSettings):\n'
              '    WRITER_DB_URL: str = "mysql://app:app-pw@localhost/app"\n'
              '    READER_DB_URL: str = "mysql://app:app-pw@localhost/app"\n')
    (finding,) = _by_rule(lint({"core/config.py": config}, select=("TF304",)), "TF304")
    assert finding.line == 4 and finding.message.endswith("(and 1 more in this file: line 5)")


def test_a_copy_of_a_deploy_file_in_another_directory_is_one_finding(lint):
    compose = "services:\n  web:\n    build: .\n    command: sh -c \"python manage.py migrate && gunicorn app:app\"\n"
    result = lint({"deploy/docker-compose.prod.yml": compose,
                   "cli/embedded/docker-compose.prod.yml": compose, "other/compose.yaml": compose}, select=("TF901",))
    findings = {f.path: f.message for f in _by_rule(result, "TF901")}
    assert sorted(findings) == ["deploy/docker-compose.prod.yml", "other/compose.yaml"]  # another file: its own
    assert findings["deploy/docker-compose.prod.yml"].endswith(
        "(and 1 more in other files: cli/embedded/docker-compose.prod.yml:4)")


def test_thread_work_started_in_three_handlers_of_a_module_is_one_finding(lint):
    views = "import threading\nfrom flask import Flask\napp = Flask(__name__)\n" + "".join(
        f"\n@app.post('/{name}')\ndef {name}():\n    threading.Thread(target=print, daemon=True).start()\n    return ''\n"
        for name in ("a", "b", "c"))
    (finding,) = _by_rule(lint({"app.py": views}, select=("TF612",)), "TF612")
    assert finding.message.endswith("(and 2 more in this file: line 12, line 17)")


_DEV_IMAGE = "FROM python:3.12-slim\nCOPY . /app\nCMD python manage.py runserver 0.0.0.0:8000\n"
_LIVE_RELOAD = "services:\n  web:\n    build: .\n    volumes:\n      - .:/app\n"


def test_a_dockerfile_only_a_development_stack_builds_is_a_doubt(lint):
    result = lint({"Dockerfile": _DEV_IMAGE, "docker-compose.yaml": _LIVE_RELOAD}, select=("TF1004",))
    [finding] = _by_rule(result, "TF1004")
    assert finding.severity == "info"
    assert "only development compose stacks build this image" in finding.message


def test_a_dockerfile_a_production_stack_builds_too_is_judged(lint):
    result = lint({"Dockerfile": _DEV_IMAGE, "docker-compose.yaml": _LIVE_RELOAD,
                   "deploy/compose.yaml": "services:\n  web:\n    build: ..\n"}, select=("TF1004",))
    # judged as production (not the development stack's doubt); info, since no deploy declaration runs it itself
    [finding] = _by_rule(result, "TF1004")
    assert (finding.path, finding.severity) == ("Dockerfile", "info")
    assert "only development compose stacks" not in finding.message and "if this is how production starts" in finding.message


_PINS_WARN = {"TF803": "warning"}
"""A container_name on a service running one copy is info by default; a project that sets TF803 to warning sees
which compose files are taken for development (lowered again) and which for the deploy."""


def test_a_plain_compose_file_beside_one_named_for_its_deploy_target_is_development(lint):
    compose = "services:\n  app:\n    build: .\n    container_name: app\n    command: gunicorn app:app\n"
    result = lint({"docker-compose.yml": compose, "az-docker-compose.yml": compose.replace("app:\n", "web:\n", 1)},
                  select=("TF803",), severity=_PINS_WARN)
    assert {(f.path, f.severity) for f in _by_rule(result, "TF803")} == {
        ("az-docker-compose.yml", "warning"), ("docker-compose.yml", "info")}


def test_a_process_manager_in_each_branch_of_a_start_script_is_one_finding_on_the_default_path(lint):
    script = ('#!/bin/sh\nif [ "$SUPERVISOR_MANAGED" = "True" ]; then\n  exec supervisord -c all.conf\nelse\n'
              '  supervisord -c tasks.conf\n  exec uwsgi --http :9090 uwsgi.ini\nfi\n')
    result = lint({"bootstrap.sh": script,
                   "Dockerfile": "FROM python:3.12-slim\nCOPY bootstrap.sh /bootstrap.sh\nCMD [\"/bootstrap.sh\"]\n"},
                  select=("TF609",))
    [finding] = _by_rule(result, "TF609")
    assert (finding.path, finding.line, finding.severity) == ("bootstrap.sh", 5, "error")
    assert "(and also `supervisord` (line 3))" in finding.message


def test_a_branch_taken_only_under_the_test_settings_is_not_judged(lint):
    settings = ('from django.conf import settings\n\n'
                'if settings.TESTING:\n    SECRET_KEY = "kR3jT9zQwX2vL8mN4pB6yH1cF5dG7sA0"\n')
    result = lint({"app/keys.py": settings}, select=("TF301",))
    assert not _by_rule(result, "TF301")


def test_a_defaults_module_a_deploy_layer_is_loaded_over_names_only_default_services(lint):
    app = ('from flask import Flask\n\napp = Flask(__name__)\napp.config.from_object("settings.defaults")\n'
           'app.config.from_envvar("APP_SETTINGS")\n')
    defaults = 'SQLALCHEMY_DATABASE_URI = "postgresql://db.internal:5432/app"\nMAIL_SERVER = "localhost"\n'
    result = lint({"app.py": app, "settings/defaults.py": defaults}, select=("TF401", "TF402"))
    assert sorted((f.rule, f.severity) for f in result.findings) == [("TF401", "info"), ("TF402", "info")]
    assert "`from_envvar()` (line 5) in `app.py`" in _by_rule(result, "TF401")[0].message


def test_a_defaults_file_name_shared_by_two_files_marks_neither(lint):
    app = ('from flask import Flask\n\napp = Flask(__name__)\napp.config.from_pyfile("default_config.py")\n'
           'app.config.from_pyfile("instance.py", silent=True)\n')
    defaults = 'SQLALCHEMY_DATABASE_URI = "postgresql://db.internal:5432/app"\n'
    result = lint({"app.py": app, "default_config.py": defaults, "legacy/default_config.py": defaults},
                  select=("TF401",))
    assert [f.severity for f in result.findings if f.path == "default_config.py"] == ["warning"]


def test_a_projects_own_build_of_a_datastore_is_a_backing_service_and_a_consumer_of_one_is_not(lint):
    compose = ("services:\n  search:\n    image: ghcr.io/acme/shop-elasticsearch:8\n    volumes:\n      - es:/data\n"
               "  consumer:\n    image: ghcr.io/acme/shop-kafka-consumer:1\n    volumes:\n      - inbox:/data\n"
               "volumes:\n  es:\n  inbox:\n")
    result = lint({"docker-compose.yml": compose}, select=("TF616",))
    (finding,) = _by_rule(result, "TF616")
    assert finding.message.startswith("service `consumer` keeps")


def test_a_file_store_named_a_cache_by_its_writer_says_so_and_one_named_nothing_is_called_the_apps_data(lint):
    def store(name, method, data):
        return (f"import json\n\nclass {name}:\n    def load(self):\n        return json.load(open(self.p))\n\n"
                f"    def {method}(self):\n        {data} = self.items\n        json.dump({data}, open(self.p, 'w'))\n")
    result = lint({"app/a.py": store("DomainMapper", "_write_scan_cache", "data"),
                   "app/b.py": store("LLMFilter", "run", "cache_data"),
                   "app/c.py": store("Orders", "save", "data")}, select=("TF607",))
    assert [(f.path, f.severity, "keeps a cache" in f.message) for f in _by_rule(result, "TF607")] == [
        ("app/a.py", "info", True), ("app/b.py", "info", True), ("app/c.py", "info", False)]


def test_a_mount_of_a_host_path_the_deploy_sets_names_the_variable(lint):
    compose = "services:\n  web:\n    build: .\n    volumes:\n      - ${UPLOAD_PATH}:/usr/share/app/upload/\n"
    (finding,) = _by_rule(lint({"docker-compose.yml": compose}, select=("TF616",)), "TF616")
    assert "keeps `/usr/share/app/upload/` on a bind volume (`${UPLOAD_PATH}`)" in finding.message


_HEARTBEAT = """\
import threading
from celery import shared_task

def set_interval(seconds, func):
    stopped = threading.Event()
    def loop():
        while not stopped.wait(seconds):
            func()
    threading.Thread(target=loop, daemon=True).start()
    return stopped.set

@shared_task
def process_task(task_id):
    cancel_monitor = set_interval(5, print)
    try:
        print(task_id)
    finally:
        {stop}
"""


def test_a_heartbeat_thread_the_job_stops_in_its_finally_is_not_detached(lint):
    stopped = lint({"worker/tasks.py": _HEARTBEAT.format(stop="cancel_monitor()")}, select=("TF612",))
    assert _by_rule(stopped, "TF612") == []
    left_running = lint({"worker/tasks.py": _HEARTBEAT.format(stop="print(cancel_monitor)")}, select=("TF612",))
    assert [f.line for f in _by_rule(left_running, "TF612")] == [9]


def test_a_monitor_thread_whose_event_the_job_sets_in_its_finally_is_not_detached(lint):
    job = ("import threading\nfrom celery import shared_task\n\n@shared_task\ndef export(task_id):\n"
           "    stop = threading.Event()\n    monitor = threading.Thread(target=stop.wait)\n    monitor.start()\n"
           "    try:\n        print(task_id)\n    finally:\n        {stop}\n")
    assert _by_rule(lint({"worker/tasks.py": job.format(stop="stop.set()")}, select=("TF612",)), "TF612") == []
    unset = lint({"worker/tasks.py": job.format(stop="print(stop)")}, select=("TF612",))
    assert [f.line for f in _by_rule(unset, "TF612")] == [8]


_DEV_VIEW = """\
import shutil
from django.conf import settings
from django.http import Http404, HttpResponse

def copymerge(src, dst):
    shutil.copy2(src, dst)

def dev_tools(request):
    if not settings.{flag}:
        raise Http404()
    copymerge(request.POST["src"], "locale")
    shutil.copy2(request.POST["src"], "static")
    return HttpResponse("ok")
{more}"""


def test_a_view_that_404s_unless_a_development_flag_is_on_is_lowered_with_the_flag_named(lint):
    result = lint({"app/views/dev.py": _DEV_VIEW.format(flag="DEV", more="")}, select=("TF606",))
    assert [(f.line, f.severity) for f in _by_rule(result, "TF606")] == [(6, "info"), (12, "info")]
    assert all("only when settings.DEV is set" in f.message for f in _by_rule(result, "TF606"))


def test_a_feature_flag_guard_or_a_helper_called_elsewhere_too_stays_a_warning(lint):
    feature = lint({"app/views/dev.py": _DEV_VIEW.format(flag="USE_LOCALE_SYNC", more="")}, select=("TF606",))
    assert [f.severity for f in _by_rule(feature, "TF606")] == ["warning", "warning"]
    also = "\ndef sync(request):\n    copymerge(request.POST['src'], 'locale')\n    return HttpResponse('ok')\n"
    shared = lint({"app/views/dev.py": _DEV_VIEW.format(flag="DEV", more=also)}, select=("TF606",))
    assert [(f.line, f.severity) for f in _by_rule(shared, "TF606")] == [(6, "warning"), (12, "info")]


def test_a_helper_writing_to_a_path_one_caller_does_not_make_scratch_is_reported(lint):
    views = ("import os\nimport tempfile\nfrom django.http import HttpResponse\n\n"
             "def download_file(url, destination):\n    with open(destination, 'wb') as fd:\n        fd.write(b'x')\n\n"
             "def fetch(request):\n    fd, path = tempfile.mkstemp()\n    download_file('u', path)\n    os.unlink(path)\n"
             "    return HttpResponse('ok')\n{more}")
    scratch = lint({"app/views.py": views.format(more="")}, select=("TF606",))
    assert _by_rule(scratch, "TF606") == []
    kept = "\ndef keep(request):\n    download_file('u', os.path.join('media', 'a.zip'))\n    return HttpResponse('ok')\n"
    assert [f.line for f in _by_rule(lint({"app/views.py": views.format(more=kept)}, select=("TF606",)), "TF606")] == [6]


_LOCMEM_SETTINGS = ('INSTALLED_APPS = ["django.contrib.sessions"]\nROOT_URLCONF = "videos.urls"\n'
                    'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n')


def test_a_per_process_default_cache_nothing_uses_is_info_saying_so(lint):
    views = "from django.views.decorators.cache import never_cache\n\n@never_cache\ndef index(request):\n    return 1\n"
    result = lint({"videos/settings.py": _LOCMEM_SETTINGS, "videos/views.py": views}, select=("TF602",))
    [finding] = _by_rule(result, "TF602")
    assert finding.severity == "info" and "nothing in the project uses the default cache" in finding.message


def test_a_per_process_default_cache_the_project_reads_stays_a_warning(lint):
    uses = {
        "videos/views.py": "from django.core.cache import cache\n\ndef index(request):\n    return cache.get('k')\n",
        "videos/api.py": "from rest_framework.throttling import UserRateThrottle\n\nclass Burst(UserRateThrottle):\n"
                         "    rate = '5/min'\n",
        "videos/more_settings.py": 'from .settings import *\nMIDDLEWARE = ["django.middleware.cache.UpdateCacheMiddleware"]\n',
    }
    for path, code in uses.items():
        result = lint({"videos/settings.py": _LOCMEM_SETTINGS, path: code}, select=("TF602",))
        assert [f.severity for f in _by_rule(result, "TF602")] == ["warning"], path


def test_an_installed_app_that_stores_in_the_default_cache_counts_as_a_use(lint):
    settings = _LOCMEM_SETTINGS.replace('["django.contrib.sessions"]', '["django.contrib.sessions", "allauth.account"]')
    result = lint({"videos/settings.py": settings}, select=("TF602",))
    assert [f.severity for f in _by_rule(result, "TF602")] == ["warning"]


def test_a_view_a_development_decorator_gates_is_lowered_with_the_decorator_named(lint):
    views = ("import shutil\nfrom django.conf import settings\nfrom django.contrib.auth.decorators import user_passes_test\n"
             "from django.http import HttpResponse\nfrom app.decorators import dev_only\n\n"
             "@user_passes_test(lambda u: settings.DEBUG)\ndef sync(request):\n    shutil.copy2('a', 'locale')\n"
             "    return HttpResponse('ok')\n\n@dev_only\ndef seed(request):\n    shutil.copy2('a', 'fixtures')\n"
             "    return HttpResponse('ok')\n\n@user_passes_test(lambda u: u.is_superuser)\ndef admin(request):\n"
             "    shutil.copy2('a', 'media')\n    return HttpResponse('ok')\n")
    found = [(f.line, f.severity, "lets it run" in f.message) for f in
             _by_rule(lint({"app/views.py": views}, select=("TF606",)), "TF606")]
    assert found == [(9, "info", True), (14, "info", True), (19, "warning", False)]


_PINNED = """\
services:
  {db}:
    image: {db_image}
    container_name: {db}
  webapp:
    image: acme/shop_webapp
    container_name: webapp
  worker:
    image: acme/shop_webapp
    container_name: worker
    command: celery -A shop worker
"""


@pytest.mark.parametrize("db, db_image", [("db", "acme/shop_db"), ("database", "acme/shop-data:1"),
                                          ("redis", "acme/shop-store"), ("postgres", "acme/shop-pg"),
                                          ("search-es", "acme/shop-es:8.19")])
def test_a_compose_file_pinning_the_app_and_its_own_database_build_speaks_of_the_app(lint, db, db_image):
    """The project's build of its database (`webodm/webodm_db`) or a pulled image run as a service named for one
    (`db`, `redis`) is the backing service: one copy by design, and not the finding's headline."""
    result = lint({"docker-compose.yml": _PINNED.format(db=db, db_image=db_image), "shop/wsgi.py": "app = None\n"},
                  select=("TF803",), severity=_PINS_WARN)
    [finding] = _by_rule(result, "TF803")
    assert (finding.line, finding.severity) == (7, "warning")
    assert "service `webapp`" in finding.message and f"`{db}`" not in finding.message
    assert finding.message.endswith("(and 1 more in this file: line 10)")  # the worker; never the database


def test_a_service_named_for_what_the_app_talks_to_is_still_the_app(lint):
    compose = "services:\n  redis-worker:\n    image: acme/shop:1\n    container_name: shop-worker\n"
    result = lint({"docker-compose.yml": compose, "shop/wsgi.py": "app = None\n"}, select=("TF803",), severity=_PINS_WARN)
    assert [(f.line, f.severity) for f in _by_rule(result, "TF803")] == [(4, "warning")]


@pytest.mark.parametrize("name, expected", [
    ("docker-compose.nodeodm.yml", "info"),  # an extra -f file: opt-in
    ("docker-compose.prod.yml", "warning"),  # named for production: the deploy
    ("docker-compose.override.yml", "info"),  # read by `docker compose up`, and the developers' layer
])
def test_an_extra_compose_file_completing_another_is_opt_in(lint, name, expected):
    compose = ("services:\n  webapp:\n    depends_on:\n      - node-1\n"
               "  node-1:\n    image: acme/shop-node\n    container_name: node-1\n")
    result = lint({name: compose, "shop/wsgi.py": "app = None\n"}, select=("TF803",), severity=_PINS_WARN)
    [finding] = _by_rule(result, "TF803")
    assert (finding.line, finding.severity) == (7, expected)
    assert ("-f" in finding.message) == (name == "docker-compose.nodeodm.yml")


def test_a_compose_file_that_runs_alone_is_not_an_addition(lint):
    compose = ("services:\n  api:\n    extends: {file: common.yml, service: base}\n"
               "  web:\n    image: acme/shop:1\n    container_name: shop-web\n")
    result = lint({"docker-compose.run.yml": compose, "shop/wsgi.py": "app = None\n"}, select=("TF803",), severity=_PINS_WARN)
    assert [(f.line, f.severity) for f in _by_rule(result, "TF803")] == [(6, "warning")]


def test_a_base_file_other_compose_files_extend_is_not_an_addition(lint):
    base = "services:\n  app:\n    container_name: shop_app\n    command: gunicorn shop.wsgi\n"
    main = "services:\n  app:\n    extends:\n      file: docker-compose.base.yml\n      service: app\n    image: acme/shop:1\n"
    result = lint({"docker-compose.base.yml": base, "docker-compose.yml": main, "shop/wsgi.py": "app = None\n"},
                  select=("TF803",), severity=_PINS_WARN)
    assert [(f.path, f.line, f.severity) for f in _by_rule(result, "TF803")] == [("docker-compose.base.yml", 3, "warning")]


@pytest.mark.parametrize("cmd, reported", [
    ('CMD radicale -S -C /radicale.conf', False),  # a CalDAV/CardDAV store: its collections belong on a volume
    ('ENTRYPOINT ["tini", "--"]\nCMD ["/usr/bin/redis-server", "/etc/redis.conf"]', False),
    ('CMD ["gunicorn", "app:app"]', True),  # the app keeping its data on the image's volume
])
def test_an_image_that_starts_a_datastore_keeps_its_data_on_its_volume(lint, cmd, reported):
    dockerfile = f"FROM python:3.12-slim\nRUN pip install radicale\nVOLUME /data\n{cmd}\n"
    result = lint({"Dockerfile": dockerfile}, select=("TF616",))
    assert [(f.line, f.severity) for f in _by_rule(result, "TF616")] == ([(3, "warning")] if reported else [])


@pytest.mark.parametrize("target, command, reported", [
    ("server", "", False),  # the build target starts `chroma run`: the project's own database server
    ("worker", "", True),  # another target of the same Dockerfile runs the app
    ("", "", True),  # no target: the final stage, the app
    ("worker", "chroma run /config.yaml", False),  # the service's own command starts the server
])
def test_a_service_built_to_start_a_datastore_server_keeps_the_databases_data(lint, target, command, reported):
    """chroma: the repository is a database server; its compose service builds the server stage, whose persist
    directory on a volume is the database's storage, like a postgres data volume."""
    dockerfile = ('FROM debian:stable-slim AS server\nENTRYPOINT ["dumb-init", "--", "chroma"]\nCMD ["run", "/config.yaml"]\n'
                  'FROM python:3.12-slim AS worker\nCMD ["python", "-m", "app.worker"]\n')
    service = "services:\n  server:\n    build:\n      context: .\n" + (f"      target: {target}\n" if target else "")
    service += (f"    command: {command}\n" if command else "") + "    volumes:\n      - data:/data\nvolumes:\n  data:\n"
    result = lint({"Dockerfile": dockerfile, "docker-compose.yml": service}, select=("TF616",))
    assert [f.path for f in _by_rule(result, "TF616")] == (["docker-compose.yml"] if reported else [])


@pytest.mark.parametrize("image, proxy", [
    ("mathesar/mathesar-caddy:latest", True),  # the project's own build of its edge proxy, named for it at the end
    ("acme/ralph-static-nginx:1", True),
    ("ghostwriter_production_nginx", True),
    ("bunkerity/bunkerweb-all-in-one:1.6.2", True),  # BunkerWeb, an nginx-based reverse proxy
    ("nginxproxy/acme-companion:2.4", True),  # the proxy's certificate helper
    ("acme/shop-httpd:1", False),  # httpd may run the app itself (mod_wsgi)
    ("acme/caddy-config-api:1", False),  # a word before the end says what the app talks to
])
def test_an_image_named_for_an_edge_proxy_at_the_end_is_a_proxy(image, proxy):
    from twelvefactor_lint.analyze import images
    assert (images.image_kind(image) == images.PROXY) is proxy


_INMEMORY_LAYER = ('INSTALLED_APPS = ["daphne", "chat"]\nROOT_URLCONF = "chat.urls"\n'
                   'CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}\n')


@pytest.mark.parametrize("more, expected", [
    ({}, []),  # a layer nothing uses: asgi.py serving plain Django, no consumer, no group_send
    ({"chat/asgi.py": "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n"}, []),
    ({"chat/consumers.py": "from channels.generic.websocket import WebsocketConsumer\n\n"
                           "class Echo(WebsocketConsumer):\n    pass\n"}, ["warning"]),
    ({"chat/tasks.py": "from channels.layers import get_channel_layer\n\ndef ping():\n    return get_channel_layer()\n"},
     ["warning"]),
    ({"chat/api.py": "from djangochannelsrestframework.generics import GenericAsyncAPIConsumer\n"}, ["warning"]),
])
def test_an_in_memory_channel_layer_is_judged_only_where_something_passes_messages_through_it(lint, more, expected):
    result = lint({"chat/settings.py": _INMEMORY_LAYER, **more}, select=("TF610",))
    assert [f.severity for f in _by_rule(result, "TF610")] == expected


def test_a_migration_command_that_only_checks_or_prints_applies_nothing():
    from twelvefactor_lint.analyze.shell.programs import MIGRATION, program_role

    for checking in (("python", "manage.py", "migrate", "sessions", "--check", "-v0"), ("./manage.py", "migrate", "--plan"),
                     ("alembic", "upgrade", "head", "--sql"), ("flask", "db", "upgrade", "--sql")):
        assert program_role(checking) is None, checking
    assert program_role(("python", "manage.py", "migrate", "--noinput")) == MIGRATION


def test_the_migration_a_failed_migrate_check_guards_is_still_reported_alone(lint):
    script = ("#!/bin/sh\nif ! python manage.py migrate sessions --check -v0; then\n    python manage.py migrate\nfi\n"
              'exec "$@"\n')
    dockerfile = ('FROM python:3.12-slim\nCOPY entrypoint.sh /entrypoint.sh\nENTRYPOINT ["/entrypoint.sh"]\n'
                  'CMD ["gunicorn", "app.wsgi"]\n')
    result = lint({"entrypoint.sh": script, "Dockerfile": dockerfile}, select=("TF1201",))
    assert [(f.line, f.severity) for f in result.findings] == [(3, "warning")]


_DEV_STACK_IMAGE = ('FROM python:3.12-slim\nCOPY tools/docker/entrypoint.sh /usr/local/bin/entrypoint.sh\n{env}'
                    'ENTRYPOINT ["/usr/local/bin/entrypoint.sh"]\nCMD ["python3", "manage.py", "runserver", "0.0.0.0:8000"]\n')
_DEV_STACK = ("services:\n  web:\n    build: {context: ., dockerfile: ./tools/docker/Dockerfile}\n"
              "    command: python3 manage.py runserver 0.0.0.0:8000\n    volumes:\n      - .:/home/app/src/\n")


@pytest.mark.parametrize("env, severity", [
    ("ENV DJANGO_SETTINGS_MODULE=app.settings.dev\n", "info"),  # the image selects development settings itself
    ("ENV DJANGO_SETTINGS_MODULE=app.settings\n", "warning"),  # it may be the only image a project deploys
    ("", "warning"),
])
def test_a_script_a_dev_stack_starts_speaks_for_the_image_it_runs_in(lint, env, severity):
    files = {"tools/docker/entrypoint.sh": '#!/bin/sh\npython manage.py migrate\nexec "$@"\n',
             "tools/docker/Dockerfile": _DEV_STACK_IMAGE.format(env=env), "docker-compose-sqlite3.yml": _DEV_STACK}
    (found,) = lint(files, select=("TF1201",)).findings
    assert (found.line, found.severity) == (2, severity)
    assert "started by tools/docker/Dockerfile:" in found.message and "ENTRYPOINT" in found.message


def test_deploy_files_under_a_directory_named_for_tests_are_a_test_setup(lint):
    files = {"docker/test-server/Dockerfile": ('FROM python:3.12-slim\nCOPY docker/test-server/entrypoint.sh /entrypoint.sh\n'
                                               'VOLUME /data\nCMD ["/entrypoint.sh"]\n'),
             "docker/test-server/entrypoint.sh": "#!/bin/sh\nuvicorn app.asgi:application --host 0.0.0.0\n"}
    assert lint(files, select=("TF616", "TF902")).findings == ()
    files = {path.replace("test-server", "server"): code.replace("test-server", "server") for path, code in files.items()}
    assert sorted(f.rule for f in lint(files, select=("TF616", "TF902")).findings) == ["TF616", "TF902"]


_SSE = """\
import asyncio
from fastapi import APIRouter
from fastapi.responses import StreamingResponse

router = APIRouter()

async def relay(queue):
    await queue.put("event")

@router.get("/events")
async def events():
    queue = asyncio.Queue()
    asyncio.ensure_future(relay({handed}))
    return {response}
"""


@pytest.mark.parametrize("handed, response, reported", [
    ("queue", "StreamingResponse(iter([queue]))", False),  # the task feeds this open response's queue
    ("queue", "{}", True),  # no stream: the task outlives the request
    ("[]", "StreamingResponse(iter([queue]))", True),  # a stream's task that does not feed it (saves a log)
])
def test_a_task_feeding_a_streaming_response_ends_with_that_connection(lint, handed, response, reported):
    result = lint({"app/events.py": _SSE.format(handed=handed, response=response)}, select=("TF612",))
    assert [f.line for f in _by_rule(result, "TF612")] == ([13] if reported else [])


@pytest.mark.parametrize("base, reported", [
    ("AsyncHttpConsumer", False),  # a Channels HTTP consumer holds one server-sent events response open
    ("SyncConsumer", True),  # a channel-layer consumer: no connection of its own
])
def test_a_keepalive_task_of_a_channels_http_consumer_serves_its_connection(lint, base, reported):
    consumer = ("import asyncio\nfrom channels.consumer import SyncConsumer\n"
                "from channels.generic.http import AsyncHttpConsumer\n\n\n"
                f"class Events({base}):\n    async def handle(self, body):\n"
                "        asyncio.get_running_loop().create_task(self.keepalive())\n\n"
                "    async def keepalive(self):\n        await asyncio.sleep(60)\n")
    result = lint({"app/consumers.py": consumer}, select=("TF612",))
    assert bool(_by_rule(result, "TF612")) == reported


@pytest.mark.parametrize("signature, severity", [
    ('level_file, logfilepath="app.log"', "info"),  # the caller's config passes a level to turn the file log on
    ('level_file=None, logfilepath="app.log"', "info"),
    ('level_file="INFO", logfilepath="app.log"', "warning"),  # on unless a caller turns it off
    ('production, logfilepath="app.log"', "warning"),  # a switch that names no file log
])
def test_a_file_handler_a_file_log_parameter_turns_on_is_opt_in(lint, signature, severity):
    test = "production" if signature.startswith("production") else "level_file"
    logger = ("import logging.handlers\n\n\n"
              f"def setup({signature}):\n    if {test}:\n"
              "        logging.getLogger().addHandler(logging.handlers.RotatingFileHandler(logfilepath, maxBytes=9))\n")
    (finding,) = _by_rule(lint({"app/logger.py": logger}, select=("TF1101",)), "TF1101")
    assert finding.severity == severity
    assert ("when `level_file` is set" in finding.message) == (severity == "info")


@pytest.mark.parametrize("later, expected", [
    ('DEBUG = env.bool("DEBUG", default=DEBUG)', [("warning", "fallback of a later read")]),  # reads itself back
    ('if "DEBUG" in os.environ:\n    DEBUG = os.environ["DEBUG"] == "1"', [("warning", "fallback of a later read")]),
    ('DEBUG = os.environ.get("DEBUG") == "1"', []),  # always replaced: the literal never runs
    ('if os.environ.get("X"):\n    DEBUG = False', [("warning", "every deploy")]),  # a literal, not a read
    ("DEBUG = DEBUG", [("warning", "every deploy")]),
])
def test_a_debug_literal_read_again_later_in_the_settings_is_a_fallback(lint, later, expected):
    settings = f'import os\nimport environ\n\nenv = environ.Env()\nROOT_URLCONF = "mysite.urls"\nDEBUG = True\n{later}\n'
    result = _by_rule(lint({"mysite/settings.py": settings}, select=("TF303",)), "TF303")
    assert [(f.severity, text) for f in result for text in [e[1] for e in expected] if text in f.message] == expected
    assert [f.line for f in result] == [6] * len(expected)
