"""Config and state idioms of issue 14 as the Python analyzer and link read them: environs' positional default,
service hosts named with a prefix or by the variable only, a database password's word fallback, a signing key a
helper generates and keeps in a file, and Django media reported at the MEDIA_ROOT uploads go under."""

from __future__ import annotations

import pytest
from conftest import python_facts, rule_findings

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.analyze.python.state import absolute_import
from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run

_facts = python_facts
_findings = rule_findings


def test_environs_takes_its_default_second_and_django_environ_a_cast():
    settings = _facts(
        """
        import environ
        from environs import Env, FileAwareEnv
        envs = Env()
        aware = FileAwareEnv()
        env = environ.Env()
        A = envs("A_HOST", "a-default")
        B = aware("B_HOST", "b-default")
        C = env("C_HOST", str)
        """, "python.setting")
    found = {s.key: (s.value, s.origin) for s in settings}
    assert found["A"] == ("a-default", "env_default")
    assert found["B"] == ("b-default", "env_default")
    assert found["C"][1] == "env"  # a cast is no fallback


def test_a_service_host_is_named_by_a_prefix_an_infix_word_or_the_variable_it_is_read_from():
    locators = _facts(
        """
        import os
        REDIS_ACTIVITY_HOST = os.environ.get("REDIS_ACTIVITY_HOST", "localhost")
        SCANCODEIO_DB_HOST = os.environ.get("SCANCODEIO_DB_HOST", "127.0.0.1")
        RQ_QUEUES = {"default": {"HOST": os.environ.get("APP_RQ_REDIS_HOST", "localhost")}}
        SITE_HOST = os.environ.get("SITE_HOST", "localhost")
        REDIS_ACTIVITY_PORT = os.environ.get("REDIS_ACTIVITY_PORT", "localhost")
        RQ_NAMES = {"default": {"NAME": os.environ.get("APP_RQ_NAME", "localhost")}}
        """, "python.service_locator")
    assert sorted((f.line, f.host, f.origin) for f in locators) == [
        (3, "localhost", "env_default"), (4, "127.0.0.1", "env_default"), (5, "localhost", "env_default")]


def test_a_database_password_word_fallback_is_info_unless_a_deploy_sets_it(tmp_path, catalogue):
    settings = ('import os\nINSTALLED_APPS = []\nROOT_URLCONF = "shop.urls"\n'
                'DATABASES = {"default": {"PASSWORD": os.environ.get("SHOP_DB_PASSWORD", "shop")}}\n'
                'MINIO_PWD = os.environ.get("MINIO_PWD", "shop")\n')
    assert _findings(tmp_path / "a", catalogue, {"shop/settings.py": settings}, "TF302") == [
        ("shop/settings.py", 4, "info")]  # MinIO's password is no database's: not judged
    compose = ("services:\n  web:\n    build: .\n    environment:\n      SHOP_DB_PASSWORD: ${SHOP_DB_PASSWORD}\n"
               "      MINIO_PWD: ${MINIO_PWD}\n")
    assert _findings(tmp_path / "b", catalogue, {"shop/settings.py": settings, "docker-compose.yml": compose},
                     "TF302") == []


def test_a_key_scaffolding_renders_or_a_model_keeps_in_its_column_is_no_process_key():
    facts = _facts(
        """
        import secrets
        from django.core.management.templates import TemplateCommand
        from django.db import models
        from django.utils.crypto import get_random_string

        class ProjectCommand(TemplateCommand):
            def handle(self, options):
                options["secret_key"] = "django-insecure-" + get_random_string(50)
                super().handle("project", options.pop("name"), None, **options)

        class Other:
            def handle(self, options):
                options["secret_key"] = get_random_string(50)
                self.start(**options)

        def write_settings(template):
            context = {}
            context["secret_key"] = secrets.token_hex(32)
            return template.render(context)

        class Alert(models.Model):
            secret_key = models.CharField(max_length=40)

            def save(self, *args, **kwargs):
                self.secret_key = get_random_string(length=40)

        class Server:
            secret_key = None

            def start(self):
                self.secret_key = secrets.token_hex(32)
        """, "python.secret_random_fallback", path="pkg/commands.py")
    assert sorted((f.line, f.function) for f in facts) == [(14, "Other.handle"), (32, "Server.start")]


