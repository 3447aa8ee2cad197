"""Config and settings-framework classes named for one environment: development (`Local`, a `Docker` class beside
a production one) and the test suite (`AutomatedTests`) are not production."""

from __future__ import annotations

import textwrap


def test_settings_framework_classes_named_for_local_docker_or_tests_are_not_production(lint):
    """env_config's (and django-configurations') one class per environment: `Local` and `AutomatedTests` are
    development and test settings; `Docker` is the developers' compose stack's beside a `Production` class."""
    settings = textwrap.dedent("""
        from env_config import Environment, values

        class Common(Environment):
            DEBUG = False

        class Local(Common):
            DATABASES = values.DatabaseURLValue(default="postgis://tvp:s3cr3tpw@db.example/tvp")

        class Docker(Common):
            DATABASES = values.DatabaseURLValue(default="postgis://tvp:s3cr3tpw@db/tvp")

        class AutomatedTests(Common):
            DATABASES = values.DatabaseURLValue(default="postgis://tvp:s3cr3tpw@db.example/tvp")

        class Platta(Common):
            DATABASES = values.DatabaseURLValue(default="postgis://tvp:s3cr3tpw@db.example/tvp")
        PRODUCTION
    """)
    with_production = settings.replace("PRODUCTION", "class Production(Platta):\n    pass")
    judged = {(f.line, f.severity) for f in lint({"config/settings.py": with_production}, select=("TF304",)).findings}
    assert judged == {(8, "info"), (11, "info"), (17, "warning")}
    alone = settings.replace("PRODUCTION", "")
    judged = {(f.line, f.severity) for f in lint({"config/settings.py": alone}, select=("TF304",)).findings}
    assert judged == {(8, "info"), (11, "warning"), (17, "warning")}
