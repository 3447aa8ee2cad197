"""Link phase 2b, dependencies (factor II): imports of third-party modules no declaration provides.

A module is checked against the declarations in its own directory and every directory above it
(a service's requirements.txt and the repository's pyproject.toml). The standard library, the
project's own modules (any directory or module name in the tree), and imports whose distribution
has another name (`yaml` is PyYAML, `PIL` is Pillow: the table below, as deptry and fawltydeps keep
one) are not reported; nor is anything where the declarations are not all readable here: no
declaration file above the module, a `setup.py` beside one (it may list `install_requires`), or
dependencies a pyproject marks `dynamic`. A module commonly installed by a declared framework
(`kombu` by celery, `starlette` by fastapi) is left alone too: precision first.
"""

from __future__ import annotations

import posixpath
import re
import sys
from collections.abc import Iterable
from dataclasses import replace

from twelvefactor_lint.facts import Fact
from twelvefactor_lint.facts.dependencies import Declared
from twelvefactor_lint.facts.python import Import, UndeclaredImport

_STDLIB = frozenset(getattr(sys, "stdlib_module_names", ())) | {"__future__", "_typeshed", "typing_extensions"}

_DISTRIBUTIONS = {
    "yaml": "pyyaml", "PIL": "pillow", "bs4": "beautifulsoup4", "cv2": "opencv-python opencv-python-headless "
    "opencv-contrib-python", "sklearn": "scikit-learn", "skimage": "scikit-image", "dateutil": "python-dateutil",
    "jwt": "pyjwt", "dotenv": "python-dotenv", "magic": "python-magic", "Crypto": "pycryptodome pycrypto",
    "Cryptodome": "pycryptodomex", "OpenSSL": "pyopenssl", "jose": "python-jose", "multipart": "python-multipart",
    "slugify": "python-slugify awesome-slugify", "MySQLdb": "mysqlclient", "ldap": "python-ldap",
    "docx": "python-docx", "pptx": "python-pptx", "git": "gitpython", "zmq": "pyzmq", "serial": "pyserial",
    "usb": "pyusb", "attr": "attrs", "psycopg2": "psycopg2 psycopg2-binary", "psycopg": "psycopg psycopg-binary",
    "google": "protobuf googleapis-common-protos google-api-python-client google-auth google-cloud-storage "
    "google-cloud-core grpcio", "grpc": "grpcio", "socks": "pysocks", "nacl": "pynacl", "Levenshtein":
    "python-levenshtein levenshtein", "telegram": "python-telegram-bot", "discord": "discord.py py-cord",
    "pkg_resources": "setuptools", "setuptools": "setuptools", "_pytest": "pytest", "mx": "egenix-mx-base",
    "win32api": "pywin32", "win32com": "pywin32", "fitz": "pymupdf", "faiss": "faiss-cpu faiss-gpu",
    "sentry_sdk": "sentry-sdk", "memcache": "python-memcached", "pylibmc": "pylibmc", "kafka": "kafka-python",
    "ruamel": "ruamel.yaml", "markdown": "markdown", "lxml": "lxml", "xmlsec": "xmlsec",
    "saml2": "pysaml2", "onelogin": "python3-saml", "geoip2": "geoip2", "igraph": "python-igraph igraph",
    "websocket": "websocket-client", "snappy": "python-snappy", "editor": "python-editor", "bson": "pymongo",
    "gridfs": "pymongo", "engineio": "python-engineio", "socketio": "python-socketio",
    "grpc_health": "grpcio-health-checking", "grpc_status": "grpcio-status", "grpc_reflection": "grpcio-reflection",
    "rest_framework_jwt": "drf-jwt djangorestframework-jwt", "rest_framework_simplejwt": "djangorestframework-simplejwt",
    "social_core": "social-auth-core", "social_django": "social-auth-app-django", "factory": "factory-boy",
}
"""Import name -> distributions that provide it (space-separated), where the names differ beyond prefixes."""

