"""Settings defaults that the settings a deploy runs replace (round-26 class): a later statement that sets the value
again when an environment variable is set (`env_layer`), settings star-imported after it, and one production settings
module per deploy that django-split-settings' `include()` (or `if`/`elif` star imports) selects by a variable."""

from __future__ import annotations

from conftest import python_facts, rule_findings, write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run

_CACHE_VIEW = 'from django.core.cache import cache\n\ndef hits():\n    return cache.incr("hits")\n'
_BLOG = ('import os\nINSTALLED_APPS = ["django.contrib.sessions"]\nROOT_URLCONF = "blog.urls"\n'
         'SESSION_ENGINE = "django.contrib.sessions.backends.db"\n'
         'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n'
         'if os.environ.get("DJANGO_REDIS_URL"):\n'
         '    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",\n'
         '                          "LOCATION": os.environ["DJANGO_REDIS_URL"]}}\n')


def test_a_later_statement_under_a_variable_test_is_the_env_layer_of_the_literal(tmp_path, catalogue):
    files = {"blog/settings.py": _BLOG, "blog/views.py": _CACHE_VIEW}
    assert rule_findings(tmp_path, catalogue, files, "TF602") == [("blog/settings.py", 5, "warning")]
    files["Dockerfile"] = 'FROM python:3.12\nCOPY . /app\nENV DJANGO_REDIS_URL=redis://redis\nCMD ["gunicorn", "blog.wsgi"]\n'
    assert rule_findings(tmp_path / "set", catalogue, files, "TF602") == [("blog/settings.py", 5, "info")]


def test_the_env_layer_names_the_variable_and_the_statement(tmp_path, catalogue):
    root = write_tree(tmp_path, {"blog/settings.py": _BLOG, "blog/views.py": _CACHE_VIEW})
    result = run([root], Settings(root=root), catalogue)
    [finding] = [f for f in result.findings if f.rule == "TF602"]
    assert "`DJANGO_REDIS_URL` is unset" in finding.message and "blog/settings.py:7" in finding.message


def test_an_unconditional_or_earlier_rebinding_is_no_env_layer(tmp_path, catalogue):
    earlier = ('import os\nINSTALLED_APPS = []\nROOT_URLCONF = "blog.urls"\n'
               'if os.environ.get("R"):\n    CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache"}}\n'
               'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n')
    files = {"blog/settings.py": earlier, "blog/views.py": _CACHE_VIEW}
    assert rule_findings(tmp_path, catalogue, files, "TF602") == [("blog/settings.py", 6, "warning")]


def test_a_package_init_replacing_a_base_location_under_a_variable_makes_it_a_default(tmp_path, catalogue):
    base = ('INSTALLED_APPS = []\nROOT_URLCONF = "elmo.urls"\n'
            'CACHES = {"default": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",\n'
            '                      "LOCATION": "127.0.0.1:11211"}}\n')
    init = ('import os\nfrom .base import *\nfrom .base import CACHES\n'
            'if "ELMO_MEMCACHED" in os.environ:\n    CACHES["default"]["LOCATION"] = os.environ["ELMO_MEMCACHED"]\n')
    files = {"elmo/settings/base.py": base, "elmo/settings/__init__.py": init}
    assert rule_findings(tmp_path, catalogue, files, "TF402") == [("elmo/settings/base.py", 4, "info")]


def test_split_settings_include_is_a_star_import_under_the_branch_that_lists_the_file():
    source = """
        import os
        from split_settings.tools import include, optional

        base_settings = ["core.py"]
        if os.environ.get("IN_DOCKER", "") and bool(int(os.environ["IN_DOCKER"])):
            base_settings.append("docker.py")
        elif os.environ.get("ON_HEROKU", ""):
            base_settings.append("heroku.py")
        else:
            base_settings.append(optional("local.py"))
        include(*base_settings, "extra/*.py")
        """
    stars = python_facts(source, "python.star_import", "app/settings/__init__.py")
    assert [(f.imports, f.condition) for f in stars] == [
        ("app.settings.core", ""), ("app.settings.docker", "when IN_DOCKER is set"),
        ("app.settings.heroku", "when ON_HEROKU is set"), ("app.settings.local", "when ON_HEROKU is not set")]


