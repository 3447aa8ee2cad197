"""One problem, one finding (issue 12): a volume several services mount, one literal secret committed twice, two
keys made up in one function, and an image's multi-path `VOLUME` its compose file mounts are each one finding, the
other places kept as related locations."""

from __future__ import annotations

import json

from conftest import write_tree
from test_cli import cli


def _findings(root, rule: str) -> list[dict]:
    return json.loads(cli("--format", "json", "--select", rule, str(root)).stdout)["findings"]


def test_a_volume_an_anchor_merges_into_several_services_is_reported_for_the_first_declared(tmp_path):
    """web before celery in the file (the message sorts celery first): web keeps the finding and its fingerprint;
    the note names only the other service, not the whole sentence again."""
    compose = ("x-defaults: &defaults\n  build: .\n  volumes:\n    - ./generated:/data/app/generated\n"
               "services:\n  web:\n    <<: *defaults\n    command: gunicorn app:app\n"
               "  celery:\n    <<: *defaults\n    command: celery -A app worker\n")
    (finding,) = _findings(write_tree(tmp_path / "a", {"docker-compose.yml": compose}), "TF616")
    assert "of service `web`" in finding["message"]
    assert finding["message"].endswith("(and 1 more on this line: service `celery`)")
    (other,) = finding["related"]
    assert other["line"] == 4 and "of service `celery`" in other["message"]


def test_one_url_with_one_password_in_two_variables_of_a_service_is_one_finding(tmp_path):
    compose = ("services:\n  web:\n    image: acme/notes:3\n    command: gunicorn notes.wsgi\n    environment:\n"
               "      STORAGE_URL: postgresql://notes:n0tes-db-2024@db/notes\n"
               "      PERMISSION_URL: postgresql://notes:n0tes-db-2024@db/notes\n"
               "      CACHE_URL: postgresql://notes:other-pass-99@db/cache\n")
    findings = _findings(write_tree(tmp_path / "k", {"docker-compose.prod.yml": compose}), "TF308")
    assert sorted((f["line"], [r["line"] for r in f.get("related", [])]) for f in findings) == [(6, [7]), (8, [])]


def test_one_literal_as_two_services_logins_or_two_apps_keys_stays_two_findings(tmp_path):
    """A database's and a broker's URL with the same default password, a frontend's and a backend's signing key with
    the same literal: two credentials that happen to match, each judged on its own."""
    compose = ("services:\n  api:\n    image: acme/plane:1\n    command: gunicorn plane.wsgi\n    environment:\n"
               "      DATABASE_URL: postgresql://plane:plane-pass-2024@db/plane\n"
               "      AMQP_URL: amqp://plane:plane-pass-2024@mq:5672/plane\n"
               "  web:\n    image: acme/plane-web:1\n    command: node server.js\n    environment:\n"
               "      NEXTAUTH_SECRET: v3ry-S3cret-k3y-2024-xyz\n"
               "      KEEP_JWT_SECRET: v3ry-S3cret-k3y-2024-xyz\n")
    findings = _findings(write_tree(tmp_path / "t", {"docker-compose.prod.yml": compose}), "TF308")
    assert sorted(f["line"] for f in findings) == [6, 7, 12, 13] and not any(f.get("related") for f in findings)


def _config_map(name: str, password: str, extra: str = "") -> str:
    return (f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n{extra}data:\n"
            f"  ACCOUNTS_DB_URI: postgresql://admin:{password}@accounts-db:5432/accounts\n")


def test_one_object_with_one_password_in_two_manifest_trees_is_one_finding_on_the_shorter_path(tmp_path):
    root = write_tree(tmp_path / "b", {
        "kubernetes-manifests/accounts-db.yaml": _config_map("accounts-db-config", "accounts-pwd-77"),
        "src/accounts/accounts-db/k8s/base/config.yaml": _config_map("accounts-db-config", "accounts-pwd-77", "  labels: {}\n"),
        "extras/cloudsql/kubernetes-manifests/config.yaml": _config_map("accounts-db-config", "cloud-pwd-1234")})
    findings = {f["path"]: f for f in _findings(root, "TF308")}
    assert set(findings) == {"kubernetes-manifests/accounts-db.yaml", "extras/cloudsql/kubernetes-manifests/config.yaml"}
    assert [r["path"] for r in findings["kubernetes-manifests/accounts-db.yaml"]["related"]] == [
        "src/accounts/accounts-db/k8s/base/config.yaml"]
    assert "related" not in findings["extras/cloudsql/kubernetes-manifests/config.yaml"]  # another password


def _secret(name: str, key: str) -> str:
    return (f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: {name}\ntype: Opaque\nstringData:\n"
            f"  IRIS_SECRET_KEY: {key}\n")


def test_the_app_and_worker_copies_of_one_secret_file_are_one_finding_and_a_chart_elsewhere_another(tmp_path):
    key = "AVerySuperSecretKey-SoNotThisOne"
    root = write_tree(tmp_path / "d", {
        "deploy/eks/app/secrets.yml": _secret("iris-app-secrets", key),
        "deploy/eks/worker/secrets.yml": _secret("iris-worker-secrets", key),
        "deploy/other/secret.yaml": _secret("iris-secrets", key)})
    findings = {f["path"]: f for f in _findings(root, "TF308")}
    assert set(findings) == {"deploy/eks/app/secrets.yml", "deploy/other/secret.yaml"}
    assert [r["path"] for r in findings["deploy/eks/app/secrets.yml"]["related"]] == ["deploy/eks/worker/secrets.yml"]


def test_two_keys_made_up_in_one_app_factory_are_one_finding(tmp_path):
    app = ("import os\nfrom flask import Flask, session\n\ndef create_app():\n    app = Flask(__name__)\n"
           "    app.config['SECRET_KEY'] = os.urandom(24)\n    app.config['JWT_SECRET_KEY'] = str(os.urandom(24))\n"
           "    return app\n\ndef other():\n    app = Flask(__name__)\n    app.secret_key = os.urandom(16)\n"
           "    return app\n\ndef view():\n    return session.get('user')\n")
    findings = _findings(write_tree(tmp_path / "c", {"web/run.py": app}), "TF617")
    assert sorted((f["line"], [r["line"] for r in f.get("related", [])]) for f in findings) == [(6, [7]), (12, [])]


def test_compose_mounts_at_the_paths_of_one_multi_path_volume_fold_into_it_beside_a_dev_container(tmp_path):
    root = write_tree(tmp_path / "p", {
        "Dockerfile": "FROM python:3.12-slim\nCOPY . /srv\nVOLUME /srv/data /srv/media\nCMD [\"gunicorn\", \"p.wsgi\"]\n",
        "docker/compose/docker-compose.yml": (
            "services:\n  webserver:\n    image: ghcr.io/acme/paperdesk:latest\n    volumes:\n"
            "      - data:/srv/data\n      - media:/srv/media\nvolumes:\n  data:\n  media:\n"),
        ".devcontainer/Dockerfile": "FROM python:3.12\nRUN pip install uv\n",
        "paperdesk/wsgi.py": "application = None\n"})
    (finding,) = _findings(root, "TF616")
    assert (finding["path"], finding["line"]) == ("Dockerfile", 3)
    assert [(r["path"], r["line"]) for r in finding["related"]] == [
        ("docker/compose/docker-compose.yml", 5), ("docker/compose/docker-compose.yml", 6)]
