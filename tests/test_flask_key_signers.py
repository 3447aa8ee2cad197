"""A Flask app's made-up or fallback `SECRET_KEY` matters only when something of the app signs with it (sessions,
flash, itsdangerous, a signing extension, a read of the key): otherwise `signs_nothing` (TF617/TF302 info)."""

from __future__ import annotations

import textwrap

from twelvefactor_lint.analyze.python import analyze
from twelvefactor_lint.facts.python import ModuleRefs, SecretEnvFallback, SecretRandomFallback

_APP = """
    import os
    import secrets
    from flask import Flask
    from flask_executor import Executor

    app = Flask(__name__)
    app.config["SECRET_KEY"] = secrets.token_hex(16)
    app.secret_key = os.getenv("SECRET_KEY", "dev")
    executor = Executor(app)
"""


def _facts(source: str, path: str = "svc/app.py") -> list:
    return list(analyze(path, textwrap.dedent(source).encode("utf-8")).facts)


def _refs(source: str) -> ModuleRefs:
    return next(f for f in _facts(source) if isinstance(f, ModuleRefs))


def test_a_key_bound_on_a_flask_app_is_a_flask_key_and_one_in_a_module_without_flask_is_not():
    keys = [f for f in _facts(_APP) if isinstance(f, (SecretRandomFallback, SecretEnvFallback))]
    assert sorted((type(f).__name__, f.line, f.flask_key) for f in keys) == [
        ("SecretEnvFallback", 9, True), ("SecretRandomFallback", 8, True)]
    other = [f for f in _facts(_APP.replace("from flask import Flask", "from web import Flask"))
             if isinstance(f, (SecretRandomFallback, SecretEnvFallback))]
    assert other and not any(f.flask_key for f in other)


def test_key_uses_are_session_through_the_flask_module_and_reads_of_the_key():
    assert _refs("import flask\n\ndef login():\n    flask.session['u'] = 1\n").key_uses == ("flask.session",)
    assert _refs("import jwt\nfrom flask import current_app\n\n"
                 "def token():\n    return jwt.encode({}, current_app.config['SECRET_KEY'])\n").key_uses == ("SECRET_KEY",)
    assert _refs("import config\nfrom flask import Flask\napp = Flask(__name__)\n"
                 "app.config['SECRET_KEY'] = config.SECRET_KEY\napp.config.update(SECRET_KEY=config.SECRET_KEY)\n"
                 ).key_uses == ()


def _judged(lint, files: dict[str, str]) -> dict[tuple[str, str, int], str]:
    result = lint(files, select=("TF617", "TF302"))
    return {(f.rule, f.path, f.line): f.severity for f in result.findings}


def test_signs_nothing_looks_at_the_whole_app_package_and_nothing_outside_it(lint):
    app = textwrap.dedent("""
        import secrets
        from flask import Flask
        from flask_shell2http import Shell2HTTP

        app = Flask(__name__)
        app.config["SECRET_KEY"] = secrets.token_hex(16)
        Shell2HTTP(app)
    """)
    judged = _judged(lint, {
        "scanner/app.py": app,
        "portal/__init__.py": "",
        "portal/app.py": app,
        "portal/auth/__init__.py": "",
        "portal/auth/views.py": "from flask_login import login_user\n",
        "other/views.py": "from flask import session\n",  # another app's directory: not the scanner's
    })
    assert judged == {("TF617", "scanner/app.py", 7): "info", ("TF617", "portal/app.py", 7): "warning"}


def test_a_flask_extension_not_known_to_leave_the_key_alone_may_sign_with_it(lint):
    judged = _judged(lint, {"api/app.py": textwrap.dedent("""
        import os
        from flask import Flask
        from flask_cors import CORS
        from flask_unknown import Thing

        app = Flask(__name__)
        app.config["SECRET_KEY"] = os.environ.get("SECRET_KEY", "dev")
        CORS(app)
        Thing(app)
    """)})
    assert judged == {("TF302", "api/app.py", 8): "warning"}



def test_key_uses_see_a_django_request_session_and_signed_cookies():
    assert _refs("def view(request):\n    request.session['seen'] = True\n").key_uses == ("request.session",)
    assert _refs("class V:\n    def get(self):\n        return self.request.session.get('u')\n"
                 ).key_uses == ("request.session",)
    assert _refs("def view(request, response):\n    response.set_signed_cookie('k', 'v')\n").key_uses == ("signed_cookie",)
    assert _refs("def view(request):\n    return request.user\n").key_uses == ()


_DJANGO = """\
import os
SECRET_KEY = os.getenv("SECRET_KEY", "^0z5u6!dqjb%7s4&3nhg57q-h%)+_u*osk5k!uf-6n")
INSTALLED_APPS = ["django.contrib.auth", "django.contrib.sessions", "django.contrib.messages", "rest_framework",
                  "api"]
MIDDLEWARE = ["django.contrib.sessions.middleware.SessionMiddleware", "django.middleware.csrf.CsrfViewMiddleware"]
ROOT_URLCONF = "core.urls"
"""


def test_a_django_key_signs_nothing_when_nothing_of_the_project_uses_what_signs(lint):
    base = {"core/__init__.py": "", "core/settings.py": _DJANGO, "api/__init__.py": "",
            "core/urls.py": "from django.urls import include, path\nurlpatterns = [path('', include('api.urls'))]\n",
            "api/urls.py": "urlpatterns = []\n"}
    assert _judged(lint, base) == {("TF302", "core/settings.py", 2): "info"}
    signing = {
        "api/views.py": "from django.contrib import messages\n",
        "api/admin.py": "from django.contrib import admin\n",
        "api/login.py": "from django.contrib.auth import login\n",
        "api/cookies.py": "def v(request):\n    return request.get_signed_cookie('k')\n",
        "api/urls.py": "from django.urls import include, path\n"
                       "urlpatterns = [path('auth/', include('django.contrib.auth.urls'))]\n",
    }
    for path, code in signing.items():
        assert _judged(lint, {**base, path: code}) == {("TF302", "core/settings.py", 2): "warning"}, path
    allauth = {**base, "core/settings.py": _DJANGO.replace('"api"]', '"api", "allauth"]')}
    assert _judged(lint, allauth) == {("TF302", "core/settings.py", 2): "warning"}  # an app that may sign
    no_urls = {k: v for k, v in base.items() if k != "core/urls.py"}
    assert _judged(lint, no_urls) == {("TF302", "core/settings.py", 2): "warning"}  # the views are not known
