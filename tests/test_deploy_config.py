"""Config kept in a deploy's Python file, Flask's and NetBox's shapes: the loads the analyzer records
(python.config_file_load), the settings read off an imported configuration module (python.config_module_read) and the
one finding link makes of them per template or module (link.deploy_config, TF309)."""

from __future__ import annotations

import textwrap

import pytest
from conftest import write_tree

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.config import Settings
from twelvefactor_lint.runner import run


def _loads(source: str) -> list[tuple[int, str, str]]:
    facts = analyze("app/__init__.py", textwrap.dedent(source).encode("utf-8")).facts
    return [(f.line, f.loader, f.loaded) for f in facts if f.kind == "python.config_file_load"]


def test_a_load_names_its_file_or_module():
    assert _loads("""
        import os
        import settings as config
        from flask import Flask
        app = Flask(__name__)
        app.config.from_pyfile(os.path.join(os.path.dirname(__file__), "instance/config.py"))
        app.config.from_object("config.ProductionConfig")
        app.config.from_object(config)
        """) == [(6, "from_pyfile", "instance/config.py"), (7, "from_object", "config"), (8, "from_object", "settings")]


@pytest.mark.parametrize("load", [
    'app.config.from_pyfile(os.environ["APP_CONFIG"])',  # the deploy names the file
    'app.config.from_pyfile(os.getenv("APP_CONFIG", "config.py"))',
    'app.config.from_pyfile("local.py", silent=True)',  # an optional layer
    'app.config.from_object(make_config())',  # nothing named
    'app.config.from_object("config")\napp.config.from_envvar("APP_SETTINGS")',  # the environment gets a layer over it
    'app.config.from_object("config")\napp.config.from_prefixed_env()',
])
def test_a_load_the_environment_names_or_layers_over_is_none(load):
    assert _loads(f"import os\nfrom flask import Flask\napp = Flask(__name__)\n{load}\n") == []


def _findings(tmp_path, catalogue, files: dict[str, str]) -> list[tuple[str, int, str]]:
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return [(f.path, f.line, f.message) for f in result.findings if f.rule == "TF309"]


APP = "from flask import Flask\n\napp = Flask(__name__)\napp.config.from_pyfile('config.py')\n"


def test_one_finding_per_template_at_the_first_load(tmp_path, catalogue):
    worker = "from flask import Config\nconfig = Config('.')\nconfig.from_object('config')\n"
    files = {"app/__init__.py": APP, "app/worker.py": worker, "config.py.sample": "SECRET_KEY = 'x'\n"}
    [(path, line, message)] = _findings(tmp_path, catalogue, files)
    assert (path, line) == ("app/__init__.py", 4)
    assert message.startswith("`app` loads its config (`from_pyfile()`) from `config.py`, which the repository ships "
                              "only as `config.py.sample`: its settings (SECRET_KEY)")


@pytest.mark.parametrize("extra", [
    {"app/keys.py": "import os\nfrom app import app\napp.config['SECRET_KEY'] = os.environ['SECRET_KEY']\n"},
    {"app/settings.py": "class Config:\n    SECRET_KEY = 'from-a-class'\n"},  # the project sets it in code
    {"config.py": "SECRET_KEY = 'x'\n"},  # the file is committed: a module in the project
])
def test_a_secret_key_set_elsewhere_or_a_committed_file_is_silent(tmp_path, catalogue, extra):
    files = {"app/__init__.py": APP, "config.example.py": "SECRET_KEY = 'x'\n", **extra}
    assert _findings(tmp_path, catalogue, files) == []


def test_a_template_named_before_py_counts_and_its_own_literal_key_does_not_silence(tmp_path, catalogue):
    files = {"app/__init__.py": APP, "config.example.py": "SECRET_KEY = 'x'\n"}
    assert [(p, n) for p, n, _ in _findings(tmp_path, catalogue, files)] == [("app/__init__.py", 4)]


NETBOX = """\
from django.core.exceptions import ImproperlyConfigured
try:
    from netbox import configuration
except ModuleNotFoundError:
    raise ImproperlyConfigured("no configuration")
INSTALLED_APPS = ["django.contrib.auth"]
DATABASE = getattr(configuration, "DATABASE")
REDIS = configuration.REDIS
SECRET_KEY = getattr(configuration, "SECRET_KEY", "")
DEBUG = os.environ.get("DEBUG") or getattr(configuration, "DEBUG")
"""


def test_settings_read_off_an_imported_module_are_one_fact_at_the_secret_key():
    facts = analyze("netbox/netbox/settings.py", NETBOX.encode("utf-8")).facts
    [read] = [f for f in facts if f.kind == "python.config_module_read"]
    assert (read.line, read.name, read.imports) == (9, "configuration", "netbox.configuration")
    assert read.settings == ("DATABASE", "REDIS", "SECRET_KEY")  # DEBUG mixes in a variable: not read off it
    no_key = NETBOX.replace('SECRET_KEY = getattr(configuration, "SECRET_KEY", "")', "SECRET_KEY = os.environ['K']")
    facts = analyze("netbox/netbox/settings.py", no_key.encode("utf-8")).facts
    assert [f for f in facts if f.kind == "python.config_module_read"] == []


@pytest.mark.parametrize("files, expected", [
    ({"netbox/netbox/configuration_example.py": "SECRET_KEY = ''\n"}, "ships only as "
     "`netbox/netbox/configuration_example.py`: its settings (DATABASE, REDIS, SECRET_KEY)"),
    ({"netbox/netbox/configuration.py": "SECRET_KEY = 'k'\nDATABASE = {}\n"}, "a committed Python file whose secret key "
     "is a literal"),
])
def test_a_configuration_module_shipped_as_a_template_or_of_literals_is_reported_once(tmp_path, catalogue, files,
                                                                                     expected):
    [(path, line, message)] = _findings(tmp_path, catalogue, {"netbox/netbox/settings.py": NETBOX, **files})
    assert (path, line) == ("netbox/netbox/settings.py", 9)
    assert message.startswith("`netbox.netbox.settings` reads its settings off `netbox.configuration`, ")
    assert expected in message


@pytest.mark.parametrize("extra", [
    {"docker/configuration.py": "import os\nSECRET_KEY = os.environ['SECRET_KEY']\n"},  # the image's copy reads env
    {"netbox/netbox/configuration.py": "import os\nSECRET_KEY = 'k'\nDATABASE = {'HOST': os.getenv('DB_HOST', 'db')}\n"},
    {"netbox/netbox/configuration.py": "SECRET_KEY = make_key()\n"},  # committed, not a literal key
    {"netbox/netbox/settings_production.py": "import os\nfrom .settings import *\nSECRET_KEY = os.environ['SECRET_KEY']\n"},
])
def test_an_environment_reading_configuration_or_a_production_layer_is_silent(tmp_path, catalogue, extra):
    files = {"netbox/netbox/settings.py": NETBOX, "netbox/netbox/configuration_example.py": "SECRET_KEY = ''\n", **extra}
    assert _findings(tmp_path, catalogue, files) == []


def test_a_module_with_neither_file_nor_template_is_not_known_to_be_config(tmp_path, catalogue):
    assert _findings(tmp_path, catalogue, {"netbox/netbox/settings.py": NETBOX}) == []
