"""Config values the environment overrides through a layer beside the literal (round-19 classes): a pydantic settings
class built on another package's settings class, an Invenio project's `INVENIO_<KEY>` loader, a SQLite database a
later statement replaces from what a read finds, and a base settings cache every production module updates."""

from __future__ import annotations

from conftest import python_facts, rule_findings

_facts = python_facts
_findings = rule_findings


def test_a_class_built_on_an_imported_pydantic_settings_class_takes_its_fields_from_the_environment():
    source = """
        from secrets import token_hex
        import arxiv.config as arxiv_base
        from pydantic import SecretStr
        from app.models import Preferences

        class Settings(arxiv_base.Settings):
            SHOW_EMAIL_SECRET: SecretStr = SecretStr(token_hex(10))

        class Stored(Preferences):
            TOKEN_SECRET: str = token_hex(10)
        """
    found = {f.env_key: f.settings_field for f in _facts(source, "python.secret_random_fallback", "browse/config.py")}
    assert found == {"SHOW_EMAIL_SECRET": True, "TOKEN_SECRET": False}  # `Preferences`: no settings class


def test_a_base_settings_class_needs_pydantic_in_the_module():
    source = """
        import secrets
        from app.config import AppSettings

        class Local(AppSettings):
            SECRET_KEY = secrets.token_hex(10)
        """
    assert [f.settings_field for f in _facts(source, "python.secret_random_fallback", "app/local.py")] == [False]


def test_a_locator_computed_into_other_settings_at_import_says_which():
    locators = _facts(
        """
        CELERY_BROKER_URL = "amqp://guest:guest@localhost:5672//"
        QUEUES_BROKER_URL = CELERY_BROKER_URL
        CACHE_REDIS_HOST = "localhost"
        CACHE_REDIS_URL = "redis://{0}:6379/0".format(CACHE_REDIS_HOST)
        """, "python.service_locator", "site/config.py")
    assert {f.key: f.derived_into for f in locators} == {"CELERY_BROKER_URL": "", "CACHE_REDIS_HOST": "`CACHE_REDIS_URL`"}


def test_an_invenio_project_config_module_is_overridden_by_prefixed_variables(tmp_path, catalogue):
    files = {
        "site/config.py": 'CELERY_BROKER_URL = "amqp://localhost//"\n'
                          'CACHE_REDIS_HOST = "localhost"\n'
                          'CACHE_REDIS_URL = "redis://%s:6379/0" % CACHE_REDIS_HOST\n',
        "site/tasks.py": 'BROKER_URL = "amqp://localhost//"\n',
        "requirements.txt": "invenio-app==1.2.2\n",
    }
    assert _findings(tmp_path, catalogue, files, "TF402") == [
        ("site/config.py", 1, "info"), ("site/config.py", 2, "warning"), ("site/tasks.py", 1, "warning")]


def test_without_invenio_app_a_config_module_literal_stays_a_warning(tmp_path, catalogue):
    files = {"site/config.py": 'CELERY_BROKER_URL = "amqp://localhost//"\n', "requirements.txt": "flask==3.0\n"}
    assert _findings(tmp_path, catalogue, files, "TF402") == [("site/config.py", 1, "warning")]


def test_a_dict_entry_updated_from_a_read_makes_the_literal_its_fallback():
    settings = _facts(
        """
        import os
        import dj_database_url
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        if os.environ.get("DATABASE_URL"):
            DATABASES["default"].update(dj_database_url.config())
        DATABASES["default"]["ATOMIC_REQUESTS"] = True
        """, "python.setting")
    engine = next(s for s in settings if s.key == "DATABASES.default.ENGINE")
    assert engine.read_again == "DATABASES['default'].update(dj_database_url.config())"
    assert engine.read_again_env and not engine.overridden


def test_a_database_a_config_file_may_set_again_is_not_an_environment_fallback():
    settings = _facts(
        """
        import configparser
        config = configparser.ConfigParser()
        config.read("app.ini")
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        if "database" in config:
            DATABASES = {"default": {x.upper(): y for x, y in config.items("database")}}
        """, "python.setting")
    engine = next(s for s in settings if s.key == "DATABASES.default.ENGINE")
    assert engine.read_again and not engine.read_again_env


