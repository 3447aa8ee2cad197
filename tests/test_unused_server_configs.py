"""Deploy leftovers beside the deploy that runs the app: a gunicorn config nothing starts the server with
(link.server_configs, TF1103) and a systemd unit for a program the container deploy runs (link.daemons, TF801)."""

from __future__ import annotations

from twelvefactor_lint.link.daemons import _programs

_OLD = 'accesslog = "/data/log/access.log"\n'
_K8S = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\nspec:\n  template:\n    spec:\n"
        "      containers:\n        - name: {name}\n          image: ghcr.io/example/app:1\n")


def _found(result, rule):
    return sorted((f.path, f.line, f.severity) for f in result.findings if f.rule == rule)


def test_a_config_the_start_in_a_build_directory_does_not_load_is_a_leftover(lint):
    """The image's recipe under `build/` (which discovery skips) loads another config: info, naming that start."""
    result = lint({"docker/configs/gunicorn.conf.py": _OLD,
                   "build/app/Dockerfile": "FROM python:3.12\nCOPY build/app/gunicorn.conf.py /srv/gunicorn.conf.py\n"
                                           'CMD ["./start.sh"]\n',
                   "build/app/start.sh": "#!/bin/sh\nexec gunicorn \\\n  -c /srv/gunicorn.conf.py \\\n  app.wsgi\n",
                   "build/app/gunicorn.conf.py": 'accesslog = "-"\n'})
    [finding] = [f for f in result.findings if f.rule == "TF1103"]
    assert (finding.path, finding.severity) == ("docker/configs/gunicorn.conf.py", "info")
    assert "build/app/start.sh runs gunicorn -c `/srv/gunicorn.conf.py`" in finding.message


_LOADS_OTHER = {"Procfile": "web: gunicorn -c deploy/gunicorn.conf.py app.wsgi\n",
                "deploy/gunicorn.conf.py": 'accesslog = "-"\n'}


def test_a_config_nothing_loads_beside_a_start_loading_another_is_info(lint):
    assert _found(lint({**_LOADS_OTHER, "docker/configs/gunicorn.conf.py": _OLD}), "TF1103") == [
        ("docker/configs/gunicorn.conf.py", 1, "info")]


def test_a_config_a_deploy_file_mounts_stays_a_warning(lint):
    mounted = "services:\n  web:\n    image: app\n    volumes:\n      - ./docker/configs:/etc/gunicorn\n"
    assert _found(lint({**_LOADS_OTHER, "docker/configs/gunicorn.conf.py": _OLD, "docker-compose.prod.yml": mounted}),
                  "TF1103") == [("docker/configs/gunicorn.conf.py", 1, "warning")]


def test_a_config_with_no_start_loading_another_stays_a_warning(lint):
    """It may be the only trace of how the server runs."""
    assert _found(lint({"docker/configs/gunicorn.conf.py": _OLD}), "TF1103") == [
        ("docker/configs/gunicorn.conf.py", 1, "warning")]


def test_gunicorn_conf_py_at_the_root_is_read_unasked(lint):
    assert _found(lint({**_LOADS_OTHER, "gunicorn.conf.py": _OLD}), "TF1103") == [("gunicorn.conf.py", 1, "warning")]


def test_a_units_program_is_named_through_paths_interpreters_and_bin_variables():
    assert _programs("${CELERY_BIN} -A $CELERY_APP multi start w1") == {"celery"}
    assert _programs("/srv/venv/bin/python -m celery -A app worker") == {"celery"}
    assert _programs("exec /srv/venv/bin/gunicorn app.wsgi") == {"gunicorn"}
    assert _programs("/bin/bash -c 'screen -dmS app /opt/app/start.sh'") == set()


_UNIT = "[Service]\nType=forking\nExecStart=/srv/venv/bin/celery -A app multi start w1\n"


def test_a_forking_unit_beside_a_container_deploy_of_its_program_is_info(lint):
    assert _found(lint({"deploy/celeryd.service": _UNIT, "k8s/celery.yaml": _K8S.format(name="celery")}), "TF801") == [
        ("deploy/celeryd.service", 2, "info")]


def test_a_forking_unit_beside_a_container_deploy_of_other_programs_stays_a_warning(lint):
    assert _found(lint({"deploy/celeryd.service": _UNIT, "k8s/web.yaml": _K8S.format(name="web")}), "TF801") == [
        ("deploy/celeryd.service", 2, "warning")]


def test_a_forking_unit_that_is_the_only_deploy_stays_a_warning(lint):
    assert _found(lint({"deploy/celeryd.service": _UNIT}), "TF801") == [("deploy/celeryd.service", 2, "warning")]