_INSTALLED_WITH = {
    "kombu": "celery", "billiard": "celery", "vine": "celery", "amqp": "celery kombu",
    "starlette": "fastapi", "pydantic": "fastapi sqlmodel", "pydantic_core": "pydantic", "anyio": "httpx starlette fastapi",
    "werkzeug": "flask", "jinja2": "flask", "itsdangerous": "flask", "click": "flask celery uvicorn",
    "markupsafe": "jinja2 flask",
    "asgiref": "django", "sqlparse": "django", "certifi": "requests httpx", "urllib3": "requests botocore",
    "idna": "requests httpx", "charset_normalizer": "requests", "botocore": "boto3", "s3transfer": "boto3",
    "six": "python-dateutil", "h11": "uvicorn httpx", "httpcore": "httpx", "sniffio": "anyio httpx",
    "sqlalchemy": "flask-sqlalchemy sqlmodel alembic", "mako": "alembic", "redis": "celery rq django-redis",
    "pytz": "celery django", "tzdata": "django", "multidict": "aiohttp", "yarl": "aiohttp",
    "greenlet": "gevent sqlalchemy",
    "packaging": "setuptools", "typing_inspection": "pydantic", "annotated_types": "pydantic",
}
"""Modules commonly present because a declared framework depends on them (transitive, not reported)."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "", name).lower()


def _provided(module: str, declared: set[str]) -> bool:
    """Whether a declared distribution surely or plausibly provides `module` (`rest_framework` is in
    djangorestframework, `corsheaders` in django-cors-headers)."""
    wanted = _canonical(module)
    canonical = {_canonical(name) for name in declared}
    if any(wanted in name or name in wanted and len(name) > 3 for name in canonical):
        return True
    candidates = _DISTRIBUTIONS.get(module, "").split() + _INSTALLED_WITH.get(module.lower(), "").split()
    return any(_canonical(c) in canonical for c in candidates)


def _local_names(paths: Iterable[str]) -> set[str]:
    """Every directory and module name of the project's Python files, analyzed or only discovered (a named-file
    run reads few of them): imports of them are the project's own."""
    names = set()
    for path in paths:
        if path.endswith(".py"):
            parts = path.split("/")
            names.update(parts[:-1])
            names.add(parts[-1].removesuffix(".py"))
    return names


def _with_includes(declarations: list[Declared]) -> list[Declared]:
    """Each requirements file with the names of the files it includes (`-r requirements/base.txt`), transitively."""
    by_path = {f.path: f for f in declarations}

    def names(fact: Declared, seen: set[str]) -> set[str]:
        found = set(fact.names)
        for included in fact.includes:
            if included in by_path and included not in seen:
                seen.add(included)
                found |= names(by_path[included], seen)
        return found

    return [replace(f, names=tuple(sorted(names(f, {f.path})))) if f.includes else f for f in declarations]


def link(facts: list[Fact], paths: Iterable[str]) -> list[Fact]:
    """`paths`: every discovered file of the project."""
    declarations = _with_includes([f for f in facts if isinstance(f, Declared)])
    if not declarations:
        return facts
    by_directory: dict[str, list[Declared]] = {}
    for declaration in declarations:
        directory = posixpath.dirname(declaration.path)
        if posixpath.basename(directory) == "requirements":  # requirements/base.txt declares for the directory above
            directory = posixpath.dirname(directory)
        by_directory.setdefault(directory, []).append(declaration)
    setup_dirs = {posixpath.dirname(f.path) for f in facts if isinstance(f, Import) and posixpath.basename(f.path) == "setup.py"}
    local = _local_names(paths)
    found: list[Fact] = []
    for fact in facts:
        module = fact.module if isinstance(fact, Import) else None
        if not module or module in _STDLIB or module in local or module.startswith("_"):
            continue
        directory, above = posixpath.dirname(fact.path), []
        while True:
            above.append(directory)
            if not directory:
                break
            directory = posixpath.dirname(directory)
        files = [d for directory in above for d in by_directory.get(directory, [])]
        declaring = [d for d in files if d.declares]
        if not declaring or any(d in setup_dirs for d in above) or any(d.dynamic for d in files):
            continue
        declared = {name for d in files for name in d.names} | {d.own for d in files if d.own}
        if not _provided(module, declared):
            found.append(UndeclaredImport(fact.path, fact.line, fact.column, module=module,
                                          checked=", ".join(sorted(d.path for d in declaring)),
                                          anchor=f"undeclared:{module}"))
    return facts + found