def test_a_dict_entry_always_replaced_is_overridden_and_an_unrelated_entry_is_not():
    settings = _facts(
        """
        import environ
        env = environ.Env()
        DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"},
                     "other": {"ENGINE": "django.db.backends.sqlite3", "NAME": "other.sqlite3"}}
        DATABASES["default"] = env.db("DATABASE_URL")
        DATABASES["other"]["ATOMIC_REQUESTS"] = True
        """, "python.setting")
    by_key = {s.key: s for s in settings if s.line == 4 or s.line == 5}
    assert by_key["DATABASES.default.ENGINE"].overridden
    assert not by_key["DATABASES.other.ENGINE"].overridden and not by_key["DATABASES.other.ENGINE"].read_again


def test_an_update_with_a_dict_a_name_holds_sets_its_entries_with_the_reads_they_name():
    settings = _facts(
        """
        import environ
        from .base import *
        from .base import CACHES
        env = environ.Env()
        CACHE_BACKEND = env("CACHE_BACKEND", default="django.core.cache.backends.locmem.LocMemCache")
        cache_config = {"default": {"BACKEND": CACHE_BACKEND, "LOCATION": env("CACHE_LOCATION", default="")}}
        CACHES.update(cache_config)
        """, "python.setting", "core/settings/production.py")
    found = {s.key: (s.line, s.value, s.origin, s.env_key) for s in settings if s.key.startswith("CACHES")}
    assert found == {
        "CACHES.default.BACKEND": (6, "django.core.cache.backends.locmem.LocMemCache", "env_default", "CACHE_BACKEND"),
        "CACHES.default.LOCATION": (7, "", "env_default", "CACHE_LOCATION"),
    }


def test_base_cache_every_production_module_updates_is_not_what_production_runs(tmp_path, catalogue):
    base = ('INSTALLED_APPS = ["compressor"]\nROOT_URLCONF = "core.urls"\n'
            'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n')
    update = ('import os\nfrom .base import *\nfrom .base import CACHES\n'
              'CACHES.update({"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": os.environ["R"]}})\n')
    files = {"core/settings/base.py": base, "core/settings/production.py": update,
             "core/settings/scalingo.py": update}
    assert _findings(tmp_path, catalogue, files, "TF602") == []
    files["core/settings/scalingo.py"] = "from .base import *\n"  # one production module keeps base's cache
    assert _findings(tmp_path / "kept", catalogue, files, "TF602") == [("core/settings/base.py", 3, "warning")]


def test_another_arm_of_the_same_if_does_not_set_a_literal_again():
    settings = _facts(
        """
        import os
        if os.getenv("DATABASE_TYPE") == "postgres":
            DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": os.environ["DB_HOST"]}}
        elif os.getenv("DATABASE_TYPE") == "sqlite3":
            DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": "db.sqlite3"}}
        else:
            DATABASES = {"default": {"ENGINE": "django.db.backends.mysql", "HOST": os.getenv("DB_HOST", "db")}}
        """, "python.setting")
    engine = next(s for s in settings if s.key == "DATABASES.default.ENGINE" and s.value.endswith("sqlite3"))
    assert not engine.read_again and not engine.overridden


def test_a_local_settings_file_an_image_copies_into_place_sets_the_base_values_again(tmp_path, catalogue):
    settings = ('INSTALLED_APPS = []\nROOT_URLCONF = "app.urls"\nDEBUG = True\n'
                'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "localhost"}}\n'
                'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n'
                'try:\n    from .settings_local import *\nexcept ImportError:\n    pass\n')
    local = ('import os\nDEBUG = os.environ.get("DJANGO_DEBUG") == "1"\nALLOWED_HOSTS = ["*"]\n'
             'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": os.environ["PGHOST"]}}\n')
    dockerfile = ("FROM python:3.12-slim\nWORKDIR /srv\nCOPY . /srv\n"
                  "COPY docker/settings_local.py /srv/app/settings_local.py\nCMD [\"gunicorn\", \"app.wsgi\"]\n")
    files = {"app/settings.py": settings, "docker/settings_local.py": local, "Dockerfile": dockerfile}
    assert rule_findings(tmp_path, catalogue, files, "TF303") == []
    assert rule_findings(tmp_path, catalogue, files, "TF402") == [("app/settings.py", 4, "info")]
    assert [f[:2] for f in rule_findings(tmp_path, catalogue, files, "TF602")] == [("app/settings.py", 5)]  # kept
    files["Dockerfile"] = dockerfile.replace("COPY docker/settings_local.py /srv/app/settings_local.py\n", "")
    assert rule_findings(tmp_path / "uncopied", catalogue, files, "TF303") == [("app/settings.py", 3, "warning")]