def test_a_signing_key_a_helper_generates_and_keeps_in_a_file_is_reported_at_the_write():
    facts = _facts(
        """
        import os

        def get_secret_key():
            path = "/data/.key"
            if os.path.exists(path):
                with open(path) as f:
                    return f.read()
            new_key = os.urandom(32).hex()
            with open(path, "w") as f:
                f.write(new_key)
            return new_key

        def get_invite():
            code = os.urandom(8).hex()
            with open("/tmp/code", "w") as f:
                f.write(code)
            return code

        app.config["SECRET_KEY"] = get_secret_key()
        INVITE = get_invite()
        SESSION_SECRET = get_invite()
        """, "python.secret_random_fallback", path="app/__init__.py")
    assert sorted((f.line, f.env_key, f.persisted, f.function) for f in facts) == [
        (11, "SECRET_KEY", True, "get_secret_key"), (17, "SESSION_SECRET", True, "get_invite")]


def test_a_key_helper_that_never_writes_its_key_keeps_nothing():
    facts = _facts(
        """
        import os

        def get_secret_key():
            new_key = os.urandom(32).hex()
            print(new_key)
            return new_key

        SECRET_KEY = get_secret_key()
        """, "python.secret_random_fallback", path="app/__init__.py")
    assert [f.persisted for f in facts] == []


def test_django_media_is_reported_at_the_media_root_of_the_deployed_settings(tmp_path, catalogue):
    models = 'from django.db import models\n\nclass Doc(models.Model):\n    f = models.FileField(upload_to="l/")\n'
    with_root = {"library/models.py": models,
                 "mysite/settings.py": 'INSTALLED_APPS = ["library"]\nROOT_URLCONF = "mysite.urls"\nMEDIA_ROOT = "/media"\n'}
    assert _findings(tmp_path / "a", catalogue, with_root, "TF605") == [("mysite/settings.py", 3, "warning")]
    without = {"library/models.py": models, "mysite/settings.py": 'INSTALLED_APPS = ["library"]\nROOT_URLCONF = "mysite.urls"\n'}
    assert _findings(tmp_path / "b", catalogue, without, "TF605") == [("library/models.py", 4, "warning")]
    # a MEDIA_ROOT chosen by a flag only places the finding: the severity follows the storage, not that branch
    flagged = {"library/models.py": models,
               "mysite/settings.py": 'import os\nINSTALLED_APPS = ["library"]\nROOT_URLCONF = "mysite.urls"\n'
                                   'if os.environ.get("DOCKER"):\n    MEDIA_ROOT = "/media"\n'}
    assert _findings(tmp_path / "c", catalogue, flagged, "TF605") == [("mysite/settings.py", 5, "warning")]


START_CALLS = {
    "recipes/db/init_db.py": "from alembic import command\n\ndef main():\n    command.upgrade(None, 'head')\n\n"
                             "def unused():\n    command.upgrade(None, 'head')\n",
    "recipes/jobs.py": "from apscheduler.schedulers.background import BackgroundScheduler\n\n"
                       "def setup():\n    BackgroundScheduler().start()\n",
    "recipes/app.py": "from contextlib import asynccontextmanager\nfrom fastapi import FastAPI\nimport logging\n"
                      "from recipes import jobs\n\n@asynccontextmanager\nasync def lifespan(_):\n"
                      "    import recipes.db.init_db as init_db\n    init_db.main()\n    logging.basicConfig()\n"
                      "    yield\n\napp = FastAPI(lifespan=lifespan)\njobs.setup()\n\n"
                      "@app.get('/')\ndef index():\n    jobs.setup()\n",
}


