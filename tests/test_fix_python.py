"""Python fixes on the shapes real code has: encodings, line endings, aliases, imports, ambiguity."""

from __future__ import annotations

import pytest
from fixing import fixed

from twelvefactor_lint.fix.envnames import env_name, locator_name

SETTINGS = "mysite/settings.py"


@pytest.mark.parametrize("parts, expected", [
    (["SECRET_KEY"], "SECRET_KEY"),
    (["stripe", "api_key"], "STRIPE_API_KEY"),
    (["DATABASES", "default", "PASSWORD"], "DATABASES_DEFAULT_PASSWORD"),
    (["clientSecret"], "CLIENT_SECRET"),
    (["cache-1", "location"], "CACHE_1_LOCATION"),
    (["1st"], "_1ST"),
])
def test_env_name(parts, expected):
    assert env_name(parts) == expected


@pytest.mark.parametrize("parts, literal, expected", [
    (["BROKER_URL"], "amqp://rabbit", "BROKER_URL"),
    (["EMAIL_HOST"], "smtp.example.com", "EMAIL_HOST"),
    (["CACHES", "default", "LOCATION"], "redis://cache:6379", "CACHES_DEFAULT_URL"),
    (["REDIS"], "cache.internal", "REDIS_HOST"),
    (["broker"], "amqp://rabbit", "BROKER_URL"),
])
def test_locator_name(parts, literal, expected):
    assert locator_name(parts, literal) == expected


def test_columns_count_characters_not_bytes(tmp_path):
    code = 'GREETING = "héllo wörld"; SECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\nINSTALLED_APPS = []\nROOT_URLCONF = "x"\n'
    after = fixed(tmp_path, {SETTINGS: code}, "TF301")[SETTINGS].decode()
    assert after.splitlines()[2] == 'GREETING = "héllo wörld"; SECRET_KEY = os.environ["SECRET_KEY"]'


def test_crlf_and_bom_are_kept(tmp_path):
    code = '\ufeffimport logging\r\n\r\nSECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\r\nINSTALLED_APPS = []\r\nROOT_URLCONF = "x"\r\n'
    after = fixed(tmp_path, {SETTINGS: code.encode("utf-8")}, "TF301")[SETTINGS]
    assert after == ('\ufeffimport logging\r\nimport os\r\n\r\nSECRET_KEY = os.environ["SECRET_KEY"]\r\n'
                     'INSTALLED_APPS = []\r\nROOT_URLCONF = "x"\r\n').encode("utf-8")


def test_a_declared_encoding_is_kept(tmp_path):
    code = ('# -*- coding: latin-1 -*-\nNAME = "café"\nSECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\n'
            'INSTALLED_APPS = []\nROOT_URLCONF = "x"\n')
    after = fixed(tmp_path, {SETTINGS: code.encode("latin-1")}, "TF301")[SETTINGS]
    assert after.decode("latin-1").splitlines()[1:4] == ["import os", "", 'NAME = "café"']
    assert b"caf\xe9" in after


@pytest.mark.parametrize("head, expected", [
    ('"""Doc."""\n', '"""Doc."""\nimport os\n\n'),
    ("from __future__ import annotations\n", "from __future__ import annotations\n\nimport os\n\n"),
    ("import os.path\n", "import os.path\n"),
    ("#!/usr/bin/env python\n# the settings\n", "#!/usr/bin/env python\n# the settings\nimport os\n\n"),
    ("import json\nfrom pathlib import Path\n\nimport yaml\n",
     "import json\nimport os\nfrom pathlib import Path\n\nimport yaml\n"),
    ("import json\nimport sys\n", "import json\nimport os\nimport sys\n"),
    ("# stdlib\nimport sys\n", "# stdlib\nimport os\nimport sys\n"),
    ("from pathlib import Path\n", "import os\nfrom pathlib import Path\n"),
    ("from __future__ import annotations\n\nimport abc\nimport sys\n\nimport yaml\n",
     "from __future__ import annotations\n\nimport abc\nimport os\nimport sys\n\nimport yaml\n"),
    ('"""Doc."""\n\n# third party\nimport yaml\nfrom . import base\n',
     '"""Doc."""\n\n# third party\nimport os\nimport yaml\nfrom . import base\n'),
])
def test_import_os_goes_where_isort_would_put_it_without_moving_lines(tmp_path, head, expected):
    body = 'SECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\nINSTALLED_APPS = []\nROOT_URLCONF = "x"\n'
    after = fixed(tmp_path, {SETTINGS: head + body}, "TF301")[SETTINGS].decode()
    assert after == expected + body.replace('"sk_live_k9Lm2xQ7pZa4Bc8D"', 'os.environ["SECRET_KEY"]')


def test_an_import_below_the_code_does_not_count(tmp_path):
    code = 'SECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\nINSTALLED_APPS = []\nROOT_URLCONF = "x"\nimport os\n'
    after = fixed(tmp_path, {SETTINGS: code}, "TF301")[SETTINGS].decode()
    assert after.startswith('import os\n\nSECRET_KEY = os.environ["SECRET_KEY"]\n')


def test_new_strings_follow_the_module_quote_style(tmp_path):
    code = "INSTALLED_APPS = ['a']\nROOT_URLCONF = 'x'\nDEBUG = True\n"
    after = fixed(tmp_path, {SETTINGS: code}, "TF303")[SETTINGS].decode()
    assert "DEBUG = os.environ.get('DEBUG', '') == '1'\n" in after


