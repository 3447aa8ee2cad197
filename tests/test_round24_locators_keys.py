"""Facts behind four round-23 false-positive classes: a LocMem (dummy, file-based, database) cache's `LOCATION` is no
host (TF402); several aliases of one `DATABASES` dict on the same host are one finding (TF402); a Flask `CACHE_TYPE`
in a project without Flask-Caching configures nothing (TF602); a copied `.pem` that is only public key material is no
secret baked into the image (TF307)."""

from __future__ import annotations

from conftest import python_facts

from twelvefactor_lint.link import key_files

LOCATOR = "python.service_locator"


def test_a_cache_that_reaches_no_server_names_no_host_in_its_location():
    source = """
        import os
        CACHES = {
            "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "127.0.0.1:11211"},
            "files": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache", "LOCATION": "localhost"},
            "memc": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache", "LOCATION": "127.0.0.1:11211"},
        }
        if os.environ.get("MEMCACHED"):
            CACHES = {"files": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
                                "LOCATION": "localhost:11211"}}
    """
    found = sorted((f.key, f.line) for f in python_facts(source, LOCATOR))
    assert found == [("CACHES.files.LOCATION", 10), ("CACHES.memc.LOCATION", 6)]


def test_aliases_of_one_database_dict_on_one_host_are_one_finding_with_the_others_related(lint):
    settings = (
        'INSTALLED_APPS = []\nROOT_URLCONF = "api.urls"\nDATABASES = {\n'
        '    "default": {"ENGINE": "django.db.backends.mysql", "HOST": "localhost"},\n'
        '    "reports": {"ENGINE": "django.db.backends.mysql", "HOST": "localhost"},\n'
        '    "enterprise": {"ENGINE": "django.db.backends.mysql", "HOST": "localhost"},\n'
        '    "warehouse": {"ENGINE": "django.db.backends.mysql", "HOST": "10.0.0.5"},\n}\n'
        'CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": "redis://localhost:6379/0"},\n'
        '          "memc": {"BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",\n'
        '                   "LOCATION": "localhost:11211"}}\n'
    )
    result = lint({"api/settings.py": settings}, select=("TF402",))
    findings = sorted(result.findings, key=lambda f: f.line)
    assert [f.line for f in findings] == [4, 9, 11]  # the Redis and the Memcached alias are two services
    database = findings[0]
    assert "`DATABASES.default.HOST`" in database.message and "(and 2 more in this file: line 5, line 6)" in database.message
    assert [(r.line, "`DATABASES.reports.HOST`" in r.message) for r in database.related][:1] == [(5, True)]


def test_cache_type_without_flask_caching_in_the_project_is_read_by_nothing(lint):
    config = 'class Config:\n    CACHE_TYPE = "simple"\n'
    app = 'from flask import Flask\napp = Flask(__name__)\napp.config.from_object("web.config.Config")\n'
    absent = lint({"web/config.py": config, "web/app.py": app, "requirements.txt": "Flask==3.0.3\n"})
    assert not [f for f in absent.findings if f.rule == "TF602"]
    declared = lint({"requirements.txt": "Flask==3.0.3\nFlask-Caching==2.3.0\n"})
    assert [(f.path, f.line, f.severity) for f in declared.findings if f.rule == "TF602"] == [
        ("web/config.py", 2, "warning")]


class _Files:
    def __init__(self, files: dict[str, bytes]):
        self.files, self.read = files, []

    def head(self, rel: str, size: int) -> bytes | None:
        self.read.append(rel)
        return self.files[rel][:size] if rel in self.files else None


def test_a_copied_key_file_is_public_material_only_when_the_repository_file_holds_no_private_key():
    from twelvefactor_lint.facts.dockerfile import CopiedSecret

    public = b"-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----\n"
    bundle = b"-----BEGIN CERTIFICATE-----\nMIID\n-----END CERTIFICATE-----\n-----BEGIN EC PRIVATE KEY-----\nx\n"
    files = _Files({"deploy/app/vendor.pem": public, "docker/site.pem": bundle, "docker/id.pub": b"ssh-ed25519 AAAAC3 x\n",
                    "docker/big.pem": public + b"x" * 70000})
    copies = [CopiedSecret("docker/Dockerfile", n, 1, n, source=source, anchor=source) for n, source in enumerate((
        "./deploy/app/vendor.pem", "site.pem", "id.pub", "big.pem", "missing.pem", "keys/*.pem", ".env"), 1)]
    held = [f.public_material for f in key_files.link(list(copies), files)]  # type: ignore[arg-type]
    assert held == ["a public key", "", "an SSH public key", "", "", "", ""]
    assert "docker/deploy/app/vendor.pem" in files.read and ".env" not in files.read  # nearest directory first