def test_start_up_code_names_the_functions_of_other_modules_it_calls():
    refs = _facts(START_CALLS["recipes/app.py"], "python.module_refs", path="recipes/app.py")
    # the lifespan's and the web module body's calls; not the standard library's, not a request handler's
    assert refs[0].start_calls == ("recipes.db.init_db.main", "fastapi.FastAPI", "recipes.jobs.setup")
    relative = _facts("from flask import Flask\nfrom . import jobs\n\ndef create_app():\n    jobs.setup()\n"
                      "    return Flask(__name__)\n", "python.module_refs", path="recipes/factory.py")
    assert relative[0].start_calls == ("recipes.jobs.setup", "flask.Flask")


@pytest.mark.parametrize(("qualified", "module", "is_package", "absolute"), [
    ("app.db.init", "recipes.app", False, "app.db.init"),       # already absolute
    (".jobs.setup", "recipes.app", False, "recipes.jobs.setup"),
    (".jobs.setup", "recipes", True, "recipes.jobs.setup"),     # from a package's __init__
    ("..db.init", "recipes.web.app", False, "recipes.db.init"),
    ("...db.init", "recipes.app", False, ""),                   # climbs above the top package
    ("..x", "app", False, ""),
])
def test_relative_imports_resolve_against_the_importing_package(qualified, module, is_package, absolute):
    assert absolute_import(qualified, module, is_package) == absolute


def test_what_a_called_function_runs_is_start_up_code_one_hop_away(tmp_path, catalogue):
    assert _findings(tmp_path, catalogue, START_CALLS, "TF1202") == [("recipes/db/init_db.py", 4, "warning")]
    assert _findings(tmp_path, catalogue, START_CALLS, "TF611") == [("recipes/jobs.py", 4, "warning")]
    messages = [f.message for f in run([tmp_path], Settings(root=tmp_path), catalogue).findings if f.rule == "TF611"]
    assert "function `setup()` (called by start-up code in recipes/app.py)" in messages[0]


def test_a_migration_helper_called_at_start_is_reported_where_it_is_called(tmp_path, catalogue):
    files = {"app/db.py": "from alembic import command\n\ndef migrate_db():\n    command.upgrade(None, 'head')\n",
             "app/main.py": "from fastapi import FastAPI\nfrom app.db import migrate_db\n\napp = FastAPI()\n\n"
                            "@app.on_event('startup')\ndef start():\n    migrate_db()\n"}
    assert _findings(tmp_path, catalogue, files, "TF1202") == [("app/main.py", 8, "warning")]


def test_django_media_is_one_finding_at_the_media_root_most_deployed_settings_use(tmp_path, catalogue):
    models = 'from django.db import models\n\nclass Doc(models.Model):\n    f = models.FileField(upload_to="l/")\n'
    files = {"library/models.py": models,
             "conf/settings/base.py": 'INSTALLED_APPS = ["library"]\nROOT_URLCONF = "conf.urls"\nMEDIA_ROOT = "/media"\n',
             "conf/settings/staging.py": 'from .base import *\nMEDIA_ROOT = "/srv/media"\n',
             "conf/settings/web.py": "from .base import *\n", "conf/settings/worker.py": "from .base import *\n"}
    assert _findings(tmp_path, catalogue, files, "TF605") == [("conf/settings/base.py", 3, "warning")]


def test_a_thread_a_start_up_helper_of_another_module_starts_is_not_followed(tmp_path, catalogue):
    files = {"app/metrics.py": "import threading\n\ndef start_refresher():\n    threading.Thread(target=print).start()\n",
             "app/main.py": "from fastapi import FastAPI\nfrom app import metrics\n\napp = FastAPI()\n"
                            "metrics.start_refresher()\n"}
    assert _findings(tmp_path, catalogue, files, "TF612") == []


def test_an_environment_read_picking_a_config_by_its_fallback_is_a_config_default():
    defaults = _facts(
        """
        import os
        application = create_app(os.getenv("APP_ENV") or "development")
        app.config.from_object(configs[os.getenv("FLASK_ENV", "dev")])
        app.config.from_object(os.getenv("CONFIG_CLASS", "svc.config.LocalConfig"))
        selected = configs[os.environ.get("STAGE", "local")]
        ENV = os.getenv("FLASK_ENV", "development")
        port = int(os.getenv("PORT", "5000"))
        """, "python.config_default", path="app/wsgi.py")
    assert sorted((f.line, f.env_key, f.selects) for f in defaults) == [
        (3, "APP_ENV", "development"), (4, "FLASK_ENV", "dev"), (5, "CONFIG_CLASS", "svc.config.LocalConfig"),
        (6, "STAGE", "local")]  # a bare assignment picks nothing; a port is no config's name