def test_without_split_settings_an_include_call_is_not_a_star_import():
    source = """
        from django.urls import include
        INSTALLED_APPS = []
        ROOT_URLCONF = "app.urls"
        include("core.py")
        """
    assert python_facts(source, "python.star_import", "app/settings/__init__.py") == []


def _split(arms: dict[str, str]) -> dict[str, str]:
    lines = ["import os", "from split_settings.tools import include", "", 'base_settings = ["core.py"]']
    for number, (name, variable) in enumerate(arms.items()):
        lines += [f'{"if" if number == 0 else "elif"} os.environ.get("{variable}"):',
                  f'    base_settings.append("{name}.py")']
    lines.append("include(*base_settings)")
    return {"app/settings/__init__.py": "\n".join(lines) + "\n"}


_CORE = ('INSTALLED_APPS = ["django.contrib.sessions"]\nROOT_URLCONF = "app.urls"\n'
         'SESSION_ENGINE = "django.contrib.sessions.backends.db"\n'
         'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n')
_REDIS = ('DEBUG = False\nALLOWED_HOSTS = ["*"]\n'
          'CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://redis"}}\n')
_KEEPS = 'DEBUG = False\nALLOWED_HOSTS = ["*"]\nTIME_ZONE = "UTC"\n'


def test_a_base_every_production_arm_replaces_is_what_the_selected_settings_set_again(tmp_path, catalogue):
    files = {**_split({"docker": "IN_DOCKER", "heroku": "ON_HEROKU"}), "app/settings/core.py": _CORE,
             "app/settings/docker.py": _REDIS, "app/settings/heroku.py": _REDIS, "app/views.py": _CACHE_VIEW}
    assert rule_findings(tmp_path, catalogue, files, "TF602") == [("app/settings/core.py", 4, "info")]
    files["app/settings/heroku.py"] = _KEEPS  # one deploy keeps the base's cache
    assert rule_findings(tmp_path / "kept", catalogue, files, "TF602") == [("app/settings/core.py", 4, "warning")]


def test_an_arm_value_is_not_replaced_by_another_arm(tmp_path, catalogue):
    local = ('DEBUG = False\nALLOWED_HOSTS = ["*"]\n'
             'CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}\n')
    files = {**_split({"docker": "IN_DOCKER", "heroku": "ON_HEROKU"}), "app/settings/core.py": _KEEPS,
             "app/settings/docker.py": local, "app/settings/heroku.py": _REDIS, "app/views.py": _CACHE_VIEW}
    assert rule_findings(tmp_path, catalogue, files, "TF602") == [("app/settings/docker.py", 3, "warning")]


def test_a_ci_arm_beside_the_deploy_arms_is_not_judged(tmp_path, catalogue):
    ci = ('DEBUG = False\nALLOWED_HOSTS = ["*"]\n'
          'DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "HOST": "localhost"}}\n')
    files = {**_split({"github": "GITHUB_CI", "docker": "IN_DOCKER", "heroku": "ON_HEROKU"}),
             "app/settings/core.py": _KEEPS, "app/settings/github.py": ci, "app/settings/docker.py": _KEEPS,
             "app/settings/heroku.py": _KEEPS}
    assert rule_findings(tmp_path, catalogue, files, "TF402") == []


def test_settings_star_imported_afterwards_only_on_ci_leave_the_value_as_it_is(tmp_path, catalogue):
    base = ('import os\nINSTALLED_APPS = []\nROOT_URLCONF = "site.urls"\n'
            'CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://127.0.0.1:6379/1"}}\n'
            'if os.environ.get("CIRCLECI"):\n    from .ci import *\n')
    ci = 'CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}\nDEBUG = False\n'
    files = {"site/settings/base.py": base, "site/settings/ci.py": ci}
    assert rule_findings(tmp_path, catalogue, files, "TF402") == [("site/settings/base.py", 4, "warning")]
    files["site/settings/base.py"] = base.replace('if os.environ.get("CIRCLECI"):\n    from .ci import *\n',
                                                  "from .ci import *\n")
    assert rule_findings(tmp_path / "always", catalogue, files, "TF402") == [("site/settings/base.py", 4, "info")]
