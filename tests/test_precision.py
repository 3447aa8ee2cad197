"""False-positive classes found on code nobody tuned for (issue 12): each one pinned by the smallest
project that shows it, asserting what is reported instead."""

from __future__ import annotations

_WEB = """\
services:
  web:
    build: .
    command: sh -c "python manage.py migrate && gunicorn app:app"
    volumes:
      - {mount}
"""


def _by_rule(result, rule: str):
    return [f for f in result.findings if f.rule == rule]


def test_a_config_directory_bind_mount_does_not_make_a_compose_file_dev_only(lint):
    result = lint({"docker-compose.yml": _WEB.format(mount="./config:/app/config")}, select=("TF1201",))
    assert [f.severity for f in _by_rule(result, "TF1201")] == ["warning"]
    assert "dev-only" not in _by_rule(result, "TF1201")[0].message


def test_a_source_tree_bind_mount_makes_a_compose_file_dev_only(lint):
    result = lint({"docker-compose.yml": _WEB.format(mount=".:/app")}, select=("TF1201",))
    assert [f.severity for f in _by_rule(result, "TF1201")] == ["info"]


def test_a_file_named_for_production_is_never_dev_only(lint):
    result = lint({"docker-compose.prod.yml": _WEB.format(mount=".:/app")}, select=("TF1201",))
    assert [f.severity for f in _by_rule(result, "TF1201")] == ["warning"]