_DEV_CLASSES = ("import os\n\nclass Config:\n    DEBUG = False\n\nclass DevelopmentConfig(Config):\n    DEBUG = True\n\n"
                "class LocalConfig(Config):\n    DEBUG = True\n\nclass ProductionConfig(Config):\n    pass\n")


@pytest.mark.parametrize("fallback, line", [
    ('"development"', 7), ('"LocalConfig"', 10), ('"svc.config.LocalConfig"', 10),
    ('"production"', None), ('"other.config.LocalConfig"', None), ('"dev"', None)])
def test_the_development_class_a_fallback_selects_is_judged_as_production_config(tmp_path, catalogue, fallback, line):
    wsgi = ("import os\nfrom flask import Flask\napp = Flask(__name__)\n"
            f"app.config.from_object(os.getenv('APP_CONFIG', {fallback}))\n")
    found = _findings(tmp_path, catalogue, {"svc/config.py": _DEV_CLASSES, "svc/wsgi.py": wsgi}, "TF303")
    assert found == ([("svc/config.py", line, "warning")] if line else [])


def test_a_password_the_app_compares_requests_with_is_judged_like_its_own_key(tmp_path, catalogue):
    main = ('import os\nimport secrets\n\nPASSWORD = os.getenv("PASSWORD", "admin")\n'
            'MAIL_PASSWORD = os.getenv("MAIL_PASSWORD", "admin")\n\n'
            'def auth(given):\n    return secrets.compare_digest(given.encode(), f"{PASSWORD}".encode())\n')
    facts = {f.env_key: f.checked for f in _facts(main, "python.secret_env_fallback", path="api/main.py")}
    assert facts == {"PASSWORD": True, "MAIL_PASSWORD": False}
    assert _findings(tmp_path / "a", catalogue, {"api/main.py": main}, "TF302") == [("api/main.py", 4, "warning")]
    unchecked = main.replace('f"{PASSWORD}".encode()', "b'x'")
    assert _findings(tmp_path / "b", catalogue, {"api/main.py": unchecked}, "TF302") == []


def test_a_salt_fallback_is_an_own_key_and_a_database_password_repeating_its_user_is_a_literal():
    salt = _facts('import os\nSECURITY_PASSWORD_SALT = os.getenv("SECURITY_PASSWORD_SALT", "my_precious")\n'
                  'EMAIL_TOKEN_SALT = os.getenv("EMAIL_TOKEN_SALT", "aardvark")\n', "python.secret_env_fallback")
    assert [(f.env_key, f.own_key) for f in salt] == [("SECURITY_PASSWORD_SALT", True)]  # a serializer's salt is no secret
    literals = _facts(
        """
        DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "USER": "mediashop", "PASSWORD": "mediashop"}}
        OAUTH = {"client_id": "bot-context", "client_secret": "bot-context"}
        """, "python.secret_literal")
    assert [f.key for f in literals] == ["PASSWORD"]  # the OAuth pair repeats a placeholder: not a credential


def test_a_pydantic_field_is_set_by_its_name_in_upper_case_unless_the_class_is_case_sensitive():
    settings = _facts(
        """
        from pydantic_settings import BaseSettings, SettingsConfigDict

        class Settings(BaseSettings):
            model_config = SettingsConfigDict(env_prefix="app_")
            debug: bool = True

        class Exact(BaseSettings):
            model_config = SettingsConfigDict(case_sensitive=True)
            redis_url: str = "redis://localhost:6379/0"

        class Legacy(BaseSettings):
            secret_key: str = "changeme"
            class Config:
                case_sensitive = True
                env_prefix = "svc_"
        """, "python.setting")
    found = {s.key: (s.env_key, s.origin) for s in settings}
    assert found["debug"] == ("APP_DEBUG", "env_default")
    assert found["redis_url"] == ("redis_url", "env_default")
    assert found["secret_key"] == ("svc_secret_key", "env_default")