def test_the_same_literal_twice_reads_one_variable(tmp_path):
    code = ('import smtplib\n\ndef send():\n    smtplib.SMTP("a").login(user="a", password="xoxb-1234567890-AbCdEfGh")\n'
            '    smtplib.SMTP("b").login(user="b", password="xoxb-1234567890-AbCdEfGh")\n')
    after = fixed(tmp_path, {"app/mail.py": code}, "TF301")["app/mail.py"].decode()
    assert after.count('password=os.environ["PASSWORD"]') == 2


def test_two_fixes_of_one_node_are_never_both_applied(tmp_path):
    from dataclasses import replace

    from fixing import lint

    from twelvefactor_lint.fix.python import fix_python

    code = 'INSTALLED_APPS = []\nROOT_URLCONF = "x"\nSECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\n'
    (tmp_path / "settings.py").write_text(code)
    [secret] = lint(tmp_path, "TF301").findings
    after, done = fix_python(code.encode(), [secret, replace(secret, rule="TF401")])
    assert done == (secret,) and after.decode().endswith('SECRET_KEY = os.environ["SECRET_KEY"]\n')


def test_a_module_alias_of_logging_handlers_is_resolved(tmp_path):
    code = 'import logging.handlers as lh\n\ndef setup(log):\n    log.addHandler(lh.WatchedFileHandler("/var/log/app.log"))\n'
    after = fixed(tmp_path, {"app/log.py": code}, "TF1101")["app/log.py"].decode()
    assert after == ('import logging\nimport sys\n\ndef setup(log):\n'
                     '    log.addHandler(logging.StreamHandler(sys.stdout))\n')  # `lh` is unused now: gone


@pytest.mark.parametrize(("imports", "left"), [
    ("from logging.handlers import RotatingFileHandler\n", ""),
    ("from logging.handlers import RotatingFileHandler, SysLogHandler\n", "from logging.handlers import SysLogHandler\n"),
    ("from logging.handlers import RotatingFileHandler\nimport zlib\n", "import zlib\n"),  # unused before: kept
    ("from logging.handlers import RotatingFileHandler\n__all__ = ['RotatingFileHandler']\n",
     "from logging.handlers import RotatingFileHandler\n__all__ = ['RotatingFileHandler']\n"),
])
def test_an_import_the_fix_left_unused_is_removed(tmp_path, imports, left):
    code = f"import logging\n{imports}\nlogging.getLogger().addHandler(RotatingFileHandler('app.log'))\n"
    after = fixed(tmp_path, {"app/log.py": code}, "TF1101")["app/log.py"].decode()
    assert after == f"import logging\nimport sys\n{left}\nlogging.getLogger().addHandler(logging.StreamHandler(sys.stdout))\n"


def test_app_run_keeps_other_arguments_and_fixes_port_and_debug_together(tmp_path):
    code = ('import os\nfrom flask import Flask\n\napp = Flask(__name__)\n\ndef main():\n'
            '    app.run(host="0.0.0.0", port=5000, debug=True)\n')
    after = fixed(tmp_path, {"app/main.py": code}, "TF701", "TF303")["app/main.py"].decode()
    assert after.splitlines()[-1] == ('    app.run(host="0.0.0.0", port=int(os.environ.get("PORT", "5000")), '
                                      'debug=os.environ.get("DEBUG", "") == "1")')


@pytest.mark.parametrize("rule, path, code", [
    pytest.param("TF301", "app/mail.py", 'import smtplib\n\ndef send():\n'
                 '    smtplib.SMTP("a").login(user="a", password="xoxb-1234567890-AbCdEfGh")\n'
                 '    smtplib.SMTP("b").login(user="b", password="glpat-c0rrectH0rseBattery9")\n',
                 id="one variable, two secrets"),
    pytest.param("TF301", "app/boot.py", 'import os\n\nos.environ["API_KEY"] = "sk_live_51H8xYzAbCdEfGhIj"\n',
                 id="setting os.environ itself"),
    pytest.param("TF303", SETTINGS,
                 'import os\nINSTALLED_APPS = []\nROOT_URLCONF = "x"\nDEBUG = os.environ.get("DEBUG", "True")\n',
                 id="an env fallback"),
    pytest.param("TF401", "app/db.py", 'from pydantic_settings import BaseSettings\n\nclass PostgresProvider(BaseSettings):\n'
                 '    POSTGRES_SERVER: str = "db.internal"\n', id="a pydantic settings default (seen in mealie)"),
    pytest.param("TF1101", "app/log.py", 'import logging.config\nfrom loguru import logger\n\nlogger.add("logs/app.log")\n'
                 'logging.config.dictConfig({"version": 1,\n'
                 '                           "handlers": {"f": {"class": "logging.FileHandler", "filename": "x.log"}}})\n',
                 id="dictConfig and loguru sinks"),
])
def test_left_alone(tmp_path, rule, path, code):
    assert fixed(tmp_path, {path: code}, rule) == {}


def test_source_libcst_cannot_parse_is_returned_unchanged():
    from twelvefactor_lint.fix.python import fix_python
    from twelvefactor_lint.model import Finding

    data = b'SECRET_KEY = "sk_live_k9Lm2xQ7pZa4Bc8D"\nprint "py2"\n'
    finding = Finding("TF301", "secret-literal", "III", "error", "settings.py", 1, 14, 1, 28, "", fixable=True)
    assert fix_python(data, [finding]) == (data, ())
