"""link.python's `python.local_media`: which variable selects the storage when the local disk is only its fallback."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.facts.python import LocalMedia
from twelvefactor_lint.runner import gather

SETTINGS = """import environ
env = environ.Env(STORAGES_DEFAULT_BACKEND=(str, "django.core.files.storage.FileSystemStorage"))
INSTALLED_APPS = ["events"]
ROOT_URLCONF = "site.urls"
STORAGES = {"default": {"BACKEND": env("STORAGES_DEFAULT_BACKEND")}}
"""
MODELS = "from django.db import models\n\nclass Event(models.Model):\n    image = models.ImageField()\n"
STORAGE = "from storages.backends.s3 import S3Storage\n\nclass Media(S3Storage):\n    location = 'media'\n"


def _selected_by(tmp_path, files: dict[str, str]) -> str:
    tree = {"site/settings.py": SETTINGS, "events/models.py": MODELS, **files}
    _, linked = gather([write_tree(tmp_path, tree)], Settings(root=tmp_path, cache=False, jobs=1))
    (fact,) = [f for f in linked.facts if isinstance(f, LocalMedia)]
    return fact.selected_by


def test_an_env_selected_storage_with_another_backend_to_select_is_only_a_fallback(tmp_path):
    assert _selected_by(tmp_path / "storage", {"utils/storage.py": STORAGE}) == "STORAGES_DEFAULT_BACKEND"
    assert _selected_by(tmp_path / "declared", {"requirements.txt": "django\ndjango-storages[s3]\n"}) \
        == "STORAGES_DEFAULT_BACKEND"


def test_no_other_backend_or_a_deploy_choosing_the_filesystem_keeps_the_local_disk(tmp_path):
    assert _selected_by(tmp_path / "none", {}) == ""
    compose = ("services:\n  web:\n    build: .\n    environment:\n"
               "      STORAGES_DEFAULT_BACKEND: django.core.files.storage.FileSystemStorage\n")
    assert _selected_by(tmp_path / "deploy", {"utils/storage.py": STORAGE, "docker-compose.yml": compose}) == ""