def test_a_lower_case_pydantic_debug_field_on_by_default_is_debug_unless_the_deploy_sets_it(tmp_path, catalogue):
    config = "from pydantic_settings import BaseSettings\n\nclass Settings(BaseSettings):\n    debug: bool = True\n"
    assert _findings(tmp_path / "a", catalogue, {"app/config.py": config}, "TF303") == [("app/config.py", 4, "warning")]
    compose = 'services:\n  web:\n    build: .\n    command: uvicorn app.main:app\n    environment:\n      DEBUG: "false"\n'
    assert _findings(tmp_path / "b", catalogue, {"app/config.py": config, "docker-compose.yml": compose}, "TF303") == [
        ("app/config.py", 4, "info")]  # DEBUG sets the field: the deploy decides


_DRAFTS = """
    import os
    from flask import Flask, request, send_file

    app = Flask(__name__)
    DRAFTS = "drafts"

    @app.post("/drafts/<name>")
    def save(name):
        path = os.path.join(DRAFTS, name)
        with open(path, "w") as out:
            out.write(request.form["body"])
        {cleanup}
        return "saved"
    """


def test_a_file_one_branch_deletes_is_kept_data_when_another_handler_reads_from_its_place():
    branch = "if request.form.get('discard'):\n            os.remove(path)"
    reader = '\n    @app.get("/drafts/<name>")\n    def load(name):\n        return send_file(os.path.join(DRAFTS, name))\n'
    kept = _facts(_DRAFTS.replace("{cleanup}", branch) + reader, "python.file_write", "app/views.py")
    assert [(f.line, f.target) for f in kept] == [(11, "path")]
    # nobody reads drafts back: what one branch deletes is scratch space, as before
    assert _facts(_DRAFTS.replace("{cleanup}", branch), "python.file_write", "app/views.py") == []
    # deleted on every path through the handler: scratch, whoever reads the place
    always = _DRAFTS.replace("{cleanup}", "os.remove(path)") + reader
    assert _facts(always, "python.file_write", "app/views.py") == []
    # the same place named by the string the module constant holds
    by_string = reader.replace("os.path.join(DRAFTS, name)", '"drafts/" + name')
    assert len(_facts(_DRAFTS.replace("{cleanup}", branch) + by_string, "python.file_write", "app/views.py")) == 1
    # another handler reading from somewhere else says nothing about drafts
    elsewhere = reader.replace("os.path.join(DRAFTS, name)", 'os.path.join("exports", name)')
    assert _facts(_DRAFTS.replace("{cleanup}", branch) + elsewhere, "python.file_write", "app/views.py") == []


def test_settings_read_from_a_config_file_in_a_module_reading_no_variable_are_one_fact_at_the_read():
    source = """
        import configparser
        import json
        import os
        import yaml

        parser = configparser.ConfigParser()
        parser.read(os.path.join(os.path.dirname(__file__), "app.ini"))
        with open("config.yml") as f:
            CONFIG = yaml.safe_load(f)
        DB = CONFIG["database"]
        SECRET_KEY = parser["app"]["secret_key"]
        DATABASES = {"default": {"HOST": DB["host"]}}
        FEATURES = json.load(open("features.json"))
        """
    found = _facts(source, "python.file_settings")
    assert [(f.line, f.file, f.format, f.settings) for f in found] == [(8, "app.ini", "INI", "SECRET_KEY, DATABASES")]
    no_key = source.replace('SECRET_KEY = parser["app"]["secret_key"]', 'TIME_ZONE = parser["app"]["tz"]')
    assert _facts(no_key, "python.file_settings") == []  # the secret key is what makes it the deploy's config


def test_a_module_that_reads_the_environment_keeps_no_config_only_in_its_file(tmp_path, catalogue):
    settings = ('import configparser\nINSTALLED_APPS = []\nROOT_URLCONF = "shop.urls"\n'
                'config = configparser.ConfigParser()\nconfig.read("shop.ini")\nSECRET_KEY = config["app"]["key"]\n')
    assert _findings(tmp_path / "a", catalogue, {"shop/settings.py": settings}, "TF309") == [("shop/settings.py", 5, "info")]
    with_env = settings.replace("import configparser\n", "import configparser\nimport os\n") + \
        'DEBUG = os.getenv("DEBUG") == "1"\n'
    assert _findings(tmp_path / "b", catalogue, {"shop/settings.py": with_env}, "TF309") == []


