"""PaaS files into the one process model: instance counts as replicas, release phases as the right place
for migrations, machine-local disks, unreadable files reported as parse errors, look-alike names ignored."""

from __future__ import annotations

from conftest import write_tree

from twelvefactor_lint.config import Settings
from twelvefactor_lint.discover.walk import discover
from twelvefactor_lint.runner import run


def _findings(tmp_path, catalogue, files):
    result = run([write_tree(tmp_path, files)], Settings(root=tmp_path), catalogue)
    return result, sorted((f.rule, f.path, f.line, f.severity) for f in result.findings)


def test_paas_files_are_recognised_by_name_or_content(tmp_path):
    write_tree(tmp_path, {"fly.toml": "app = 'x'\n", "render.yaml": "services: []\n", "heroku.yml": "run: {}\n",
                          "app.json": '{"formation": {}}', "frontend/app.json": '{"expo": {"name": "x"}}',
                          "app.yaml": "runtime: python312\nentrypoint: gunicorn app:app\n",
                          "config/app.yaml": "runtime: 3\n"})
    kinds = {f.rel: f.kind for f in discover([tmp_path], tmp_path).files}
    assert kinds == dict.fromkeys(["app.json", "app.yaml", "fly.toml", "heroku.yml", "render.yaml"], "paas")


def test_release_phases_are_the_right_place_for_migrations(tmp_path, catalogue):
    _, findings = _findings(tmp_path, catalogue, {
        "fly.toml": "[deploy]\n  release_command = 'python manage.py migrate'\n[processes]\n  web = 'gunicorn app:app'\n",
        "heroku.yml": "release:\n  command:\n    - python manage.py migrate\nrun:\n  web: gunicorn app:app\n",
        "render.yaml": "services:\n  - type: web\n    name: api\n    preDeployCommand: python manage.py migrate\n"
                       "    startCommand: gunicorn app:app\n",
    })
    assert findings == []


def test_an_app_json_formation_scales_the_procfile_beside_it(tmp_path, catalogue):
    _, findings = _findings(tmp_path, catalogue, {
        "Procfile": "web: gunicorn app:app\nclock: celery -A app beat\n",
        "app.json": '{"formation": {"clock": {"quantity": 2}, "web": {"quantity": 3}}}',
    })
    assert findings == [("TF614", "Procfile", 2, "error")]


def test_unreadable_paas_files_are_parse_errors_not_crashes(tmp_path, catalogue):
    _, findings = _findings(tmp_path, catalogue, {
        "fly.toml": "[processes\nweb = \n", "app.json": '{"formation": [', "render.yaml": "services: [\n",
        "heroku.yml": "run: {web: 3}\n", "app.yaml": "runtime: python\nentrypoint: [\n",
    })
    assert findings == [("TF001", name, line, "info") for name, line in
                        [("app.json", 1), ("app.yaml", 1), ("fly.toml", 1), ("render.yaml", 1)]]
