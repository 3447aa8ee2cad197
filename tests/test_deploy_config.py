"""Config kept in a deploy's Python file, Flask's shapes: the loads the analyzer records (python.config_file_load)
and the one finding link makes of them per template (link.deploy_config, TF309)."""

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