def test_task_runner_switches_that_run_jobs_inline_are_settings_and_following_debug_is_their_condition():
    settings = _facts(
        """
        import os
        from huey import RedisHuey, SqliteHuey
        from rq import Queue
        DEBUG = os.environ.get("DEBUG") == "1"
        HUEY = {"immediate": DEBUG, "name": DEBUG}
        Q_CLUSTER = {"sync": settings.DEBUG}
        huey = RedisHuey("jobs", immediate=os.getenv("HUEY_IMMEDIATE", "") == "")
        local = SqliteHuey("jobs", immediate=True)
        queue = Queue(is_async=False)
        """, "python.setting")
    found = {s.key: (s.value, s.origin, s.env_key, s.condition) for s in settings}
    assert found["HUEY.immediate"] == ("True", "literal", "", "when `DEBUG` is on")
    assert found["Q_CLUSTER.sync"] == ("True", "literal", "", "when `DEBUG` is on")
    assert "HUEY.name" not in found  # only the switches that run jobs inline follow DEBUG
    assert found["immediate"] == ("True", "env_default", "HUEY_IMMEDIATE", "")  # RedisHuey's, not SqliteHuey's
    assert [s.line for s in settings if s.key == "immediate"] == [8]
    assert found["is_async"] == ("False", "literal", "", "")


def test_inline_task_runners_are_info_in_production_and_silent_in_tests_under_another_test_or_in_a_function(
        tmp_path, catalogue):
    code = 'from rq import Queue\nqueue = Queue(is_async=False)\nQ_CLUSTER = {"sync": True}\n'
    chosen = ('from rq import Queue\nQ_CLUSTER = {}\nif DEBUG and RUNNING_TESTS:\n    Q_CLUSTER["sync"] = True\n'
              'def run_now(job):\n    return Queue(is_async=False).enqueue(job)\n')
    files = {"app/jobs.py": code, "tests/test_jobs.py": code, "app/settings_test.py": code, "app/inline.py": chosen}
    assert _findings(tmp_path, catalogue, files, "TF613") == [("app/jobs.py", 2, "info"), ("app/jobs.py", 3, "info")]


def test_a_settings_package_built_on_the_development_module_is_not_what_deploys_run(tmp_path, catalogue):
    base = ('import os\nfrom django.utils.crypto import get_random_string\nINSTALLED_APPS = []\nROOT_URLCONF = "s.urls"\n'
            'SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", get_random_string(50))\n')
    files = {"s/settings/base.py": base, "s/settings/dev.py": "from .base import *\nDEBUG = True\n",
             "s/settings/prod.py": 'import os\nfrom .base import *\nSECRET_KEY = os.environ["DJANGO_SECRET_KEY"]\n',
             "s/wsgi.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "s.settings.prod")\n',
             "manage.py": 'import os\nos.environ.setdefault("DJANGO_SETTINGS_MODULE", "s.settings")\n'}
    # the package manage.py falls back to always runs the development settings: only prod.py is deployed
    assert _findings(tmp_path / "a", catalogue, {**files, "s/settings/__init__.py": "from .dev import *\n"}, "TF302") == []
    # a package that picks the development or the production module is still a deployable leaf (prod.py reads the key)
    picks = "try:\n    from .dev import *\nexcept ImportError:\n    from .prod import *\n"
    assert _findings(tmp_path / "b", catalogue, {**files, "s/settings/__init__.py": picks}, "TF302") == []
    assert _findings(tmp_path / "c", catalogue, {**files, "s/settings/__init__.py": "from .base import *\n"}, "TF302") == [
        ("s/settings/base.py", 5, "warning")]  # the package manage.py (and a deploy) may select keeps the fallback


