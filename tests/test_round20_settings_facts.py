"""Facts behind the round-20 settings fixes (issue 12): switches named for credentials, the SMTP login of a module
sending mail through an API backend, a development account's password, refusals by `assert` outside development,
globals set from the environment, a literal only ever an env read's fallback, a storage backend named by a
module-level name, and a base config class no config map selects."""

from __future__ import annotations

from tests.conftest import python_facts


def test_flag_fallbacks_are_no_secrets():
    facts = python_facts("""
        import ast
        import os
        MAP_CLIENT_USE_CROSS_ORIGIN_CREDENTIALS = ast.literal_eval(os.getenv("MAP_CLIENT_USE_CROSS_ORIGIN_CREDENTIALS", "False"))
        API_USE_CREDENTIALS = os.environ.get("API_USE_CREDENTIALS", "1") == "1"
        SERVICE_PASSWORD = os.environ.get("SERVICE_PASSWORD", "Tr0ub4dor&3")
    """, "python.secret_env_fallback")
    assert [f.env_key for f in facts] == ["SERVICE_PASSWORD"]


def test_smtp_login_unused_with_an_api_backend():
    source = """
        import os
        INSTALLED_APPS = []
        EMAIL_BACKEND = "{backend}"
        EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "Tr0ub4dor&3")
    """
    api = python_facts(source.format(backend="anymail.backends.mailgun.EmailBackend"), "python.secret_env_fallback")
    smtp = python_facts(source.format(backend="django.core.mail.backends.smtp.EmailBackend"),
                        "python.secret_env_fallback")
    assert not api
    assert [f.env_key for f in smtp] == ["EMAIL_HOST_PASSWORD"]


def test_password_equal_to_the_account_is_a_placeholder():
    facts = python_facts("""
        import os
        API_CLIENT_ID = "send-money"
        SHARED_API_USERNAME = os.environ.get("SHARED_API_USERNAME", "send-money")
        SHARED_API_PASSWORD = os.environ.get("SHARED_API_PASSWORD", "send-money")
        DB_USER = os.environ.get("DB_USER", "shopkeeper")
        DB_PASSWORD = os.environ.get("DB_PASSWORD", "shopkeeper")
    """, "python.secret_env_fallback")
    by_key = {f.env_key: f for f in facts}
    assert by_key["SHARED_API_PASSWORD"].placeholder and not by_key["SHARED_API_PASSWORD"].looks_real
    assert by_key["DB_PASSWORD"].looks_real  # a database started with it accepts it


def test_assert_outside_development_refuses_the_placeholder():
    facts = python_facts("""
        import os
        from .base import *
        from .base import SECRET_KEY
        ENVIRONMENT = os.environ.get("ENV", "local")
        if ENVIRONMENT != "local":
            assert SECRET_KEY != "CHANGE_ME", "SECRET_KEY must be set up"
        if ENVIRONMENT == "local":
            assert DEBUG
    """, "python.required_env", "shop/settings/docker.py")
    refusal = next(f for f in facts if f.variable == "SECRET_KEY")
    assert refusal.refuses == ("CHANGE_ME",) and refusal.outside_development
    assert not next(f for f in facts if f.variable == "DEBUG").outside_development


def test_globals_set_from_the_environment():
    facts = python_facts("""
        import os
        from .defaults import *
        globals().update(os.environ)
    """, "python.env_globals", "website/settings/__init__.py")
    loop = python_facts("""
        import os
        from .defaults import *
        for key, value in os.environ.items():
            globals()[key] = value
    """, "python.env_globals", "website/settings/__init__.py")
    assert [f.module for f in facts + loop] == ["website.settings", "website.settings"]


def test_literal_only_an_env_fallback_through_a_copy():
    facts = python_facts("""
        import os
        INSTALLED_APPS = []
        RABBITMQ_SIGNALS_BROKER_URL = "amqp://localhost:5672"
        _BROKER_URL = RABBITMQ_SIGNALS_BROKER_URL
        CELERY_BROKER_URL = os.environ.get("BROKER_URL", _BROKER_URL)
        RESULT_BACKEND_URL = "redis://localhost:6379"
        print(RESULT_BACKEND_URL)
    """, "python.service_locator")
    by_key = {f.key: f for f in facts}
    assert (by_key["RABBITMQ_SIGNALS_BROKER_URL"].origin, by_key["RABBITMQ_SIGNALS_BROKER_URL"].env_key) == \
        ("env_default", "BROKER_URL")
    assert by_key["RESULT_BACKEND_URL"].origin == "literal"  # used otherwise too


def test_storage_backend_named_by_a_module_level_name():
    facts = python_facts("""
        from decouple import config
        INSTALLED_APPS = []
        UPLOADS_FILE_STORAGE = config("UPLOADS_FILE_STORAGE", default="storages.backends.gcloud.GoogleCloudStorage")
        STORAGES = {"default": {"BACKEND": UPLOADS_FILE_STORAGE}}
    """, "python.setting")
    backend = next(f for f in facts if f.key == "STORAGES.default.BACKEND")
    assert (backend.value, backend.origin) == ("storages.backends.gcloud.GoogleCloudStorage", "env_default")


def test_base_config_class_no_map_selects():
    source = """
        class Config:
            DEBUG = True

        class Live(Config):
            DEBUG = False

        class Development(Config):
            {development}

        configs = {{"development": Development, "production": Live}}
    """
    facts = python_facts(source.format(development="DEBUG = True"), "python.setting", "config.py")
    inherits = python_facts(source.format(development="TESTING = True"), "python.setting", "config.py")
    assert next(f for f in facts if f.function == "Config" and f.key == "DEBUG").unselected_base == \
        "`Development`, `Live`"
    assert next(f for f in inherits if f.function == "Config" and f.key == "DEBUG").unselected_base == ""
