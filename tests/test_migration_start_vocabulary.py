"""What a start command's words say it runs: migrations named by a project's management command, servers behind
agent wrappers or run by a management command, and scripts a compose service bind-mounts (TF1201 recall)."""

from __future__ import annotations

import pytest

from twelvefactor_lint.analyze.shell.processes import unwrap
from twelvefactor_lint.analyze.shell.programs import APP, MIGRATION, WEB_SERVER, program_role
from twelvefactor_lint.link.start_chains import mounted_sources


@pytest.mark.parametrize("command", [
    "python manage.py distributed_migrate --noinput",  # migrate under a database lock
    "./manage.py cf_migrate",  # migrate on Cloud Foundry's instance 0
    "python manage.py migrate_schemas --shared",  # django-tenants
    "django-admin safe_migrate",
])
def test_management_commands_named_for_migrate_migrate(command: str) -> None:
    assert program_role(tuple(command.split())) == MIGRATION


@pytest.mark.parametrize("command", [
    "python manage.py check_migrate",
    "python manage.py showmigrations",
    "python manage.py makemigrations --check",
    "python manage.py distributed_elasticsearch_migrate",  # a search index, not the schema
    "python manage.py elasticsearch_migrate",
    "python manage.py migrate_schemas --check",
])
def test_commands_that_apply_no_schema_migration(command: str) -> None:
    assert program_role(tuple(command.split())) != MIGRATION


@pytest.mark.parametrize("command", ["./manage.py pyuwsgi --http=:8000", "python manage.py run_gunicorn"])
def test_management_commands_that_serve_are_the_app(command: str) -> None:
    assert program_role(tuple(command.split())) == APP


@pytest.mark.parametrize("command", [
    "ddtrace-run gunicorn app.wsgi",
    "opentelemetry-instrument --traces_exporter console --metrics_exporter=none gunicorn app.wsgi",
])
def test_agent_wrappers_unwrap_to_the_server(command: str) -> None:
    argv = unwrap(tuple(command.split()))
    assert argv[0] == "gunicorn"
    assert program_role(argv) == WEB_SERVER


def test_mounted_sources_resolve_a_bind_mounted_script() -> None:
    mounts = [("docker-compose/scripts/initialize.sh", "/initialize.sh"), ("app", "/app"), ("../up", "/up")]
    assert mounted_sources("/initialize.sh", mounts) == ["docker-compose/scripts/initialize.sh"]
    assert mounted_sources("/app/bin/start.sh", mounts) == ["app/bin/start.sh"]
    assert mounted_sources("/up/start.sh", mounts) == []  # outside the repository
    assert mounted_sources("start.sh", mounts) == []  # relative: resolved through the image
    assert mounted_sources("/srv/start.sh", mounts) == []


def test_aerich_command_methods_migrate_the_schema() -> None:
    import ast

    from twelvefactor_lint.analyze.python.api_calls import _api_of
    from twelvefactor_lint.analyze.python.names import Names

    source = (
        "from aerich import Command\n"
        "async def init_db(config):\n"
        "    command = Command(tortoise_config=config)\n"
        "    await command.init()\n"
        "    await command.upgrade(run_in_transaction=True)\n"
        "    await command.history()\n"
    )
    tree = ast.parse(source)
    names = Names(tree, [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))])
    function = tree.body[1]
    calls = {c.func.attr: _api_of(c, names, function) for c in ast.walk(function)
             if isinstance(c, ast.Call) and isinstance(c.func, ast.Attribute)}
    assert calls["upgrade"] == ("migrate", ())
    assert calls["init"] is None and calls["history"] is None