@pytest.mark.parametrize("expression, expected", [
    ('"storages.backends.s3.S3Storage" if not TESTING else "x.FileSystemStorage"', "storages.backends.s3.S3Storage"),
    ('"x.FileSystemStorage" if settings.TESTING else "storages.backends.s3.S3Storage"', "storages.backends.s3.S3Storage"),
    ('"x.FileSystemStorage" if CI else ("a.Local" if not TEST else "b.Remote")', "a.Local"),
])
def test_a_setting_a_test_switch_chooses_is_the_value_deploys_run(expression, expected):
    """`X if not TESTING else Y`: the tests run Y; every other run, the deploys among them, runs X."""
    code = f'STORAGES = {{"default": {{"BACKEND": {expression}}}}}\n'
    facts = analyze("app/settings.py", code.encode()).facts
    assert [(f.key, f.value) for f in facts if getattr(f, "key", "").startswith("STORAGES")] == [
        ("STORAGES.default.BACKEND", expected)]


def test_a_dict_setting_entry_naming_a_module_dict_is_flattened_under_each_branch_condition():
    settings = _facts(
        """
        import os
        BUCKET = os.environ.get("BUCKET", "")
        if BUCKET:
            _STORAGE = {"BACKEND": "storages.backends.s3boto3.S3Boto3Storage"}
        else:
            _STORAGE = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
        STORAGES = {"default": _STORAGE}
        """, "python.setting")
    assert sorted((s.key, s.line, s.value, s.condition) for s in settings if s.key.startswith("STORAGES")) == [
        ("STORAGES.default.BACKEND", 5, "storages.backends.s3boto3.S3Boto3Storage", "when BUCKET is set"),
        ("STORAGES.default.BACKEND", 7, "django.core.files.storage.FileSystemStorage", "when BUCKET is not set"),
    ]


def test_a_key_a_comment_calls_public_is_said_public_and_a_comment_about_another_value_is_not():
    literals = _facts(
        """
        def query(opts):
            apikey = opts["api_key"]
            if not apikey:
                # Public API key
                apikey = "3edfb5603418f101926c64ca5dd0e409"
            demo_token = "Zq8vR2mK9pL4sT8wZ3nB6yH1"  # public demo token (free tier)
            signing_key = "9f8E7d6C5b4A39281706f5e4D3c2B1a0"  # the public key is in keys.py
            private_key = "kR3jT9zQwX2vL8mN4pB6yH1cF5dG7sA0"  # never make this public
            return apikey, demo_token, signing_key, private_key
        """, "python.secret_literal", path="modules/lookup.py")
    assert [(f.key, f.said_public) for f in literals] == [
        ("apikey", True), ("demo_token", True), ("signing_key", False), ("private_key", False)]


def test_rabbitmqs_guest_account_in_code_is_a_public_default_on_any_host():
    urls = _facts('import os\nA = os.getenv("A", "amqp://guest:guest@rabbit:5672//")\n'
                  'B = os.getenv("B", "amqp://guest:guest@localhost:5672//")\n'
                  'C = os.getenv("C", "amqp://celery:Kq8vR2mZ9pL4@rabbit:5672//")\n', "python.url_credentials")
    assert [(f.public_default, f.local_default) for f in urls] == [(True, False), (True, True), (False, False)]


def test_a_key_file_path_fallback_is_no_secret_but_a_password_path_is():
    facts = _facts(
        """
        import os

        SFTP_PRIVATE_KEY = os.environ.get("SFTP_PRIVATE_KEY", "~/.ssh/id_rsa")
        GOOGLE_CREDENTIALS = os.getenv("GOOGLE_CREDENTIALS", "keys/service-account.json")
        TLS_CERT = os.getenv("TLS_CERT", "/etc/ssl/certs/app.pem")
        SSH_PRIVATE_KEY = os.getenv("SSH_PRIVATE_KEY", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7")
        SECRET_KEY = os.getenv("SECRET_KEY", "/srv/app/key")
        """, "python.secret_env_fallback")
    assert sorted((f.line, f.env_key) for f in facts) == [(7, "SSH_PRIVATE_KEY"), (8, "SECRET_KEY")]
